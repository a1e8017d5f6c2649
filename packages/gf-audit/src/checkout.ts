import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  RepositorySnapshot,
  ScorecardConfig,
  isScorecardInput,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** Directories that hold build output or dependencies, never live surfaces. */
const SKIPPED_DIRECTORIES = new Set([
  '.git',
  'node_modules',
  '.direnv',
  '.toolchain',
  'dist',
  'dist-types',
  'result',
]);
const MAX_FILE_BYTES = 2 * 1024 * 1024;

const toPosix = (path: string) => path.split(sep).join('/');

function walk(
  root: string,
  visit: (relativePath: string, absolutePath: string) => void,
  dir = root,
) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const absolute = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (
        SKIPPED_DIRECTORIES.has(entry.name) ||
        entry.name.startsWith('bazel-')
      )
        continue;
      walk(root, visit, absolute);
    } else if (entry.isFile()) {
      visit(toPosix(relative(root, absolute)), absolute);
    }
  }
}

/** The `*.yml`/`*.yaml` files named by the arguments (directories recursively), sorted. */
export function collectWorkflowFiles(paths: string[]): {
  files: string[];
  missing: string[];
} {
  const files: string[] = [];
  const missing: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) {
      missing.push(path);
      continue;
    }
    if (statSync(path).isDirectory()) {
      const found: string[] = [];
      walk(path, (_rel, absolute) => {
        // walk() joins onto `path`, so results keep the caller's spelling of it.
        if (/\.ya?ml$/.test(absolute)) found.push(absolute);
      });
      files.push(...found.sort());
    } else files.push(path);
  }
  return { files, missing };
}

/** The checkout a workflow file belongs to (the directory holding its `.github`), if any. */
export function repositoryRootOf(workflowFile: string): string | undefined {
  let dir = dirname(resolve(workflowFile));
  for (;;) {
    if (dir.endsWith(`${sep}.github${sep}workflows`))
      return dirname(dirname(dir));
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function readRepositoryFile(
  root: string,
  relativePath: string,
): string | undefined {
  const absolute = resolve(root, relativePath);
  if (!absolute.startsWith(resolve(root) + sep)) return undefined;
  try {
    return statSync(absolute).isFile()
      ? readFileSync(absolute, 'utf8')
      : undefined;
  } catch {
    return undefined;
  }
}

/** The branch a checkout's origin calls default, else the checked-out branch, else `main`. */
function defaultBranchOf(root: string): string {
  for (const [file, prefix] of [
    ['.git/refs/remotes/origin/HEAD', 'ref: refs/remotes/origin/'],
    ['.git/HEAD', 'ref: refs/heads/'],
  ]) {
    const text = readRepositoryFile(root, file)?.trim();
    if (text?.startsWith(prefix)) return text.slice(prefix.length);
  }
  return 'main';
}

/** Reads the files the scorecard looks at from a checkout. */
export function readCheckout(
  root: string,
  config: ScorecardConfig,
): RepositorySnapshot {
  const files: Record<string, string> = {};
  walk(root, (relativePath, absolute) => {
    if (!isScorecardInput(relativePath, config)) return;
    if (statSync(absolute).size > MAX_FILE_BYTES) return;
    files[relativePath] = readFileSync(absolute, 'utf8');
  });
  return { defaultBranch: defaultBranchOf(root), files };
}
