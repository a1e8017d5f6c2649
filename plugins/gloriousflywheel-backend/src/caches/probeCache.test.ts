import { createHash } from 'node:crypto';
import net from 'node:net';
import {
  createFleetSeed,
  startCacheSandbox,
  CacheSandbox,
} from '@internal/fleet-sandbox';
import { probeCache, probeCaches } from './probeCache';
import type { CacheTarget } from '@tinyland/backstage-plugin-gloriousflywheel-node';

// Probes against the fleet sandbox's cache stand-ins, one fault mode at a time.
let sandbox: CacheSandbox;
let attic: CacheTarget;
let bazel: CacheTarget;
let grpcCache: CacheTarget;

const opts = { timeoutMs: 3000, slowThresholdMs: 1000 };

beforeAll(async () => {
  sandbox = await startCacheSandbox({
    host: '127.0.0.1',
    port: 0,
    grpcPort: 0,
    seed: createFleetSeed(),
  });
  attic = {
    name: 'attic',
    kind: 'attic',
    url: sandbox.urls.attic,
    cache: 'main',
    token: sandbox.atticToken,
    runnerClasses: ['tinyland-nix'],
  };
  bazel = {
    name: 'bazel-cache',
    kind: 'bazel-remote',
    url: sandbox.urls['bazel-cache'],
    runnerClasses: [],
  };
  grpcCache = {
    name: 'bazel-grpc',
    kind: 'bazel-grpc',
    url: sandbox.urls['bazel-grpc'],
    runnerClasses: [],
  };
});

afterAll(async () => {
  await sandbox?.close();
});

afterEach(async () => {
  for (const name of Object.keys(sandbox.urls))
    await sandbox.setMode(name, 'healthy');
  sandbox.resetRequestCounts();
});

const noToken = (result: unknown) =>
  expect(JSON.stringify(result)).not.toContain(sandbox.atticToken);

