import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GitHubAppIdentity, GitHubPrincipal, GitHubTokens } from './auth';
import { GitHubRateLimiter, GitHubRateResource } from './rateLimit';
import type { GitHubRequestKind } from './rest';
import { GitHubStore } from './store';
import type { GitHubSandbox } from './index';

export type GitHubRequestCounts = Record<GitHubRequestKind | 'total', number>;

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

export const emptyCounts = (): GitHubRequestCounts =>
  Object.fromEntries(
    [...KINDS, 'total'].map(k => [k, 0]),
  ) as GitHubRequestCounts;

/** What the GitHub API handlers (REST, GraphQL, admin) share: state, credentials, limits, counts. */
export interface GitHubApiContext {
  readonly org: string;
  readonly store: GitHubStore;
  readonly identity: GitHubAppIdentity;
  readonly tokens: GitHubTokens;
  /** the token of `startGitHubSandbox`'s options */
  readonly token: string;
  readonly limiter: GitHubRateLimiter;
  readonly webhookSecret: string;
  readonly blobTextLimit: number;
  readonly maxNodes: number;
  /** the server's URL, set once it listens */
  api: string;
  counts: GitHubRequestCounts;
}

export const count = (ctx: GitHubApiContext, k: GitHubRequestKind, n = 1) => {
  ctx.counts[k] += n;
};

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 5 * 1024 * 1024) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export const isoSeconds = (ms: number) =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const rateHeaders = (
  ctx: GitHubApiContext,
  p: GitHubPrincipal,
  resource: GitHubRateResource,
) => {
  const s = ctx.limiter.state(p.rateKey, resource);
  return {
    'x-ratelimit-limit': String(s.limit),
    'x-ratelimit-remaining': String(s.remaining),
    'x-ratelimit-reset': String(s.reset),
    'x-ratelimit-used': String(s.used),
    'x-ratelimit-resource': resource,
  };
};

const requestIds = new WeakMap<IncomingMessage, string>();
export const requestId = (req: IncomingMessage) => {
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

/** A JSON response with GitHub's headers. */
export const send = (
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

export const primaryMessage = (p: GitHubPrincipal, req: IncomingMessage) => {
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

export const secondaryReject = (
  ctx: GitHubApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  p: GitHubPrincipal,
  resource: GitHubRateResource,
  retryAfter: number,
) => {
  count(ctx, 'secondary-limited');
  const status = ctx.limiter.secondary?.status ?? 403;
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
    { ...rateHeaders(ctx, p, resource), 'retry-after': String(retryAfter) },
  );
};

export const rateLimitBody = (ctx: GitHubApiContext, p: GitHubPrincipal) => {
  const core = ctx.limiter.state(p.rateKey, 'core');
  const gql = ctx.limiter.state(p.rateKey, 'graphql');
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

/** The sandbox's rate-limit controls (`GitHubSandbox.rateLimit`). */
export function rateLimitAdmin(
  ctx: GitHubApiContext,
): GitHubSandbox['rateLimit'] {
  const principalOf = (t?: string): string => {
    const a = ctx.tokens.authenticate(`token ${t ?? ctx.token}`, false);
    if (!a.ok) throw new Error('unknown token');
    return a.principal.rateKey;
  };
  return {
    get: (resource = 'core', t) => ctx.limiter.state(principalOf(t), resource),
    configure: opts => {
      const { secondary, ...primary } = opts;
      ctx.limiter.options = {
        ...ctx.limiter.options,
        ...Object.fromEntries(
          Object.entries(primary).filter(([, v]) => v !== undefined),
        ),
      };
      if (secondary !== undefined)
        ctx.limiter.secondary = secondary ?? undefined;
      ctx.limiter.reset();
    },
    exhaust: (resource = 'core', t) => {
      if (t) ctx.limiter.exhaust(resource, principalOf(t));
      else {
        ctx.limiter.exhaust(resource, principalOf());
        ctx.limiter.exhaust(resource);
      }
    },
    reset: () => ctx.limiter.reset(),
    triggerSecondary: (retryAfterSeconds, forMs) =>
      ctx.limiter.forceSecondary(retryAfterSeconds, forMs),
  };
}
