import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ACTIONS_JOB_STATUSES,
  parseJobUrl,
  queueReadPermission,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AccessGate } from '../service/access';
import { findJob, QueueRouterOptions } from './queueRouter';

const REPO = /^[A-Za-z0-9._-]{1,100}\/[A-Za-z0-9._-]{1,100}$/;

/**
 * `diagnose-job` in Backstage's actions registry (reachable over MCP): the same lookup, diagnosis
 * and permission (gloriousflywheel.queue.read) as `GET /queue/jobs/...`.
 */
export function registerQueueActions(
  options: QueueRouterOptions & {
    actionsRegistry: ActionsRegistryService;
    access: AccessGate;
  },
) {
  const { actionsRegistry, access, queue } = options;
  actionsRegistry.register({
    name: 'diagnose-job',
    title: 'Diagnose a queued GitHub Actions job',
    description:
      'Says why a GitHub Actions job waits for a self-hosted runner: labels that match no runner class (with the closest ' +
      'label), paused scale sets (by whom, why), capacity (jobs ahead), listener missing or not ready, stale cluster data, ' +
      'scale sets of another organisation or runner group, runners failing to start, caches down; or that the wait is ' +
      "within the runner class's usual p95. Give the job's URL, or repo (owner/name) and jobId. Read-only.",
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          url: z
            .string()
            .max(1000)
            .optional()
            .describe(
              'https://github.com/<owner>/<repo>/actions/runs/<run>/job/<job>',
            ),
          repo: z
            .string()
            .max(201)
            .optional()
            .describe('owner/name, with jobId'),
          jobId: z
            .number()
            .int()
            .positive()
            .optional()
            .describe("GitHub's job id, with repo"),
        }),
      output: z =>
        z.object({
          job: z.object({
            id: z.number(),
            repo: z.string(),
            name: z.string(),
            status: z.enum(
              ACTIONS_JOB_STATUSES as [
                'queued',
                'waiting',
                'in_progress',
                'completed',
              ],
            ),
            labels: z.array(z.string()),
            url: z.string().nullable(),
            runnerClass: z.string().nullable(),
            scaleSet: z
              .string()
              .nullable()
              .describe('cluster/namespace/name of the scale set that took it'),
          }),
          queuedSeconds: z.number(),
          reasons: z
            .array(
              z.object({
                kind: z.string(),
                severity: z.enum(['block', 'warning', 'info']),
                summary: z.string(),
                evidence: z.array(z.string()),
                fix: z.string(),
              }),
            )
            .describe('most important first; empty once the job runs'),
        }),
    },
    action: async ({ input, credentials }) => {
      await access.authorize({
        credentials,
        permission: queueReadPermission,
        attempt: 'diagnose jobs',
      });
      let ref: { repo: string; jobId: number } | undefined;
      if (input.url) ref = parseJobUrl(input.url);
      else if (input.repo && input.jobId)
        ref = { repo: input.repo, jobId: input.jobId };
      if (!ref)
        throw new InputError(
          'give url (a job URL) or repo (owner/name) and jobId',
        );
      if (!REPO.test(ref.repo))
        throw new InputError(`repo must be owner/name, got ${ref.repo}`);
      const job = await findJob(options, ref.repo, ref.jobId);
      if (!job)
        throw new NotFoundError(
          `job ${ref.jobId} of ${ref.repo} is not known to the portal or GitHub`,
        );
      const diagnosis = await queue.diagnose(job);
      return {
        output: {
          job: {
            id: job.id,
            repo: job.repo,
            name: job.name,
            status: job.status,
            labels: job.labels,
            url: job.htmlUrl,
            runnerClass: job.runnerClass,
            scaleSet: job.scaleSet,
          },
          queuedSeconds: diagnosis.queuedSeconds,
          reasons: diagnosis.reasons.map(r => ({
            kind: r.kind,
            severity: r.severity,
            summary: r.summary,
            evidence: r.evidence,
            fix: r.fix,
          })),
        },
      };
    },
  });
}
