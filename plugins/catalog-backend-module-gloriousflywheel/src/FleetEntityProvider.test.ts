import { mockServices } from '@backstage/backend-test-utils';
import {
  KubernetesSandbox,
  createFleetSeed,
  startKubernetesSandbox,
  eventually,
} from '@internal/fleet-sandbox';
import {
  DEFAULT_RUNNER_CLASSES,
  scaleSetEntityName,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  CacheHealthHub,
  FleetService,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { FleetEntityProvider } from './FleetEntityProvider';
import { RecordingConnection } from './__testUtils__/RecordingConnection';

describe('FleetEntityProvider', () => {
  let k8s: KubernetesSandbox;
  let fleet: FleetService;

  beforeEach(async () => {
    k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      seed: createFleetSeed(),
    });
    fleet = new FleetService({
      clusters: [
        {
          name: 'honey',
          authProvider: 'serviceAccount',
          url: k8s.url,
          serviceAccountToken: k8s.token,
          skipTLSVerify: false,
          caData: k8s.caData,
        },
      ],
      runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })),
      logger: mockServices.logger.mock(),
      debounceMs: 10,
    });
  });

  afterEach(async () => {
    fleet.stop();
    await k8s.close();
  });

  it('emits one full mutation after the first sync, then deltas with only what changed', async () => {
    const connection = new RecordingConnection();
    const provider = new FleetEntityProvider({
      fleet,
      owner: 'group:default/platform-team',
      logger: mockServices.logger.mock(),
    });
    await provider.connect(connection);
    // Not synced yet: nothing emitted, so existing entities are not orphaned on restart.
    expect(connection.mutations).toHaveLength(0);
    fleet.start();

    await eventually(() => expect(connection.mutations).toHaveLength(1));
    expect(connection.mutations[0].type).toBe('full');
    expect(connection.entities.size).toBe(4 + 5);
    const nixSet = connection.entities.get(
      scaleSetEntityName({
        cluster: 'honey',
        namespace: 'arc-runners',
        name: 'tinyland-nix',
      }),
    )!;
    expect(nixSet.spec).toMatchObject({
      type: 'runner-scale-set',
      owner: 'group:default/platform-team',
      dependsOn: ['resource:default/tinyland-nix'],
    });
    expect(nixSet.metadata.annotations).toMatchObject({
      'gloriousflywheel.io/cluster': 'honey',
      'gloriousflywheel.io/namespace': 'arc-runners',
      'gloriousflywheel.io/github-config-url':
        'https://github.com/tinyland-inc',
    });
    expect(connection.entities.get('tinyland-dind')!.spec).toMatchObject({
      type: 'runner-class',
    });

    // A status-only change (runner counts) is not catalog state: no mutation.
    k8s.patchScaleSet('arc-runners', 'tinyland-docker', {
      status: { currentRunners: 5 },
    });
    await new Promise(r => setTimeout(r, 300));
    expect(connection.mutations).toHaveLength(1);

    k8s.upsertScaleSet({
      ...createFleetSeed().scaleSets[1],
      name: 'tinyland-docker-b',
    });
    k8s.deleteScaleSet('arc-runners', 'tinyland-dind');
    await eventually(() => {
      const deltas = connection.mutations.filter(m => m.type === 'delta');
      const added = deltas.flatMap(m => (m.type === 'delta' ? m.added : []));
      const removed = deltas.flatMap(m =>
        m.type === 'delta' ? m.removed : [],
      );
      expect(added.map(a => a.entity.metadata.name)).toEqual([
        'honey.arc-runners.tinyland-docker-b',
      ]);
      expect(removed).toEqual([
        {
          entityRef: 'resource:default/honey.arc-runners.tinyland-dind',
          locationKey: 'gloriousflywheel:fleet',
        },
      ]);
    });
  });

  it('a fleet change during the first full mutation follows it as one delta, not a second full', async () => {
    const connection = new RecordingConnection();
    const provider = new FleetEntityProvider({
      fleet,
      owner: 'group:default/platform-team',
      logger: mockServices.logger.mock(),
    });
    await provider.connect(connection);
    const full = connection.holdNext();
    fleet.start();
    expect((await full.arrived).type).toBe('full');

    // The provider subscribed first, so once this listener sees the new scale set the provider
    // has been told too, while the full mutation is still in flight.
    const seen = new Promise<void>(resolve => {
      const stop = fleet.onChange(() => {
        if (fleet.scaleSets().some(s => s.name === 'tinyland-docker-b')) {
          stop();
          resolve();
        }
      });
    });
    k8s.upsertScaleSet({
      ...createFleetSeed().scaleSets[1],
      name: 'tinyland-docker-b',
    });
    await seen;
    expect(connection.mutations.map(m => m.type)).toEqual(['full']);

    full.release();
    await eventually(() => expect(connection.mutations).toHaveLength(2));
    const delta = connection.mutations[1];
    expect(delta.type).toBe('delta');
    expect(
      delta.type === 'delta' && delta.added.map(a => a.entity.metadata.name),
    ).toEqual(['honey.arc-runners.tinyland-docker-b']);
    expect(delta.type === 'delta' && delta.removed).toEqual([]);
    expect(connection.entities.size).toBe(4 + 5 + 1);

    // Nothing left over: a further refresh finds the catalog up to date.
    await provider.refresh();
    expect(connection.mutations).toHaveLength(2);
    provider.disconnect();
  });

  it('annotates the contract and re-emits a class when a cache it points at goes down', async () => {
    const health = new CacheHealthHub();
    const probe = (status: 'healthy' | 'down') =>
      health.publish([
        {
          cache: 'bazel-grpc',
          kind: 'bazel-grpc',
          status,
          latencyMs: 2,
          checkedAt: new Date(Date.now() + Math.random()).toISOString(),
          details: { endpoint: 'grpc://127.0.0.1:7104', checks: [] },
        },
      ]);
    probe('healthy');
    const connection = new RecordingConnection();
    const provider = new FleetEntityProvider({
      fleet,
      owner: 'group:default/platform-team',
      logger: mockServices.logger.mock(),
      // the endpoint the seeded docker runners' BAZEL_REMOTE_CACHE names
      contracts: {
        targets: [
          {
            name: 'bazel-grpc',
            kind: 'bazel-grpc',
            url: 'grpc://127.0.0.1:7104',
            runnerClasses: [],
          },
        ],
        staleEndpoints: [],
        health,
      },
    });
    await provider.connect(connection);
    fleet.start();
    await eventually(() =>
      expect(
        connection.entities.get('tinyland-docker')?.metadata.annotations?.[
          'gloriousflywheel.io/contract'
        ],
      ).toBe('5/5'),
    );
    expect(
      connection.entities.get('tinyland-nix-heavy')!.metadata.annotations,
    ).toMatchObject({
      'gloriousflywheel.io/contract-failing':
        expect.stringContaining('memory-envelope'),
    });
    probe('down');
    await eventually(() =>
      expect(
        connection.entities.get('tinyland-docker')!.metadata.annotations,
      ).toMatchObject({
        'gloriousflywheel.io/contract': '4/5',
        'gloriousflywheel.io/contract-failing': 'cache-env-target',
      }),
    );
    expect(connection.mutations.at(-1)!.type).toBe('delta');
    provider.disconnect();
  });

  it('keeps entity names within 63 characters', () => {
    const name = scaleSetEntityName({
      cluster: 'honey',
      namespace: 'arc-runners-with-a-long-namespace',
      name: 'tinyland-nix-heavy-owner-overlay-jesssullivan',
    });
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/);
  });

  it('a failing first full mutation does not fail connect and is retried on its own', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    // No clusters: the runner classes alone are known at once, so connect emits right away.
    const offline = new FleetService({
      clusters: [],
      runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })),
      logger: mockServices.logger.mock(),
    });
    try {
      const connection = new RecordingConnection();
      connection.failNext(new Error('catalog unavailable'));
      connection.failNext(new Error('catalog unavailable'));
      const provider = new FleetEntityProvider({
        fleet: offline,
        owner: 'group:default/platform-team',
        logger: mockServices.logger.mock(),
      });
      // The first full mutation fails twice; connect still resolves.
      await provider.connect(connection);
      expect(connection.entities.size).toBe(0);
      await jest.advanceTimersByTimeAsync(1_000 + 2_000);
      expect(connection.mutations.map(m => m.type)).toEqual([
        'full',
        'full',
        'full',
      ]);
      expect(connection.entities.size).toBe(DEFAULT_RUNNER_CLASSES.length);
      provider.disconnect();
    } finally {
      offline.stop();
      jest.useRealTimers();
    }
  });
});
