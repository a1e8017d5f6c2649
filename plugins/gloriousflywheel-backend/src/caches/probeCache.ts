import { probeBazelGrpc } from './bazelGrpcProbe';
import { probeBazelRemote } from './bazelRemoteProbe';
import { redactSecrets } from './classifyFailure';
import { probeNixCache } from './nixCacheProbe';
import { CacheProbeFetch, ProbeContext, ProbeOutcome } from './probeContext';
import { DEFAULT_SLOW_THRESHOLD_MS } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import type {
  CacheProbeDetails,
  CacheProbeResult,
  CacheTarget,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';

/** How to probe. */
export interface CacheProbeOptions {
  /** the whole probe's budget; a target's own `timeoutMs` wins */
  timeoutMs: number;
  /** a probe slower than this (but within the timeout) is degraded; default 1000 ms */
  slowThresholdMs?: number;
  /** fetch for HTTP probes (default: the global fetch) */
  fetch?: CacheProbeFetch;
  /** clock for `checkedAt` (tests) */
  now?: () => Date;
}

const isGrpcUrl = (url: string) => /^grpcs?:\/\//i.test(url);

/**
 * Probes one configured cache once. Never throws: every failure is data in the result, and the
 * target's token never appears in it. Safe to run for many caches in parallel.
 */
export async function probeCache(
  target: CacheTarget,
  options: CacheProbeOptions,
): Promise<CacheProbeResult> {
  const timeoutMs = target.timeoutMs ?? options.timeoutMs;
  const slowMs = options.slowThresholdMs ?? DEFAULT_SLOW_THRESHOLD_MS;
  const checkedAt = (options.now?.() ?? new Date()).toISOString();
  const ctx = new ProbeContext(timeoutMs, options.fetch ?? fetch, target.token);
  const details: CacheProbeDetails = {
    endpoint: target.url,
    checks: ctx.checks,
  };

  let result: CacheProbeResult;
  try {
    let outcome: ProbeOutcome;
    if (
      target.kind === 'bazel-grpc' ||
      (target.kind === 'bazel-remote' && isGrpcUrl(target.url))
    ) {
      outcome = await probeBazelGrpc(target, ctx, details);
    } else if (target.kind === 'bazel-remote') {
      outcome = await probeBazelRemote(target, ctx, details);
    } else {
      outcome = await probeNixCache(target, ctx, details);
    }
    result = verdict(
      target,
      checkedAt,
      ctx.elapsedMs(),
      slowMs,
      outcome,
      details,
    );
  } catch (e) {
    // A probe bug or an unexpected answer shape: say so rather than guess a status.
    result = {
      cache: target.name,
      kind: target.kind,
      status: 'unknown',
      latencyMs: ctx.elapsedMs(),
      checkedAt,
      message: `probe could not decide: ${(e as Error)?.message ?? String(e)}`,
      details,
    };
  }
  return redactResult(result, target.token);
}

/** Probes every target in parallel, each within its own timeout. */
export function probeCaches(
  targets: CacheTarget[],
  options: CacheProbeOptions,
): Promise<CacheProbeResult[]> {
  return Promise.all(targets.map(t => probeCache(t, options)));
}

function verdict(
  target: CacheTarget,
  checkedAt: string,
  latencyMs: number,
  slowMs: number,
  outcome: ProbeOutcome,
  details: CacheProbeDetails,
): CacheProbeResult {
  const base = {
    cache: target.name,
    kind: target.kind,
    latencyMs,
    checkedAt,
    details,
  };
  if (outcome.down) {
    const { check, failure } = outcome.down;
    return {
      ...base,
      status: 'down',
      errorKind: failure.errorKind,
      message: `${check}: ${failure.message}`,
    };
  }
  const slow =
    latencyMs > slowMs
      ? `slow: ${latencyMs} ms (threshold ${slowMs} ms)`
      : undefined;
  if (outcome.partial) {
    const { check, failure } = outcome.partial;
    return {
      ...base,
      status: 'degraded',
      errorKind: failure.errorKind,
      message: `partial: ${check}: ${failure.message}${
        slow ? `; ${slow}` : ''
      }`,
    };
  }
  if (slow) return { ...base, status: 'degraded', message: slow };
  return { ...base, status: 'healthy' };
}

function redactResult(
  result: CacheProbeResult,
  token?: string,
): CacheProbeResult {
  if (!token) return result;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactSecrets(v, [token]);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, walk(x)]),
      );
    }
    return v;
  };
  return walk(result) as CacheProbeResult;
}
