import express from 'express';
import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import {
  KubernetesSandbox,
  createFleetSeed,
  eventually,
  startKubernetesSandbox,
} from '@internal/fleet-sandbox';
import {
  ANNOTATION_PAUSED_FROM,
  DEFAULT_RUNNER_CLASSES,
  ScaleSetFilter,
  toRunnerClassListItem,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  CacheConfig,
  CacheHealthHub,
  FleetService,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { ConfigReader } from '@backstage/config';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import knexFactory from 'knex';
import { CacheHealthService } from '../caches/CacheHealthService';
import { CacheProbeStore } from '../database/CacheProbeStore';
import { migrateDatabase } from '../database/migrateDatabase';
import { createRouter } from './router';
import { SourceStatusBoard } from './sourceStatus';

const NS = 'arc-runners';
const filters: { query: string; filter: ScaleSetFilter }[] = [
  { query: '', filter: {} },
  { query: '?class=tinyland-nix', filter: { runnerClass: 'tinyland-nix' } },
  {
    query: `?cluster=honey&namespace=${NS}`,
    filter: { cluster: 'honey', namespace: NS },
  },
  { query: '?cluster=lab', filter: { cluster: 'lab' } },
];

// The list's items are serialised once per fleet change: every kind of change must show at once.
describe('GET /fleet/scale-sets after each kind of fleet change', () => {
  let k8s: KubernetesSandbox;
  let fleet: FleetService;
  let app: express.Express;

  beforeAll(async () => {
    k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed(),
    });
    fleet = new FleetService({
      clusters: [
        {
          name: 'honey',
          authProvider: 'serviceAccount',
          url: k8s.url,
          serviceAccountToken: k8s.token,
          skipTLSVerify: true,
          namespaces: [NS],
          helmAppliedBy: 'tofu apply',
        },
      ],
      runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })),
      logger: mockServices.logger.mock(),
      debounceMs: 10,
      backoff: { baseMs: 50, maxMs: 200 },
    });
    fleet.start();
    app = express();
    app.use(
      await createRouter({
        version: 'test',
        sources: new SourceStatusBoard([]),
        fleet,
      }),
    );
    // 400s as the backend sends them
    app.use(
      MiddlewareFactory.create({
        config: mockServices.rootConfig(),
        logger: mockServices.logger.mock(),
      }).error(),
    );
    await eventually(() => {
      if (fleet.clusters()[0].state !== 'synced')
        throw new Error(`cluster ${fleet.clusters()[0].state}`);
    });
  });

  afterAll(async () => {
    fleet.stop();
    await k8s.close();
  });

  /** an app sending `text` as res.json would: the ETag express gives it */
  const plain = (text: string) =>
    express().get('/', (_req, res) => res.json(JSON.parse(text)));

  /** Reads every filter and expects exactly what res.json of the current fleet would send. */
  async function expectCurrent() {
    for (const { query, filter } of filters) {
      const res = await request(app).get(`/fleet/scale-sets${query}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(
        'application/json; charset=utf-8',
      );
      const expected = JSON.stringify({
        items: fleet.scaleSets(filter),
        clusters: fleet.clusters(),
      });
      expect(res.text).toBe(expected);
      expect(res.headers.etag).toMatch(/^W\/"/);
      expect(res.headers.etag).toBe(
        (await request(plain(expected)).get('/')).headers.etag,
      );
    }
    // the classes are serialised once per fleet change too
    const classes = await request(app).get('/fleet/classes');
    const expectedClasses = JSON.stringify({
      items: fleet.runnerClassSummaries().map(toRunnerClassListItem),
      clusters: fleet.clusters(),
    });
    expect(classes.text).toBe(expectedClasses);
    expect(classes.headers.etag).toBe(
      (await request(plain(expectedClasses)).get('/')).headers.etag,
    );
    return (await request(app).get('/fleet/scale-sets')).body;
  }

  const one = (body: any, name: string) =>
    body.items.find((s: any) => s.name === name);

  it('serves the same body (and a 304 for its ETag) while nothing changes', async () => {
    const first = await request(app).get('/fleet/scale-sets');
    expect(first.body.items).toHaveLength(5);
    const again = await request(app)
      .get('/fleet/scale-sets')
      .set('if-none-match', first.headers.etag);
    expect(again.status).toBe(304);
    await expectCurrent();
  });

  it('shows an added, changed and deleted scale set and changed runner counts', async () => {
    const base = createFleetSeed().scaleSets[0];
    k8s.upsertScaleSet({
      ...base,
      name: 'tinyland-nix-b',
      maxRunners: 3,
      runnerScaleSetLabels: ['tinyland-nix'],
    });
    await eventually(async () =>
      expect(one(await expectCurrent(), 'tinyland-nix-b')).toMatchObject({
        maxRunners: 3,
      }),
    );

    k8s.patchScaleSet(NS, 'tinyland-nix-b', { spec: { maxRunners: 5 } });
    await eventually(async () =>
      expect(one(await expectCurrent(), 'tinyland-nix-b')).toMatchObject({
        maxRunners: 5,
      }),
    );

    const failed = one(await expectCurrent(), 'tinyland-nix').runners.failed;
    k8s.failRunners(NS, 'tinyland-nix', 'image pull failed');
    const job = {
      repository: 'tinyland-inc/lab',
      workflowRef: 'tinyland-inc/lab/.github/workflows/ci.yml@refs/heads/main',
      jobName: 'build',
      runId: 1,
      jobId: 2,
    };
    expect(k8s.runnerFleet.startRunner(NS, 'tinyland-nix', job)).toEqual({
      failed: 'image pull failed',
    });
    await eventually(async () =>
      expect(one(await expectCurrent(), 'tinyland-nix').runners.failed).toBe(
        failed + 1,
      ),
    );
    k8s.failRunners(NS, 'tinyland-nix', null);

    k8s.deleteScaleSet(NS, 'tinyland-nix-b');
    await eventually(async () =>
      expect(one(await expectCurrent(), 'tinyland-nix-b')).toBeUndefined(),
    );
  });

  it('shows a reverted pause, and an earlier revert time from the audit log', async () => {
    const pausedFrom = {
      minRunners: 1,
      maxRunners: 8,
      by: 'user:default/oscar',
      at: '2026-12-01T10:00:00.000Z',
      reason: 'drain',
    };
    k8s.patchScaleSet(NS, 'tinyland-docker', {
      metadata: {
        annotations: { [ANNOTATION_PAUSED_FROM]: JSON.stringify(pausedFrom) },
      },
      spec: { minRunners: 0, maxRunners: 0 },
    });
    await eventually(async () =>
      expect(one(await expectCurrent(), 'tinyland-docker')).toMatchObject({
        maxRunners: 0,
        pauseReverted: null,
      }),
    );
    k8s.reapplyScaleSet(NS, 'tinyland-docker');
    await eventually(async () =>
      expect(
        one(await expectCurrent(), 'tinyland-docker').pauseReverted,
      ).toMatchObject({ by: 'tofu apply (Helm release)' }),
    );

    // no Kubernetes change here: only the note
    fleet.notePauseReverted(
      `honey/${NS}/tinyland-docker`,
      pausedFrom.at,
      '2026-12-01T11:00:00.000Z',
    );
    expect(one(await expectCurrent(), 'tinyland-docker').pauseReverted.at).toBe(
      '2026-12-01T11:00:00.000Z',
    );
  });

  it('shows the cluster going stale while the API is down, with its scale sets kept, and synced again', async () => {
    const before = (await expectCurrent()).items;
    await k8s.down('refuse');
    k8s.dropWatches({ abrupt: true });
    await eventually(async () =>
      expect((await expectCurrent()).clusters[0].state).toBe('stale'),
    );
    // the cluster's retry message can change between a response and the fleet read beside it
    await eventually(async () =>
      expect((await expectCurrent()).items).toEqual(before),
    );
    await k8s.up();
    await eventually(
      async () =>
        expect((await expectCurrent()).clusters[0].state).toBe('synced'),
      { timeoutMs: 15000 },
    );
  });

  it('re-evaluates the class contracts when a cache health changes', async () => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await migrateDatabase({
      getClient: async () => knex,
    } as unknown as DatabaseService);
    const cacheConfig = CacheConfig.fromConfig(
      new ConfigReader({
        gloriousflywheel: {
          caches: [
            {
              name: 'bazel',
              kind: 'bazel-remote',
              url: 'grpc://127.0.0.1:7104',
            },
          ],
        },
      }),
    );
    const hub = new CacheHealthHub();
    const withCaches = express().use(
      await createRouter({
        version: 'test',
        sources: new SourceStatusBoard([]),
        fleet,
        caches: new CacheHealthService({
          targets: cacheConfig.targets,
          staleEndpoints: [],
          store: new CacheProbeStore(knex),
          hub,
        }),
      }),
    );
    const envTarget = async () => {
      const res = await request(withCaches).get('/fleet/classes');
      return res.body.items
        .find((c: any) => c.name === 'tinyland-docker')
        .contract.checks.find((c: any) => c.id === 'cache-env-target');
    };
    const probe = (status: 'healthy' | 'down', at: string) =>
      hub.publish([
        {
          cache: 'bazel',
          kind: 'bazel-remote',
          status,
          latencyMs: 5,
          checkedAt: at,
          details: { checks: [] } as any,
        },
      ]);
    try {
      expect((await envTarget()).verdict).toBe('unknown');
      probe('healthy', '2026-12-01T10:00:00Z');
      expect((await envTarget()).verdict).toBe('pass');
      probe('down', '2026-12-01T10:01:00Z');
      expect((await envTarget()).verdict).toBe('fail');
    } finally {
      await knex.destroy();
    }
  });

  describe('paging and filters', () => {
    const names = (items: any[]) =>
      items.map(s => `${s.cluster}/${s.namespace}/${s.name}`);

    it('pages the matches in list order with their total, and an offset past the end gives no items', async () => {
      const all = fleet.scaleSets();
      expect(all.length).toBeGreaterThan(2);
      const seen: string[] = [];
      for (let offset = 0; offset < all.length; offset += 2) {
        const res = await request(app).get(
          `/fleet/scale-sets?limit=2&offset=${offset}`,
        );
        expect(res.status).toBe(200);
        expect(res.headers.etag).toMatch(/^W\/"/);
        expect(Object.keys(res.body)).toEqual([
          'items',
          'total',
          'offset',
          'limit',
          'clusters',
        ]);
        expect(res.body).toMatchObject({ total: all.length, offset, limit: 2 });
        expect(res.body.clusters).toEqual(fleet.clusters());
        seen.push(...names(res.body.items));
      }
      expect(seen).toEqual(names(all));

      const past = await request(app).get(
        `/fleet/scale-sets?limit=10&offset=${all.length + 5}`,
      );
      expect(past.status).toBe(200);
      expect(past.body).toMatchObject({ items: [], total: all.length });
    });

    it('filters by paused state and a case-insensitive search, combined with the other filters', async () => {
      const { body: withoutFilter } = await request(app).get(
        '/fleet/scale-sets',
      );
      // no limit: the full list, as before paging existed
      expect(withoutFilter.total).toBeUndefined();
      const all: any[] = withoutFilter.items;

      k8s.patchScaleSet(NS, 'tinyland-dind', {
        metadata: {
          annotations: {
            [ANNOTATION_PAUSED_FROM]: JSON.stringify({
              minRunners: 0,
              maxRunners: 2,
              by: 'user:default/oscar',
              at: '2026-12-01T12:00:00.000Z',
              reason: 'paging test',
            }),
          },
        },
        spec: { minRunners: 0, maxRunners: 0 },
      });
      await eventually(() =>
        expect(
          fleet.scaleSets().find(s => s.name === 'tinyland-dind')?.paused,
        ).toBeTruthy(),
      );
      const paused = (await request(app).get('/fleet/scale-sets?paused=true'))
        .body.items;
      const active = (await request(app).get('/fleet/scale-sets?paused=false'))
        .body.items;
      expect(names(paused)).toContain(`honey/${NS}/tinyland-dind`);
      expect(paused.every((s: any) => s.paused)).toBe(true);
      expect(active.every((s: any) => !s.paused)).toBe(true);
      expect(paused.length + active.length).toBe(all.length);

      const nix = await request(app).get('/fleet/scale-sets?q=NIX&limit=500');
      expect(nix.body.total).toBeGreaterThan(0);
      expect(nix.body.total).toBeLessThan(all.length);
      expect(names(nix.body.items)).toEqual(
        names(
          all.filter((s: any) =>
            [s.cluster, s.namespace, s.name, s.runnerClass ?? 'unclassified']
              .join(' ')
              .toLowerCase()
              .includes('nix'),
          ),
        ),
      );
      // by cluster name and combined with the class filter
      expect(
        (await request(app).get('/fleet/scale-sets?q=hOnE')).body.items,
      ).toHaveLength(all.length);
      const combined = await request(app).get(
        '/fleet/scale-sets?q=nix&class=tinyland-nix&paused=false&limit=1',
      );
      expect(combined.body.total).toBe(
        fleet.scaleSets({
          q: 'nix',
          runnerClass: 'tinyland-nix',
          paused: false,
        }).length,
      );
      expect(
        combined.body.items.every((s: any) => s.runnerClass === 'tinyland-nix'),
      ).toBe(true);
    });

    it.each([
      ['limit=0', /limit: Number must be greater than or equal to 1/],
      ['limit=501', /limit: Number must be less than or equal to 500/],
      ['limit=ten', /limit: Expected number/],
      ['limit=2.5', /limit: Expected integer/],
      [
        'limit=5&offset=-1',
        /offset: Number must be greater than or equal to 0/,
      ],
      ['paused=yes', /paused: must be true or false/],
      [`q=${'x'.repeat(101)}`, /q: String must contain at most 100/],
      ['q=', /q: String must contain at least 1/],
    ])('rejects %s with a 400 naming the field', async (query, message) => {
      const res = await request(app).get(`/fleet/scale-sets?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/^invalid query: /);
      expect(res.body.error.message).toMatch(message);
    });
  });
});
