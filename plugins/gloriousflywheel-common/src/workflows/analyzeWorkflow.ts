import { inspectWorkflow } from './inspectWorkflow';
import {
  WorkflowAnalysis,
  WorkflowAnalysisOptions,
  WorkflowJobInspection,
  WorkflowJob,
} from './types';

/**
 * The public, JSON-stable shape of a job (field order as documented).
 *
 * @public
 */
export function toWorkflowJob(job: WorkflowJobInspection): WorkflowJob {
  return {
    id: job.id,
    line: job.line,
    labels: job.labels,
    group: job.group,
    dynamic: job.dynamic,
    reusable: job.reusable,
    runnerClass: job.runnerClass,
    hosted: job.hosted,
    runsBazel: job.runsBazel,
    usesNix: job.usesNix,
    ...(job.candidates && { candidates: job.candidates }),
    ...(job.calledLabels && { calledLabels: job.calledLabels }),
    via: job.via,
  };
}

/**
 * Which runner each job of a workflow targets and whether it runs Bazel or Nix. Never throws.
 *
 * @public
 */
export function analyzeWorkflow(
  path: string,
  text: string,
  options: WorkflowAnalysisOptions = {},
): WorkflowAnalysis {
  const inspection = inspectWorkflow(path, text, options);
  return {
    path,
    jobs: inspection.jobs.map(toWorkflowJob),
    error: inspection.error,
  };
}
