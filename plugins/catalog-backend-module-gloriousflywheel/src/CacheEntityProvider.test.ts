import { mockServices } from '@backstage/backend-test-utils';
import { CacheHealthHub } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import type {
  CacheProbeResult,
  CacheTarget,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { CacheEntityProvider } from './CacheEntityProvider';
import { RecordingConnection } from './__testUtils__/RecordingConnection';
import { eventually } from '@internal/fleet-sandbox';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.secret.sig';
const targets: CacheTarget[] = [
  {
    name: 'attic',
    kind: 'attic',
    url: 'http://attic-api.nix-cache.svc.cluster.local:8080',
    cache: 'main',
    token: TOKEN,
    runnerClasses: ['tinyland-nix'],
  },
  {
    name: 'bazel-cache',
    kind: 'bazel-remote',
    url: 'http://bazel.attic-cache-dev.svc.cluster.local:8080',
    runnerClasses: ['tinyland-nix', 'tinyland-docker'],
  },
];

let clock = Date.parse('2026-11-25T10:00:00Z');
function result(
  cache: string,
  status: CacheProbeResult['status'],
  latencyMs = 10,
): CacheProbeResult {
  clock += 60_000;
  return {
    cache,
    kind: cache === 'attic' ? 'attic' : 'bazel-remote',
    status,
    latencyMs,
    checkedAt: new Date(clock).toISOString(),
    details: { endpoint: 'x', checks: [] },
  };
}

const health = (c: RecordingConnection, name: string) =>
  c.entities.get(name)?.metadata.annotations?.[
    'gloriousflywheel.io/cache-health'
  ];

describe('CacheEntityProvider', () => {
  it('emits build-cache entities once the plugin has published, then deltas only on status change', async () => {
    const hub = new CacheHealthHub();
    const connection = new RecordingConnection();
    const provider = new CacheEntityProvider({
      hub,
      targets,
      staleEndpoints: [
        {
          cache: 'bazel-cache',
          url: targets[1].url,
          pattern: '*.attic-cache-dev.svc.cluster.local',
        },
      ],
      owner: 'group:default/platform-team',
      logger: mockServices.logger.mock(),
    });
    await provider.connect(connection);
    // Nothing published yet: an "unknown" full mutation would flap the annotation on restart.
    expect(connection.mutations).toHaveLength(0);

    hub.publish([result('attic', 'healthy'), result('bazel-cache', 'healthy')]);
    await provider.refresh();
    expect(connection.mutations.map(m => m.type)).toEqual(['full']);
    const attic = connection.entities.get('attic')!;
    expect(attic).toMatchObject({
      kind: 'Resource',
      spec: { type: 'build-cache', owner: 'group:default/platform-team' },
      metadata: {
        annotations: {
          'gloriousflywheel.io/cache-health': 'healthy',
          'gloriousflywheel.io/cache-kind': 'attic',
          'gloriousflywheel.io/cache-endpoint':
            'http://attic-api.nix-cache.svc.cluster.local:8080',
          'gloriousflywheel.io/cache-name': 'main',
          'gloriousflywheel.io/runner-classes': 'tinyland-nix',
          'backstage.io/managed-by-location': 'gloriousflywheel:caches',
        },
      },
    });
    expect(
      connection.entities.get('bazel-cache')!.metadata.annotations,
    ).toMatchObject({
      'gloriousflywheel.io/stale-endpoint':
        '*.attic-cache-dev.svc.cluster.local',
    });
    expect(JSON.stringify([...connection.entities.values()])).not.toContain(
      TOKEN,
    );

    // New probes, same statuses (only latency moved): the catalog is not touched.
    hub.publish([
      result('attic', 'healthy', 55),
      result('bazel-cache', 'healthy', 70),
    ]);
    await provider.refresh();
    expect(connection.mutations).toHaveLength(1);

    hub.publish([result('attic', 'healthy'), result('bazel-cache', 'down')]);
    await provider.refresh();
    expect(connection.mutations).toHaveLength(2);
    const delta = connection.mutations[1];
    expect(delta.type).toBe('delta');
    expect(
      delta.type === 'delta' && delta.added.map(a => a.entity.metadata.name),
    ).toEqual(['bazel-cache']);
    expect(delta.type === 'delta' && delta.removed).toEqual([]);
    expect(health(connection, 'bazel-cache')).toBe('down');
    expect(health(connection, 'attic')).toBe('healthy');

    provider.disconnect();
  });

  it('follows the hub on its own, coalescing publishes that arrive together', async () => {
    const hub = new CacheHealthHub();
    const connection = new RecordingConnection();
    const provider = new CacheEntityProvider({
      hub,
      targets,
      staleEndpoints: [],
      owner: 'group:default/platform-team',
      logger: mockServices.logger.mock(),
    });
    await provider.connect(connection);
    hub.publish([
      result('attic', 'degraded'),
      result('bazel-cache', 'healthy'),
    ]);
    await eventually(() =>
      expect(connection.mutations.map(m => m.type)).toEqual(['full']),
    );
    expect(health(connection, 'attic')).toBe('degraded');

    // Three publishes in one tick: each refresh reads the hub when it runs, so one delta.
    hub.publish([result('attic', 'down')]);
    hub.publish([result('attic', 'degraded')]);
    hub.publish([result('attic', 'healthy')]);
    await eventually(() => expect(health(connection, 'attic')).toBe('healthy'));
    await provider.refresh();
    expect(connection.mutations.map(m => m.type)).toEqual(['full', 'delta']);
    provider.disconnect();
  });

  it('a first mutation that fails does not fail connect; it is logged and retried until it lands', async () => {
    jest.useFakeTimers();
    try {
      const hub = new CacheHealthHub();
      hub.publish([result('attic', 'healthy')]);
      const connection = new RecordingConnection();
      for (let i = 0; i < 3; i++)
        connection.failNext(new Error('catalog unavailable'));
      const logger = mockServices.logger.mock();
      const provider = new CacheEntityProvider({
        hub,
        targets,
        staleEndpoints: [],
        owner: 'group:default/platform-team',
        logger,
      });
      await provider.connect(connection);
      expect(connection.entities.size).toBe(0);
      expect(logger.error).toHaveBeenCalledTimes(1);

      // 1 s, 2 s, 4 s: the third retry is the fourth attempt, which succeeds.
      await jest.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000);
      expect(connection.mutations.map(m => m.type)).toEqual(
        Array(4).fill('full'),
      );
      expect(health(connection, 'attic')).toBe('healthy');
      expect(logger.error).toHaveBeenCalledTimes(3);

      // Nothing more is scheduled once it landed.
      await jest.advanceTimersByTimeAsync(120_000);
      expect(connection.mutations).toHaveLength(4);
      provider.disconnect();
    } finally {
      jest.useRealTimers();
    }
  });

  it('disconnect cancels a pending retry', async () => {
    jest.useFakeTimers();
    try {
      const hub = new CacheHealthHub();
      hub.publish([result('attic', 'healthy')]);
      const connection = new RecordingConnection();
      connection.failNext(new Error('catalog unavailable'));
      const provider = new CacheEntityProvider({
        hub,
        targets,
        staleEndpoints: [],
        owner: 'group:default/platform-team',
        logger: mockServices.logger.mock(),
      });
      await provider.connect(connection);
      provider.disconnect();
      await jest.advanceTimersByTimeAsync(120_000);
      expect(connection.mutations).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
