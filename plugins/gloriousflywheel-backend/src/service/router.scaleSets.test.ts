import express from 'express';
import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
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
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { FleetService } from '@tinyland/backstage-plugin-gloriousflywheel-node';
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
    expect((await expectCurrent()).items).toEqual(before);
    await k8s.up();
    await eventually(
      async () =>
        expect((await expectCurrent()).clusters[0].state).toBe('synced'),
      { timeoutMs: 15000 },
    );
  });
});
