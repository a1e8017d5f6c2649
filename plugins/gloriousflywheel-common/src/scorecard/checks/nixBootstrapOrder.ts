import { WorkflowStepInspection } from '../../workflows';
import { ScorecardCheck, ScorecardEvidence } from '../types';
import { resultOfEvidence } from '../verdict';
import { stepKeys } from './scriptCalls';
import { firstLine, workflowErrorEvidence } from './workflowErrors';

const actionRef = (uses: string) =>
  uses.trim().split('@')[0].replace(/\/+$/, '').toLowerCase();

/**
 * Whether a step's `uses:` is one of the configured installer actions: an `owner/repo` entry
 * covers any path in that repository, an `owner/repo/path` entry that action only.
 */
export function isConfiguredInstaller(
  uses: string | undefined,
  installers: readonly string[],
): boolean {
  if (!uses) return false;
  const ref = actionRef(uses);
  return installers.some(entry => {
    const e = actionRef(entry);
    return ref === e || (e.split('/').length === 2 && ref.startsWith(`${e}/`));
  });
}

const excerptOf = (step: WorkflowStepInspection) =>
  step.uses ??
  (step.run === undefined ? undefined : firstLine(step.run).trim());

/** @public */
export const nixBootstrapOrderCheck: ScorecardCheck = {
  id: 'nix-bootstrap-order',
  title: 'Nix is bootstrapped before any Nix or cache step',
  severity: 'error',
  rationale:
    'On nix runner classes, Nix, Attic and FlakeHub steps assume a working Nix; using them before an explicit, unconditional bootstrap (an installer action or script) makes the job depend on runner image drift.',
  rule: context => {
    const { config } = context;
    const nixClasses = new Set(
      config.runnerClasses
        .filter(c => c.capabilities.includes('nix'))
        .map(c => c.name),
    );
    const evidence: ScorecardEvidence[] = workflowErrorEvidence(context);
    let nixJobs = 0;
    for (const workflow of context.workflows) {
      for (const job of workflow.jobs) {
        if (!job.runnerClass || !nixClasses.has(job.runnerClass)) continue;
        nixJobs++;
        let guarded: { line: number; condition: string } | undefined;
        for (const step of job.steps) {
          const installer =
            step.installsNix ||
            isConfiguredInstaller(step.uses, config.nixInstallerActions);
          if (installer) {
            const { condition } = stepKeys(context, workflow.path, step.line);
            if (condition === undefined) break;
            // A guarded installer may not run: the job is not bootstrapped by it.
            guarded ??= { line: step.line, condition };
            continue;
          }
          if (step.usesNix || step.cacheStep) {
            evidence.push({
              path: workflow.path,
              line: step.line,
              excerpt: excerptOf(step),
              verdict: 'fail',
              note: `Job ${job.id} (${job.runnerClass}) uses ${
                step.cacheStep ? 'a cache' : 'Nix'
              } before bootstrapping Nix${
                guarded
                  ? ` (the installer at line ${guarded.line} runs only if ${guarded.condition})`
                  : ''
              }`,
            });
            break;
          }
        }
      }
    }
    return resultOfEvidence(evidence, (verdict, count) =>
      verdict === 'pass'
        ? `${nixJobs} jobs on nix runner classes bootstrap Nix before using it`
        : `${count(
            'fail',
          )} of ${nixJobs} nix-class jobs use Nix or a cache before bootstrapping Nix; ${count(
            'unknown',
          )} workflows unreadable`,
    );
  },
};
