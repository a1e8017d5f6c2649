// The wire-visible shapes live in common so the Caches page reads what the probes write.
import type {
  CacheErrorKind,
  CacheHealthStatus,
  CacheKind,
  CacheProbeCheck,
  CacheProbeFacts,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/**
 * One configured cache, as read from `gloriousflywheel.caches[]`.
 *
 * @public
 */
export interface CacheTarget {
  name: string;
  kind: CacheKind;
  /** base URL; never from a request, only from config */
  url: string;
  /** Attic/Nix cache name, or the REAPI instance name for gRPC caches */
  cache?: string;
  /** bearer token (Attic JWT; gRPC `authorization` metadata). Never echoed in results. */
  token?: string;
  /** this cache's probe timeout; overrides the caller's default */
  timeoutMs?: number;
  /** runner classes whose pods use this cache */
  runnerClasses: string[];
  /** bazel-remote: a CAS key known to be stored, HEADed instead of the empty blob */
  casKey?: string;
}

/**
 * Kind-specific facts a probe found, plus sizes when the cache exposes them.
 *
 * @public
 */
export interface CacheProbeDetails extends CacheProbeFacts {
  /** the probed endpoint (config URL; credentials are refused in config) */
  endpoint: string;
  checks: CacheProbeCheck[];
  /** normalised sizes, when exposed */
  sizeBytes?: number;
  capacityBytes?: number;
  itemCount?: number;
}

/**
 * The outcome of probing one cache once.
 *
 * @public
 */
export interface CacheProbeResult {
  cache: string;
  kind: CacheKind;
  status: CacheHealthStatus;
  /** wall time of the whole probe */
  latencyMs: number;
  /** ISO time the probe started */
  checkedAt: string;
  /** why the cache is down or degraded (absent when only slow) */
  errorKind?: CacheErrorKind;
  /** one line a person can act on; never contains a token */
  message?: string;
  details: CacheProbeDetails;
}
