import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isScorecardInput } from '../runScorecard';
import type { RepositorySnapshot, ScorecardConfig } from '../types';

/** A fixture repository as the scorecard sees it (tests only; the CLI has the real checkout reader). */
export function readFixtureRepo(
  root: string,
  config: ScorecardConfig,
): RepositorySnapshot {
  const files: Record<string, string> = {};
  const entries = readdirSync(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name)
      .slice(root.length + 1)
      .split('\\')
      .join('/');
    if (isScorecardInput(path, config))
      files[path] = readFileSync(join(root, path), 'utf8');
  }
  return { defaultBranch: 'main', files };
}
