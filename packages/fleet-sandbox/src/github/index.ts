import { FleetSeed } from '../seed/fleetSeed';
import { listen } from '../http';
import { createAppIdentity, GitHubTokens } from './auth';
import { loadGitHubSchema } from './graphqlApi';
import {
  count,
  emptyCounts,
  GitHubApiContext,
  GitHubRequestCounts,
  isoSeconds,
  rateLimitAdmin,
  send,
} from './apiContext';
import { handleAdmin } from './adminRoutes';
import { handleGraphql } from './graphqlHandler';
import { handleRest } from './restHandler';
import { createRepoAdmin } from './repoAdmin';
import {
  GitHubRateLimiter,
  GitHubRateLimitOptions,
  GitHubRateResource,
  GitHubSecondaryRateLimitOptions,
} from './rateLimit';
import {
  createGitHubSeedContent,
  GitHubRunConclusion,
  GitHubSeedContent,
  GitHubSeedPullRequest,
  GitHubSeedRepo,
  GITHUB_BLOB_TEXT_LIMIT,
} from './seedContent';
import { GitHubStore, RepoState } from './store';
import {
  EnqueueJobRequest,
  JobSimulator,
  JobTransition,
  RunnerFleet,
  RunnerStartFailure,
  SimulatedJob,
} from '../jobs/simulator';
import {
  buildPushPayload,
  buildWorkflowJobPayload,
  buildWorkflowRunPayload,
  deliverGitHubWebhook,
  GitHubWebhookDelivery,
} from './webhooks';

// GitHub-prefixed names: src/index.ts re-exports every part of the sandbox with `export *`
export * from './seedContent';
export type { GitHubRequestKind } from './rest';
export type {
  GitHubRateLimitOptions,
  GitHubSecondaryRateLimitOptions,
  GitHubRateResource,
  GitHubRateBucketState,
} from './rateLimit';
export type { GitHubWebhookDelivery } from './webhooks';
export { loadGitHubWebhooksMethods } from './webhooks';
export type { GitHubGraphqlError } from './graphqlApi';
export {
  loadGitHubSchema,
  analyzeGitHubQuery as analyzeGitHubGraphqlQuery,
  findGitHubSchemaFile,
  validateGitHubGraphql,
} from './graphqlApi';
export { verifyAppJwt as verifyGitHubAppJwt } from './auth';

export interface GitHubSandboxOptions {
  host: string;
  /** 0 = a random free port */
  port: number;
  seed: FleetSeed;
  /** repository content (default: `createGitHubSeedContent(seed)`) */
  content?: GitHubSeedContent;
  /** the personal access token the API accepts (default `ghp_sandbox_token`) */
  token?: string;
  /** primary rate limit: budget per principal and window (default 5000/h core, 5000 points/h graphql) */
  rateLimit?: GitHubRateLimitOptions;
  /** secondary rate limit (default: none, unless triggered in-process) */
  secondaryRateLimit?: GitHubSecondaryRateLimitOptions;
  /** the GitHub App whose installation covers the org */
  app?: {
    appId?: number;
    installationId?: number;
    slug?: string;
    /** PEM (PKCS#1 or PKCS#8) instead of a key generated at start, for a fixed portal config */
    privateKey?: string;
    /** installation token lifetime (default 1 h, as on GitHub) */
    tokenTtlMs?: number;
  };
  /** secret used to sign webhook deliveries (default `sandbox-webhook-secret`) */
  webhookSecret?: string;
  /** where `workflow_job` webhooks go (default none; `setWebhookUrls` changes it) */
  webhookUrls?: string[];
  /** the job simulator (queued jobs → runners of the fleet → completed) */
  jobs?: GitHubJobsOptions;
  graphql?: {
    /** blobs over this size have `text: null` (default 512 KiB) */
    blobTextLimit?: number;
    /** node limit (default 500,000) */
    maxNodes?: number;
  };
}

/** Options of the job simulator. */
export interface GitHubJobsOptions {
  /** the cluster side that runs jobs (default none: jobs stay queued) */
  fleet?: RunnerFleet;
  /** time source (default Date.now); tests pass a manual clock and call `tickJobs()` */
  clock?: () => number;
  /** ticks by itself every this many ms (default 0 = only on `tickJobs()`) */
  autoTickMs?: number;
  runnerStartupMs?: number;
  jobDurationMs?: number;
  retryMs?: number;
}

