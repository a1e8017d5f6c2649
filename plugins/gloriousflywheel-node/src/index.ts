/**
 * What the GloriousFlywheel backend plugin and its catalog module share in one backend process:
 * the fleet informers, the cache-health and adoption hubs (root-scoped services, handed out as
 * reader interfaces), and the typed config both sides read (FleetConfig, CacheConfig).
 *
 * @packageDocumentation
 */
export { FleetService } from './fleet/FleetService';
export type { FleetServiceOptions } from './fleet/FleetService';
export type { FleetReader } from './fleet/FleetReader';
export type { InformerBackoff } from './fleet/ResourceInformer';
export { fleetServiceRef } from './fleet/fleetServiceRef';
export { FleetConfig } from './fleet/FleetConfig';
export type { ClusterConfig, RunnerClassOwners } from './fleet/FleetConfig';
export { createKubeConfig } from './fleet/kubeConfig';
export { runnerClassContracts } from './fleet/contracts';
export type { RunnerClassContractSources } from './fleet/contracts';
export {
  CacheConfig,
  DEFAULT_SLOW_THRESHOLD_MS,
  findStaleCacheEndpoints,
} from './caches/CacheConfig';
export type {
  CacheProbeSchedule,
  CacheProbeSettings,
  StaleCacheEndpoint,
} from './caches/CacheConfig';
export {
  CacheHealthHub,
  cacheHealthHubServiceRef,
} from './caches/CacheHealthHub';
export type {
  CacheHealthPublisher,
  CacheHealthReader,
} from './caches/CacheHealthHub';
export type * from './caches/types';
export {
  AdoptionHub,
  adoptionHubServiceRef,
  repoKey,
} from './adoption/AdoptionHub';
export type { AdoptionPublisher, AdoptionReader } from './adoption/AdoptionHub';
