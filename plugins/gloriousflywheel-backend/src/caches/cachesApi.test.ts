import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  CacheSandbox,
  createFleetSeed,
  startCacheSandbox,
} from '@internal/fleet-sandbox';
import type {
  CacheDetail,
  CacheHistory,
  CacheList,
  HealthResponse,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { gloriousflywheelPlugin } from '../plugin';
import { CACHE_PROBE_TASK_ID } from './CacheProbeTask';

// The whole path: the plugin's scheduled task probes the sandbox caches, stores the results in
// the plugin database and the REST API reads them back.
describe('caches REST API', () => {
  let sandbox: CacheSandbox;
  let server: Parameters<typeof request>[0];
  let stopBackend: () => Promise<void>;
  let scheduler: SchedulerService | undefined;
  const bodies: string[] = [];

  // The mock scheduler runs each task once at start-up and then on triggerTask; this module only
  // hands the test the plugin's scheduler, so "the next interval" is one triggerTask away.
  const schedulerProbe = createBackendModule({
    pluginId: 'gloriousflywheel',
    moduleId: 'test-scheduler-probe',
    register(reg) {
      reg.registerInit({
        deps: { s: coreServices.scheduler },
        async init({ s }) {
          scheduler = s;
        },
      });
    },
  });

  beforeAll(async () => {
    sandbox = await startCacheSandbox({
      host: '127.0.0.1',
      port: 0,
      grpcPort: 0,
      seed: createFleetSeed(),
    });
    const backend = await startTestBackend({
      features: [
        gloriousflywheelPlugin,
        schedulerProbe,
        mockServices.rootConfig.factory({
          data: {
            gloriousflywheel: {
              caches: [
                {
                  name: 'attic',
                  kind: 'attic',
                  url: sandbox.urls.attic,
                  cache: 'main',
                  token: sandbox.atticToken,
                  runnerClasses: ['tinyland-nix', 'tinyland-nix-heavy'],
                },
                {
                  name: 'bazel-cache',
                  kind: 'bazel-remote',
                  url: sandbox.urls['bazel-cache'],
                  runnerClasses: ['tinyland-nix', 'tinyland-docker'],
                },
                {
                  name: 'bazel-grpc',
                  kind: 'bazel-grpc',
                  url: sandbox.urls['bazel-grpc'],
                  runnerClasses: ['tinyland-nix-heavy'],
                },
              ],
              cacheProbe: {
                timeoutMs: 2000,
                staleEndpoints: ['*.attic-cache-dev.svc.cluster.local'],
              },
              schedule: {
                cacheProbe: {
                  frequency: { seconds: 2 },
                  timeout: { seconds: 10 },
                },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stopBackend = () => backend.stop();
  });

  afterAll(async () => {
    await stopBackend?.();
    await sandbox?.close();
  });

  const get = async (path: string) => {
    const res = await request(server)
      .get(`/api/gloriousflywheel${path}`)
      .set('authorization', mockCredentials.user.header());
    bodies.push(res.text);
    return res;
  };

  it('shows every configured cache healthy after the first scheduled probe', async () => {
    const res = await get('/caches');
    expect(res.status).toBe(200);
    const { items } = res.body as CacheList;
    expect(items.map(c => [c.name, c.kind, c.status])).toEqual([
      ['attic', 'attic', 'healthy'],
      ['bazel-cache', 'bazel-remote', 'healthy'],
      ['bazel-grpc', 'bazel-grpc', 'healthy'],
    ]);
    const [attic, bazel, grpc] = items;
    expect(attic).toMatchObject({
      endpoint: sandbox.urls.attic,
      cache: 'main',
      runnerClasses: ['tinyland-nix', 'tinyland-nix-heavy'],
      errorKind: null,
      message: null,
      remoteExecution: null,
      staleEndpoint: null,
    });
    expect(attic.latencyMs).toEqual(expect.any(Number));
    expect(Date.parse(attic.checkedAt!)).not.toBeNaN();
    // bazel-remote's /status exposes sizes; the gRPC cache says it offers no remote execution.
    expect(bazel.sizeBytes).toEqual(expect.any(Number));
    expect(bazel.capacityBytes).toEqual(expect.any(Number));
    expect(bazel.itemCount).toEqual(expect.any(Number));
    expect(grpc.remoteExecution).toBe('not offered');

    const health = (await get('/health')).body as HealthResponse;
    expect(health.sources.find(s => s.source === 'caches')).toMatchObject({
      state: 'ok',
      configured: 3,
    });
  });

  it('serves one cache with the checks and facts of its latest probe', async () => {
    const res = await get('/caches/attic');
    expect(res.status).toBe(200);
    const body = res.body as CacheDetail;
    expect(body.item.name).toBe('attic');
    expect(body.checks.map(c => [c.name, c.outcome])).toEqual([
      ['nix-cache-info', 'ok'],
      ['cache-config', 'ok'],
    ]);
    expect(body.facts.nixCacheInfo).toEqual({
      storeDir: '/nix/store',
      wantMassQuery: true,
      priority: 41,
    });
  });

  it('reports a cache down with the reason after the next probe', async () => {
    await sandbox.setMode('bazel-cache', 'down');
    await scheduler!.triggerTask(CACHE_PROBE_TASK_ID);

    const { items } = (await get('/caches')).body as CacheList;
    const bazel = items.find(c => c.name === 'bazel-cache')!;
    expect(bazel).toMatchObject({ status: 'down', errorKind: 'network' });
    expect(bazel.message).toMatch(/^status: /);
    expect(items.find(c => c.name === 'attic')!.status).toBe('healthy');

    const health = (await get('/health')).body as HealthResponse;
    expect(health.sources.find(s => s.source === 'caches')).toMatchObject({
      state: 'degraded',
      message: 'bazel-cache down (network)',
    });
  });

  it('keeps the history, oldest first, bounded by limit', async () => {
    const res = await get('/caches/bazel-cache/history');
    expect(res.status).toBe(200);
    const history = res.body as CacheHistory;
    expect(history.cache).toBe('bazel-cache');
    expect(history.limit).toBe(1440);
    expect(history.truncated).toBe(false);
    expect(history.items.map(p => p.status)).toEqual(['healthy', 'down']);
    expect(history.items[1]).toMatchObject({
      errorKind: 'network',
      sizeBytes: null,
    });

    const last = (await get('/caches/bazel-cache/history?limit=1'))
      .body as CacheHistory;
    expect(last.items.map(p => p.status)).toEqual(['down']);
    expect(last.truncated).toBe(true);

    const future = new Date(Date.now() + 3600_000).toISOString();
    const none = await get(
      `/caches/bazel-cache/history?since=${encodeURIComponent(future)}`,
    );
    expect(none.body).toMatchObject({ items: [], since: future });
  });

  it('answers 404 for caches that are not configured', async () => {
    for (const path of ['/caches/nope', '/caches/nope/history']) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain('nope is not configured');
    }
  });

  it.each([
    ['/caches/-bad', 'cache name'],
    ['/caches/bazel-cache/history?since=yesterday', 'since'],
    ['/caches/bazel-cache/history?limit=0', 'limit'],
    ['/caches/bazel-cache/history?limit=many', 'limit'],
    // Endpoints only ever come from config: a URL in the request is refused, not probed.
    ['/caches/bazel-cache/history?url=http%3A%2F%2F169.254.169.254%2F', 'url'],
  ])('answers 400 for %s', async (path, what) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.body.error.name).toBe('InputError');
    expect(res.body.error.message).toContain(what);
  });

  it('never returns the Attic token', () => {
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) expect(body).not.toContain(sandbox.atticToken);
  });
});
