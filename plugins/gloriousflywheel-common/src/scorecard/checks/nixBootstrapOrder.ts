import { ScorecardCheck, ScorecardEvidence } from '../types';
import { verdictOfEvidence } from '../verdict';
import { firstLine, workflowErrorEvidence } from './workflowErrors';

/** @public */
export const nixBootstrapOrderCheck: ScorecardCheck = {
  id: 'nix-bootstrap-order',
  title: 'Nix is bootstrapped before cache and FlakeHub steps',
  severity: 'error',
  rationale:
    'On nix runner classes, cache and FlakeHub steps assume a working Nix; running them before an explicit bootstrap makes the job depend on runner image drift.',
  rule: context => {
    const nixClasses = new Set(
      context.config.runnerClasses
        .filter(c => c.capabilities.includes('nix'))
        .map(c => c.name),
    );
    const evidence: ScorecardEvidence[] = workflowErrorEvidence(context);
    let nixJobs = 0;
    for (const workflow of context.workflows) {
      for (const job of workflow.jobs) {
        if (!job.runnerClass || !nixClasses.has(job.runnerClass)) continue;
        nixJobs++;
        for (const step of job.steps) {
          if (step.installsNix) break;
          if (step.cacheStep) {
            evidence.push({
              path: workflow.path,
              line: step.line,
              excerpt:
                step.uses ??
                (step.run === undefined
                  ? undefined
                  : firstLine(step.run).trim()),
              verdict: 'fail',
              note: `Job ${job.id} (${job.runnerClass}) runs a cache step before bootstrapping Nix`,
            });
            break;
          }
        }
      }
    }
    const verdict = verdictOfEvidence(evidence);
    return {
      verdict,
      summary:
        verdict === 'pass'
          ? `${nixJobs} jobs on nix runner classes bootstrap Nix before any cache step`
          : `${
              evidence.filter(e => e.verdict === 'fail').length
            } of ${nixJobs} nix-class jobs use a cache before bootstrapping Nix; ${
              evidence.filter(e => e.verdict === 'unknown').length
            } workflows unreadable`,
      evidence,
    };
  },
};