/** One `workflow_job` webhook delivery attempt. */
export interface GitHubWebhookDeliveryRecord {
  deliveryId?: string;
  event: string;
  action: string;
  jobId: number;
  url: string;
  /** the receiver's HTTP status; absent when it could not be reached */
  status?: number;
  error?: string;
  at: string;
}

export type {
  EnqueueJobRequest as GitHubEnqueueJobRequest,
  JobTransition as GitHubJobTransition,
  RunnerFleet as GitHubRunnerFleet,
  RunnerStartFailure as GitHubRunnerStartFailure,
  SimulatedJob as GitHubSimulatedJob,
} from '../jobs/simulator';

/** A repository as the admin API reports it. */
export interface GitHubRepoSnapshot {
  owner: string;
  name: string;
  tier: GitHubSeedRepo['tier'];
  isFork: boolean;
  isArchived: boolean;
  isPrivate: boolean;
  defaultBranch: string;
  headOid: string;
  treeOid: string;
  pushedAt: string;
  files: string[];
  workflows: string[];
}

export interface GitHubCommitResult {
  before: string;
  after: string;
  pushedAt: string;
}

export type { GitHubRequestCounts } from './apiContext';

/** The GitHub API stand-in: REST + GraphQL subset, App tokens, rate limits, webhooks. */
export interface GitHubSandbox {
  url: string;
  /** the GraphQL endpoint (`${url}/graphql`) */
  graphqlUrl: string;
  /** personal access token the API accepts */
  token: string;
  org: string;
  /** the GitHub App installed on the org; configure `@octokit/auth-app` with these */
  app: {
    appId: number;
    clientId: string;
    slug: string;
    installationId: number;
    /** PKCS#1 PEM */
    privateKey: string;
  };
  webhookSecret: string;
  close(): Promise<void>;

  // ---- repository content (admin; never counted)
  listRepos(): GitHubRepoSnapshot[];
  getRepo(owner: string, name: string): GitHubRepoSnapshot | undefined;
  readFile(owner: string, name: string, path: string): string | undefined;
  /** Commits one file (new head oid, pushedAt = now). */
  putFile(
    owner: string,
    name: string,
    path: string,
    content: string | Buffer,
    message?: string,
  ): GitHubCommitResult;
  deleteFile(
    owner: string,
    name: string,
    path: string,
    message?: string,
  ): GitHubCommitResult;
  /**
   * Creates or updates an Actions variable of a repository, or of the org when `name` is null
   * (GitHub upper-cases the variable's name).
   */
  setVariable(
    owner: string,
    name: string | null,
    variable: string,
    value: string,
  ): void;
  /** Commits several changes at once (null deletes). */
  commitFiles(
    owner: string,
    name: string,
    changes: Record<string, string | Buffer | null>,
    message?: string,
  ): GitHubCommitResult;
  addRepo(repo: Partial<GitHubSeedRepo> & { name: string }): GitHubRepoSnapshot;
  removeRepo(owner: string, name: string): boolean;
  updateRepo(
    owner: string,
    name: string,
    patch: { isArchived?: boolean; isFork?: boolean; isPrivate?: boolean },
  ): GitHubRepoSnapshot;
  /** Records a new run of a workflow (file name or path) on the default branch head. */
  setWorkflowRunConclusion(
    owner: string,
    name: string,
    workflow: string,
    conclusion: GitHubRunConclusion | null,
    opts?: { event?: string },
  ): unknown;
  /**
   * Adds a pull request (e.g. a migration opened or merged since the seed); its number must be new.
   * Its head branch counts as pushed now: `pushedAt` moves, as a push to any branch moves it on GitHub.
   */
  addPullRequest(owner: string, name: string, pr: GitHubSeedPullRequest): void;

  // ---- rate limits
  rateLimit: {
    /** state of a token's (default: the PAT's) bucket */
    get(
      resource?: GitHubRateResource,
      token?: string,
    ): {
      limit: number;
      used: number;
      remaining: number;
      reset: number;
      resource: GitHubRateResource;
    };
    configure(
      opts: GitHubRateLimitOptions & {
        secondary?: GitHubSecondaryRateLimitOptions | null;
      },
    ): void;
    /** uses up a token's budget (default: every principal seen so far and the PAT) */
    exhaust(resource?: GitHubRateResource, token?: string): void;
    /** fresh windows for everyone; clears secondary blocks */
    reset(): void;
    /** every request answers a secondary rate limit for `forMs` (default retryAfterSeconds) */
    triggerSecondary(retryAfterSeconds: number, forMs?: number): void;
  };

