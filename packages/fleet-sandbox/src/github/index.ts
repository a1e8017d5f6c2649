import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FleetSeed } from '../seed/fleetSeed';
import { listen } from '../http';
import { createAppIdentity, GitHubPrincipal, GitHubTokens } from './auth';
import { loadGitHubSchema, runGitHubGraphql } from './graphqlApi';
import {
  GitHubRateLimiter,
  GitHubRateLimitOptions,
  GitHubRateResource,
  GitHubSecondaryRateLimitOptions,
} from './rateLimit';
import { runJson } from './representations';
import {
  GitHubRequestKind,
  notFound,
  REST_POST_ROUTES,
  REST_ROUTES,
  RestRoute,
} from './rest';
import {
  createGitHubSeedContent,
  GitHubRunConclusion,
  GitHubSeedContent,
  GitHubSeedPullRequest,
  GitHubSeedRepo,
  GITHUB_BLOB_TEXT_LIMIT,
  GITHUB_SEED_EPOCH,
} from './seedContent';
import { GitHubStore, isWorkflowPath, RepoState } from './store';
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

export type GitHubRequestCounts = Record<GitHubRequestKind | 'total', number>;

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

const KINDS: GitHubRequestKind[] = [
  'rest:list-repos',
  'rest:repo',
  'rest:contents',
  'rest:trees',
  'rest:workflows',
  'rest:runs',
  'rest:jobs',
  'rest:variables',
  'rest:rate-limit',
  'rest:app',
  'rest:installation',
  'rest:other',
  'rest:304',
  'rest:404',
  'graphql',
  'graphql-cost',
  'graphql-errors',
  'rate-limited',
  'secondary-limited',
  'unauthorized',
];

const emptyCounts = (): GitHubRequestCounts =>
  Object.fromEntries(
    [...KINDS, 'total'].map(k => [k, 0]),
  ) as GitHubRequestCounts;

