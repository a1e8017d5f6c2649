import {
  mockServices,
  startTestBackend,
  TestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
// The real scheduler: its database lock is what two replicas share.
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createBackendModule,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import {
  CacheSandbox,
  createFleetSeed,
  eventually,
  GitHubSandbox,
  KubernetesSandbox,
  startCacheSandbox,
  startGitHubSandbox,
  startKubernetesSandbox,
} from '@internal/fleet-sandbox';
import { gloriousflywheelPlugin } from './plugin';
import { ADOPTION_SCAN_TASK_ID } from './adoption/AdoptionService';
import { CACHE_PROBE_TASK_ID } from './caches/CacheProbeTask';
import {
  NS,
  authHeader,
  samplePolicyFeatures,
  testConfig,
  untilSynced,
} from './service/__testUtils__/accessBackend';

// Two replicas need one database both open with their own connections: the PostgreSQL server that
// ./gf test and .ci/run start. Without one (a plain `yarn test` on a laptop) there is nothing to share.
const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const describeWithPostgres = databases.eachSupportedId().length
  ? describe
  : describe.skip;
jest.setTimeout(180_000);

const WEBHOOK_SECRET = 'a-webhook-secret-of-twenty-chars';
type Server = TestBackend['server'];

describeWithPostgres('two replicas on one PostgreSQL database', () => {
  let k8s: KubernetesSandbox;
  let gh: GitHubSandbox;
  let caches: CacheSandbox;
  let shared: Knex;
  const knexes: Knex[] = [];
  const replicas: {
    server: Server;
    scheduler: SchedulerService;
    backend: TestBackend;
  }[] = [];

  /** One replica: the plugin on its own connection pool to the shared database. */
  async function startReplica() {
    const knex = knexFactory({
      client: shared.client.config.client,
      connection: shared.client.config.connection,
      pool: { min: 0, max: 10 },
    });
    knexes.push(knex);
    let scheduler: SchedulerService | undefined;
    // hands the test the plugin's scheduler, to move a task to its next interval
    const schedulerHandle = createBackendModule({
      pluginId: 'gloriousflywheel',
      moduleId: 'test-scheduler-handle',
      register(reg) {
        reg.registerInit({
          deps: { s: coreServices.scheduler },
          async init({ s }) {
            scheduler = s;
          },
        });
      },
    });
    const config = testConfig({
      k8s,
      github: { url: gh.url, token: gh.token, webhookSecret: WEBHOOK_SECRET },
      permissionEnabled: true,
    });
    const day = { frequency: { days: 1 }, timeout: { minutes: 2 } };
    const data = {
      ...config,
      gloriousflywheel: {
        ...config.gloriousflywheel,
        caches: [
          {
            name: 'bazel-cache',
            kind: 'bazel-remote',
            url: caches.urls['bazel-cache'],
            runnerClasses: ['tinyland-nix'],
          },
        ],
        // One interval spans the whole test: every run past the first is one the test caused.
        schedule: { cacheProbe: day, adoptionScan: day },
      },
    };
    const backend = await startTestBackend({
      features: [
        gloriousflywheelPlugin,
        schedulerServiceFactory,
        schedulerHandle,
        ...samplePolicyFeatures,
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({ data }),
      ],
    });
    const replica = { server: backend.server, scheduler: scheduler!, backend };
    replicas.push(replica);
    return replica;
  }

  beforeAll(async () => {
    k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      seed: createFleetSeed(),
    });
    gh = await startGitHubSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed({ longTailRepos: 2 }),
      webhookSecret: WEBHOOK_SECRET,
    });
    caches = await startCacheSandbox({
      host: '127.0.0.1',
      port: 0,
      grpcPort: 0,
      seed: createFleetSeed(),
    });
    shared = await databases.init('POSTGRES_15');
    await startReplica();
    await startReplica();
    for (const r of replicas)
      await untilSynced(r.server, authHeader('admin'), ['honey']);
  });

  afterAll(async () => {
    for (const r of replicas.splice(0)) await r.backend.stop();
    for (const k of knexes.splice(0)) await k.destroy();
    await Promise.all([k8s?.close(), gh?.close(), caches?.close()]);
  });

  const api = (server: Server) => ({
    get: (path: string) =>
      request(server)
        .get(`/api/gloriousflywheel${path}`)
        .set('authorization', authHeader('admin')),
    post: (path: string, body: object = {}) =>
      request(server)
        .post(`/api/gloriousflywheel${path}`)
        .set('authorization', authHeader('admin'))
        .send(body),
  });
  const scans = async () =>
    (await shared('gloriousflywheel_adoption_scans')
      .orderBy('id')
      .select('trigger', 'state')) as { trigger: string; state: string }[];
  const probeRuns = async () =>
    Number(
      (await shared('gloriousflywheel_cache_probes').count({ n: '*' }))[0].n,
    ); // one cache: a row per run
  const taskIdle = async (id: string) => {
    const [row] = await shared('backstage_backend_tasks__tasks')
      .where({ id })
      .select('current_run_ticket');
    return row && row.current_run_ticket === null;
  };
  /** Waits until no replica runs the task (a run claims the task's row in the shared table). */
  const settled = (id: string) =>
    eventually(
      async () => {
        if (!(await taskIdle(id))) throw new Error(`${id} is running`);
      },
      { timeoutMs: 60_000 },
    );

  it('runs each scheduled task once per interval across both, and once per trigger from either', async () => {
    await eventually(
      async () => {
        expect(await scans()).toEqual([{ trigger: 'schedule', state: 'idle' }]);
        expect(await probeRuns()).toBe(1);
      },
      { timeoutMs: 60_000 },
    );
    await settled(ADOPTION_SCAN_TASK_ID);
    await settled(CACHE_PROBE_TASK_ID);
    // both registered the tasks; the second start left the first's next run where it was
    expect(await scans()).toHaveLength(1);
    expect(await probeRuns()).toBe(1);

    // the next interval, asked for on one replica and then the other: one run each
    for (const [n, r] of replicas.entries()) {
      await r.scheduler.triggerTask(CACHE_PROBE_TASK_ID);
      await eventually(async () => expect(await probeRuns()).toBe(n + 2), {
        timeoutMs: 30_000,
      });
      await settled(CACHE_PROBE_TASK_ID);
    }
    expect(await probeRuns()).toBe(3);
    // both replicas serve the latest probe (the one that did not run it reads it back)
    for (const r of replicas) {
      await r.scheduler.triggerTask('gloriousflywheel-cache-health-sync');
      await eventually(async () =>
        expect(
          (
            await api(r.server).get('/caches/bazel-cache')
          ).body.item?.status,
        ).toBe('healthy'),
      );
    }
  });

  it('runs one scan for manual requests sent to both at once', async () => {
    const before = (await scans()).length;
    const answers = await Promise.all(
      replicas.flatMap(r => [
        api(r.server).post('/adoption/scan'),
        api(r.server).post('/adoption/scan'),
      ]),
    );
    expect(answers.map(a => a.status)).toContain(202);
    for (const a of answers) expect([202, 409]).toContain(a.status);
    await eventually(
      async () =>
        expect((await scans()).slice(before)).toEqual([
          { trigger: 'manual', state: 'idle' },
        ]),
      { timeoutMs: 60_000 },
    );
    await settled(ADOPTION_SCAN_TASK_ID);
    // nothing is left queued that the sweep could turn into a second scan
    expect(
      await shared('gloriousflywheel_adoption_rescans').select('repo_key'),
    ).toEqual([]);
    expect((await scans()).slice(before)).toHaveLength(1);
  });

  it('keeps the audit chain whole through 100 pause/resume requests spread over both, verify never breaking meanwhile', async () => {
    const prefix = `two-replicas-${Date.now()}-`;
    let bursting = true;
    const verifications: { ok: boolean; firstBrokenId?: unknown }[] = [];
    const verifying = (async () => {
      // bounded: at most 200 checks, alternating replicas
      for (let i = 0; bursting && i < 200; i++) {
        const res = await api(replicas[i % 2].server).get('/audit/verify');
        expect(res.status).toBe(200);
        verifications.push(res.body);
      }
    })();
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        request(replicas[i % 2].server)
          .post(
            `/api/gloriousflywheel/scale-sets/honey/${NS}/tinyland-nix/${
              i % 4 < 2 ? 'pause' : 'resume'
            }`,
          )
          .set('authorization', authHeader('admin'))
          .set('x-request-id', `${prefix}${i}`)
          .send({ reason: `replica ${i % 2}, request ${i}` }),
      ),
    );
    bursting = false;
    await verifying;
    const statuses = responses.map(r => r.status);
    expect(statuses.filter(s => s !== 200 && s !== 409)).toEqual([]);
    expect(verifications.length).toBeGreaterThan(0);
    expect(verifications.filter(v => !v.ok)).toEqual([]);

    const { items } = (
      await api(replicas[0].server).get(
        `/audit?target=honey/${NS}/tinyland-nix&limit=500`,
      )
    ).body;
    const burst = items.filter((r: { requestId: string }) =>
      r.requestId?.startsWith(prefix),
    );
    // every request recorded exactly once, none left half-done
    expect(burst.map((r: { requestId: string }) => r.requestId).sort()).toEqual(
      Array.from({ length: 100 }, (_, i) => `${prefix}${i}`).sort(),
    );
    expect(
      burst.filter((r: { outcome: string }) => r.outcome === 'initiated'),
    ).toEqual([]);
    expect(
      burst.filter((r: { outcome: string }) => r.outcome === 'succeeded'),
    ).toHaveLength(statuses.filter(s => s === 200).length);
    const seqs = items.map((r: { seq: number }) => Number(r.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    for (const r of replicas) {
      const verify = (await api(r.server).get('/audit/verify')).body;
      expect(verify).toMatchObject({ ok: true });
      expect(verify.checked).toBeGreaterThanOrEqual(100);
    }
    // the scale set ends where the last write left it; resume puts it back
    expect(
      (
        await api(replicas[1].server).post(
          `/scale-sets/honey/${NS}/tinyland-nix/resume`,
          { reason: 'after the burst' },
        )
      ).status,
    ).toBe(200);
    expect(k8s.getScaleSet(NS, 'tinyland-nix')!.spec).toMatchObject({
      minRunners: 1,
      maxRunners: 8,
    });
  });
});
