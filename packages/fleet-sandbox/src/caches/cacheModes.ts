import type { SeedCache } from '../seed/fleetSeed';

/** The fault a sandbox cache is in. */
export type CacheSandboxMode = 'healthy' | 'slow' | 'down' | 'unauthorized';

/** A mode plus its knobs, as set through `setMode` or `PUT /_sandbox/caches/{name}/mode`. */
export interface CacheSandboxModeSettings {
  mode: CacheSandboxMode;
  /** slow: latency added before each answer, in ms (default 1500) */
  latencyMs?: number;
  /**
   * down, HTTP caches: `reset` destroys each connection (default), `503` answers Service
   * Unavailable. gRPC caches always stop listening, so clients get connection refused.
   */
  downAs?: 'reset' | '503';
  /** unauthorized: 401 (default) or 403 (gRPC: UNAUTHENTICATED or PERMISSION_DENIED) */
  status?: 401 | 403;
  /**
   * unauthorized, attic only: `all` (default) refuses every path as a private cache with a revoked
   * token would; `api` refuses only the token-checked API, so the public nix-cache-info still answers.
   */
  scope?: 'all' | 'api';
}

/** What the sandbox reports about one cache. */
export interface CacheSandboxCacheState
  extends Required<Pick<CacheSandboxModeSettings, 'mode'>> {
  name: string;
  kind: SeedCache['kind'];
  url: string;
  latencyMs?: number;
  downAs?: 'reset' | '503';
  status?: 401 | 403;
  scope?: 'all' | 'api';
  /** requests that reached this cache (including refused ones), since start or the last reset */
  requests: number;
  /** the same, per route (e.g. `HEAD /cas`, `grpc Health/Check`) */
  requestsByRoute: Record<string, number>;
}

const MODES: CacheSandboxMode[] = ['healthy', 'slow', 'down', 'unauthorized'];
export const DEFAULT_SLOW_MS = 1500;
const MAX_SLOW_MS = 120_000;

/** Validates mode settings from the admin endpoint or the in-process API; throws on bad input. */
export function parseModeSettings(input: unknown): CacheSandboxModeSettings {
  if (typeof input === 'string') return parseModeSettings({ mode: input });
  if (!input || typeof input !== 'object') {
    throw new TypeError(
      'mode settings must be an object like {"mode":"slow","latencyMs":800}',
    );
  }
  const o = input as Record<string, unknown>;
  if (!MODES.includes(o.mode as CacheSandboxMode)) {
    throw new TypeError(`mode must be one of ${MODES.join(', ')}`);
  }
  const out: CacheSandboxModeSettings = { mode: o.mode as CacheSandboxMode };
  if (o.mode === 'slow') {
    const ms = o.latencyMs ?? DEFAULT_SLOW_MS;
    if (
      typeof ms !== 'number' ||
      !Number.isInteger(ms) ||
      ms < 0 ||
      ms > MAX_SLOW_MS
    ) {
      throw new TypeError(`latencyMs must be an integer 0..${MAX_SLOW_MS}`);
    }
    out.latencyMs = ms;
  }
  if (o.mode === 'down') {
    const d = o.downAs ?? 'reset';
    if (d !== 'reset' && d !== '503')
      throw new TypeError('downAs must be reset or 503');
    out.downAs = d;
  }
  if (o.mode === 'unauthorized') {
    const s = o.status ?? 401;
    if (s !== 401 && s !== 403)
      throw new TypeError('status must be 401 or 403');
    const scope = o.scope ?? 'all';
    if (scope !== 'all' && scope !== 'api')
      throw new TypeError('scope must be all or api');
    out.status = s;
    out.scope = scope;
  }
  return out;
}

/** Mode and request counters of one sandbox cache. */
export class CacheSandboxEntry {
  settings: CacheSandboxModeSettings = { mode: 'healthy' };
  private counts = new Map<string, number>();

  constructor(readonly seed: SeedCache, public url: string) {}

  count(route: string) {
    this.counts.set(route, (this.counts.get(route) ?? 0) + 1);
  }

  resetCounts() {
    this.counts.clear();
  }

  state(): CacheSandboxCacheState {
    const byRoute = Object.fromEntries([...this.counts].sort());
    return {
      name: this.seed.name,
      kind: this.seed.kind,
      url: this.url,
      ...this.settings,
      requests: [...this.counts.values()].reduce((a, b) => a + b, 0),
      requestsByRoute: byRoute,
    };
  }
}

/** Timers for slow answers, cleared on close so a stopped sandbox leaves nothing pending. */
export class Delays {
  private timers = new Set<NodeJS.Timeout>();

  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise(resolve => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  clear() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
