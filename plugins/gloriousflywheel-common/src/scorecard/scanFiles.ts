import { fileLines, unscannedEvidence } from './checks/workflowErrors';
import { matchesPathGlob } from './pathGlob';
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
  /** matching lines past {@link MAX_SCAN_MATCHES}, counted but not listed */
  omitted: number;
}

/**
 * Matching lines one scan lists: a repository cannot grow its stored and served result without
 * bound by repeating a matching line; the rest are counted.
 */
export const MAX_SCAN_MATCHES = 100;
/** Characters of a matching line kept as its excerpt. */
export const MAX_EXCERPT_CHARS = 200;

const excerptOf = (line: string) => {
  const trimmed = line.trim();
  return trimmed.length > MAX_EXCERPT_CHARS
    ? `${trimmed.slice(0, MAX_EXCERPT_CHARS)}…`
    : trimmed;
};

/** Evidence for the lines a scan counted but did not list, if any. */
export function omittedEvidence(scan: FileScan<unknown>): ScorecardEvidence[] {
  if (scan.omitted === 0) return [];
  return [
    {
      path: scan.found[scan.found.length - 1].path,
      note: `${scan.omitted} more matching lines not listed`,
    },
  ];
}

/**
 * The snapshot's docs under `surfaces`, in path order: historical notes (research notes, ADRs)
 * are never active docs, and `except` leaves out what another check reads.
 */
export function activeDocPaths(
  context: ScorecardContext,
  surfaces: readonly string[],
  except: (path: string) => boolean = () => false,
): string[] {
  const { historicalPaths } = context.config;
  return Object.keys(context.snapshot.files)
    .sort()
    .filter(
      path =>
        matchesPathGlob(path, surfaces) &&
        !matchesPathGlob(path, historicalPaths) &&
        !except(path),
    );
}

/**
 * The lines of each of `paths`, file by file. A file too large to scan is not read: its `unknown`
 * evidence goes to `unscanned`, which leaves the check undecided.
 */
export function* scannableFiles(
  context: ScorecardContext,
  paths: Iterable<string>,
  unscanned: ScorecardEvidence[],
): Generator<{ path: string; lines: string[] }> {
  const { files } = context.snapshot;
  for (const path of paths) {
    const tooLarge = unscannedEvidence(path, files[path] ?? '');
    if (tooLarge) unscanned.push(tooLarge);
    else yield { path, lines: fileLines(context, path) };
  }
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
  const scan: FileScan<T> = { found: [], unscanned: [], omitted: 0 };
  for (const { path, lines } of scannableFiles(
    context,
    paths,
    scan.unscanned,
  )) {
    for (let index = 0; index < lines.length; index++) {
      const found = match(lines[index]);
      if (found === undefined || found === false) continue;
      if (scan.found.length >= MAX_SCAN_MATCHES) {
        scan.omitted++;
        continue;
      }
      scan.found.push({
        path,
        line: index + 1,
        excerpt: excerptOf(lines[index]),
        match: found,
      });
      if (options.first) return scan;
    }
  }
  return scan;
}
