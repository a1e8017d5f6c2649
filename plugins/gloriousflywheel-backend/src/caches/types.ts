/**
 * Kinds of build cache the probes understand:
 * - `attic`: an Attic server (`{url}/{cache}/nix-cache-info`, and `/_api/v1/cache-config/{cache}`
 *   when a token is configured)
 * - `nix`: any plain Nix binary cache (`{url}[/{cache}]/nix-cache-info`), e.g. static files on nginx
 * - `bazel-remote`: a Bazel HTTP cache (bazel-remote `/status` when present, HEAD on a CAS key);
 *   a `grpc://` or `grpcs://` URL is probed over gRPC as `bazel-grpc` is
 * - `bazel-grpc`: a REAPI cache over gRPC (health Check + Capabilities/GetCapabilities)
 */
export type CacheKind = 'attic' | 'nix' | 'bazel-remote' | 'bazel-grpc';

/** One configured cache, as read from `gloriousflywheel.caches[]`. */
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

/** healthy, degraded (slow or partly failing), down, or unknown (never probed / undecidable). */
export type CacheProbeStatus = 'healthy' | 'degraded' | 'down' | 'unknown';

/**
 * Why a check failed:
 * - `auth`: 401/403, gRPC UNAUTHENTICATED/PERMISSION_DENIED
 * - `not-found`: 404 (no such cache, key or path), gRPC NOT_FOUND
 * - `timeout`: the probe's deadline passed, gRPC DEADLINE_EXCEEDED
 * - `network`: refused, reset, DNS, unreachable, gRPC UNAVAILABLE/CANCELLED
 * - `tls`: certificate or handshake failures
 * - `protocol`: an answer that is not what the cache kind speaks (unparsable body, unexpected
 *   status, gRPC UNIMPLEMENTED)
 * - `http-5xx`: the server reported its own failure (HTTP 5xx; gRPC INTERNAL, UNKNOWN,
 *   RESOURCE_EXHAUSTED, ...; health NOT_SERVING)
 */
export type CacheErrorKind =
  | 'auth'
  | 'not-found'
  | 'timeout'
  | 'network'
  | 'tls'
  | 'protocol'
  | 'http-5xx';

/** One request a probe made, in order. */
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

/** Parsed `nix-cache-info`. */
export interface NixCacheInfo {
  storeDir?: string;
  wantMassQuery?: boolean;
  priority?: number;
}

/** Parsed Attic `cache-config` (the keypair is never kept). */
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

/** Parsed bazel-remote `/status`. */
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

/** What REAPI GetCapabilities said, summarised. */
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
  /** only `offered` when the server sends ExecutionCapabilities with exec_enabled */
  remoteExecution: 'offered' | 'not offered';
  executionDigestFunctions?: string[];
  /** e.g. `2.0` and `2.3` */
  lowApiVersion?: string;
  highApiVersion?: string;
}

/** Kind-specific facts a probe found, plus sizes when the cache exposes them. */
export interface CacheProbeDetails {
  /** the probed endpoint (config URL; credentials are refused in config) */
  endpoint: string;
  checks: CacheProbeCheck[];
  nixCacheInfo?: NixCacheInfo;
  atticCacheConfig?: AtticCacheConfig;
  bazelRemoteStatus?: BazelRemoteStatus;
  /** bazel-remote: whether `/status` exists (absent on plain HTTP caches such as nginx WebDAV) */
  statusPage?: 'present' | 'absent';
  /** bazel-remote: the CAS key HEADed and whether it was a hit */
  casProbe?: { key: string; hit: boolean };
  grpcHealth?: string;
  capabilities?: ReapiCapabilitiesSummary;
  /** normalised sizes, when exposed */
  sizeBytes?: number;
  capacityBytes?: number;
  itemCount?: number;
}

/** The outcome of probing one cache once. */
export interface CacheProbeResult {
  cache: string;
  kind: CacheKind;
  status: CacheProbeStatus;
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
