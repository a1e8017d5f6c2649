import { z } from 'zod';
import {
  ActionsJob,
  ActionsJobStatus,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

const ghName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be a GitHub owner or repository name');
const time = z.string().datetime({ offset: true });
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const label = z.string().min(1).max(255);

/**
 * The fields of a GitHub Actions job the portal reads: the `workflow_job` object of the webhook
 * and an item of `GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs` share this shape.
 * The REST API also reports `requested` and `pending`: both still wait for a runner.
 */
export const githubJob = z.object({
  id,
  run_id: id,
  name: z.string().max(1000),
  workflow_name: z.string().max(1000).nullable().optional(),
  html_url: z.string().url().max(1000).nullable(),
  status: z.enum([
    'queued',
    'waiting',
    'in_progress',
    'completed',
    'requested',
    'pending',
  ]),
  conclusion: z.string().max(64).nullable(),
  created_at: time,
  started_at: time.nullable().optional(),
  completed_at: time.nullable().optional(),
  labels: z.array(label).max(100),
  runner_name: z.string().max(255).nullable().optional(),
  runner_group_name: z.string().max(255).nullable().optional(),
});

/** GitHub's job object as {@link githubJob} parses it. */
export type GitHubJob = z.infer<typeof githubJob>;

/** Body of a `workflow_job` webhook delivery: the fields read. */
export const workflowJobPayload = z.object({
  action: z.string().max(64),
  workflow_job: githubJob,
  repository: z.object({
    name: ghName,
    full_name: z.string().max(201).optional(),
    owner: z.object({ login: ghName }),
  }),
});

/** Body of `GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs`: the fields read. */
export const jobsListResponse = z.object({
  total_count: z.number().int(),
  jobs: z.array(githubJob),
});

const STATUS: Record<GitHubJob['status'], ActionsJobStatus> = {
  queued: 'queued',
  requested: 'queued',
  pending: 'queued',
  waiting: 'waiting',
  in_progress: 'in_progress',
  completed: 'completed',
};

/**
 * GitHub's job as the portal stores it, before the fleet's facts (runner class, scale set) are
 * added. GitHub fills `started_at` already while a job is queued; only a job that runs or ran has
 * really started.
 */
export function fromGitHubJob(job: GitHubJob, repo: string): ActionsJob {
  const status = STATUS[job.status];
  const waiting = status === 'queued' || status === 'waiting';
  return {
    id: job.id,
    runId: job.run_id,
    repo,
    name: job.name,
    workflowName: job.workflow_name ?? null,
    htmlUrl: job.html_url,
    status,
    conclusion: job.conclusion,
    labels: job.labels,
    runnerName: job.runner_name || null,
    runnerGroupName: job.runner_group_name || null,
    createdAt: new Date(job.created_at).toISOString(),
    startedAt:
      waiting || !job.started_at
        ? null
        : new Date(job.started_at).toISOString(),
    completedAt: job.completed_at
      ? new Date(job.completed_at).toISOString()
      : null,
    scaleSet: null,
    runnerClass: null,
  };
}