  // ---- App
  /**
   * issues an installation token in-process (as `POST /app/installations/{id}/access_tokens` does),
   * optionally with fewer permissions than the installation has
   */
  createInstallationToken(permissions?: Record<string, string>): {
    token: string;
    expiresAt: string;
  };

  // ---- webhooks
  deliverWebhook(
    url: string,
    event: string,
    payload: unknown,
  ): Promise<GitHubWebhookDelivery>;
  buildPushPayload(owner: string, name: string): Record<string, unknown>;
  buildWorkflowRunPayload(
    owner: string,
    name: string,
    workflow: string,
    action?: 'completed' | 'requested' | 'in_progress',
  ): Record<string, unknown>;
  /** The `workflow_job` payload of a job as it is now (`action` = its status). */
  buildWorkflowJobPayload(
    owner: string,
    name: string,
    jobId: number,
  ): Record<string, unknown>;
  readonly webhookUrls: string[];
  /** where `workflow_job` webhooks go from now on */
  setWebhookUrls(urls: string[]): void;
  /** the last 1,000 `workflow_job` deliveries, oldest first */
  readonly webhookDeliveries: GitHubWebhookDeliveryRecord[];

  // ---- jobs (the simulator)
  /** Queues a job on a new run (or `runId`) and delivers its `queued` (or `waiting`) webhook. */
  enqueueJob(req: EnqueueJobRequest): Promise<SimulatedJob>;
  /** Applies every job transition due now (runner start, in progress, completed) and delivers them. */
  tickJobs(): Promise<JobTransition[]>;
  listJobs(): SimulatedJob[];
  getJob(id: number): SimulatedJob | undefined;
  /** runner start failures (scale sets made to fail), oldest first */
  readonly runnerStartFailures: RunnerStartFailure[];
  /** the simulator itself (seeding: `jobSimulator.seed(...)`) */
  readonly jobSimulator: JobSimulator;

  /** Requests by kind since start / last reset (admin requests not counted). */
  readonly requestCounts: GitHubRequestCounts;
  resetRequestCounts(): void;
}

