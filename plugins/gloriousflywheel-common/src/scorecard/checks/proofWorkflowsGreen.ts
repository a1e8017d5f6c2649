import { WorkflowInspection } from '../../workflows';
import { ScorecardCheck, ScorecardEvidence, ScorecardVerdict } from '../types';
import { resultOfEvidence } from '../verdict';

const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * The proof workflows among a repository's workflows: those `proofWorkflows` names (file path,
 * file name or workflow `name:`), or with none named those whose file or name says "proof"; and
 * the names no workflow answers to. The proof check and the adoption scan (which reads these
 * workflows' runs) pick them by this one rule.
 *
 * @public
 */
export function findProofWorkflows(
  workflows: readonly WorkflowInspection[],
  proofWorkflows: readonly string[],
): {
  found: WorkflowInspection[];
  missing: string[];
} {
  const matches = (w: WorkflowInspection, ref: string) =>
    w.path === ref || fileName(w.path) === ref || w.name === ref;
  if (proofWorkflows.length === 0) {
    return {
      found: workflows.filter(w =>
        /proof/i.test(`${fileName(w.path)} ${w.name ?? ''}`),
      ),
      missing: [],
    };
  }
  return {
    found: workflows.filter(w => proofWorkflows.some(ref => matches(w, ref))),
    missing: proofWorkflows.filter(
      ref => !workflows.some(w => matches(w, ref)),
    ),
  };
}

function conclusionVerdict(conclusion: string | null): ScorecardVerdict {
  if (conclusion === 'success' || conclusion === 'neutral') return 'pass';
  if (conclusion === null || conclusion === 'skipped' || conclusion === 'stale')
    return 'unknown';
  return 'fail';
}

/** @public */
export const proofWorkflowsGreenCheck: ScorecardCheck = {
  id: 'proof-workflows-green',
  title: 'Proof workflows are green on the default branch',
  severity: 'error',
  rationale:
    'Dogfood claims rest on the latest default-branch proof runs; a red or missing proof means the claim is not proved.',
  rule: context => {
    const { found, missing } = findProofWorkflows(
      context.workflows,
      context.config.proofWorkflows,
    );
    const evidence: ScorecardEvidence[] = missing.map(ref => ({
      path: ref,
      verdict: 'fail',
      note: `Configured proof workflow ${ref} is not on the default branch`,
    }));
    if (found.length === 0 && missing.length === 0) {
      return {
        verdict: 'unknown',
        summary: 'No proof workflows configured or found',
        evidence,
      };
    }
    const runs = context.snapshot.latestRuns;
    for (const workflow of found) {
      if (!runs) {
        evidence.push({
          path: workflow.path,
          verdict: 'unknown',
          note: 'Needs run data (not available offline)',
        });
        continue;
      }
      const run =
        runs.find(r => r.workflowPath === workflow.path) ??
        runs.find(r => workflow.name !== undefined && r.name === workflow.name);
      if (!run) {
        evidence.push({
          path: workflow.path,
          verdict: 'unknown',
          note: `No run of ${context.snapshot.defaultBranch} found`,
        });
        continue;
      }
      evidence.push({
        path: workflow.path,
        ...(run.url && { url: run.url }),
        verdict: conclusionVerdict(run.conclusion),
        note: `Latest ${context.snapshot.defaultBranch} run: ${
          run.conclusion ?? 'in progress'
        }`,
      });
    }
    return resultOfEvidence(evidence, (_, count) =>
      runs
        ? `${count('pass')} of ${
            found.length + missing.length
          } proof workflows green`
        : `${found.length} proof workflows; run conclusions unknown offline`,
    );
  },
};
