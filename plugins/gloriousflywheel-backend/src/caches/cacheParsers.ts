import { z } from 'zod';
import type {
  AtticCacheConfig,
  BazelRemoteStatus,
  NixCacheInfo,
  ReapiCapabilitiesSummary,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** A parse outcome: the value, or why the payload is not what the cache kind speaks. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Parses a Nix binary cache's `nix-cache-info` (`Key: value` lines). Unknown keys are ignored, as
 * Nix does; a body with no `Key: value` line at all (an HTML page, JSON) is refused.
 */
export function parseNixCacheInfo(text: string): Parsed<NixCacheInfo> {
  const info: NixCacheInfo = {};
  let fields = 0;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^([A-Za-z][A-Za-z0-9]*):\s*(.*)$/.exec(line);
    if (!m) return { ok: false, error: `line ${i + 1} is not "Key: value"` };
    fields++;
    const [, key, value] = m;
    if (key === 'StoreDir') {
      if (!value.startsWith('/'))
        return { ok: false, error: 'StoreDir is not an absolute path' };
      info.storeDir = value;
    } else if (key === 'WantMassQuery') {
      if (value !== '0' && value !== '1') {
        return {
          ok: false,
          error: `WantMassQuery must be 0 or 1, got "${value}"`,
        };
      }
      info.wantMassQuery = value === '1';
    } else if (key === 'Priority') {
      if (!/^-?\d+$/.test(value)) {
        return {
          ok: false,
          error: `Priority must be an integer, got "${value}"`,
        };
      }
      info.priority = Number(value);
    }
  }
  if (fields === 0) return { ok: false, error: 'empty nix-cache-info' };
  return { ok: true, value: info };
}

function zodError(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map(i => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

const atticCacheConfigSchema = z.object({
  is_public: z.boolean().optional(),
  store_dir: z.string().optional(),
  priority: z.number().int().optional(),
  public_key: z.string().optional(),
  substituter_endpoint: z.string().optional(),
  api_endpoint: z.string().optional(),
  upstream_cache_key_names: z.array(z.string()).optional(),
  // serde's externally tagged enum: "Global" or {"Period": seconds}
  retention_period: z
    .union([
      z.literal('Global'),
      z.object({ Period: z.number().int().nonnegative() }),
    ])
    .optional(),
});

function retention(
  r: z.infer<typeof atticCacheConfigSchema>['retention_period'],
): AtticCacheConfig['retentionPeriod'] {
  if (r === undefined) return undefined;
  return r === 'Global' ? 'global' : { seconds: r.Period };
}

/**
 * Parses Attic's `GET /_api/v1/cache-config/{cache}` body (serde names, all fields optional as the
 * server skips unset ones). A `keypair` field, should a server ever send one, is dropped.
 */
export function parseAtticCacheConfig(body: unknown): Parsed<AtticCacheConfig> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, error: 'cache-config is not a JSON object' };
  }
  const r = atticCacheConfigSchema.safeParse(body);
  if (!r.success) return { ok: false, error: zodError(r.error) };
  const c = r.data;
  if (
    c.is_public === undefined &&
    c.store_dir === undefined &&
    c.priority === undefined
  ) {
    return {
      ok: false,
      error: 'no is_public, store_dir or priority: not an Attic cache-config',
    };
  }
  const out: AtticCacheConfig = {
    isPublic: c.is_public,
    storeDir: c.store_dir,
    priority: c.priority,
    publicKey: c.public_key,
    substituterEndpoint: c.substituter_endpoint,
    apiEndpoint: c.api_endpoint,
    upstreamCacheKeyNames: c.upstream_cache_key_names,
    retentionPeriod: retention(c.retention_period),
  };
  for (const k of Object.keys(out) as (keyof AtticCacheConfig)[]) {
    if (out[k] === undefined) delete out[k];
  }
  return { ok: true, value: out };
}

const size = z.number().int().nonnegative();
const bazelRemoteStatusSchema = z.object({
  CurrSize: size,
  MaxSize: size,
  NumFiles: size,
  ServerTime: size,
  ReservedSize: size.optional(),
  UncompressedSize: size.optional(),
  GitCommit: z.string().optional(),
  NumGoroutines: size.optional(),
});

