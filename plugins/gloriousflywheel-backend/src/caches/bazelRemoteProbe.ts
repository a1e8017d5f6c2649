import { createHash } from 'node:crypto';
import { parseBazelRemoteStatus } from './cacheParsers';
import { CacheFailure } from './classifyFailure';
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

/** sha256 of zero bytes, the CAS key of Bazel's empty blob. */
export const EMPTY_BLOB_SHA256 =
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const GET_CAP = 1024 * 1024;
const ABSENT_STATUS = new Set([404, 405, 501]);

/**
 * Probes a Bazel HTTP cache: bazel-remote's `/status` when it exists (sizes, item count), then a
 * HEAD on a CAS key (the configured `casKey`, else the empty blob). A plain HTTP cache such as
 * nginx WebDAV has no `/status`; for it a CAS miss on the empty blob still proves a working cache,
 * and a configured `casKey` is also fetched and checked against its sha256.
 */
export async function probeBazelRemote(
  target: CacheTarget,
  ctx: ProbeContext,
  details: CacheProbeDetails,
): Promise<ProbeOutcome> {
  const base = target.url.replace(/\/+$/, '');
  let partial: ProbeOutcome['partial'];
  const down = (
    check: string,
    failure: CacheFailure,
    latencyMs: number,
  ): ProbeOutcome => ({
    down: { check, failure: failCheck(ctx, check, failure, latencyMs) },
  });
  const part = (check: string, failure: CacheFailure, latencyMs: number) => {
    const f = failCheck(ctx, check, failure, latencyMs);
    partial ??= { check, failure: f };
  };

  const status = await ctx.http(`${base}/status`, { bearer: true });
  if (!status.ok) return down('status', status.failure, status.latencyMs);
  if (status.status === 200) {
    let json: unknown;
    try {
      json = JSON.parse(status.body);
    } catch {
      json = undefined;
    }
    const parsed = parseBazelRemoteStatus(json);
    if (parsed.ok) {
      details.statusPage = 'present';
      details.bazelRemoteStatus = parsed.value;
      details.sizeBytes = parsed.value.currSizeBytes;
      details.capacityBytes = parsed.value.maxSizeBytes;
      details.itemCount = parsed.value.numFiles;
      ctx.record({
        name: 'status',
        outcome: 'ok',
        latencyMs: status.latencyMs,
        httpStatus: 200,
      });
    } else {
      details.statusPage = 'absent';
      part(
        'status',
        {
          errorKind: 'protocol',
          message: `/status is not bazel-remote's: ${parsed.error}`,
        },
        status.latencyMs,
      );
    }
  } else if (ABSENT_STATUS.has(status.status)) {
    details.statusPage = 'absent';
    ctx.record({
      name: 'status',
      outcome: 'skipped',
      latencyMs: status.latencyMs,
      httpStatus: status.status,
      message: 'no /status (plain HTTP cache)',
    });
  } else {
    const failure = httpFailure(status);
    if (failure.errorKind === 'auth' || failure.errorKind === 'http-5xx') {
      return down('status', failure, status.latencyMs);
    }
    details.statusPage = 'absent';
    part('status', failure, status.latencyMs);
  }

  const key = target.casKey ?? EMPTY_BLOB_SHA256;
  const head = await ctx.http(`${base}/cas/${key}`, {
    method: 'HEAD',
    bearer: true,
  });
  if (!head.ok) return down('cas-head', head.failure, head.latencyMs);
  if (head.status === 200) {
    details.casProbe = { key, hit: true };
    ctx.record({
      name: 'cas-head',
      outcome: 'ok',
      latencyMs: head.latencyMs,
      httpStatus: 200,
    });
  } else if (head.status === 404) {
    details.casProbe = { key, hit: false };
    if (target.casKey) {
      part(
        'cas-head',
        {
          errorKind: 'not-found',
          httpStatus: 404,
          message: `known CAS key ${key} is missing`,
        },
        head.latencyMs,
      );
    } else if (details.statusPage === 'present') {
      part(
        'cas-head',
        {
          errorKind: 'not-found',
          httpStatus: 404,
          message: 'the empty blob is missing (bazel-remote always holds it)',
        },
        head.latencyMs,
      );
    } else {
      // A plain HTTP cache answering a clean miss is reachable and speaking the protocol.
      ctx.record({
        name: 'cas-head',
        outcome: 'ok',
        latencyMs: head.latencyMs,
        httpStatus: 404,
        message: 'empty blob not stored (cache miss)',
      });
    }
  } else {
    const failure = httpFailure(head);
    if (failure.errorKind === 'auth' || failure.errorKind === 'http-5xx') {
      return down('cas-head', failure, head.latencyMs);
    }
    part('cas-head', failure, head.latencyMs);
  }

  const headLength = head.ok
    ? Number(head.headers.get('content-length') ?? 0)
    : 0;
  if (target.casKey && details.casProbe?.hit && headLength > GET_CAP) {
    ctx.record({
      name: 'cas-get',
      outcome: 'skipped',
      latencyMs: 0,
      message: `known key is ${headLength} bytes; only keys up to 1 MiB are fetched`,
    });
  } else if (target.casKey && details.casProbe?.hit) {
    const get = await ctx.http(`${base}/cas/${key}`, {
      bearer: true,
      binary: true,
    });
    if (!get.ok) return down('cas-get', get.failure, get.latencyMs);
    if (get.status !== 200) {
      part('cas-get', httpFailure(get), get.latencyMs);
    } else {
      const digest = createHash('sha256')
        .update(get.bytes ?? Buffer.alloc(0))
        .digest('hex');
      if (digest === key) {
        ctx.record({
          name: 'cas-get',
          outcome: 'ok',
          latencyMs: get.latencyMs,
          httpStatus: 200,
        });
      } else {
        part(
          'cas-get',
          {
            errorKind: 'protocol',
            message: `CAS content hashes to ${digest}, not its key`,
          },
          get.latencyMs,
        );
      }
    }
  }
  return partial ? { partial } : {};
}
