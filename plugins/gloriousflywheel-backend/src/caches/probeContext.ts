import {
  CacheFailure,
  classifyFetchError,
  classifyHttpStatus,
} from './classifyFailure';
import type { CacheProbeCheck } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** The fetch the probes use; injectable for tests. */
export type CacheProbeFetch = typeof fetch;

/** An HTTP answer of any status. */
export interface HttpAnswer {
  ok: true;
  status: number;
  headers: Headers;
  /** body text, capped (absent for HEAD) */
  body: string;
  bytes?: Buffer;
  latencyMs: number;
}

/** No HTTP answer at all (refused, reset, timeout, TLS). */
export interface HttpNoAnswer {
  ok: false;
  failure: CacheFailure;
  latencyMs: number;
}

const BODY_CAP = 1024 * 1024;

/**
 * One probe run: a single deadline shared by all its requests, the fetch to use, the bearer
 * token, and the list of checks made so far.
 */
export class ProbeContext {
  readonly checks: CacheProbeCheck[] = [];
  readonly signal: AbortSignal;
  private readonly started = performance.now();

  constructor(
    readonly timeoutMs: number,
    private readonly fetchFn: CacheProbeFetch,
    private readonly token?: string,
  ) {
    this.signal = AbortSignal.timeout(timeoutMs);
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.started);
  }

  remainingMs(): number {
    return Math.max(0, this.timeoutMs - (performance.now() - this.started));
  }

  record(check: CacheProbeCheck) {
    this.checks.push(check);
  }

  /** GET/HEAD `url` within the probe's deadline; never throws. */
  async http(
    url: string,
    options: {
      method?: 'GET' | 'HEAD';
      bearer?: boolean;
      binary?: boolean;
    } = {},
  ): Promise<HttpAnswer | HttpNoAnswer> {
    const method = options.method ?? 'GET';
    const t0 = performance.now();
    const since = () => Math.round(performance.now() - t0);
    const headers: Record<string, string> = {
      'user-agent': 'gloriousflywheel-cache-probe',
    };
    const withToken = Boolean(options.bearer && this.token);
    if (withToken) headers.authorization = `Bearer ${this.token}`;
    try {
      const res = await this.fetchFn(url, {
        method,
        headers,
        signal: this.signal,
        // A token is never carried across a redirect.
        redirect: withToken ? 'error' : 'follow',
      });
      const bytes =
        method === 'HEAD' ? Buffer.alloc(0) : await readCapped(res, BODY_CAP);
      return {
        ok: true,
        status: res.status,
        headers: res.headers,
        body: options.binary ? '' : bytes.toString('utf8'),
        bytes: options.binary ? bytes : undefined,
        latencyMs: since(),
      };
    } catch (e) {
      return {
        ok: false,
        failure: classifyFetchError(e, this.timeoutMs),
        latencyMs: since(),
      };
    }
  }
}

async function readCapped(res: Response, cap: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    chunks.push(Buffer.from(value));
    if (size >= cap) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks);
}

/** A non-2xx HTTP answer as a failure, with Attic's `{error}` or a short body excerpt as reason. */
export function httpFailure(answer: HttpAnswer): CacheFailure {
  let reason = '';
  try {
    const parsed = JSON.parse(answer.body);
    if (parsed && typeof parsed.error === 'string') reason = parsed.error;
  } catch {
    reason = answer.body.replace(/\s+/g, ' ').trim().slice(0, 80);
  }
  return {
    errorKind: classifyHttpStatus(answer.status),
    httpStatus: answer.status,
    message: `HTTP ${answer.status}${reason ? ` ${reason}` : ''}`,
  };
}

/** Records a failed check and hands the failure back. */
export function failCheck(
  ctx: ProbeContext,
  name: string,
  failure: CacheFailure,
  latencyMs: number,
): CacheFailure {
  ctx.record({
    name,
    outcome: 'failed',
    latencyMs,
    errorKind: failure.errorKind,
    message: failure.message,
    ...(failure.httpStatus ? { httpStatus: failure.httpStatus } : {}),
    ...(failure.grpcCode ? { grpcCode: failure.grpcCode } : {}),
  });
  return failure;
}

/** What a kind-specific probe concluded before latency is judged. */
export interface ProbeOutcome {
  /** the cache cannot be used (first failing essential check) */
  down?: { check: string; failure: CacheFailure };
  /** the cache works, but a secondary check failed */
  partial?: { check: string; failure: CacheFailure };
}