describe('healthy', () => {
  it('reports all three caches healthy with their parsed facts', async () => {
    const [a, b, g] = await probeCaches([attic, bazel, grpcCache], opts);

    expect(a).toMatchObject({
      cache: 'attic',
      kind: 'attic',
      status: 'healthy',
    });
    expect(a.errorKind).toBeUndefined();
    expect(a.details.nixCacheInfo).toEqual({
      storeDir: '/nix/store',
      wantMassQuery: true,
      priority: 41,
    });
    expect(a.details.atticCacheConfig).toMatchObject({
      isPublic: true,
      priority: 41,
      storeDir: '/nix/store',
    });
    expect(a.details.checks.map(c => [c.name, c.outcome])).toEqual([
      ['nix-cache-info', 'ok'],
      ['cache-config', 'ok'],
    ]);
    noToken(a);

    expect(b).toMatchObject({
      status: 'healthy',
      details: { statusPage: 'present', casProbe: { hit: true } },
    });
    expect(b.details.capacityBytes).toBe(50 * 1024 ** 3);
    expect(b.details.sizeBytes).toBeGreaterThan(0);
    expect(b.details.itemCount).toBeGreaterThan(0);
    expect(b.details.bazelRemoteStatus?.maxSizeBytes).toBe(50 * 1024 ** 3);

    expect(g).toMatchObject({
      status: 'healthy',
      details: { grpcHealth: 'SERVING' },
    });
    expect(g.details.capabilities).toEqual({
      cache: {
        digestFunctions: ['SHA256', 'BLAKE3'],
        actionCacheUpdateEnabled: true,
        maxBatchTotalSizeBytes: 4194304,
        supportedCompressors: ['ZSTD'],
        symlinkAbsolutePathStrategy: 'ALLOWED',
      },
      remoteExecution: 'not offered',
      lowApiVersion: '2.0',
      highApiVersion: '2.3',
    });

    for (const r of [a, b, g]) {
      expect(Date.parse(r.checkedAt)).not.toBeNaN();
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('makes exactly the requests it needs', async () => {
    await probeCache(bazel, opts);
    await probeCache(grpcCache, opts);
    expect(sandbox.state('bazel-cache').requestsByRoute).toEqual({
      'GET /status': 1,
      'HEAD /cas': 1,
    });
    expect(sandbox.state('bazel-grpc').requestsByRoute).toEqual({
      'grpc Health/Check': 1,
      'grpc Capabilities/GetCapabilities': 1,
    });
  });

  it('skips Attic cache-config without a token and still reports healthy', async () => {
    const r = await probeCache({ ...attic, token: undefined }, opts);
    expect(r.status).toBe('healthy');
    expect(r.details.checks[1]).toMatchObject({
      name: 'cache-config',
      outcome: 'skipped',
      message: 'no token configured',
    });
  });

  it('probes a plain Nix binary cache (kind nix) by nix-cache-info alone', async () => {
    const r = await probeCache(
      { ...attic, kind: 'nix', token: undefined },
      opts,
    );
    expect(r.status).toBe('healthy');
    expect(r.details.checks.map(c => c.name)).toEqual(['nix-cache-info']);
  });

  it('probes kind bazel-remote with a grpc:// URL over gRPC', async () => {
    const r = await probeCache(
      { ...bazel, url: sandbox.urls['bazel-grpc'] },
      opts,
    );
    expect(r).toMatchObject({ kind: 'bazel-remote', status: 'healthy' });
    expect(r.details.capabilities?.remoteExecution).toBe('not offered');
  });

  it('fetches and verifies a configured known CAS key', async () => {
    const blob = Buffer.from('known blob for the probe');
    const key = createHash('sha256').update(blob).digest('hex');
    await fetch(`${bazel.url}/cas/${key}`, { method: 'PUT', body: blob });
    const hit = await probeCache({ ...bazel, casKey: key }, opts);
    expect(hit.status).toBe('healthy');
    expect(hit.details.checks.map(c => [c.name, c.outcome])).toEqual([
      ['status', 'ok'],
      ['cas-head', 'ok'],
      ['cas-get', 'ok'],
    ]);
    const miss = await probeCache({ ...bazel, casKey: 'c'.repeat(64) }, opts);
    expect(miss).toMatchObject({ status: 'degraded', errorKind: 'not-found' });
    expect(miss.message).toContain('known CAS key');
  });
});

describe('slow', () => {
  it.each(['attic', 'bazel-cache', 'bazel-grpc'])(
    '%s over the threshold is degraded',
    async name => {
      await sandbox.setMode(name, { mode: 'slow', latencyMs: 250 });
      const target = { attic, 'bazel-cache': bazel, 'bazel-grpc': grpcCache }[
        name
      ]!;
      const r = await probeCache(target, {
        timeoutMs: 3000,
        slowThresholdMs: 200,
      });
      expect(r.status).toBe('degraded');
      expect(r.errorKind).toBeUndefined();
      expect(r.message).toMatch(/^slow: \d+ ms \(threshold 200 ms\)$/);
      expect(r.latencyMs).toBeGreaterThan(200);
    },
  );

  it.each(['attic', 'bazel-cache', 'bazel-grpc'])(
    '%s past the timeout is down with timeout',
    async name => {
      await sandbox.setMode(name, { mode: 'slow', latencyMs: 2000 });
      const target = { attic, 'bazel-cache': bazel, 'bazel-grpc': grpcCache }[
        name
      ]!;
      const r = await probeCache({ ...target, timeoutMs: 300 }, opts);
      expect(r).toMatchObject({ status: 'down', errorKind: 'timeout' });
      expect(r.latencyMs).toBeLessThan(1500);
    },
  );
});

describe('down', () => {
  it('attic with connections reset is down (network)', async () => {
    await sandbox.setMode('attic', 'down');
    const r = await probeCache(attic, opts);
    expect(r).toMatchObject({ status: 'down', errorKind: 'network' });
    expect(r.message).toMatch(/^nix-cache-info: /);
    noToken(r);
  });

  it('bazel-remote answering 503 is down (http-5xx)', async () => {
    await sandbox.setMode('bazel-cache', { mode: 'down', downAs: '503' });
    const r = await probeCache(bazel, opts);
    expect(r).toMatchObject({
      status: 'down',
      errorKind: 'http-5xx',
      message: 'status: HTTP 503 Service Unavailable',
    });
  });

  it('bazel-remote with connections reset is down (network)', async () => {
    await sandbox.setMode('bazel-cache', 'down');
    expect(await probeCache(bazel, opts)).toMatchObject({
      status: 'down',
      errorKind: 'network',
    });
  });

  it('gRPC cache not listening is down (network), and healthy again once it listens', async () => {
    await sandbox.setMode('bazel-grpc', 'down');
    const r = await probeCache(grpcCache, opts);
    expect(r).toMatchObject({ status: 'down', errorKind: 'network' });
    expect(r.message).toMatch(/^health: UNAVAILABLE/);
    await sandbox.setMode('bazel-grpc', 'healthy');
    expect((await probeCache(grpcCache, opts)).status).toBe('healthy');
  });

  it('nothing listening at all is down (network: connection refused)', async () => {
    // A port that was free a moment ago: nothing accepts on it.
    const srv = net.createServer();
    await new Promise<void>(resolve => srv.listen(0, '127.0.0.1', resolve));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise(resolve => srv.close(resolve));
    const r = await probeCache(
      { ...bazel, url: `http://127.0.0.1:${port}` },
      opts,
    );
    expect(r).toMatchObject({ status: 'down', errorKind: 'network' });
    expect(r.message).toContain('ECONNREFUSED');
  });

  it('switching through the admin endpoint shows down with the reason', async () => {
    const res = await fetch(`${sandbox.httpUrl}/_sandbox/caches/attic/mode`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'down', downAs: '503' }),
    });
    expect(res.status).toBe(200);
    expect(await probeCache(attic, opts)).toMatchObject({
      status: 'down',
      errorKind: 'http-5xx',
      message: 'nix-cache-info: HTTP 503 Service Unavailable',
    });
  });
});

