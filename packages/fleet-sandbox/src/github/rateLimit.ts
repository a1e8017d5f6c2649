/**
 * GitHub's primary rate limit (per principal and resource, fixed windows ending on a whole
 * epoch second like `x-ratelimit-reset`) and a secondary limit (too many requests in a short
 * sliding window → blocked for `retry-after` seconds).
 */

export type GitHubRateResource = 'core' | 'graphql';

export interface GitHubRateLimitOptions {
  /** core (REST) budget per window (default 5000) */
  limit?: number;
  /** graphql budget in points per window (default 5000) */
  graphqlLimit?: number;
  /** window length in ms (default 1 h); tests use ~1000 */
  windowMs?: number;
  /** status of an exhausted primary limit on REST: 403 (GitHub's usual) or 429 */
  status?: 403 | 429;
}

export interface GitHubSecondaryRateLimitOptions {
  /** more than this many requests of one principal within `windowMs` trips the limit */
  maxRequests: number;
  windowMs: number;
  /** `retry-after` given when tripped (default 1 s) */
  retryAfterSeconds?: number;
  /** 403 (GitHub's usual) or 429 */
  status?: 403 | 429;
}

export interface GitHubRateBucketState {
  limit: number;
  used: number;
  remaining: number;
  /** epoch seconds */
  reset: number;
  resource: GitHubRateResource;
}

interface Bucket {
  used: number;
  resetAtMs: number;
}

export class GitHubRateLimiter {
  private buckets = new Map<string, Bucket>();
  private recent = new Map<string, number[]>();
  private blockedUntil = new Map<string, number>();
  /** forced secondary limit for every principal until this time */
  private forcedUntil = 0;
  private forcedRetryAfter = 1;

  constructor(
    public options: Required<GitHubRateLimitOptions>,
    public secondary: GitHubSecondaryRateLimitOptions | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  limitOf(resource: GitHubRateResource) {
    return resource === 'graphql'
      ? this.options.graphqlLimit
      : this.options.limit;
  }

  private bucket(principal: string, resource: GitHubRateResource): Bucket {
    const key = `${principal}|${resource}`;
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b || now >= b.resetAtMs) {
      // the window ends on a whole second, so a client waiting until x-ratelimit-reset gets a fresh one
      b = {
        used: 0,
        resetAtMs: Math.ceil((now + this.options.windowMs) / 1000) * 1000,
      };
      this.buckets.set(key, b);
    }
    return b;
  }

  state(
    principal: string,
    resource: GitHubRateResource,
  ): GitHubRateBucketState {
    const b = this.bucket(principal, resource);
    const limit = this.limitOf(resource);
    return {
      limit,
      used: b.used,
      remaining: Math.max(0, limit - b.used),
      reset: Math.floor(b.resetAtMs / 1000),
      resource,
    };
  }

  /** true if `cost` more fits in the window */
  canSpend(principal: string, resource: GitHubRateResource, cost = 1) {
    return this.state(principal, resource).remaining >= cost;
  }

  spend(principal: string, resource: GitHubRateResource, cost = 1) {
    this.bucket(principal, resource).used += cost;
  }

  /** Uses up the whole budget of a principal (or every known principal). */
  exhaust(resource: GitHubRateResource, principal?: string) {
    const keys = principal
      ? [principal]
      : [...new Set([...this.buckets.keys()].map(k => k.split('|')[0]))];
    for (const p of keys)
      this.bucket(p, resource).used = this.limitOf(resource);
  }

  reset() {
    this.buckets.clear();
    this.recent.clear();
    this.blockedUntil.clear();
    this.forcedUntil = 0;
  }

  /** Makes every request fail with a secondary limit for `forMs` (retry-after as given). */
  forceSecondary(retryAfterSeconds: number, forMs = retryAfterSeconds * 1000) {
    this.forcedUntil = this.now() + forMs;
    this.forcedRetryAfter = retryAfterSeconds;
  }

  /**
   * Records a request for the secondary limit; returns the retry-after seconds if the
   * principal is (now) blocked.
   */
  checkSecondary(principal: string): number | undefined {
    const now = this.now();
    if (now < this.forcedUntil)
      return Math.max(
        1,
        Math.ceil(
          Math.min(this.forcedRetryAfter * 1000, this.forcedUntil - now) / 1000,
        ),
      );
    const until = this.blockedUntil.get(principal) ?? 0;
    if (now < until) return Math.max(1, Math.ceil((until - now) / 1000));
    const s = this.secondary;
    if (!s) return undefined;
    const list = (this.recent.get(principal) ?? []).filter(
      t => t > now - s.windowMs,
    );
    list.push(now);
    this.recent.set(principal, list);
    if (list.length > s.maxRequests) {
      const retry = s.retryAfterSeconds ?? 1;
      this.blockedUntil.set(principal, now + retry * 1000);
      this.recent.set(principal, []);
      return retry;
    }
    return undefined;
  }
}
