import { status as GrpcStatus } from '@grpc/grpc-js';
import type { CacheErrorKind } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** A failed check, classified. */
export interface CacheFailure {
  errorKind: CacheErrorKind;
  message: string;
  httpStatus?: number;
  grpcCode?: string;
}

/** Classifies an HTTP answer that is not a success. */
export function classifyHttpStatus(status: number): CacheErrorKind {
  if (status === 401 || status === 403 || status === 407) return 'auth';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'http-5xx';
  return 'protocol';
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
};
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'EPROTO',
]);

type ErrLike = {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
};

/** The innermost errors of a fetch failure (undici wraps the socket error in `cause`). */
function chain(err: unknown): ErrLike[] {
  const out: ErrLike[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && typeof cur === 'object' && depth < 5; depth++) {
    const e = cur as ErrLike;
    out.push(e);
    // Happy-eyeballs connects fail with an AggregateError holding one error per address.
    if (Array.isArray(e.errors) && e.errors.length > 0)
      out.push(...(e.errors as ErrLike[]));
    cur = e.cause;
  }
  return out;
}

/** Classifies an exception thrown by `fetch` (or its body read) under an AbortSignal.timeout. */
export function classifyFetchError(
  err: unknown,
  timeoutMs?: number,
): CacheFailure {
  const errs = chain(err);
  if (errs.some(e => e.name === 'TimeoutError' || e.name === 'AbortError')) {
    return {
      errorKind: 'timeout',
      message: timeoutMs ? `no answer within ${timeoutMs} ms` : 'timed out',
    };
  }
  for (const e of errs) {
    const code = e.code ?? '';
    if (TIMEOUT_CODES.has(code))
      return { errorKind: 'timeout', message: `timed out (${code})` };
    if (
      TLS_CODES.has(code) ||
      code.startsWith('ERR_TLS_') ||
      code.startsWith('ERR_SSL_')
    ) {
      return {
        errorKind: 'tls',
        message: `TLS failure (${code}): ${e.message ?? ''}`.trim(),
      };
    }
    if (NETWORK_CODES[code])
      return {
        errorKind: 'network',
        message: `${NETWORK_CODES[code]} (${code})`,
      };
    if (code.startsWith('HPE_')) {
      return {
        errorKind: 'protocol',
        message: `not an HTTP/1.1 answer (${code})`,
      };
    }
  }
  for (const e of errs) {
    const msg = e.message ?? '';
    if (/redirect/i.test(msg))
      return { errorKind: 'protocol', message: `unexpected redirect: ${msg}` };
    if (/certificate|ssl|tls/i.test(msg))
      return { errorKind: 'tls', message: `TLS failure: ${msg}` };
  }
  const inner = errs[errs.length - 1];
  return {
    errorKind: 'network',
    message: `request failed: ${
      inner?.message || inner?.code || 'unknown error'
    }`,
  };
}

const GRPC_NAMES = Object.fromEntries(
  Object.entries(GrpcStatus)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k]),
) as Record<number, string>;

/** The gRPC status name for a numeric code, e.g. 14 → `UNAVAILABLE`. */
export function grpcCodeName(code: number): string {
  return GRPC_NAMES[code] ?? `CODE_${code}`;
}

/** Classifies a failed gRPC call (a grpc-js ServiceError or anything thrown around it). */
export function classifyGrpcError(err: unknown): CacheFailure {
  const e = (err ?? {}) as {
    code?: number;
    details?: string;
    message?: string;
  };
  if (typeof e.code !== 'number') {
    return {
      errorKind: 'network',
      message: `gRPC call failed: ${e.message ?? String(err)}`,
    };
  }
  const name = grpcCodeName(e.code);
  const details = e.details || e.message || '';
  const base = { grpcCode: name, message: `${name}: ${details}`.trim() };
  switch (e.code) {
    case GrpcStatus.UNAUTHENTICATED:
    case GrpcStatus.PERMISSION_DENIED:
      return { errorKind: 'auth', ...base };
    case GrpcStatus.NOT_FOUND:
      return { errorKind: 'not-found', ...base };
    case GrpcStatus.DEADLINE_EXCEEDED:
      return { errorKind: 'timeout', ...base };
    case GrpcStatus.UNIMPLEMENTED:
      return { errorKind: 'protocol', ...base };
    case GrpcStatus.CANCELLED: // the server went away mid-call
    case GrpcStatus.UNAVAILABLE:
      if (/ssl|tls|certificate|handshake/i.test(details))
        return { errorKind: 'tls', ...base };
      return { errorKind: 'network', ...base };
    case GrpcStatus.INTERNAL:
      // grpc-js reports a peer that does not speak gRPC/HTTP2 as INTERNAL protocol errors.
      if (/protocol error|http2|malformed|parse|content-type/i.test(details)) {
        return { errorKind: 'protocol', ...base };
      }
      return { errorKind: 'http-5xx', ...base };
    default:
      return { errorKind: 'http-5xx', ...base };
  }
}

/** Replaces every occurrence of the given secrets in a message. */
export function redactSecrets(
  text: string,
  secrets: (string | undefined)[],
): string {
  let out = text;
  for (const s of secrets) {
    // Short strings would shred ordinary words; real tokens are long.
    if (s && s.length >= 6) out = out.split(s).join('[redacted]');
  }
  return out;
}
