import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  KubernetesSandbox,
  createFleetSeed,
  startKubernetesSandbox,
  eventually,
} from '@internal/fleet-sandbox';
import { gloriousflywheelPlugin } from '../plugin';

describe('fleet REST API', () => {
  let k8s: KubernetesSandbox;
  let server: Parameters<typeof request>[0];
  let stopBackend: () => Promise<void>;

  beforeAll(async () => {
    k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      seed: createFleetSeed(),
    });
    const backend = await startTestBackend({
      features: [
        gloriousflywheelPlugin,
        mockServices.rootConfig.factory({
          data: {
            gloriousflywheel: {
              clusters: [
                {
                  name: 'honey',
                  url: k8s.url,
                  serviceAccountToken: k8s.token,
                  caData: k8s.caData,
                },
                {
                  name: 'lab',
                  url: 'http://127.0.0.1:9',
                  serviceAccountToken: 'x',
                },
              ],
              cacheProbe: { staleEndpoints: ['*.attic-cache-dev.*'] },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stopBackend = () => backend.stop();
  });

  afterAll(async () => {
    await stopBackend();
    await k8s.close();
  });

  const get = (path: string) =>
    request(server)
      .get(`/api/gloriousflywheel${path}`)
      .set('authorization', mockCredentials.user.header());

  it('serves the runner classes with aggregated counts, and per-cluster sync state', async () => {
    const res = await eventually(async () => {
      const r = await get('/fleet/classes');
      expect(r.body.clusters.find((c: any) => c.name === 'honey').state).toBe(
        'synced',
      );
      return r;
    });
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: any) => c.name)).toEqual([
      'tinyland-nix',
      'tinyland-docker',
      'tinyland-dind',
      'tinyland-nix-heavy',
    ]);
    const nix = res.body.items[0];
    expect(nix).toMatchObject({
      owners: ['Jesssullivan', 'tinyland-inc'],
      maxRunners: 10,
    });
    expect(res.body.clusters.find((c: any) => c.name === 'lab').state).toBe(
      'error',
    );

    const health = await get('/health');
    expect(
      health.body.sources.find((s: any) => s.source === 'fleet'),
    ).toMatchObject({ state: 'degraded', configured: 2 });
  });

  it('filters scale sets and serves one by key', async () => {
    const byClass = await get('/fleet/scale-sets?class=tinyland-nix');
    expect(byClass.body.items.map((s: any) => s.name)).toEqual([
      'jess-tinyland-nix',
      'tinyland-nix',
    ]);
    const one = await get(
      '/fleet/scale-sets/honey/arc-runners/tinyland-docker',
    );
    expect(one.status).toBe(200);
    expect(one.body.item).toMatchObject({
      runnerClass: 'tinyland-docker',
      maxRunners: 6,
      owner: 'tinyland-inc',
    });
    const cls = await get('/fleet/classes/tinyland-nix-heavy');
    expect(cls.body.item.maxRunners).toBeNull();
    expect(cls.body.scaleSets).toHaveLength(1);
  });

  it('serves each class with its contract and each scale set with its checks and facts', async () => {
    const classes = await get('/fleet/classes');
    const heavy = classes.body.items.find(
      (c: any) => c.name === 'tinyland-nix-heavy',
    );
    expect(
      heavy.contract.checks.find((c: any) => c.id === 'memory-envelope'),
    ).toMatchObject({
      verdict: 'fail',
      evidence: expect.arrayContaining([
        {
          scaleSet: 'honey/arc-runners/tinyland-nix-heavy',
          path: 'spec.template.spec.containers[0].resources.limits.memory',
          value: '8Gi',
        },
      ]),
    });
    // no caches configured here: where the env must point is a failure, never a pass
    expect(
      heavy.contract.checks.find((c: any) => c.id === 'cache-env-target')
        .verdict,
    ).toBe('fail');
    const overlay = await get(
      '/fleet/scale-sets/honey/arc-runners/jess-tinyland-nix',
    );
    expect(
      overlay.body.contract.checks.find(
        (c: any) => c.id === 'no-stale-endpoint',
      ),
    ).toMatchObject({ verdict: 'fail' });
    expect(overlay.body.item).toMatchObject({
      arc: { version: '0.14.0' },
      githubConfigScope: 'organization',
      runner: {
        image: 'ghcr.io/actions/actions-runner:latest',
        imageTag: 'latest',
        memoryLimit: '8Gi',
      },
    });
    const cls = await get('/fleet/classes/tinyland-dind');
    expect(cls.body.item.contract).toMatchObject({ passed: 4, applicable: 4 });
  });

  it('answers 404 for unknown scale sets and classes, 400 for bad parameters', async () => {
    expect((await get('/fleet/scale-sets/honey/arc-runners/nope')).status).toBe(
      404,
    );
    expect((await get('/fleet/classes/nope')).status).toBe(404);
    const bad = await get('/fleet/scale-sets?colour=red');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/invalid query/);
    expect((await get('/fleet/scale-sets/honey/arc%20runners/x')).status).toBe(
      400,
    );
  });

  it('refuses anonymous callers', async () => {
    // The default mock auth would treat a header-less call as a user; send an invalid token instead.
    const res = await request(server)
      .get('/api/gloriousflywheel/fleet/classes')
      .set('authorization', 'Bearer not-a-token');
    expect(res.status).toBe(401);
  });
});
