import { cacheSourceStatus, toCacheDetail, toCacheHealth } from './cacheHealth';
import type {
  CacheProbeResult,
  CacheTarget,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';

const grpc: CacheTarget = {
  name: 'bazel-grpc',
  kind: 'bazel-grpc',
  url: 'grpc://bazel.attic-cache-dev.svc.cluster.local:9092',
  token: 'grpc-secret',
  runnerClasses: ['tinyland-nix-heavy'],
};
const attic: CacheTarget = {
  name: 'attic',
  kind: 'attic',
  url: 'http://attic:8080',
  cache: 'main',
  runnerClasses: [],
};
const stale = {
  cache: 'bazel-grpc',
  url: grpc.url,
  pattern: '*.attic-cache-dev.svc.cluster.local',
};

const probed: CacheProbeResult = {
  cache: 'bazel-grpc',
  kind: 'bazel-grpc',
  status: 'degraded',
  latencyMs: 1400,
  checkedAt: '2026-11-25T10:00:00.000Z',
  message: 'slow: 1400 ms (threshold 1000 ms)',
  details: {
    endpoint: grpc.url,
    checks: [{ name: 'health', outcome: 'ok', latencyMs: 700 }],
    grpcHealth: 'SERVING',
    capabilities: { remoteExecution: 'not offered' },
  },
};

describe('toCacheHealth', () => {
  it('is unknown with nulls before the first probe', () => {
    expect(toCacheHealth(attic, undefined, undefined)).toEqual({
      name: 'attic',
      kind: 'attic',
      endpoint: 'http://attic:8080',
      cache: 'main',
      runnerClasses: [],
      status: 'unknown',
      latencyMs: null,
      checkedAt: null,
      errorKind: null,
      message: 'not probed yet',
      sizeBytes: null,
      capacityBytes: null,
      itemCount: null,
      remoteExecution: null,
      staleEndpoint: null,
    });
  });

  it('carries the probe, the remote-execution answer and the stale-endpoint warning, never the token', () => {
    const health = toCacheHealth(grpc, probed, stale);
    expect(health).toMatchObject({
      status: 'degraded',
      latencyMs: 1400,
      errorKind: null,
      message: 'slow: 1400 ms (threshold 1000 ms)',
      remoteExecution: 'not offered',
      staleEndpoint: { pattern: '*.attic-cache-dev.svc.cluster.local' },
    });
    expect(health.staleEndpoint!.message).toContain('deny-list');
    const detail = toCacheDetail(grpc, probed, stale);
    expect(detail.checks).toHaveLength(1);
    expect(detail.facts).toEqual({
      grpcHealth: 'SERVING',
      capabilities: { remoteExecution: 'not offered' },
    });
    expect(JSON.stringify(detail)).not.toContain('grpc-secret');
  });
});

describe('cacheSourceStatus', () => {
  const healthy = (cache: string): CacheProbeResult => ({
    ...probed,
    cache,
    status: 'healthy',
    message: undefined,
  });

  it.each([
    [[], new Map(), [], 'not-configured', 'gloriousflywheel.caches'],
    [[attic, grpc], new Map(), [], 'starting', 'waiting for the first probe'],
    [
      [attic, grpc],
      new Map([
        ['attic', healthy('attic')],
        ['bazel-grpc', healthy('bazel-grpc')],
      ]),
      [],
      'ok',
      '2 cache(s) healthy',
    ],
    [
      [attic, grpc],
      new Map([
        ['attic', { ...healthy('attic'), status: 'down', errorKind: 'auth' }],
      ]),
      [],
      'degraded',
      'attic down (auth), bazel-grpc unknown',
    ],
    [
      [grpc],
      new Map([['bazel-grpc', healthy('bazel-grpc')]]),
      [stale],
      'degraded',
      'bazel-grpc on stale endpoint',
    ],
  ] as const)('%#: %s', (targets, latest, staleList, state, message) => {
    const status = cacheSourceStatus(
      [...targets],
      latest as Map<string, CacheProbeResult>,
      [...staleList],
    );
    expect(status.state).toBe(state);
    expect(status.message).toContain(message);
  });
});
