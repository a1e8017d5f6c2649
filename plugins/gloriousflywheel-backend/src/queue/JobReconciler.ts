import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { ActionsJob } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { z } from 'zod';
import { ActionsJobRecords } from '../database/ActionsJobStore';
import { GitHubClient } from '../adoption/GitHubClient';
import { fromGitHubJob, githubJob, jobsListResponse } from './githubJob';

/** Runs listed per repository and pass: recent enough to hold any run a webhook missed. */
const RUNS_PER_PAGE = 20;
/** ETags remembered (one per URL): a few per active repository. */
const MAX_ETAGS = 20_000;
/** 304s cost no rate limit, but are bounded too, as a multiple of the charged budget. */
const CONDITIONAL_FACTOR = 5;
/** Repositories considered per pass at most. */
const MAX_REPOS = 10_000;

const runsListResponse = z.object({
  workflow_runs: z.array(
    z.object({
      id: z.number().int().positive(),
      status: z.string().nullable(),
    }),
  ),
});

/** What one pass did, for logs, tests and the bench. */
export interface ReconcileOutcome {
  repos: number;
  /** repositories left for a later pass because the budget ran out */
  deferred: number;
  /** requests GitHub charged (not 304) */
  charged: number;
  notModified: number;
  /** jobs read from changed answers */
  jobs: number;
  errors: number;
}

/**
 * Catches workflow_job deliveries that never arrived: for repositories with recent job activity,
 * lists their latest runs and fetches the jobs of runs that are not finished or that the store
 * still holds open, with conditional requests (ETag → 304, which GitHub does not charge). Each pass
 * spends at most `requestsPerPass` charged requests: repositories with open jobs first, the rest
 * round-robin from where the previous pass stopped.
 */
export class JobReconciler {
  private readonly etags = new Map<string, string>();
  private cursor = '';

  constructor(
    private readonly options: {
      store: ActionsJobRecords;
      clientFor: (owner: string) => GitHubClient | undefined;
      ingest: (jobs: ActionsJob[]) => Promise<void>;
      requestsPerPass: number;
      activeWithinMinutes: number;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  /** A conditional GET: the body, or `unchanged` on 304 (nothing new since the last answer). */
  private async get(
    client: GitHubClient,
    url: string,
    budget: { charged: number; notModified: number },
  ): Promise<unknown | 'unchanged'> {
    const known = this.etags.get(url);
    try {
      const res = await client.octokit.request(`GET ${url}`, {
        headers: known ? { 'if-none-match': known } : {},
      });
      budget.charged++;
      const etag = res.headers.etag as string | undefined;
      // re-inserted: the map's order is the eviction order
      this.etags.delete(url);
      if (etag) this.etags.set(url, etag);
      if (this.etags.size > MAX_ETAGS)
        this.etags.delete(this.etags.keys().next().value!);
      return res.data;
    } catch (e) {
      if ((e as { status?: number }).status === 304) {
        budget.notModified++;
        return 'unchanged';
      }
      budget.charged++;
      throw e;
    }
  }

  /** One job from GitHub (`GET /repos/{owner}/{repo}/actions/jobs/{job_id}`), stored; undefined if GitHub has none. */
  async fetchJob(repo: string, jobId: number): Promise<ActionsJob | undefined> {
    const [owner, name] = repo.split('/');
    const client = this.options.clientFor(owner);
    if (!client) return undefined;
    let data: unknown;
    try {
      // unconditional: the caller wants the job's current state, not whether it changed
      this.etags.delete(`/repos/${owner}/${name}/actions/jobs/${jobId}`);
      data = await this.get(
        client,
        `/repos/${owner}/${name}/actions/jobs/${jobId}`,
        { charged: 0, notModified: 0 },
      );
    } catch (e) {
      if ((e as { status?: number }).status === 404) return undefined;
      throw e;
    }
    const parsed = githubJob.safeParse(data);
    if (!parsed.success)
      throw new Error(
        `GitHub answered job ${repo}#${jobId} with an unexpected body: ${parsed.error.issues[0]?.message}`,
      );
    const job = fromGitHubJob(parsed.data, repo);
    await this.options.ingest([job]);
    return job;
  }

  /** One pass over the active repositories, within the budget. */
  async run(): Promise<ReconcileOutcome> {
    const { store, requestsPerPass } = this.options;
    const now = this.options.now?.() ?? new Date();
    const active = await store.reposActiveSince(
      new Date(now.getTime() - this.options.activeWithinMinutes * 60_000),
      MAX_REPOS,
    );
    const withOpen = new Set<string>();
    const open = new Map<string, number[]>();
    for (const repo of active) {
      const runs = await store.openRuns(repo);
      open.set(repo, runs);
      if (runs.length) withOpen.add(repo);
    }
    const rest = active.filter(r => !withOpen.has(r));
    const start = rest.findIndex(r => r > this.cursor);
    const ordered = [
      ...withOpen,
      ...(start < 0 ? rest : [...rest.slice(start), ...rest.slice(0, start)]),
    ];

    const budget = { charged: 0, notModified: 0 };
    const outcome: ReconcileOutcome = {
      repos: 0,
      deferred: 0,
      charged: 0,
      notModified: 0,
      jobs: 0,
      errors: 0,
    };
    const spent = () =>
      budget.charged >= requestsPerPass ||
      budget.notModified >= requestsPerPass * CONDITIONAL_FACTOR;
    for (const repo of ordered) {
      if (spent()) {
        outcome.deferred++;
        continue;
      }
      const [owner, name] = repo.split('/');
      const client = this.options.clientFor(owner);
      if (!client) continue;
      outcome.repos++;
      try {
        const listed = await this.get(
          client,
          `/repos/${owner}/${name}/actions/runs?per_page=${RUNS_PER_PAGE}`,
          budget,
        );
        const runs = new Set(open.get(repo) ?? []);
        if (listed !== 'unchanged') {
          for (const run of runsListResponse.parse(listed).workflow_runs)
            if (run.status !== 'completed') runs.add(run.id);
        }
        for (const runId of runs) {
          if (spent()) break;
          const body = await this.get(
            client,
            `/repos/${owner}/${name}/actions/runs/${runId}/jobs?per_page=100`,
            budget,
          );
          if (body === 'unchanged') continue;
          const jobs = jobsListResponse.parse(body);
          await this.options.ingest(jobs.jobs.map(j => fromGitHubJob(j, repo)));
          outcome.jobs += jobs.jobs.length;
        }
        if (!withOpen.has(repo)) this.cursor = repo;
      } catch (e) {
        outcome.errors++;
        this.options.logger.warn(
          `queue reconciliation of ${repo} failed: ${e}`,
        );
      }
    }
    outcome.charged = budget.charged;
    outcome.notModified = budget.notModified;
    if (outcome.deferred) {
      this.options.logger.info(
        `queue reconciliation: request budget spent (${budget.charged} requests); ${outcome.deferred} repositories wait for the next pass`,
      );
    }
    return outcome;
  }

  /** A global task: one replica reconciles per pass. */
  async schedule(
    scheduler: SchedulerService,
    schedule: SchedulerServiceTaskScheduleDefinition,
  ) {
    await scheduler.scheduleTask({
      id: 'gloriousflywheel-queue-reconcile',
      scope: 'global',
      ...schedule,
      fn: async () => {
        await this.run();
      },
    });
  }
}
