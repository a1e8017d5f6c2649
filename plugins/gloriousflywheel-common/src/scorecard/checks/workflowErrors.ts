import { ScorecardContext, ScorecardEvidence } from '../types';

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

/** The trimmed source line, for evidence excerpts. */
export function sourceLine(
  context: ScorecardContext,
  path: string,
  line: number,
): string {
  const text = context.snapshot.files[path] ?? '';
  return (text.split(/\r?\n/)[line - 1] ?? '').trim();
}
