import { parseAtticCacheConfig, parseNixCacheInfo } from './cacheParsers';
import {
  failCheck,
  httpFailure,
  ProbeContext,
  ProbeOutcome,
} from './probeContext';
import type {
  CacheProbeDetails,
  CacheTarget,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';

const RUNNER_STORE_DIR = '/nix/store';

/**
 * Probes an Attic server or a plain Nix binary cache: `nix-cache-info` decides reachability; for
 * Attic with a token, `cache-config` is checked too and its failure alone makes the cache degraded.
 */
export async function probeNixCache(
  target: CacheTarget,
  ctx: ProbeContext,
  details: CacheProbeDetails,
): Promise<ProbeOutcome> {
  const base = target.url.replace(/\/+$/, '');
  const cachePath = target.cache ? `/${encodeURIComponent(target.cache)}` : '';
  const outcome: ProbeOutcome = {};

  const info = await ctx.http(`${base}${cachePath}/nix-cache-info`, {
    bearer: true,
  });
  if (!info.ok) {
    return {
      down: {
        check: 'nix-cache-info',
        failure: failCheck(ctx, 'nix-cache-info', info.failure, info.latencyMs),
      },
    };
  }
  if (info.status !== 200) {
    const failure = httpFailure(info);
    if (failure.errorKind === 'not-found') {
      failure.message = `no such cache${
        target.cache ? ` '${target.cache}'` : ''
      } (${failure.message})`;
    }
    return {
      down: {
        check: 'nix-cache-info',
        failure: failCheck(ctx, 'nix-cache-info', failure, info.latencyMs),
      },
    };
  }
  const parsed = parseNixCacheInfo(info.body);
  if (!parsed.ok) {
    const failure = {
      errorKind: 'protocol' as const,
      message: `not a nix-cache-info: ${parsed.error}`,
    };
    return {
      down: {
        check: 'nix-cache-info',
        failure: failCheck(ctx, 'nix-cache-info', failure, info.latencyMs),
      },
    };
  }
  details.nixCacheInfo = parsed.value;
  ctx.record({
    name: 'nix-cache-info',
    outcome: 'ok',
    latencyMs: info.latencyMs,
    httpStatus: 200,
  });
  if (parsed.value.storeDir && parsed.value.storeDir !== RUNNER_STORE_DIR) {
    // Nix refuses a substituter whose store differs from the local one.
    outcome.partial = {
      check: 'nix-cache-info',
      failure: {
        errorKind: 'protocol',
        message: `StoreDir is ${parsed.value.storeDir}, runners use ${RUNNER_STORE_DIR}`,
      },
    };
  }

  if (target.kind !== 'attic') return outcome;
  if (!target.token || !target.cache) {
    ctx.record({
      name: 'cache-config',
      outcome: 'skipped',
      latencyMs: 0,
      message: target.token
        ? 'no cache name configured'
        : 'no token configured',
    });
    return outcome;
  }

  const cfg = await ctx.http(
    `${base}/_api/v1/cache-config/${encodeURIComponent(target.cache)}`,
    { bearer: true },
  );
  if (!cfg.ok) {
    // A timeout here is still the whole probe running out of time.
    const failure = failCheck(ctx, 'cache-config', cfg.failure, cfg.latencyMs);
    if (failure.errorKind === 'timeout')
      return { down: { check: 'cache-config', failure } };
    return {
      ...outcome,
      partial: outcome.partial ?? { check: 'cache-config', failure },
    };
  }
  if (cfg.status !== 200) {
    const failure = failCheck(
      ctx,
      'cache-config',
      httpFailure(cfg),
      cfg.latencyMs,
    );
    return {
      ...outcome,
      partial: outcome.partial ?? { check: 'cache-config', failure },
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(cfg.body);
  } catch {
    body = undefined;
  }
  const config = parseAtticCacheConfig(body);
  if (!config.ok) {
    const failure = failCheck(
      ctx,
      'cache-config',
      {
        errorKind: 'protocol',
        message: `not an Attic cache-config: ${config.error}`,
      },
      cfg.latencyMs,
    );
    return {
      ...outcome,
      partial: outcome.partial ?? { check: 'cache-config', failure },
    };
  }
  details.atticCacheConfig = config.value;
  ctx.record({
    name: 'cache-config',
    outcome: 'ok',
    latencyMs: cfg.latencyMs,
    httpStatus: 200,
  });
  return outcome;
}
