import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';

/** Requests made and the rate limit GitHub last reported, for the scan status. */
export interface GitHubUsage {
  graphql: number;
  rest: number;
  rest304: number;
  remaining: number | null;
  resetAt: string | null;
}

/** One org's API access: REST and GraphQL through one throttled, retrying Octokit. */
export interface GitHubClient {
  octokit: Octokit;
  graphql: <T>(
    query: string,
    variables?: Record<string, unknown>,
  ) => Promise<T>;
  usage: GitHubUsage;
}

export interface GitHubClientOptions {
  /** API base (`https://api.github.com`, `https://ghe/api/v3`, the sandbox URL). */
  apiBaseUrl: string;
  /** Token for a request; resolved per request so GitHub App installation tokens can rotate. */
  token: () => Promise<string | undefined>;
  logger: LoggerService;
  /** Longest rate-limit wait accepted before a request fails instead (seconds). */
  maxRateLimitWaitSeconds?: number;
  /** Retries of one request after rate limits. */
  maxRateLimitRetries?: number;
}

// plugin-throttling and plugin-retry are typed against their own @octokit/core, which differs from
// the one @octokit/rest 22 bundles; at runtime they are the same plugin API, so the plugins are
// passed through a narrow cast to Octokit.plugin's parameter type.
type OctokitPlugin = Parameters<typeof Octokit.plugin>[0];
const ScanOctokit = Octokit.plugin(
  throttling as unknown as OctokitPlugin,
  retry as unknown as OctokitPlugin,
);

/** Creates an org's client; every HTTP request (retries included) is counted in `usage`. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { logger } = options;
  const maxWait = options.maxRateLimitWaitSeconds ?? 900;
  const maxRetries = options.maxRateLimitRetries ?? 5;
  const usage: GitHubUsage = {
    graphql: 0,
    rest: 0,
    rest304: 0,
    remaining: null,
    resetAt: null,
  };

  // Credentials and counting at the fetch level: below throttling and retry, so each attempt counts.
  const countingFetch = async (
    url: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const headers = new Headers(init?.headers);
    const token = await options.token();
    if (token) headers.set('authorization', `token ${token}`);
    const res = await fetch(url, { ...init, headers });
    const path = new URL(String(url instanceof Request ? url.url : url))
      .pathname;
    if (/\/graphql$/.test(path)) usage.graphql++;
    else if (res.status === 304) usage.rest304++;
    else usage.rest++;
    const remaining = res.headers.get('x-ratelimit-remaining');
    const reset = res.headers.get('x-ratelimit-reset');
    if (remaining !== null) usage.remaining = Number(remaining);
    if (reset !== null)
      usage.resetAt = new Date(Number(reset) * 1000).toISOString();
    return res;
  };

  const wantRetry =
    (kind: string) =>
    (
      retryAfter: number,
      opts: { method?: string; url?: string },
      _o: unknown,
      retryCount: number,
    ) => {
      const retrying = retryCount < maxRetries && retryAfter <= maxWait;
      logger.warn(
        `GitHub ${kind} on ${opts.method} ${opts.url}: ${
          retrying
            ? `waiting ${retryAfter}s (retry ${retryCount + 1})`
            : 'giving up'
        }`,
      );
      return retrying;
    };

  const octokit = new ScanOctokit({
    baseUrl: options.apiBaseUrl,
    request: { fetch: countingFetch },
    // 304 and 404 are expected answers of the scan; Octokit's request log would report them as errors.
    log: {
      debug: () => {},
      info: () => {},
      warn: m => logger.warn(String(m)),
      error: m => logger.debug(String(m)),
    },
    throttle: {
      onRateLimit: wantRetry('rate limit'),
      onSecondaryRateLimit: wantRetry('secondary rate limit'),
    },
    retry: { doNotRetry: [304, 400, 401, 403, 404, 410, 422, 429, 451] },
  }) as unknown as Octokit;

  return {
    octokit,
    graphql: <T>(query: string, variables?: Record<string, unknown>) =>
      octokit.graphql<T>(query, variables),
    usage,
  };
}

/**
 * Credentials from Backstage's `integrations.github` (token or GitHub App) for the configured host.
 * Throws naming the key when no integration matches.
 */
export class GitHubAccess {
  private readonly clients = new Map<string, GitHubClient>();

  private constructor(
    private readonly host: string,
    readonly apiBaseUrl: string,
    private readonly credentials: GithubCredentialsProvider,
    private readonly logger: LoggerService,
  ) {}

  static fromConfig(
    config: Config,
    host: string,
    logger: LoggerService,
  ): GitHubAccess {
    const integrations = ScmIntegrations.fromConfig(config);
    const integration = integrations.github.byHost(host);
    if (!integration?.config.apiBaseUrl) {
      throw new Error(
        `Invalid config gloriousflywheel.github.host: no integrations.github entry with host ${host} and an apiBaseUrl`,
      );
    }
    return new GitHubAccess(
      host,
      integration.config.apiBaseUrl,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      logger,
    );
  }

  /** The client for one org (GitHub App installations are per org). */
  client(org: string): GitHubClient {
    let client = this.clients.get(org);
    if (!client) {
      // The credentials provider only matches the integration by URL host; any scheme works.
      const url = `https://${this.host}/${org}`;
      client = createGitHubClient({
        apiBaseUrl: this.apiBaseUrl,
        token: async () =>
          (await this.credentials.getCredentials({ url })).token,
        logger: this.logger,
      });
      this.clients.set(org, client);
    }
    return client;
  }
}

/** The HTTP status of a failed request, if it has one. */
export const statusOf = (e: unknown): number | undefined =>
  (e as { status?: number })?.status;

/** GitHub's GraphQL error types as the HTTP status REST would have answered. */
const GRAPHQL_ERROR_STATUS: Record<string, number> = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
};

/** A GraphQL answer with per-alias errors (NOT_FOUND, FORBIDDEN) kept apart from the data. */
export async function graphqlPartial<T>(
  client: GitHubClient,
  query: string,
): Promise<{ data: T | undefined; errors: Map<string, Error> }> {
  const errors = new Map<string, Error>();
  try {
    return { data: await client.graphql<T>(query), errors };
  } catch (e) {
    // Duck-typed: Octokit may bundle its own copy of @octokit/graphql's GraphqlResponseError.
    const gql = e as {
      name?: string;
      errors?: { type?: string; message: string; path?: (string | number)[] }[];
      data?: unknown;
    };
    if (gql?.name !== 'GraphqlResponseError' || !Array.isArray(gql.errors))
      throw e;
    for (const err of gql.errors) {
      const alias = String(err.path?.[0] ?? '');
      const status = GRAPHQL_ERROR_STATUS[err.type ?? ''];
      errors.set(
        alias,
        Object.assign(new Error(err.message), status ? { status } : {}),
      );
    }
    return { data: gql.data as T | undefined, errors };
  }
}
