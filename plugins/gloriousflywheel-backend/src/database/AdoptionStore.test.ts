import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  DEFAULT_SCORECARD_CONFIG,
  buildRepoAdoption,
  readTranches,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AdoptionStore } from './AdoptionStore';
import { migrateDatabase } from './migrateDatabase';
import type { RepoScanRecord } from '../adoption/types';

// Only databases this machine provides without Docker (see CacheProbeStore.test.ts).
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const NOW = new Date('2026-11-25T12:00:00Z');
const tranches = readTranches([
  { name: 'first', repos: ['o/a'] },
  { name: 'rest', rest: true },
]);

function record(name: string, workflow: string, at = NOW): RepoScanRecord {
  const files = {
    '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: ${workflow}\n    steps: []\n`,
  };
  return {
    owner: 'o',
    name,
    headOid: `${name}-head`,
    scannedAt: at.getTime(),
    inputs: { defaultBranch: 'main', files, fileErrors: [] },
    runs: {
      '.github/workflows/proof.yml': {
        etag: '"abc"',
        run: {
          workflowPath: '.github/workflows/proof.yml',
          conclusion: 'success',
        },
      },
    },
    result: buildRepoAdoption(
      {
        owner: 'o',
        name,
        htmlBaseUrl: 'https://github.com',
        headOid: `${name}-head`,
        scannedAt: at.toISOString(),
        archived: false,
        fork: false,
        snapshot: { defaultBranch: 'main', files },
      },
      { config: DEFAULT_SCORECARD_CONFIG, tranches, now: at },
    ),
    configHash: 'h1',
  };
}

async function createStore(id: TestDatabaseId) {
  const knex = await databases.init(id);
  await migrateDatabase({ getClient: async () => knex });
  return new AdoptionStore(knex);
}

describe.each(databases.eachSupportedId())('AdoptionStore on %p', id => {
  it('keeps the latest record per repository with inputs, run ETags and result', async () => {
    const store = await createStore(id);
    expect(await store.loadRepos()).toEqual([]);
    await store.saveRepos([
      record('a', 'tinyland-nix'),
      record('b', 'ubuntu-latest'),
    ]);
    const newer = record(
      'a',
      'tinyland-docker',
      new Date(NOW.getTime() + 60_000),
    );
    await store.saveRepos([newer]);
    const loaded = await store.loadRepos();
    expect(loaded.sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      newer,
      record('b', 'ubuntu-latest'),
    ]);
    await store.deleteRepos(['o/b']);
    expect((await store.loadRepos()).map(r => r.name)).toEqual(['a']);
  });

  it('keeps migration pull requests with the result; a result stored before them reads as none', async () => {
    const store = await createStore(id);
    const pull = {
      number: 72,
      title: 'Run lab CI on tinyland-nix',
      url: 'https://github.com/o/a/pull/72',
      state: 'merged' as const,
      draft: false,
      headRefName: 'gloriousflywheel/tinyland-nix',
      createdAt: '2026-04-10T09:00:00Z',
      mergedAt: '2026-04-14T09:00:00Z',
    };
    const withPulls = record('a', 'tinyland-nix');
    withPulls.result = { ...withPulls.result, migrationPullRequests: [pull] };
    await store.saveRepos([withPulls]);
    expect((await store.loadRepos())[0].result.migrationPullRequests).toEqual([
      pull,
    ]);

    const { migrationPullRequests: _dropped, ...older } = record(
      'b',
      'tinyland-nix',
    ).result;
    await store.saveRepos([
      {
        ...record('b', 'tinyland-nix'),
        result: older as typeof withPulls.result,
      },
    ]);
    const b = (await store.loadRepos()).find(r => r.name === 'b')!;
    expect(b.result.migrationPullRequests).toEqual([]);
  });

  it('records one history row per repository and day, and aggregates the trend', async () => {
    const store = await createStore(id);
    const a = record('a', 'tinyland-nix').result;
    const b = record('b', 'ubuntu-latest').result;
    await store.recordDay('2026-11-24', [a, b]);
    await store.recordDay('2026-11-25', [a, b]);
    await store.recordDay('2026-11-25', [{ ...b, stage: 'in-progress' }]); // same day: overwritten
    const trend = await store.stageTrend('2026-11-24');
    expect(trend).toEqual(
      expect.arrayContaining([
        { tranche: 'first', day: '2026-11-24', stage: a.stage, repos: 1 },
        { tranche: 'rest', day: '2026-11-24', stage: b.stage, repos: 1 },
        { tranche: 'rest', day: '2026-11-25', stage: 'in-progress', repos: 1 },
      ]),
    );
    expect(trend).toHaveLength(4);
    expect(await store.pruneHistory('2026-11-25')).toBe(2);
    expect(await store.stageTrend('2000-01-01')).toHaveLength(2);
  });

  it('keeps one push mark per organisation, case-insensitively', async () => {
    const store = await createStore(id);
    expect(await store.scanMark('Tinyland-Inc')).toBeUndefined();
    await store.saveScanMark('Tinyland-Inc', {
      pushedAt: '2026-11-25T11:59:59Z',
      listedAt: NOW.getTime(),
    });
    await store.saveScanMark('tinyland-inc', {
      pushedAt: '2026-11-25T12:30:00Z',
      listedAt: NOW.getTime(),
    });
    await store.saveScanMark('other', { pushedAt: null, listedAt: null });
    expect(await store.scanMark('TINYLAND-INC')).toEqual({
      pushedAt: '2026-11-25T12:30:00Z',
      listedAt: NOW.getTime(),
    });
    expect(await store.scanMark('other')).toEqual({
      pushedAt: null,
      listedAt: null,
    });
  });

  it('keeps scan runs; one left running by a stopped process reads as interrupted', async () => {
    const store = await createStore(id);
    expect(await store.lastScan()).toBeUndefined();
    const first = await store.startScan('schedule', NOW);
    await store.finishScan(first, {
      state: 'idle',
      trigger: 'schedule',
      startedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
      reposDone: 10,
      reposTotal: 10,
      reposFetched: 2,
      requestsUsed: { graphql: 3, rest: 1, rest304: 4 },
      rateLimit: { remaining: 4000, resetAt: null },
      lastError: null,
    });
    expect(await store.lastScan()).toMatchObject({
      state: 'idle',
      reposTotal: 10,
      requestsUsed: { graphql: 3, rest: 1, rest304: 4 },
    });
    const second = await store.startScan('manual', NOW);
    expect(second).toBeGreaterThan(first);
    expect(await store.lastScan()).toMatchObject({
      state: 'failed',
      trigger: 'manual',
      lastError: 'interrupted by a restart',
    });
  });
});
