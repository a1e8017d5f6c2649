import {
  CacheKind,
  StaleEndpointMatcher,
  staleEndpointMatcher,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type { Config } from '@backstage/config';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import type { CacheTarget } from './types';
import type { FleetConfig } from '../fleet/FleetConfig';

/**
 * Default slow threshold: answers slower than this make a cache degraded.
 *
 * @public
 */
export const DEFAULT_SLOW_THRESHOLD_MS = 1000;

const KINDS: CacheKind[] = ['attic', 'nix', 'bazel-remote', 'bazel-grpc'];
const SCHEMES: Record<CacheKind, string[]> = {
  attic: ['http:', 'https:'],
  nix: ['http:', 'https:'],
  'bazel-remote': ['http:', 'https:', 'grpc:', 'grpcs:'],
  'bazel-grpc': ['grpc:', 'grpcs:'],
};
// Names end up in REST paths and catalog entity names: Backstage's entity name rule, at most 63.
const NAME = /^(?=.{1,63}$)([A-Za-z0-9][-_.]?)*[A-Za-z0-9]$/;
const MAX_TIMEOUT_MS = 120_000;

/**
 * Cache probe settings from `gloriousflywheel.cacheProbe`.
 *
 * @public
 */
export interface CacheProbeSettings {
  /** default per-probe timeout (`cacheProbe.timeoutMs`, default 5000) */
  timeoutMs: number;
  /** answers slower than this are degraded (`cacheProbe.slowThresholdMs`, default 1000) */
  slowThresholdMs: number;
  /** deny-list of retired endpoints (`cacheProbe.staleEndpoints`), globs or `/regex/` */
  staleEndpoints: string[];
}

function invalid(key: string, why: string): never {
  throw new Error(`Invalid config at '${key}': ${why}`);
}

function optionalMs(
  config: Config | undefined,
  key: string,
  fullKey: string,
): number | undefined {
  const v = config?.getOptionalNumber(key);
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v <= 0 || v > MAX_TIMEOUT_MS) {
    invalid(
      fullKey,
      `must be a whole number of milliseconds, 1..${MAX_TIMEOUT_MS}`,
    );
  }
  return v;
}

/**
 * Reads and validates `gloriousflywheel.caches[]`. Endpoints come only from here, never from a
 * request. Invalid entries throw naming the key, so a bad config fails at start-up.
 */
