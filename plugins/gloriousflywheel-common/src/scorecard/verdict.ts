import {
  ScorecardEvidence,
  ScorecardRuleResult,
  ScorecardVerdict,
} from './types';

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

/**
 * A rule's result from its evidence: the verdict the evidence supports, put in words by `summary`,
 * which is told that verdict and how many pieces of evidence state each verdict.
 */
export function resultOfEvidence(
  evidence: ScorecardEvidence[],
  summary: (
    verdict: ScorecardVerdict,
    count: (of: ScorecardVerdict) => number,
  ) => string,
): ScorecardRuleResult {
  const verdict = verdictOfEvidence(evidence);
  const count = (of: ScorecardVerdict) =>
    evidence.filter(e => e.verdict === of).length;
  return { verdict, summary: summary(verdict, count), evidence };
}
