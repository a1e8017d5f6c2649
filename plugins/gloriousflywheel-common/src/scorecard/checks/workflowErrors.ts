import { fileTooLarge } from '../../workflows/limits';
import { ScorecardContext, ScorecardEvidence } from '../types';

/**
 * Largest file a check scans line by line (README and docs, `.bazelrc`, Nix and env files,
 * workflow text). Larger ones are reported as not scanned, which leaves the check undecided.
 */
export const MAX_SCANNED_FILE_BYTES = 1024 * 1024;

/** `unknown` evidence for a file too large to scan, or undefined when it may be scanned. */
export function unscannedEvidence(
  path: string,
  text: string,
): ScorecardEvidence | undefined {
  const tooLarge = fileTooLarge(text, MAX_SCANNED_FILE_BYTES);
  return tooLarge === undefined
    ? undefined
    : {
        path,
        excerpt: tooLarge,
        verdict: 'unknown',
        note: 'File too large to scan',
      };
}

/** Unparsable workflows leave workflow-based checks undecided, never passed. */
export function workflowErrorEvidence(
  context: ScorecardContext,
): ScorecardEvidence[] {
  return context.workflows
    .filter(w => w.error)
    .map(w => ({
      path: w.path,
      line: w.error!.line,
      excerpt: w.error!.message,
      verdict: 'unknown' as const,
      note: 'Workflow could not be parsed',
    }));
}

const linesByFiles = new WeakMap<object, Map<string, string[]>>();

/** A file's lines, split once per snapshot: checks look up a line per job. */
export function fileLines(context: ScorecardContext, path: string): string[] {
  const { files } = context.snapshot;
  let cache = linesByFiles.get(files);
  if (!cache) {
    cache = new Map();
    linesByFiles.set(files, cache);
  }
  let lines = cache.get(path);
  if (!lines) {
    lines = (files[path] ?? '').split(/\r?\n/);
    cache.set(path, lines);
  }
  return lines;
}

/** The trimmed source line, for evidence excerpts. */
export function sourceLine(
  context: ScorecardContext,
  path: string,
  line: number,
): string {
  return (fileLines(context, path)[line - 1] ?? '').trim();
}

/** The first line of a text, without splitting all of it. */
export function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
}