/**
 * Parses bazel-remote's `/status` JSON. Older releases lack ReservedSize, UncompressedSize and
 * NumGoroutines, so only CurrSize, MaxSize, NumFiles and ServerTime are required.
 */
export function parseBazelRemoteStatus(
  body: unknown,
): Parsed<BazelRemoteStatus> {
  const r = bazelRemoteStatusSchema.safeParse(body);
  if (!r.success) return { ok: false, error: zodError(r.error) };
  const s = r.data;
  const out: BazelRemoteStatus = {
    currSizeBytes: s.CurrSize,
    maxSizeBytes: s.MaxSize,
    numFiles: s.NumFiles,
    serverTime: new Date(s.ServerTime * 1000).toISOString(),
  };
  if (s.ReservedSize !== undefined) out.reservedSizeBytes = s.ReservedSize;
  if (s.UncompressedSize !== undefined)
    out.uncompressedSizeBytes = s.UncompressedSize;
  // bazel-remote leaves GitCommit empty in dev builds; empty says nothing.
  if (s.GitCommit) out.gitCommit = s.GitCommit;
  if (s.NumGoroutines !== undefined) out.numGoroutines = s.NumGoroutines;
  return { ok: true, value: out };
}

/** ServerCapabilities as @grpc/proto-loader decodes it (camelCase, enums and int64 as strings). */
export interface DecodedServerCapabilities {
  cacheCapabilities?: {
    digestFunctions?: string[];
    actionCacheUpdateCapabilities?: { updateEnabled?: boolean } | null;
    maxBatchTotalSizeBytes?: string | number;
    maxCasBlobSizeBytes?: string | number;
    symlinkAbsolutePathStrategy?: string;
    supportedCompressors?: string[];
  } | null;
  executionCapabilities?: {
    digestFunction?: string;
    execEnabled?: boolean;
    digestFunctions?: string[];
  } | null;
  lowApiVersion?: SemVer | null;
  highApiVersion?: SemVer | null;
  deprecatedApiVersion?: SemVer | null;
}

interface SemVer {
  major?: number;
  minor?: number;
  patch?: number;
  prerelease?: string;
}

function semver(v?: SemVer | null): string | undefined {
  if (!v) return undefined;
  if (v.prerelease) return v.prerelease;
  return `${v.major ?? 0}.${v.minor ?? 0}${v.patch ? `.${v.patch}` : ''}`;
}

function positive(n?: string | number): number | undefined {
  const v = Number(n ?? 0);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * Summarises REAPI GetCapabilities. Remote execution counts as offered only when the server sends
 * ExecutionCapabilities with exec_enabled set; anything else is reported as not offered.
 */
export function summarizeCapabilities(
  caps: DecodedServerCapabilities,
): ReapiCapabilitiesSummary {
  const out: ReapiCapabilitiesSummary = { remoteExecution: 'not offered' };
  const c = caps.cacheCapabilities;
  if (c) {
    out.cache = {
      digestFunctions: [...(c.digestFunctions ?? [])],
      actionCacheUpdateEnabled: Boolean(
        c.actionCacheUpdateCapabilities?.updateEnabled,
      ),
      supportedCompressors: [...(c.supportedCompressors ?? [])],
    };
    const batch = positive(c.maxBatchTotalSizeBytes);
    if (batch) out.cache.maxBatchTotalSizeBytes = batch;
    const blob = positive(c.maxCasBlobSizeBytes);
    if (blob) out.cache.maxCasBlobSizeBytes = blob;
    if (
      c.symlinkAbsolutePathStrategy &&
      c.symlinkAbsolutePathStrategy !== 'UNKNOWN'
    ) {
      out.cache.symlinkAbsolutePathStrategy = c.symlinkAbsolutePathStrategy;
    }
  }
  const e = caps.executionCapabilities;
  if (e?.execEnabled === true) {
    out.remoteExecution = 'offered';
    const fns = e.digestFunctions?.length
      ? e.digestFunctions
      : [e.digestFunction ?? 'UNKNOWN'];
    out.executionDigestFunctions = [...fns];
  }
  const low = semver(caps.lowApiVersion) ?? semver(caps.deprecatedApiVersion);
  const high = semver(caps.highApiVersion) ?? semver(caps.deprecatedApiVersion);
  if (low) out.lowApiVersion = low;
  if (high) out.highApiVersion = high;
  return out;
}