describe('unauthorized', () => {
  it('attic refusing every path is down (auth)', async () => {
    await sandbox.setMode('attic', 'unauthorized');
    const r = await probeCache(attic, opts);
    expect(r).toMatchObject({
      status: 'down',
      errorKind: 'auth',
      message: 'nix-cache-info: HTTP 401 Unauthorized',
    });
    noToken(r);
  });

  it('attic refusing only the token API is degraded (partial, auth)', async () => {
    await sandbox.setMode('attic', {
      mode: 'unauthorized',
      scope: 'api',
      status: 403,
    });
    const r = await probeCache(attic, opts);
    expect(r).toMatchObject({
      status: 'degraded',
      errorKind: 'auth',
      message: 'partial: cache-config: HTTP 403 Forbidden',
    });
    expect(r.details.nixCacheInfo).toBeDefined();
    noToken(r);
  });

  it('a token without pull permission on the cache is degraded (auth)', async () => {
    const r = await probeCache(
      { ...attic, token: sandbox.signAtticToken({ other: { r: 1 } }) },
      opts,
    );
    expect(r).toMatchObject({ status: 'degraded', errorKind: 'auth' });
  });

  it('bazel-remote asking for credentials is down (auth)', async () => {
    await sandbox.setMode('bazel-cache', 'unauthorized');
    expect(await probeCache(bazel, opts)).toMatchObject({
      status: 'down',
      errorKind: 'auth',
    });
  });

  it('gRPC UNAUTHENTICATED is down (auth) and the token stays out of the result', async () => {
    await sandbox.setMode('bazel-grpc', 'unauthorized');
    const secret = 'grpc-secret-token-123456';
    const r = await probeCache({ ...grpcCache, token: secret }, opts);
    expect(r).toMatchObject({ status: 'down', errorKind: 'auth' });
    expect(r.message).toMatch(/^capabilities: UNAUTHENTICATED/);
    expect(JSON.stringify(r)).not.toContain(secret);
  });
});

describe('unknown cache', () => {
  it('attic cache that does not exist is down (not-found)', async () => {
    const r = await probeCache({ ...attic, cache: 'ghost' }, opts);
    expect(r).toMatchObject({ status: 'down', errorKind: 'not-found' });
    expect(r.message).toBe(
      "nix-cache-info: no such cache 'ghost' (HTTP 404 NoSuchCache)",
    );
  });

  it('a probe that cannot decide reports unknown instead of guessing', async () => {
    const r = await probeCache(
      { ...grpcCache, url: 'http://127.0.0.1:1' },
      opts,
    );
    expect(r.status).toBe('unknown');
    expect(r.message).toMatch(/probe could not decide/);
  });
});
