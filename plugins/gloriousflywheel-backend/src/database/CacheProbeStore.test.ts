import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { CacheProbeStore } from './CacheProbeStore';
import { migrateDatabase } from './migrateDatabase';
import type { CacheProbeResult } from '@tinyland/backstage-plugin-gloriousflywheel-node';

// Only databases this machine provides without Docker: SQLite in memory and the PostgreSQL the
// test command starts (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING).
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const t0 = Date.parse('2026-11-20T00:00:00.000Z');
const minute = 60_000;

function probe(
  cache: string,
  at: number,
  overrides: Partial<CacheProbeResult> = {},
): CacheProbeResult {
  return {
    cache,
    kind: 'bazel-remote',
    status: 'healthy',
    latencyMs: 12,
    checkedAt: new Date(at).toISOString(),
    details: {
      endpoint: 'http://127.0.0.1:7103/bazel-cache',
      checks: [
        { name: 'status', outcome: 'ok', latencyMs: 5, httpStatus: 200 },
      ],
      sizeBytes: 5_000_000_000,
      capacityBytes: 10_000_000_000,
    },
    ...overrides,
  };
}

async function createStore(id: TestDatabaseId) {
  const knex = await databases.init(id);
  await migrateDatabase({ getClient: async () => knex });
  return new CacheProbeStore(knex);
}

describe.each(databases.eachSupportedId())('CacheProbeStore on %p', id => {
  it('keeps the latest result per cache with its details', async () => {
    const store = await createStore(id);
    expect((await store.latest()).size).toBe(0);

    await store.insert([
      probe('bazel-cache', t0),
      probe('attic', t0, { kind: 'attic' }),
    ]);
    await store.insert([
      probe('bazel-cache', t0 + minute, {
        status: 'down',
        latencyMs: 3000.4,
        errorKind: 'network',
        message: 'status: connection reset',
      }),
    ]);

    const latest = await store.latest();
    expect([...latest.keys()].sort()).toEqual(['attic', 'bazel-cache']);
    expect(latest.get('bazel-cache')).toEqual({
      ...probe('bazel-cache', t0 + minute),
      status: 'down',
      latencyMs: 3000,
      errorKind: 'network',
      message: 'status: connection reset',
    });
    expect(latest.get('attic')).toMatchObject({
      status: 'healthy',
      kind: 'attic',
    });
    expect(latest.get('attic')!.errorKind).toBeUndefined();
  });

  it('returns history since a time, oldest first, bounded by the limit', async () => {
    const store = await createStore(id);
    await store.insert(
      Array.from({ length: 10 }, (_, i) =>
        probe('bazel-cache', t0 + i * minute, { latencyMs: i }),
      ),
    );
    await store.insert([probe('attic', t0 + 5 * minute, { kind: 'attic' })]);

    const all = await store.history('bazel-cache', {
      since: new Date(t0),
      limit: 100,
    });
    expect(all.truncated).toBe(false);
    expect(all.items.map(p => p.latencyMs)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(all.items[0]).toEqual({
      checkedAt: '2026-11-20T00:00:00.000Z',
      status: 'healthy',
      latencyMs: 0,
      errorKind: null,
      message: null,
      sizeBytes: 5_000_000_000,
    });

    const recent = await store.history('bazel-cache', {
      since: new Date(t0 + 4 * minute),
      limit: 3,
    });
    // The newest points win when the range holds more than the limit.
    expect(recent.items.map(p => p.latencyMs)).toEqual([7, 8, 9]);
    expect(recent.truncated).toBe(true);

    expect(
      (await store.history('nope', { since: new Date(0), limit: 5 })).items,
    ).toEqual([]);
  });

  it('deletes probes older than the retention cutoff and keeps the rest', async () => {
    const store = await createStore(id);
    await store.insert(
      Array.from({ length: 6 }, (_, i) =>
        probe('bazel-cache', t0 + i * minute),
      ),
    );
    expect(await store.deleteOlderThan(new Date(t0 + 2 * minute))).toBe(2);
    const left = await store.history('bazel-cache', {
      since: new Date(0),
      limit: 100,
    });
    expect(left.items.map(p => p.checkedAt)).toEqual(
      [2, 3, 4, 5].map(i => new Date(t0 + i * minute).toISOString()),
    );
    expect(await store.deleteOlderThan(new Date(t0))).toBe(0);
  });

  it('migrates idempotently', async () => {
    const knex = await databases.init(id);
    await migrateDatabase({ getClient: async () => knex });
    await migrateDatabase({ getClient: async () => knex });
    expect(await knex.schema.hasTable('gloriousflywheel_cache_probes')).toBe(
      true,
    );
    expect(await knex.schema.hasTable('gloriousflywheel_knex_migrations')).toBe(
      true,
    );
  });
});
