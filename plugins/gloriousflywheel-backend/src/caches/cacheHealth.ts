import type {
  CacheDetail,
  CacheHealth,
  CacheHealthStatus,
  SourceStatus,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type {
  StaleCacheEndpoint,
  CacheProbeResult,
  CacheTarget,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';

/** The REST view of one configured cache: built field by field, so a token can never leak in. */
export function toCacheHealth(
  target: CacheTarget,
  result: CacheProbeResult | undefined,
  stale: StaleCacheEndpoint | undefined,
): CacheHealth {
  const d = result?.details;
  return {
    name: target.name,
    kind: target.kind,
    endpoint: target.url,
    cache: target.cache ?? null,
    runnerClasses: [...target.runnerClasses],
    status: result?.status ?? 'unknown',
    latencyMs: result?.latencyMs ?? null,
    checkedAt: result?.checkedAt ?? null,
    errorKind: result?.errorKind ?? null,
    message: result ? result.message ?? null : 'not probed yet',
    sizeBytes: d?.sizeBytes ?? null,
    capacityBytes: d?.capacityBytes ?? null,
    itemCount: d?.itemCount ?? null,
    remoteExecution: d?.capabilities?.remoteExecution ?? null,
    staleEndpoint: stale
      ? {
          pattern: stale.pattern,
          message: `endpoint matches the stale-endpoint deny-list (${stale.pattern}); point ${target.name} at the current cache`,
        }
      : null,
  };
}

/** `GET /caches/:name`: the health plus the latest probe's requests and parsed facts. */
export function toCacheDetail(
  target: CacheTarget,
  result: CacheProbeResult | undefined,
  stale: StaleCacheEndpoint | undefined,
): CacheDetail {
  const d = result?.details;
  const facts: CacheDetail['facts'] = {};
  if (d?.nixCacheInfo) facts.nixCacheInfo = d.nixCacheInfo;
  if (d?.atticCacheConfig) facts.atticCacheConfig = d.atticCacheConfig;
  if (d?.bazelRemoteStatus) facts.bazelRemoteStatus = d.bazelRemoteStatus;
  if (d?.statusPage) facts.statusPage = d.statusPage;
  if (d?.casProbe) facts.casProbe = d.casProbe;
  if (d?.grpcHealth) facts.grpcHealth = d.grpcHealth;
  if (d?.capabilities) facts.capabilities = d.capabilities;
  return {
    item: toCacheHealth(target, result, stale),
    checks: d?.checks ?? [],
    facts,
  };
}

/**
 * The caches' line on `/health`: not-configured, starting (no cache probed yet), degraded (any
 * cache not healthy, or on a stale endpoint) or ok.
 */
export function cacheSourceStatus(
  targets: readonly CacheTarget[],
  latest: ReadonlyMap<string, CacheProbeResult>,
  stale: readonly StaleCacheEndpoint[],
): SourceStatus {
  const base = { source: 'caches' as const, configured: targets.length };
  if (!targets.length) {
    return {
      ...base,
      state: 'not-configured',
      message:
        'no caches configured (set gloriousflywheel.caches in app-config)',
    };
  }
  const probed = targets.filter(t => latest.has(t.name));
  if (!probed.length) {
    return {
      ...base,
      state: 'starting',
      message: `${targets.length} cache(s) configured; waiting for the first probe`,
    };
  }
  const status = (t: CacheTarget): CacheHealthStatus =>
    latest.get(t.name)?.status ?? 'unknown';
  const problems = [
    ...targets
      .filter(t => status(t) !== 'healthy')
      .map(t => {
        const kind = latest.get(t.name)?.errorKind;
        return `${t.name} ${status(t)}${kind ? ` (${kind})` : ''}`;
      }),
    ...stale.map(s => `${s.cache} on stale endpoint`),
  ];
  if (problems.length) {
    return { ...base, state: 'degraded', message: problems.join(', ') };
  }
  return {
    ...base,
    state: 'ok',
    message: `${targets.length} cache(s) healthy`,
  };
}