export async function startGitHubSandbox(
  options: GitHubSandboxOptions,
): Promise<GitHubSandbox> {
  const org = options.seed.org;
  const content = options.content ?? createGitHubSeedContent(options.seed);
  const store = new GitHubStore(org, content);
  const identity = createAppIdentity(options.app ?? {});
  const token = options.token ?? 'ghp_sandbox_token';
  const tokens = new GitHubTokens(
    token,
    identity,
    options.app?.tokenTtlMs ?? 3_600_000,
  );
  const limiter = new GitHubRateLimiter(
    {
      limit: options.rateLimit?.limit ?? 5000,
      graphqlLimit: options.rateLimit?.graphqlLimit ?? 5000,
      windowMs: options.rateLimit?.windowMs ?? 3_600_000,
      status: options.rateLimit?.status ?? 403,
    },
    options.secondaryRateLimit,
  );
  const webhookSecret = options.webhookSecret ?? 'sandbox-webhook-secret';
  const ctx: GitHubApiContext = {
    org,
    store,
    identity,
    tokens,
    token,
    limiter,
    webhookSecret,
    blobTextLimit: options.graphql?.blobTextLimit ?? GITHUB_BLOB_TEXT_LIMIT,
    maxNodes: options.graphql?.maxNodes ?? 500_000,
    api: '',
    counts: emptyCounts(),
  };
  const repos = createRepoAdmin(ctx);
  const { mustRepo, workflowPath } = repos;
  let webhookUrls = [...(options.webhookUrls ?? [])];
  const deliveries: GitHubWebhookDeliveryRecord[] = [];
  const clock = options.jobs?.clock ?? Date.now;
  const deliverJob = async (r: RepoState, job: { id: number }) => {
    const current = r.jobs.find(j => j.id === job.id)!;
    const payload = buildWorkflowJobPayload(ctx.api, identity, r, current);
    for (const url of webhookUrls) {
      const record: GitHubWebhookDeliveryRecord = {
        event: 'workflow_job',
        action: payload.action,
        jobId: job.id,
        url,
        at: isoSeconds(clock()),
      };
      try {
        const d = await deliverGitHubWebhook(url, 'workflow_job', payload, {
          secret: webhookSecret,
          app: identity,
        });
        record.deliveryId = d.deliveryId;
        record.status = d.status;
      } catch (e) {
        // GitHub records a failed delivery and moves on
        record.error = String((e as Error)?.message ?? e);
      }
      deliveries.push(record);
      if (deliveries.length > 1000) deliveries.shift();
    }
  };
  const simulator = new JobSimulator({
    store,
    org,
    deliver: deliverJob,
    fleet: options.jobs?.fleet,
    clock,
    runnerStartupMs: options.jobs?.runnerStartupMs,
    jobDurationMs: options.jobs?.jobDurationMs,
    retryMs: options.jobs?.retryMs,
  });
  loadGitHubSchema(); // parse once up front, not inside the first request

  // assigned once the server listens; the admin routes below call into it
  // eslint-disable-next-line prefer-const
  let sandbox: GitHubSandbox;
  let autoTick: NodeJS.Timeout | undefined;

  const server = await listen(
    (req, res) => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const fail = (e: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({ message: String((e as Error)?.message ?? e) }),
          );
        }
      };
      if (url.pathname.startsWith('/_sandbox/github/')) {
        handleAdmin(sandbox, ctx, req, res, url).catch(e => {
          if (!res.headersSent) {
            res.writeHead(400, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify({ error: String((e as Error)?.message ?? e) }),
            );
          }
        });
        return;
      }
      if (url.pathname === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('"ok"');
        return;
      }
      ctx.counts.total++;
      if (url.pathname === '/graphql' || url.pathname === '/api/graphql') {
        if (req.method !== 'POST') {
          count(ctx, 'rest:404');
          send(req, res, 404, {
            message: 'Not Found',
            documentation_url: 'https://docs.github.com/graphql',
            status: '404',
          });
          return;
        }
        handleGraphql(ctx, req, res).catch(fail);
        return;
      }
      handleRest(ctx, req, res, url).catch(fail);
    },
    options.host,
    options.port,
  );
  ctx.api = server.url;

  sandbox = {
    url: server.url,
    graphqlUrl: `${server.url}/graphql`,
    token,
    org,
    app: {
      appId: identity.appId,
      clientId: identity.clientId,
      slug: identity.slug,
      installationId: identity.installationId,
      privateKey: identity.privateKey,
    },
    webhookSecret,
    close: async () => {
      clearInterval(autoTick);
      await server.close();
    },

    ...repos,

    rateLimit: rateLimitAdmin(ctx),

    createInstallationToken: permissions => {
      const t = tokens.issueInstallationToken(
        identity.installationId,
        permissions,
      );
      return { token: t.token, expiresAt: isoSeconds(t.expiresAt) };
    },

    deliverWebhook: (url, event, payload) =>
      deliverGitHubWebhook(url, event, payload, {
        secret: webhookSecret,
        app: identity,
      }),
    buildPushPayload: (owner, name) =>
      buildPushPayload(ctx.api, store, identity, mustRepo(owner, name)),
    buildWorkflowRunPayload: (owner, name, workflow, action = 'completed') => {
      const r = mustRepo(owner, name);
      return buildWorkflowRunPayload(
        ctx.api,
        store,
        identity,
        r,
        workflowPath(r, workflow),
        action,
      );
    },

    buildWorkflowJobPayload: (owner, name, jobId) => {
      const r = mustRepo(owner, name);
      const job = r.jobs.find(j => j.id === jobId);
      if (!job) throw new Error(`no job ${jobId} in ${owner}/${name}`);
      return buildWorkflowJobPayload(ctx.api, identity, r, job);
    },
    get webhookUrls() {
      return [...webhookUrls];
    },
    setWebhookUrls(urls) {
      if (
        !Array.isArray(urls) ||
        urls.some(u => !/^https?:\/\//.test(String(u)))
      )
        throw new Error('urls must be an array of http(s) URLs');
      webhookUrls = urls.map(String);
    },
    get webhookDeliveries() {
      return deliveries.map(d => ({ ...d }));
    },
    enqueueJob: req => simulator.enqueue(req),
    tickJobs: () => simulator.tick(),
    listJobs: () => simulator.list(),
    getJob: id => simulator.get(id),
    get runnerStartFailures() {
      return simulator.failures.map(f => ({ ...f }));
    },
    jobSimulator: simulator,

    get requestCounts() {
      return { ...ctx.counts };
    },
    resetRequestCounts() {
      ctx.counts = emptyCounts();
    },
  };
  const autoTickMs = options.jobs?.autoTickMs ?? 0;
  if (autoTickMs > 0) {
    autoTick = setInterval(() => {
      simulator.tick().catch(() => {});
    }, autoTickMs);
    autoTick.unref();
  }
  return sandbox;
}
