import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  CacheSandbox,
  createFleetSeed,
  startCacheSandbox,
} from '@internal/fleet-sandbox';
import { CacheProbeStore } from '../database/CacheProbeStore';
import { migrateDatabase } from '../database/migrateDatabase';
import { CacheHealthHub } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { CacheProbeTask } from './CacheProbeTask';
import type { CacheTarget } from '@tinyland/backstage-plugin-gloriousflywheel-node';

// Store behaviour on PostgreSQL is covered in CacheProbeStore.test.ts; here SQLite is enough.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const DAY = 24 * 3600_000;

describe('CacheProbeTask', () => {
  let sandbox: CacheSandbox;
  let targets: CacheTarget[];

  beforeAll(async () => {
    sandbox = await startCacheSandbox({
      host: '127.0.0.1',
      port: 0,
      grpcPort: 0,
      seed: createFleetSeed(),
    });
    targets = [
      {
        name: 'attic',
        kind: 'attic',
        url: sandbox.urls.attic,
        cache: 'main',
        token: sandbox.atticToken,
        runnerClasses: [],
      },
      {
        name: 'bazel-cache',
        kind: 'bazel-remote',
        url: sandbox.urls['bazel-cache'],
        runnerClasses: [],
      },
    ];
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  async function setup(now: () => Date) {
    const knex = await databases.init('SQLITE_3');
    await migrateDatabase({ getClient: async () => knex });
    const store = new CacheProbeStore(knex);
    const hub = new CacheHealthHub();
    const logger = mockServices.logger.mock();
    const task = new CacheProbeTask({
      targets,
      settings: { timeoutMs: 2000, slowThresholdMs: 1000, staleEndpoints: [] },
      retentionDays: 2,
      store,
      hub,
      logger,
      now,
    });
    return { task, store, hub, logger };
  }

  it('stores every run, prunes past the retention and publishes the latest', async () => {
    let clock = Date.parse('2026-11-01T00:00:00Z');
    const { task, store, hub } = await setup(() => new Date(clock));
    const published: number[] = [];
    hub.onChange(() => published.push(hub.latest().size));

    for (let day = 0; day < 4; day++) {
      await task.run();
      clock += DAY;
    }
    // Four runs a day apart with two days of retention: the last run prunes the first.
    const history = await store.history('bazel-cache', {
      since: new Date(0),
      limit: 100,
    });
    expect(history.items.map(p => p.checkedAt)).toEqual([
      '2026-11-02T00:00:00.000Z',
      '2026-11-03T00:00:00.000Z',
      '2026-11-04T00:00:00.000Z',
    ]);
    expect(hub.latest().get('attic')).toMatchObject({
      status: 'healthy',
      checkedAt: '2026-11-04T00:00:00.000Z',
    });
    expect(published).toEqual([2, 2, 2, 2]);
  });

  it('loads the stored latest into a fresh hub (another replica, or after a restart)', async () => {
    const { task, store } = await setup(() => new Date());
    await task.run();
    const other = new CacheHealthHub();
    const replica = new CacheProbeTask({
      targets,
      settings: { timeoutMs: 2000, slowThresholdMs: 1000, staleEndpoints: [] },
      retentionDays: 2,
      store,
      hub: other,
      logger: mockServices.logger.mock(),
    });
    expect(other.loaded).toBe(false);
    await replica.sync();
    expect(other.loaded).toBe(true);
    expect([...other.latest().keys()].sort()).toEqual(['attic', 'bazel-cache']);
  });

  it('logs status changes once, with the reason and without the token', async () => {
    const { task, logger } = await setup(() => new Date());
    await task.run();
    expect(logger.info).toHaveBeenCalledWith('cache attic: unknown -> healthy');
    await sandbox.setMode('attic', { mode: 'unauthorized', status: 401 });
    try {
      await task.run();
      await task.run();
    } finally {
      await sandbox.setMode('attic', 'healthy');
    }
    const warnings = logger.warn.mock.calls.map(c => String(c[0]));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cache attic: healthy -> down \(auth: /);
    const everything = JSON.stringify([
      logger.info.mock.calls,
      logger.warn.mock.calls,
      logger.debug.mock.calls,
      logger.error.mock.calls,
    ]);
    expect(everything).not.toContain(sandbox.atticToken);
  });
});
