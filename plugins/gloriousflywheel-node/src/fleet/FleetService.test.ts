import { mockServices } from '@backstage/backend-test-utils';
import {
  KubernetesSandbox,
  createFleetSeed,
  startKubernetesSandbox,
  eventually,
} from '@internal/fleet-sandbox';
import { DEFAULT_RUNNER_CLASSES } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { FleetService } from './FleetService';
import { ClusterConfig } from './FleetConfig';

let k8s: KubernetesSandbox;

// the sandbox's API server speaks TLS: trust its CA
const cluster = (
  name: string,
  url: string,
  token: string,
  namespaces?: string[],
): ClusterConfig => ({
  name,
  authProvider: 'serviceAccount',
  url,
  serviceAccountToken: token,
  skipTLSVerify: false,
  caData: k8s.caData,
  namespaces,
});

describe('FleetService against the sandbox Kubernetes API', () => {
  let fleet: FleetService;

  beforeEach(async () => {
    k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      seed: createFleetSeed(),
    });
  });

  afterEach(async () => {
    fleet?.stop();
    await k8s.close();
  });

  function startFleet(clusters: ClusterConfig[]) {
    fleet = new FleetService({
      clusters,
      runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })),
      logger: mockServices.logger.mock(),
      debounceMs: 10,
      backoff: { baseMs: 50, maxMs: 200 },
    });
    fleet.start();
    return fleet;
  }

  it('lists the seeded scale sets, classes with owner overlays, and runner counts', async () => {
    startFleet([cluster('honey', k8s.url, k8s.token, ['arc-runners'])]);
    await eventually(() => expect(fleet.clusters()[0].state).toBe('synced'));
    const sets = fleet.scaleSets();
    expect(sets.map(s => s.name)).toEqual([
      'jess-tinyland-nix',
      'tinyland-dind',
      'tinyland-docker',
      'tinyland-nix',
      'tinyland-nix-heavy',
    ]);
    const nix = fleet
      .runnerClassSummaries()
      .find(c => c.name === 'tinyland-nix')!;
    expect(nix.owners).toEqual(['Jesssullivan', 'tinyland-inc']);
    expect(nix.maxRunners).toBe(10);
    // Counts come from the EphemeralRunners the sandbox seeds per scale set.
    expect(
      fleet.scaleSet('honey', 'arc-runners', 'tinyland-nix')!.runners,
    ).toMatchObject({ pending: 1, running: 2 });
    expect(
      fleet.scaleSet('honey', 'arc-runners', 'tinyland-nix-heavy')!.maxRunners,
    ).toBeNull();
  });

  it('sees additions, changes and deletions within seconds, and notifies listeners', async () => {
    startFleet([cluster('honey', k8s.url, k8s.token)]);
    await eventually(() => expect(fleet.clusters()[0].state).toBe('synced'));
    const notified = jest.fn();
    fleet.onChange(notified);

    const base = createFleetSeed().scaleSets[0];
    k8s.upsertScaleSet({
      ...base,
      name: 'tinyland-nix-b',
      maxRunners: 3,
      runnerScaleSetLabels: ['tinyland-nix'],
    });
    await eventually(() =>
      expect(
        fleet.scaleSet('honey', 'arc-runners', 'tinyland-nix-b')?.runnerClass,
      ).toBe('tinyland-nix'),
    );
    await eventually(() => expect(notified).toHaveBeenCalled());

    const nixMax = () =>
      fleet.runnerClassSummaries().find(c => c.name === 'tinyland-nix')!
        .maxRunners!;
    const before = nixMax();
    expect(fleet.runnerClassSummaries()).toBe(fleet.runnerClassSummaries()); // computed once while nothing changes
    k8s.patchScaleSet('arc-runners', 'tinyland-nix-b', {
      spec: { maxRunners: 5 },
    });
    await eventually(() =>
      expect(
        fleet.scaleSet('honey', 'arc-runners', 'tinyland-nix-b')?.maxRunners,
      ).toBe(5),
    );
    expect(nixMax()).toBe(before + 2); // the class summary follows the change

    k8s.deleteScaleSet('arc-runners', 'tinyland-nix-b');
    await eventually(() =>
      expect(
        fleet.scaleSet('honey', 'arc-runners', 'tinyland-nix-b'),
      ).toBeUndefined(),
    );
  });

  it("serialises each filter's scale sets once per change, and never serves an older text", async () => {
    startFleet([cluster('honey', k8s.url, k8s.token)]);
    await eventually(() => expect(fleet.clusters()[0].state).toBe('synced'));
    const filters = [
      {},
      { runnerClass: 'tinyland-nix' },
      { cluster: 'honey', namespace: 'arc-runners' },
      { cluster: 'other' },
    ];
    // each text equals a fresh serialisation of what scaleSets() returns now
    const expectCurrent = () =>
      filters.forEach(f =>
        expect(fleet.scaleSetsJson(f)).toBe(JSON.stringify(fleet.scaleSets(f))),
      );

    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      filters.forEach(f => fleet.scaleSetsJson(f));
      filters.forEach(f => fleet.scaleSetsJson(f));
      expect(stringify).toHaveBeenCalledTimes(filters.length); // once per filter while nothing changes
    } finally {
      stringify.mockRestore();
    }
    expectCurrent();

    const base = createFleetSeed().scaleSets[0];
    const before = fleet.scaleSetsJson();
    k8s.upsertScaleSet({
      ...base,
      name: 'tinyland-nix-b',
      maxRunners: 3,
      runnerScaleSetLabels: ['tinyland-nix'],
    });
    await eventually(() =>
      expect(
        fleet.scaleSet('honey', 'arc-runners', 'tinyland-nix-b'),
      ).toBeDefined(),
    );
    expect(fleet.scaleSetsJson()).not.toBe(before);
    expectCurrent();

    k8s.patchScaleSet('arc-runners', 'tinyland-nix-b', {
      spec: { maxRunners: 5 },
    });
    await eventually(() =>
      expect(
        fleet.scaleSet('honey', 'arc-runners', 'tinyland-nix-b')?.maxRunners,
      ).toBe(5),
    );
    expectCurrent();

    // runner counts come from EphemeralRunners, a second informer
    const failedBefore = fleet.scaleSet('honey', 'arc-runners', 'tinyland-nix')!
      .runners.failed;
    k8s.failRunners('arc-runners', 'tinyland-nix', 'image pull failed');
    const job = {
      repository: 'tinyland-inc/lab',
      workflowRef: 'tinyland-inc/lab/.github/workflows/ci.yml@refs/heads/main',
      jobName: 'build',
      runId: 1,
      jobId: 2,
    };
    expect(
      k8s.runnerFleet.startRunner('arc-runners', 'tinyland-nix', job),
    ).toEqual({ failed: 'image pull failed' });
    await eventually(() =>
      expect(
        fleet.scaleSet('honey', 'arc-runners', 'tinyland-nix')!.runners.failed,
      ).toBeGreaterThan(failedBefore),
    );
    expectCurrent();

    k8s.deleteScaleSet('arc-runners', 'tinyland-nix-b');
    await eventually(() =>
      expect(
        fleet.scaleSet('honey', 'arc-runners', 'tinyland-nix-b'),
      ).toBeUndefined(),
    );
    expectCurrent();
  });

  it('recovers from dropped watches and 410 Gone without losing changes', async () => {
    startFleet([cluster('honey', k8s.url, k8s.token)]);
    await eventually(() => expect(fleet.clusters()[0].state).toBe('synced'));

    k8s.dropWatches({ abrupt: true });
    k8s.patchScaleSet('arc-runners', 'tinyland-docker', {
      spec: { maxRunners: 9 },
    });
    await eventually(() =>
      expect(
        fleet.scaleSet('honey', 'arc-runners', 'tinyland-docker')?.maxRunners,
      ).toBe(9),
    );

    // Compacted history: resuming from the old resourceVersion answers 410, the informer relists.
    k8s.compactHistory();
    k8s.faults.set({ expireNextWatches: 2 });
    k8s.dropWatches();
    k8s.deleteScaleSet('arc-runners', 'tinyland-dind');
    await eventually(() =>
      expect(
        fleet.scaleSet('honey', 'arc-runners', 'tinyland-dind'),
      ).toBeUndefined(),
    );
    // synced again once a watch is open (a relist alone does not say so)
    await eventually(() => expect(fleet.clusters()[0].state).toBe('synced'));
  });

  it('shows a cluster whose RBAC allows list but not watch as stale, not synced, while it relists', async () => {
    k8s.faults.set({ forbidWatch: true });
    startFleet([cluster('honey', k8s.url, k8s.token, ['arc-runners'])]);
    await eventually(() => expect(fleet.clusters()[0].state).toBe('stale'));
    const first = fleet.clusters()[0];
    const lists = k8s.requestCounts.list;
    // Each relist succeeds; the state neither flips to synced nor restarts its "since".
    await eventually(() =>
      expect(k8s.requestCounts.list).toBeGreaterThanOrEqual(lists + 6),
    );
    const later = fleet.clusters()[0];
    expect(later).toMatchObject({
      state: 'stale',
      since: first.since,
      scaleSets: 5,
    });
    expect(later.message).toMatch(
      /^\/apis\/actions\.github\.com\/v1alpha1\/namespaces\/arc-runners\/(autoscalingrunnersets|ephemeralrunners): watch refused: HTTP 403: Forbidden \(list is allowed but watch is not: grant the "watch" verb\)$/,
    );
    expect(Date.parse(later.lastSyncAt!)).toBeGreaterThanOrEqual(
      Date.parse(first.lastSyncAt!),
    );
    expect(fleet.sourceStatus()).toMatchObject({ state: 'error' });
    expect(fleet.scaleSets()).toHaveLength(5);

    k8s.faults.set({ forbidWatch: false });
    await eventually(() =>
      expect(fleet.clusters()[0]).toMatchObject({
        state: 'synced',
        message: null,
      }),
    );
  });

  it('keeps serving stale data while the API is down, says since when, and recovers', async () => {
    startFleet([cluster('honey', k8s.url, k8s.token)]);
    await eventually(() => expect(fleet.clusters()[0].state).toBe('synced'));

    await k8s.down('refuse');
    k8s.dropWatches({ abrupt: true });
    await eventually(() => expect(fleet.clusters()[0].state).toBe('stale'));
    const stale = fleet.clusters()[0];
    expect(stale.message).toMatch(
      /(list|watch) failed: .*(ECONNREFUSED|ECONNRESET|socket|premature close)/i,
    );
    expect(Date.parse(stale.since)).not.toBeNaN();
    expect(fleet.scaleSets()).toHaveLength(5);
    expect(fleet.sourceStatus().state).toBe('error');

    await k8s.up();
    await eventually(() => expect(fleet.clusters()[0].state).toBe('synced'), {
      timeoutMs: 15000,
    });
  });

  it('isolates a dead cluster and a rejected token from a healthy one', async () => {
    startFleet([
      cluster('honey', k8s.url, k8s.token),
      cluster('dead', 'http://127.0.0.1:9', 'x'),
      cluster('badtoken', k8s.url, 'wrong-token'),
    ]);
    await eventually(() => {
      const byName = Object.fromEntries(fleet.clusters().map(c => [c.name, c]));
      expect(byName.honey.state).toBe('synced');
      expect(byName.dead.state).toBe('error');
      expect(byName.badtoken.state).toBe('error');
      expect(byName.badtoken.message).toMatch(
        /list refused: HTTP 401: Unauthorized$/,
      );
    });
    expect(fleet.scaleSets().every(s => s.cluster === 'honey')).toBe(true);
    expect(fleet.sourceStatus()).toMatchObject({ state: 'degraded' });
  });
});
