import fs from 'node:fs';
import path from 'node:path';

/**
 * Finds a file of an installed package by walking up the node_modules folders from this package,
 * as Node's resolution would. Used for ESM-only packages whose exports map hides their files from
 * `require.resolve` (`@octokit/graphql-schema`, `@octokit/webhooks-methods`).
 */
export function findGitHubPackageFile(pkg: string, file: string): string {
  let dir = path.dirname(
    require.resolve('@internal/fleet-sandbox/package.json'),
  );
  for (;;) {
    const candidate = path.join(dir, 'node_modules', pkg, file);
    if (fs.existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir)
      throw new Error(
        `fleet-sandbox: ${pkg}/${file} not found in any node_modules`,
      );
    dir = up;
  }
}

/** The lexical order of two sort keys (numbers or strings), -1 / 0 / 1. */
export function compareKeys(a: string | number, b: string | number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
