import { ScorecardCheck, ScorecardContext, ScorecardEvidence } from '../types';
import { scanFiles } from '../scanFiles';
import { verdictOfEvidence } from '../verdict';
import { workflowErrorEvidence } from './workflowErrors';

/** Where the repo declares the cache-backed wrapper contract, if it does, and what was too large to look in. */
function wrapperContract(context: ScorecardContext): {
  contract?: ScorecardEvidence;
  unscanned: ScorecardEvidence[];
} {
  const { files } = context.snapshot;
  const { bazelWrapper, bazelSubstrateMode } = context.config;
  if (files[bazelWrapper] !== undefined)
    return { contract: { path: bazelWrapper }, unscanned: [] };
  const mode = new RegExp(
    `GF_BAZEL_SUBSTRATE_MODE\\s*[:=]\\s*["']?${bazelSubstrateMode.replace(
      /[.*+?^${}()|[\]\\]/g,
      '\\$&',
    )}\\b`,
  );
  const { found, unscanned } = scanFiles(
    context,
    context.workflows.map(w => w.path),
    l => mode.test(l),
    { first: true },
  );
  if (found.length === 0) return { unscanned };
  const { path, line, excerpt } = found[0];
  return { contract: { path, line, excerpt }, unscanned };
}

/** @public */
export const bazelCacheWrapperCheck: ScorecardCheck = {
  id: 'bazel-cache-wrapper',
  title: 'Bazel runs through the cache-backed wrapper',
  severity: 'error',
  rationale:
    'The wrapper checks cache attachment before Bazel runs; bare `bazel build|test` in CI can silently build without the shared cache.',
  rule: context => {
    const { contract, unscanned } = wrapperContract(context);
    if (!contract && unscanned.length > 0) {
      return {
        verdict: 'unknown',
        summary: `No cache-backed wrapper contract found; ${unscanned.length} workflows too large to scan for it`,
        evidence: unscanned,
      };
    }
    if (!contract) {
      return {
        verdict: 'pass',
        summary: `No cache-backed wrapper contract (${context.config.bazelWrapper}); direct Bazel is not checked`,
        evidence: [],
      };
    }
    const wrapped = new Set(context.config.bazelWrappedSubcommands);
    const evidence: ScorecardEvidence[] = workflowErrorEvidence(context);
    for (const workflow of context.workflows) {
      for (const job of workflow.jobs) {
        for (const step of job.steps) {
          for (const bazel of step.bazel) {
            if (!wrapped.has(bazel.subcommand)) continue;
            evidence.push({
              path: workflow.path,
              line: bazel.line,
              excerpt: bazel.excerpt,
              verdict: 'fail',
              note: `Job ${job.id} runs bazel ${bazel.subcommand} directly instead of ${context.config.bazelWrapper}`,
            });
          }
        }
      }
    }
    const verdict = verdictOfEvidence(evidence);
    const direct = evidence.filter(e => e.verdict === 'fail').length;
    return {
      verdict,
      summary:
        verdict === 'pass'
          ? `Wrapper contract declared in ${contract.path}; no direct bazel ${[
              ...wrapped,
            ].join('|')} in workflows`
          : `${direct} direct Bazel invocations although ${contract.path} declares the wrapper contract`,
      evidence,
    };
  },
};