export function readCacheTargets(config: Config): CacheTarget[] {
  const list = config.getOptionalConfigArray('gloriousflywheel.caches') ?? [];
  const seen = new Set<string>();
  return list.map((c, i) => {
    const key = (k: string) => `gloriousflywheel.caches[${i}].${k}`;
    const name = c.getString('name');
    if (!NAME.test(name)) {
      invalid(
        key('name'),
        'letters and digits, single ".", "_" or "-" between them (a catalog entity name), at most 63',
      );
    }
    if (seen.has(name)) invalid(key('name'), `duplicate cache name '${name}'`);
    seen.add(name);

    const kind = c.getString('kind') as CacheKind;
    if (!KINDS.includes(kind))
      invalid(key('kind'), `must be one of ${KINDS.join(', ')}`);

    const rawUrl = c.getString('url');
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return invalid(key('url'), 'not a URL');
    }
    if (!SCHEMES[kind].includes(url.protocol)) {
      invalid(
        key('url'),
        `kind ${kind} needs a ${SCHEMES[kind]
          .map(s => `${s}//`)
          .join(' or ')} URL`,
      );
    }
    if (url.username || url.password) {
      invalid(key('url'), 'must not carry credentials; use token');
    }
    if (url.search || url.hash)
      invalid(key('url'), 'must not have a query or fragment');

    const cache = c.getOptionalString('cache');
    if (kind === 'attic' && !cache)
      invalid(key('cache'), 'an attic cache needs the Attic cache name');
    if (cache !== undefined && !/^[A-Za-z0-9._-]+$/.test(cache)) {
      invalid(key('cache'), 'letters, digits, ".", "_" or "-"');
    }

    const token = c.getOptionalString('token');
    if (token !== undefined && !token.trim()) invalid(key('token'), 'is empty');

    const casKey = c.getOptionalString('casKey');
    if (casKey !== undefined) {
      if (kind !== 'bazel-remote')
        invalid(key('casKey'), 'only for kind bazel-remote');
      if (!/^[a-f0-9]{64}$/.test(casKey))
        invalid(key('casKey'), 'must be a lowercase sha256 hex digest');
    }

    const target: CacheTarget = {
      name,
      kind,
      url: rawUrl.replace(/\/+$/, ''),
      runnerClasses: c.getOptionalStringArray('runnerClasses') ?? [],
    };
    if (cache !== undefined) target.cache = cache;
    if (token !== undefined) target.token = token;
    const timeoutMs = optionalMs(c, 'timeoutMs', key('timeoutMs'));
    if (timeoutMs !== undefined) target.timeoutMs = timeoutMs;
    if (casKey !== undefined) target.casKey = casKey;
    return target;
  });
}

/**
 * Reads `gloriousflywheel.cacheProbe` (timeouts, slow threshold, stale-endpoint deny-list).
 */
export function readCacheProbeSettings(config: Config): CacheProbeSettings {
  const probe = config.getOptionalConfig('gloriousflywheel.cacheProbe');
  const k = (s: string) => `gloriousflywheel.cacheProbe.${s}`;
  const timeoutMs = optionalMs(probe, 'timeoutMs', k('timeoutMs')) ?? 5000;
  const slowThresholdMs =
    optionalMs(probe, 'slowThresholdMs', k('slowThresholdMs')) ??
    DEFAULT_SLOW_THRESHOLD_MS;
  const staleEndpoints = probe?.getOptionalStringArray('staleEndpoints') ?? [];
  staleEndpoints.forEach((p, i) => {
    if (!p.trim()) invalid(`${k('staleEndpoints')}[${i}]`, 'is empty');
    try {
      staleEndpointPattern(p);
    } catch (e) {
      invalid(`${k('staleEndpoints')}[${i}]`, (e as Error).message);
    }
  });
  return { timeoutMs, slowThresholdMs, staleEndpoints };
}

/**
 * A deny-list pattern's matcher: the scorecard's own, so the Caches page and the dogfood scorecard
 * agree on what is stale.
 */
export function staleEndpointPattern(pattern: string): StaleEndpointMatcher {
  return staleEndpointMatcher(pattern);
}

/**
 * A configured cache whose endpoint is on the stale deny-list.
 *
 * @public
 */
export interface StaleCacheEndpoint {
  cache: string;
  url: string;
  pattern: string;
}

/**
 * Flags configured caches whose URL matches a stale-endpoint pattern (first match per cache).
 *
 * @public
 */
export function findStaleCacheEndpoints(
  targets: CacheTarget[],
  patterns: string[],
): StaleCacheEndpoint[] {
  const compiled = patterns.map(p => ({
    pattern: p,
    re: staleEndpointPattern(p),
  }));
  const out: StaleCacheEndpoint[] = [];
  for (const t of targets) {
    const hit = compiled.find(p => p.re.test(t.url));
    if (hit) out.push({ cache: t.name, url: t.url, pattern: hit.pattern });
  }
  return out;
}

/**
 * How often caches are probed and how long their history is kept.
 *
 * @public
 */
export interface CacheProbeSchedule {
  /** `gloriousflywheel.schedule.cacheProbe`; every minute by default */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** `gloriousflywheel.cacheProbe.retentionDays`; 14 by default */
  retentionDays: number;
}

const MAX_RETENTION_DAYS = 3650;

/**
 * Reads the probe schedule and the history retention; invalid values throw naming the key.
 */
export function readCacheProbeSchedule(config: Config): CacheProbeSchedule {
  const key = 'gloriousflywheel.schedule.cacheProbe';
  const scheduleConfig = config.getOptionalConfig(key);
  let schedule: SchedulerServiceTaskScheduleDefinition;
  try {
    schedule = scheduleConfig
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
      : // Each probe has its own timeout (at most 2 min); the run's timeout only guards a hang.
        { frequency: { minutes: 1 }, timeout: { minutes: 3 } };
  } catch (e) {
    return invalid(key, (e as Error).message);
  }
  const retentionKey = 'gloriousflywheel.cacheProbe.retentionDays';
  const retentionDays = config.getOptionalNumber(retentionKey) ?? 14;
  if (
    !Number.isInteger(retentionDays) ||
    retentionDays < 1 ||
    retentionDays > MAX_RETENTION_DAYS
  ) {
    invalid(
      retentionKey,
      `must be a whole number of days, 1..${MAX_RETENTION_DAYS}`,
    );
  }
  return { schedule, retentionDays };
}

function mergeCachesByRunnerClass(
  targets: readonly CacheTarget[],
  runnerClassCaches: ReadonlyMap<string, readonly string[]>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (runnerClass: string, cache: string) => {
    const list = (out[runnerClass] ??= []);
    if (!list.includes(cache)) list.push(cache);
  };
  for (const t of targets) for (const c of t.runnerClasses) add(c, t.name);
  for (const [runnerClass, caches] of runnerClassCaches)
    for (const cache of caches) add(runnerClass, cache);
  return out;
}

/**
 * What the cache probes read from app-config, read and validated once: `gloriousflywheel.caches`,
 * `cacheProbe` and `schedule.cacheProbe`. A bad value fails start-up naming its key.
 *
 * @public
 */
export class CacheConfig {
  static fromConfig(config: Config): CacheConfig {
    return new CacheConfig(
      readCacheTargets(config),
      readCacheProbeSettings(config),
      readCacheProbeSchedule(config),
    );
  }

  private constructor(
    /** `gloriousflywheel.caches`; endpoints come only from here, never from a request */
    readonly targets: CacheTarget[],
    /** `gloriousflywheel.cacheProbe` */
    readonly probe: CacheProbeSettings,
    /** how often caches are probed and how long their history is kept */
    readonly probeSchedule: CacheProbeSchedule,
  ) {}

  /** The configured caches whose endpoint is on the stale deny-list. */
  staleCacheEndpoints(): StaleCacheEndpoint[] {
    return findStaleCacheEndpoints(this.targets, this.probe.staleEndpoints);
  }

  /**
   * Which caches each runner class depends on: `caches[].runnerClasses` plus
   * `runnerClasses[].caches` (from `fleet`), merged.
   */
  cachesByRunnerClass(fleet: FleetConfig): Record<string, string[]> {
    return mergeCachesByRunnerClass(this.targets, fleet.runnerClassCaches);
  }
}
