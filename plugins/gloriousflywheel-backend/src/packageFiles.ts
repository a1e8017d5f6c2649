import fs from 'node:fs';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

/** This package's name: the one place it is spelled, for files shipped beside the code. */
const PACKAGE_NAME = '@tinyland/backstage-plugin-gloriousflywheel-backend';

/** A file or folder shipped in this package (`migrations`, `proto`, `package.json`), from src or dist. */
export function packageFile(...paths: string[]): string {
  return resolvePackagePath(PACKAGE_NAME, ...paths);
}

/** The installed version of this package, reported by `/health`. */
export function packageVersion(): string {
  return JSON.parse(fs.readFileSync(packageFile('package.json'), 'utf8'))
    .version;
}