const isLoopback = (addr: string | undefined) =>
  addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 5 * 1024 * 1024) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const isoSeconds = (ms: number) =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

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
  const blobTextLimit =
    options.graphql?.blobTextLimit ?? GITHUB_BLOB_TEXT_LIMIT;
  const maxNodes = options.graphql?.maxNodes ?? 500_000;
  let counts = emptyCounts();
  let api = '';
  let webhookUrls = [...(options.webhookUrls ?? [])];
  const deliveries: GitHubWebhookDeliveryRecord[] = [];
  const clock = options.jobs?.clock ?? Date.now;
  const deliverJob = async (r: RepoState, job: { id: number }) => {
    const current = r.jobs.find(j => j.id === job.id)!;
    const payload = buildWorkflowJobPayload(api, identity, r, current);
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

  const count = (k: GitHubRequestKind, n = 1) => {
    counts[k] += n;
  };

  const rateHeaders = (p: GitHubPrincipal, resource: GitHubRateResource) => {
    const s = limiter.state(p.rateKey, resource);
    return {
      'x-ratelimit-limit': String(s.limit),
      'x-ratelimit-remaining': String(s.remaining),
      'x-ratelimit-reset': String(s.reset),
      'x-ratelimit-used': String(s.used),
      'x-ratelimit-resource': resource,
    };
  };

  const requestIds = new WeakMap<IncomingMessage, string>();
  const requestId = (req: IncomingMessage) => {
    let id = requestIds.get(req);
    if (!id) {
      id = crypto
        .randomBytes(8)
        .toString('hex')
        .toUpperCase()
        .replace(/(.{4})(.{4})(.{4})(.{4})/, '$1:$2:$3:$4');
      requestIds.set(req, id);
    }
    return id;
  };

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': requestId(req),
      vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
      ...(status === 304
        ? {}
        : { 'content-length': String(Buffer.byteLength(text)) }),
      ...headers,
    });
    res.end(status === 304 || req.method === 'HEAD' ? undefined : text);
  };

  const primaryMessage = (p: GitHubPrincipal, req: IncomingMessage) => {
    let who = `user ID ${p.kind === 'user' ? p.id : 0}`;
    if (p.kind === 'installation') who = `installation ID ${p.installationId}`;
    if (p.kind === 'app') who = `app ID ${p.appId}`;
    return `API rate limit exceeded for ${who}. If you reach out to GitHub Support for help, please include the request ID ${requestId(
      req,
    )} and timestamp ${new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, ' UTC')}.`;
  };

  const secondaryReject = (
    req: IncomingMessage,
    res: ServerResponse,
    p: GitHubPrincipal,
    resource: GitHubRateResource,
    retryAfter: number,
  ) => {
    count('secondary-limited');
    const status = limiter.secondary?.status ?? 403;
    send(
      req,
      res,
      status,
      {
        message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId(
          req,
        )}.`,
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: String(status),
      },
      { ...rateHeaders(p, resource), 'retry-after': String(retryAfter) },
    );
  };

  const rateLimitBody = (p: GitHubPrincipal) => {
    const core = limiter.state(p.rateKey, 'core');
    const gql = limiter.state(p.rateKey, 'graphql');
    const pick = (s: typeof core) => ({
      limit: s.limit,
      used: s.used,
      remaining: s.remaining,
      reset: s.reset,
    });
    const reset = Math.floor(Date.now() / 1000) + 60;
    return {
      resources: {
        core: pick(core),
        graphql: pick(gql),
        search: { limit: 30, used: 0, remaining: 30, reset },
        code_search: { limit: 10, used: 0, remaining: 10, reset },
        integration_manifest: {
          limit: 5000,
          used: 0,
          remaining: 5000,
          reset: core.reset,
        },
      },
      rate: pick(core),
    };
  };

  const handleGraphql = async (req: IncomingMessage, res: ServerResponse) => {
    count('graphql');
    const auth = tokens.authenticate(req.headers.authorization, false);
    if (!auth.ok) {
      count('unauthorized');
      send(req, res, 401, {
        message:
          auth.message === 'Requires authentication'
            ? 'This endpoint requires you to be authenticated.'
            : auth.message,
        documentation_url:
          'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql',
        status: '401',
      });
      return;
    }
    const p = auth.principal;
    const retryAfter = limiter.checkSecondary(p.rateKey);
    if (retryAfter !== undefined) {
      secondaryReject(req, res, p, 'graphql', retryAfter);
      return;
    }
    let parsed: any;
    try {
      parsed = JSON.parse(await readBody(req));
    } catch {
      send(req, res, 400, {
        message: 'Problems parsing JSON',
        documentation_url: 'https://docs.github.com/graphql',
        status: '400',
      });
      return;
    }
    const outcome = runGitHubGraphql(parsed ?? {}, {
      store,
      org,
      api,
      blobTextLimit,
      maxNodes,
      charge: (cost, dryRun) => {
        if (dryRun) return true;
        // GitHub refuses a query once the budget cannot pay for it
        if (!limiter.canSpend(p.rateKey, 'graphql', cost)) return false;
        limiter.spend(p.rateKey, 'graphql', cost);
        return true;
      },
      rateState: () => limiter.state(p.rateKey, 'graphql'),
      rateLimitedMessage: primaryMessage(p, req)
        .replace('API rate limit exceeded', 'API rate limit already exceeded')
        .replace(/ If you reach.*$/, ''),
    });
    if (outcome.rateLimited) count('rate-limited');
    count('graphql-cost', outcome.cost);
    if (outcome.body.errors?.length) count('graphql-errors');
    send(req, res, 200, outcome.body, rateHeaders(p, 'graphql'));
  };

  const handleRest = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
  ) => {
    const method = req.method ?? 'GET';
    let table: typeof REST_ROUTES = [];
    if (method === 'POST') table = REST_POST_ROUTES;
    else if (method === 'GET' || method === 'HEAD') table = REST_ROUTES;
    let route: RestRoute | undefined;
    let params: string[] = [];
    const pathname = url.pathname.replace(/\/+$/, '') || '/';
    for (const [re, r] of table) {
      const m = re.exec(pathname);
      if (m) {
        route = r;
        params = m
          .slice(1)
          .map(x => (x === undefined ? x : decodeURIComponent(x))) as string[];
        break;
      }
    }
    count(route?.kind ?? 'rest:other');
    const auth = tokens.authenticate(
      req.headers.authorization,
      Boolean(route?.app),
    );
    if (!auth.ok) {
      count('unauthorized');
      send(req, res, 401, {
        message: auth.message,
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
      return;
    }
    const p = auth.principal;
    const resource: GitHubRateResource = 'core';
    if (!route?.free) {
      const retryAfter = limiter.checkSecondary(p.rateKey);
      if (retryAfter !== undefined) {
        secondaryReject(req, res, p, resource, retryAfter);
        return;
      }
    }
    if (route && !route.app && p.kind === 'app') {
      // an App JWT only works on /app endpoints
      count('unauthorized');
      send(req, res, 401, {
        message: 'A JSON web token could not be decoded',
        documentation_url: 'https://docs.github.com/rest',
        status: '401',
      });
      return;
    }
    let bodyJson: any = undefined;
    if (method === 'POST') {
      const text = await readBody(req);
      try {
        bodyJson = text.trim() ? JSON.parse(text) : {};
      } catch {
        send(
          req,
          res,
          400,
          {
            message: 'Problems parsing JSON',
            documentation_url: 'https://docs.github.com/rest',
            status: '400',
          },
          rateHeaders(p, resource),
        );
        return;
      }
    }
    const result = route
      ? route.handle({
          api,
          org,
          store,
          app: identity,
          tokens,
          principal: p,
          url,
          params,
          body: bodyJson,
          rateLimitBody: () => rateLimitBody(p),
        })
      : notFound();
    if (result.status === 404) count('rest:404');
    const text = JSON.stringify(result.body);
    const etag = `"${crypto.createHash('sha256').update(text).digest('hex')}"`;
    const extra: Record<string, string> = { ...(result.headers ?? {}) };
    if ((method === 'GET' || method === 'HEAD') && result.status === 200) {
      extra.etag = etag;
      extra['cache-control'] = 'private, max-age=60, s-maxage=60';
      const inm = req.headers['if-none-match'];
      if (inm) {
        const tags = inm.split(',').map(t => t.trim().replace(/^W\//, ''));
        if (tags.includes(etag) || tags.includes('*')) {
          // GitHub: a 304 does not count against the rate limit
          count('rest:304');
          send(req, res, 304, undefined, {
            ...rateHeaders(p, resource),
            etag,
            'cache-control': extra['cache-control'],
          });
          return;
        }
      }
    }
    if (!route?.free) {
      if (!limiter.canSpend(p.rateKey, resource)) {
        count('rate-limited');
        const status = limiter.options.status;
        send(
          req,
          res,
          status,
          {
            message: primaryMessage(p, req),
            documentation_url:
              'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
            status: String(status),
          },
          rateHeaders(p, resource),
        );
        return;
      }
      limiter.spend(p.rateKey, resource);
    }
    send(req, res, result.status, result.body, {
      ...rateHeaders(p, resource),
      ...extra,
    });
  };

  // ---- admin (in-process methods; the HTTP admin routes call the same)
  const mustRepo = (owner: string, name: string): RepoState => {
    const r = store.get(owner, name);
    if (!r) throw new Error(`no repository ${owner}/${name}`);
    return r;
  };
  const snapshot = (r: RepoState): GitHubRepoSnapshot => {
    const head = store.objects.get(r.headOid);
    return {
      owner: r.owner,
      name: r.name,
      tier: r.tier,
      isFork: r.isFork,
      isArchived: r.isArchived,
      isPrivate: r.isPrivate,
      defaultBranch: r.defaultBranch,
      headOid: r.headOid,
      treeOid: head?.type === 'commit' ? head.tree : '',
      pushedAt: r.pushedAt,
      files: [...r.files.keys()].sort(),
      workflows: [...r.files.keys()].filter(isWorkflowPath).sort(),
    };
  };
  const commitFiles = (
    owner: string,
    name: string,
    changes: Record<string, string | Buffer | null>,
    message?: string,
  ) => {
    const r = mustRepo(owner, name);
    const { before, after } = store.commit(
      r,
      changes,
      message ?? `Update ${Object.keys(changes).join(', ')}`,
      Date.now(),
    );
    return { before, after, pushedAt: r.pushedAt };
  };
  const workflowPath = (r: RepoState, workflow: string) => {
    const path = workflow.includes('/')
      ? workflow
      : `.github/workflows/${workflow}`;
    if (!r.workflowIds.has(path))
      throw new Error(`no workflow ${path} in ${r.owner}/${r.name}`);
    return path;
  };
  const principalOf = (t?: string): string => {
    const a = tokens.authenticate(`token ${t ?? token}`, false);
    if (!a.ok) throw new Error('unknown token');
    return a.principal.rateKey;
  };

  // assigned once the server listens; the admin routes below call into it
  // eslint-disable-next-line prefer-const
  let sandbox: GitHubSandbox;
  let autoTick: NodeJS.Timeout | undefined;

  /** The admin routes: [status, body], or undefined when there is none. */
  const adminRoute = async (
    m: string,
    parts: string[],
    body: any,
  ): Promise<[number, unknown] | undefined> => {
    if (parts[0] === 'repos' && parts.length >= 3) {
      const [, owner, name, sub, ...rest] = parts;
      if (!sub && m === 'GET')
        return [200, sandbox.getRepo(owner, name) ?? null];
      if (!sub && m === 'DELETE')
        return [200, { removed: sandbox.removeRepo(owner, name) }];
      if (!sub && m === 'PATCH')
        return [200, sandbox.updateRepo(owner, name, body)];
      if (sub === 'contents' && m === 'PUT')
        return [
          200,
          sandbox.putFile(
            owner,
            name,
            rest.join('/'),
            String(body.content ?? ''),
            body.message,
          ),
        ];
      if (sub === 'contents' && m === 'DELETE')
        return [200, sandbox.deleteFile(owner, name, rest.join('/'))];
      if (sub === 'runs' && m === 'POST')
        return [
          200,
          sandbox.setWorkflowRunConclusion(
            owner,
            name,
            String(body.workflow),
            body.conclusion ?? null,
            body,
          ),
        ];
      if (sub === 'webhooks' && m === 'POST') {
        const payload =
          body.event === 'workflow_run'
            ? sandbox.buildWorkflowRunPayload(
                owner,
                name,
                String(body.workflow),
                body.action,
              )
            : sandbox.buildPushPayload(owner, name);
        return [
          200,
          await sandbox.deliverWebhook(
            String(body.url),
            body.event ?? 'push',
            payload,
          ),
        ];
      }
      return undefined;
    }
    if (parts[0] === 'jobs') {
      if (m === 'GET' && parts.length === 1) return [200, sandbox.listJobs()];
      if (m === 'POST' && parts.length === 1)
        return [201, await sandbox.enqueueJob(body)];
      if (m === 'POST' && parts[1] === 'tick' && parts.length === 2)
        return [200, await sandbox.tickJobs()];
      if (m === 'GET' && parts[1] === 'runner-failures' && parts.length === 2)
        return [200, sandbox.runnerStartFailures];
      if (m === 'GET' && parts.length === 2) {
        const job = sandbox.getJob(Number(parts[1]));
        return job ? [200, job] : [404, { error: `no job ${parts[1]}` }];
      }
      return undefined;
    }
    switch (`${m} ${parts.slice(0, 2).join('/')}`) {
      case 'GET webhook-urls':
        return [200, { urls: sandbox.webhookUrls }];
      case 'PUT webhook-urls':
        sandbox.setWebhookUrls(body.urls);
        return [200, { urls: sandbox.webhookUrls }];
      case 'GET webhook-deliveries':
        return [200, sandbox.webhookDeliveries];
      case 'GET requests':
        return [200, counts];
      case 'DELETE requests':
      case 'POST requests/reset':
        counts = emptyCounts();
        return [200, counts];
      case 'GET repos':
        return [200, sandbox.listRepos()];
      case 'POST repos':
        return [201, sandbox.addRepo(body)];
      case 'GET rate-limit':
        return [
          200,
          {
            core: sandbox.rateLimit.get('core'),
            graphql: sandbox.rateLimit.get('graphql'),
            options: limiter.options,
            secondary: limiter.secondary ?? null,
          },
        ];
      case 'PUT rate-limit':
        sandbox.rateLimit.configure(body);
        return [
          200,
          { options: limiter.options, secondary: limiter.secondary ?? null },
        ];
      case 'POST rate-limit/exhaust':
        sandbox.rateLimit.exhaust(body.resource, body.token);
        return [200, {}];
      case 'POST rate-limit/reset':
        sandbox.rateLimit.reset();
        return [200, {}];
      case 'POST rate-limit/secondary':
        sandbox.rateLimit.triggerSecondary(
          Number(body.retryAfterSeconds ?? 1),
          body.forMs,
        );
        return [200, {}];
      case 'GET app':
        return [200, { ...sandbox.app, webhookSecret }];
      default:
        return undefined;
    }
  };

  const admin = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const reply = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    };
    if (!isLoopback(req.socket.remoteAddress)) {
      reply(403, { error: 'the sandbox admin API is loopback only' });
      return;
    }
    const parts = url.pathname
      .split('/')
      .filter(Boolean)
      .slice(2)
      .map(decodeURIComponent);
    const m = req.method ?? 'GET';
    const text = m === 'GET' || m === 'DELETE' ? '' : await readBody(req);
    const result = await adminRoute(
      m,
      parts,
      text.trim() ? JSON.parse(text) : {},
    );
    if (result) reply(result[0], result[1]);
    else reply(404, { error: `no admin endpoint ${m} ${url.pathname}` });
  };

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
        admin(req, res, url).catch(e => {
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
      counts.total++;
      if (url.pathname === '/graphql' || url.pathname === '/api/graphql') {
        if (req.method !== 'POST') {
          count('rest:404');
          send(req, res, 404, {
            message: 'Not Found',
            documentation_url: 'https://docs.github.com/graphql',
            status: '404',
          });
          return;
        }
        handleGraphql(req, res).catch(fail);
        return;
      }
      handleRest(req, res, url).catch(fail);
    },
    options.host,
    options.port,
  );
  api = server.url;

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

    listRepos: () => store.list().map(snapshot),
    getRepo: (owner, name) => {
      const r = store.get(owner, name);
      return r && snapshot(r);
    },
    readFile: (owner, name, path) =>
      store.get(owner, name)?.files.get(path)?.toString('utf8'),
    putFile: (owner, name, path, c, message) =>
      commitFiles(owner, name, { [path]: c }, message ?? `Update ${path}`),
    deleteFile: (owner, name, path, message) => {
      if (!mustRepo(owner, name).files.has(path))
        throw new Error(`no file ${path} in ${owner}/${name}`);
      return commitFiles(
        owner,
        name,
        { [path]: null },
        message ?? `Delete ${path}`,
      );
    },
    commitFiles,
    setVariable: (owner, name, variable, value) => {
      const at = new Date(Math.max(Date.now(), GITHUB_SEED_EPOCH))
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
      if (name === null) {
        if (owner.toLowerCase() !== store.org.toLowerCase())
          throw new Error(`no organization ${owner}`);
        store.setVariable(store.orgVariables, variable, value, at);
      } else
        store.setVariable(mustRepo(owner, name).variables, variable, value, at);
    },
    addRepo: repo => {
      const now = Math.max(Date.now(), GITHUB_SEED_EPOCH);
      const r = store.addRepo({
        owner: repo.owner ?? org,
        name: repo.name,
        tier: repo.tier ?? 'long-tail',
        description: repo.description ?? '',
        isFork: repo.isFork ?? false,
        isArchived: repo.isArchived ?? false,
        isPrivate: repo.isPrivate ?? true,
        defaultBranch: repo.defaultBranch ?? 'main',
        createdAt: repo.createdAt ?? isoSeconds(now),
        pushedAt: repo.pushedAt ?? isoSeconds(now),
        files: repo.files ?? {},
        executables: repo.executables ?? [],
        runs: repo.runs ?? {},
      });
      return snapshot(r);
    },
    removeRepo: (owner, name) => store.removeRepo(owner, name),
    updateRepo: (owner, name, patch) => {
      const r = mustRepo(owner, name);
      if (patch.isArchived !== undefined) r.isArchived = patch.isArchived;
      if (patch.isFork !== undefined) r.isFork = patch.isFork;
      if (patch.isPrivate !== undefined) r.isPrivate = patch.isPrivate;
      r.updatedAt = isoSeconds(
        Math.max(Date.now(), Date.parse(r.updatedAt) + 1000),
      );
      return snapshot(r);
    },
    addPullRequest: (owner, name, pr) => {
      const r = mustRepo(owner, name);
      store.addPullRequest(r, pr);
      r.pushedAt = isoSeconds(
        Math.max(Date.now(), Date.parse(r.pushedAt) + 1000),
      );
      r.updatedAt = isoSeconds(
        Math.max(Date.now(), Date.parse(r.updatedAt) + 1000),
      );
    },
    setWorkflowRunConclusion: (owner, name, workflow, conclusion, opts) => {
      const r = mustRepo(owner, name);
      const path = workflowPath(r, workflow);
      const last = r.runs.filter(x => x.workflowPath === path).pop();
      const at = Math.max(
        Date.now(),
        last ? Date.parse(last.createdAt) + 1000 : 0,
      );
      const run = store.addRun(
        r,
        path,
        conclusion,
        isoSeconds(at),
        opts?.event ?? 'push',
      );
      return runJson(api, store, r, run);
    },

    rateLimit: {
      get: (resource = 'core', t) => limiter.state(principalOf(t), resource),
      configure: opts => {
        const { secondary, ...primary } = opts;
        limiter.options = {
          ...limiter.options,
          ...Object.fromEntries(
            Object.entries(primary).filter(([, v]) => v !== undefined),
          ),
        };
        if (secondary !== undefined) limiter.secondary = secondary ?? undefined;
        limiter.reset();
      },
      exhaust: (resource = 'core', t) => {
        if (t) limiter.exhaust(resource, principalOf(t));
        else {
          limiter.exhaust(resource, principalOf());
          limiter.exhaust(resource);
        }
      },
      reset: () => limiter.reset(),
      triggerSecondary: (retryAfterSeconds, forMs) =>
        limiter.forceSecondary(retryAfterSeconds, forMs),
    },

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
      buildPushPayload(api, store, identity, mustRepo(owner, name)),
    buildWorkflowRunPayload: (owner, name, workflow, action = 'completed') => {
      const r = mustRepo(owner, name);
      return buildWorkflowRunPayload(
        api,
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
      return buildWorkflowJobPayload(api, identity, r, job);
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
      return { ...counts };
    },
    resetRequestCounts() {
      counts = emptyCounts();
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
