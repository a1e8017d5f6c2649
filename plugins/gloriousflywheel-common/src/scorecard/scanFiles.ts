import { fileLines, unscannedEvidence } from './checks/workflowErrors';
import { ScorecardContext, ScorecardEvidence } from './types';

/** A line a scan matched, with what the matcher answered for it. */
export interface ScannedLine<T> {
  path: string;
  /** 1-based */
  line: number;
  /** the line, trimmed */
  excerpt: string;
  match: T;
}

/** What a scan found, in the order of the paths and their lines. */
export interface FileScan<T> {
  found: ScannedLine<T>[];
  /** `unknown` evidence for each file too large to scan */
  unscanned: ScorecardEvidence[];
}

/**
 * Looks through the snapshot's files line by line for what `match` recognises (anything but
 * `undefined` or `false`). A file too large to scan is not read but reported as unscanned, which
 * leaves a check undecided. With `first`, the scan stops at the first match.
 */
export function scanFiles<T>(
  context: ScorecardContext,
  paths: Iterable<string>,
  match: (text: string) => T | undefined | false,
  options: { first?: boolean } = {},
): FileScan<T> {
  const { files } = context.snapshot;
  const scan: FileScan<T> = { found: [], unscanned: [] };
  for (const path of paths) {
    const tooLarge = unscannedEvidence(path, files[path] ?? '');
    if (tooLarge) {
      scan.unscanned.push(tooLarge);
      continue;
    }
    const lines = fileLines(context, path);
    for (let index = 0; index < lines.length; index++) {
      const found = match(lines[index]);
      if (found === undefined || found === false) continue;
      scan.found.push({
        path,
        line: index + 1,
        excerpt: lines[index].trim(),
        match: found,
      });
      if (options.first) return scan;
    }
  }
  return scan;
}
