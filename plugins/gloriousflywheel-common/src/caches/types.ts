/**
 * Kinds of build cache: `attic` (Attic server), `nix` (any Nix binary cache), `bazel-remote`
 * (Bazel HTTP cache, or gRPC when its URL is grpc://) and `bazel-grpc` (REAPI over gRPC).
 *
 * @public
 */
export type CacheKind = 'attic' | 'nix' | 'bazel-remote' | 'bazel-grpc';

/**
 * healthy; degraded (slow or partly failing); down; unknown (never probed, or the probe could not
 * decide).
 *
 * @public
 */
export type CacheHealthStatus = 'healthy' | 'degraded' | 'down' | 'unknown';

/**
 * Why a cache is down or degraded: `auth` (401/403), `not-found` (404, no such cache), `timeout`,
 * `network` (refused, reset, DNS), `tls`, `protocol` (not the answer this kind of cache gives) or
 * `http-5xx` (the server reported its own failure, incl. gRPC INTERNAL / NOT_SERVING).
 *
 * @public
 */
export type CacheErrorKind =
  | 'auth'
  | 'not-found'
  | 'timeout'
  | 'network'
  | 'tls'
  | 'protocol'
  | 'http-5xx';

/** One request a probe made, in order. @public */
export interface CacheProbeCheck {
  /** e.g. `nix-cache-info`, `cache-config`, `status`, `cas-head`, `health`, `capabilities` */
  name: string;
  outcome: 'ok' | 'failed' | 'skipped';
  latencyMs: number;
  httpStatus?: number;
  grpcCode?: string;
  errorKind?: CacheErrorKind;
  message?: string;
}

/** Parsed `nix-cache-info`. @public */
export interface NixCacheInfo {
  storeDir?: string;
  wantMassQuery?: boolean;
  priority?: number;
}

/** Parsed Attic `cache-config` (the keypair is never kept). @public */
export interface AtticCacheConfig {
  isPublic?: boolean;
  storeDir?: string;
  priority?: number;
  publicKey?: string;
  substituterEndpoint?: string;
  apiEndpoint?: string;
  upstreamCacheKeyNames?: string[];
  /** `global` default, or a period in seconds (0 = time-based GC disabled) */
  retentionPeriod?: 'global' | { seconds: number };
}

/** Parsed bazel-remote `/status`. @public */
export interface BazelRemoteStatus {
  currSizeBytes: number;
  maxSizeBytes: number;
  numFiles: number;
  /** ISO time the server reported */
  serverTime: string;
  reservedSizeBytes?: number;
  uncompressedSizeBytes?: number;
  gitCommit?: string;
  numGoroutines?: number;
}

/** Whether a gRPC cache offers remote execution: only `offered` when the server says so. @public */
export type RemoteExecutionOffer = 'offered' | 'not offered';

/** What REAPI GetCapabilities said, summarised. @public */
export interface ReapiCapabilitiesSummary {
  /** absent when the endpoint offers no cache (execution-only) */
  cache?: {
    digestFunctions: string[];
    actionCacheUpdateEnabled: boolean;
    maxBatchTotalSizeBytes?: number;
    maxCasBlobSizeBytes?: number;
    supportedCompressors: string[];
    symlinkAbsolutePathStrategy?: string;
  };
  remoteExecution: RemoteExecutionOffer;
  executionDigestFunctions?: string[];
  /** e.g. `2.0` and `2.3` */
  lowApiVersion?: string;
  highApiVersion?: string;
}

/** A configured cache whose endpoint matches the stale-endpoint deny-list. @public */
export interface CacheStaleEndpoint {
  /** the `gloriousflywheel.cacheProbe.staleEndpoints` pattern it matched */
  pattern: string;
  message: string;
}

/**
 * One configured cache and its latest probe, as `GET /caches` lists it. Fields the cache does not
 * expose, or that are not known before the first probe, are null.
 *
 * @public
 */
export interface CacheHealth {
  name: string;
  kind: CacheKind;
  /** the configured URL (config refuses credentials in URLs; tokens are never returned) */
  endpoint: string;
  /** Attic/Nix cache name or REAPI instance name */
  cache: string | null;
  /** runner classes whose pods use this cache (config `caches[].runnerClasses`) */
  runnerClasses: string[];
  status: CacheHealthStatus;
  latencyMs: number | null;
  /** ISO time of the latest probe; null = never probed */
  checkedAt: string | null;
  errorKind: CacheErrorKind | null;
  /** one line on why it is down or degraded */
  message: string | null;
  sizeBytes: number | null;
  capacityBytes: number | null;
  itemCount: number | null;
  /** gRPC caches only (null otherwise, or before GetCapabilities answered) */
  remoteExecution: RemoteExecutionOffer | null;
  /** set when the endpoint is on the stale deny-list: it must no longer be used */
  staleEndpoint: CacheStaleEndpoint | null;
}

/** What the latest probe found, beyond the status. @public */
export interface CacheProbeFacts {
  nixCacheInfo?: NixCacheInfo;
  atticCacheConfig?: AtticCacheConfig;
  bazelRemoteStatus?: BazelRemoteStatus;
  /** bazel-remote: whether `/status` exists (absent on plain HTTP caches such as nginx WebDAV) */
  statusPage?: 'present' | 'absent';
  /** bazel-remote: the CAS key checked and whether it was a hit */
  casProbe?: { key: string; hit: boolean };
  grpcHealth?: string;
  capabilities?: ReapiCapabilitiesSummary;
}

/** Response of `GET /api/gloriousflywheel/caches`. @public */
export interface CacheList {
  items: CacheHealth[];
}

/** Response of `GET /api/gloriousflywheel/caches/:name`. @public */
export interface CacheDetail {
  item: CacheHealth;
  /** the latest probe's requests, in order (empty before the first probe) */
  checks: CacheProbeCheck[];
  facts: CacheProbeFacts;
}

/** One stored probe of a cache. @public */
export interface CacheHistoryPoint {
  checkedAt: string;
  status: CacheHealthStatus;
  latencyMs: number;
  errorKind: CacheErrorKind | null;
  message: string | null;
  sizeBytes: number | null;
}

/**
 * Response of `GET /api/gloriousflywheel/caches/:name/history?since=&limit=`: the newest `limit`
 * probes since `since`, oldest first.
 *
 * @public
 */
export interface CacheHistory {
  cache: string;
  since: string;
  limit: number;
  items: CacheHistoryPoint[];
  /** true when more probes than `limit` happened since `since` (the oldest were left out) */
  truncated: boolean;
}
