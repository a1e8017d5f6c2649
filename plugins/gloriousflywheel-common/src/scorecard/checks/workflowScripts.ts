import { WorkflowStepInspection } from '../../workflows';
import { matchesPathGlob } from '../pathGlob';
import { ScorecardCheck, ScorecardEvidence } from '../types';
import { resultOfEvidence } from '../verdict';
import { preflightCommand, scriptCalls, stepKeys } from './scriptCalls';
import { sourceLine, workflowErrorEvidence } from './workflowErrors';

/** @public */
export const workflowScriptsCheck: ScorecardCheck = {
  id: 'workflow-scripts-present',
  title: 'Scripts that workflows call exist in the repository',
  severity: 'error',
  rationale:
    'A proof or build job that calls a wrapper or preflight script the repository does not have fails on every run, or proves nothing.',
  rule: context => {
    const { config, snapshot } = context;
    const preflight = preflightCommand(config.cacheAttachmentPreflight);
    const watched = (path: string) =>
      path === config.bazelWrapper ||
      path === preflight?.path ||
      matchesPathGlob(path, config.scriptPaths);
    const evidence: ScorecardEvidence[] = workflowErrorEvidence(context);
    let calls = 0;
    const visit = (
      job: string,
      path: string,
      steps: readonly WorkflowStepInspection[],
      depth: number,
    ) => {
      for (const step of steps) {
        // a composite action's `run:` works in the caller's checkout too
        if (step.block?.status === 'followed' && step.block.path && depth < 4)
          visit(job, step.block.path, step.block.steps, depth + 1);
        if (step.run === undefined) continue;
        for (const call of scriptCalls(step.run)) {
          if (!watched(call.path)) continue;
          calls++;
          if (snapshot.files[call.path] !== undefined) continue;
          const line = (step.runLine ?? step.line) + call.line;
          const at = {
            path,
            line,
            excerpt: sourceLine(context, path, line),
          };
          // Relative to another directory, the path may name a different file.
          if (stepKeys(context, path, step.line).workingDirectory) {
            evidence.push({
              ...at,
              verdict: 'unknown',
              note: `Job ${job} calls ${call.path} from a working-directory`,
            });
          } else {
            evidence.push({
              ...at,
              verdict: 'fail',
              note: `Job ${job} calls ${call.path}, which is not in the repository`,
            });
          }
        }
      }
    };
    for (const workflow of context.workflows) {
      for (const job of workflow.jobs)
        visit(job.id, workflow.path, job.steps, 0);
    }
    return resultOfEvidence(evidence, (verdict, count) =>
      verdict === 'pass'
        ? `${calls} calls of repository scripts, all present`
        : `${count('fail')} of ${calls} script calls name a missing script`,
    );
  },
};
