import { status } from '@grpc/grpc-js';
import {
  classifyFetchError,
  classifyGrpcError,
  classifyHttpStatus,
  grpcCodeName,
  redactSecrets,
} from './classifyFailure';

const fetchFailed = (cause: unknown) =>
  Object.assign(new TypeError('fetch failed'), { cause });
const sysErr = (code: string, message = code) =>
  Object.assign(new Error(message), { code });

describe('classifyHttpStatus', () => {
  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [404, 'not-found'],
    [410, 'not-found'],
    [408, 'timeout'],
    [504, 'timeout'],
    [500, 'http-5xx'],
    [502, 'http-5xx'],
    [503, 'http-5xx'],
    [400, 'protocol'],
    [405, 'protocol'],
    [302, 'protocol'],
  ])('HTTP %i is %s', (code, kind) => {
    expect(classifyHttpStatus(code)).toBe(kind);
  });
});

describe('classifyFetchError', () => {
  it.each([
    [
      'AbortSignal.timeout',
      new DOMException(
        'The operation was aborted due to timeout',
        'TimeoutError',
      ),
      'timeout',
    ],
    [
      'connection refused',
      fetchFailed(sysErr('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1')),
      'network',
    ],
    ['connection reset', fetchFailed(sysErr('ECONNRESET')), 'network'],
    [
      'socket closed by peer',
      fetchFailed(sysErr('UND_ERR_SOCKET', 'other side closed')),
      'network',
    ],
    [
      'DNS',
      fetchFailed(sysErr('ENOTFOUND', 'getaddrinfo ENOTFOUND attic.invalid')),
      'network',
    ],
    [
      'connect timeout',
      fetchFailed(sysErr('UND_ERR_CONNECT_TIMEOUT')),
      'timeout',
    ],
    [
      'self-signed certificate',
      fetchFailed(
        sysErr('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
      ),
      'tls',
    ],
    ['expired certificate', fetchFailed(sysErr('CERT_HAS_EXPIRED')), 'tls'],
    [
      'host name mismatch',
      fetchFailed(sysErr('ERR_TLS_CERT_ALTNAME_INVALID')),
      'tls',
    ],
    [
      'TLS against plain HTTP',
      fetchFailed(sysErr('ERR_SSL_WRONG_VERSION_NUMBER')),
      'tls',
    ],
    [
      'an HTTP parse error',
      fetchFailed(sysErr('HPE_INVALID_CONSTANT', 'Expected HTTP/')),
      'protocol',
    ],
    [
      'a refused redirect',
      fetchFailed(new Error('unexpected redirect')),
      'protocol',
    ],
    [
      'happy eyeballs, every address refused',
      fetchFailed(
        Object.assign(
          new AggregateError([sysErr('ECONNREFUSED'), sysErr('ECONNREFUSED')]),
          { code: undefined },
        ),
      ),
      'network',
    ],
    ['anything else', new Error('boom'), 'network'],
  ])('%s is %s', (_name, err, kind) => {
    expect(classifyFetchError(err).errorKind).toBe(kind);
  });

  it('names the timeout it gave up after', () => {
    expect(
      classifyFetchError(new DOMException('x', 'TimeoutError'), 750).message,
    ).toBe('no answer within 750 ms');
  });
});

describe('classifyGrpcError', () => {
  it.each([
    [status.UNAUTHENTICATED, 'creds', 'auth'],
    [status.PERMISSION_DENIED, 'nope', 'auth'],
    [status.NOT_FOUND, 'unknown service', 'not-found'],
    [status.DEADLINE_EXCEEDED, 'Deadline exceeded', 'timeout'],
    [
      status.UNAVAILABLE,
      'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1',
      'network',
    ],
    [
      status.UNAVAILABLE,
      'Ssl handshake failed: certificate verify failed',
      'tls',
    ],
    [status.CANCELLED, 'Call cancelled', 'network'],
    [
      status.UNIMPLEMENTED,
      'The server does not implement the method',
      'protocol',
    ],
    [
      status.INTERNAL,
      'Received RST_STREAM with code 1 (Protocol error)',
      'protocol',
    ],
    [status.INTERNAL, 'disk full', 'http-5xx'],
    [status.UNKNOWN, 'panic', 'http-5xx'],
    [status.RESOURCE_EXHAUSTED, 'too many requests', 'http-5xx'],
  ])('code %i (%s) is %s', (code, details, kind) => {
    const r = classifyGrpcError({
      code,
      details,
      message: `${code} ${details}`,
    });
    expect(r.errorKind).toBe(kind);
    expect(r.grpcCode).toBe(grpcCodeName(code));
  });

  it('treats a non-gRPC exception as a network failure', () => {
    expect(classifyGrpcError(new Error('socket gone')).errorKind).toBe(
      'network',
    );
  });
});

describe('redactSecrets', () => {
  it('removes every occurrence of each secret and ignores short or absent ones', () => {
    expect(
      redactSecrets('a eyJhbGc.xyz b eyJhbGc.xyz', [
        'eyJhbGc.xyz',
        undefined,
        'a',
      ]),
    ).toBe('a [redacted] b [redacted]');
  });
});
