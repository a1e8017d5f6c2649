import { ScorecardEvidence, ScorecardVerdict } from './types';

const ORDER: ScorecardVerdict[] = ['fail', 'unknown', 'exempt', 'pass'];

/**
 * Combines verdicts: any `fail` fails, then `unknown`, then `exempt`; only all-pass passes.
 *
 * @public
 */
export function combineVerdicts(
  verdicts: readonly ScorecardVerdict[],
): ScorecardVerdict {
  return ORDER.find(v => verdicts.includes(v)) ?? 'pass';
}

/** The verdict a check's evidence supports (evidence without a verdict counts as failing). */
export function verdictOfEvidence(
  evidence: readonly ScorecardEvidence[],
): ScorecardVerdict {
  return combineVerdicts(evidence.map(e => e.verdict ?? 'fail'));
}
