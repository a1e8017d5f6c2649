/**
 * Build-cache probes: config, parsers, failure classification and `probeCache`. The scheduler
 * task, the store and the router live elsewhere and call into this.
 */
export * from './types';
export {
  readCacheTargets,
  readCacheProbeSettings,
  findStaleCacheEndpoints,
  staleEndpointPattern,
} from './CacheConfig';
export type { CacheProbeSettings, StaleCacheEndpoint } from './CacheConfig';
export {
  probeCache,
  probeCaches,
  DEFAULT_SLOW_THRESHOLD_MS,
} from './probeCache';
export type { CacheProbeOptions } from './probeCache';
export type { CacheProbeFetch } from './probeContext';
export {
  parseNixCacheInfo,
  parseAtticCacheConfig,
  parseBazelRemoteStatus,
  summarizeCapabilities,
} from './cacheParsers';
export type { Parsed, DecodedServerCapabilities } from './cacheParsers';
export {
  classifyHttpStatus,
  classifyFetchError,
  classifyGrpcError,
  redactSecrets,
} from './classifyFailure';
export type { CacheFailure } from './classifyFailure';
export { EMPTY_BLOB_SHA256 } from './bazelRemoteProbe';
export { cacheProbeProtoDir, CACHE_PROBE_PROTO_FILES } from './bazelGrpcProbe';
export { readCacheProbeSchedule, readCachesByRunnerClass } from './CacheConfig';
export type { CacheProbeSchedule } from './CacheConfig';
export { CacheHealthHub, cacheHealthHubServiceRef } from './CacheHealthHub';
export { CacheHealthService } from './CacheHealthService';
export {
  CacheProbeTask,
  CACHE_PROBE_TASK_ID,
  CACHE_HEALTH_SYNC_TASK_ID,
} from './CacheProbeTask';
export { toCacheHealth, toCacheDetail, cacheSourceStatus } from './cacheHealth';
