import { createScorecardContext } from '../runScorecard';
import { readScorecardConfig } from '../scorecardConfig';
import {
  ScorecardCheck,
  ScorecardRuleResult,
  WorkflowRunSummary,
} from '../types';

/** The evaluation time the check tests share. */
export const TEST_NOW = new Date('2026-04-25T12:00:00Z');

/** Runs one check's rule on an in-memory repository, as the backend and CLI would. */
export function evaluateCheck(
  check: ScorecardCheck,
  files: Record<string, string>,
  options: {
    config?: unknown;
    now?: Date;
    latestRuns?: WorkflowRunSummary[];
  } = {},
): ScorecardRuleResult {
  const config = readScorecardConfig(options.config ?? {});
  const context = createScorecardContext(
    {
      defaultBranch: 'main',
      files,
      ...(options.latestRuns && { latestRuns: options.latestRuns }),
    },
    config,
    options.now ?? TEST_NOW,
  );
  return check.rule(context);
}

/** A one-job workflow. */
export function workflow(
  runsOn: string,
  steps: string[] = ['- run: make'],
  jobId = 'build',
): string {
  return [
    'on: push',
    'jobs:',
    `  ${jobId}:`,
    `    runs-on: ${runsOn}`,
    '    steps:',
    ...steps.map(s => `      ${s}`),
    '',
  ].join('\n');
}
