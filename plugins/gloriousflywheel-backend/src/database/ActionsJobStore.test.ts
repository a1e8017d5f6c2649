import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ActionsJob } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { ActionsJobStore } from './ActionsJobStore';
import { migrateDatabase } from './migrateDatabase';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

function job(id: number, extra: Partial<ActionsJob> = {}): ActionsJob {
  return {
    id,
    runId: 7,
    repo: 'tinyland-inc/Lab',
    name: 'build',
    workflowName: 'CI',
    htmlUrl: `https://github.com/tinyland-inc/Lab/actions/runs/7/job/${id}`,
    status: 'queued',
    conclusion: null,
    labels: ['tinyland-nix'],
    runnerName: null,
    runnerGroupName: null,
    createdAt: '2026-12-01T10:00:00.000Z',
    startedAt: null,
    completedAt: null,
    scaleSet: null,
    runnerClass: 'tinyland-nix',
    ...extra,
  };
}

async function createStore(id: TestDatabaseId) {
  const knex = await databases.init(id);
  await migrateDatabase({ getClient: async () => knex });
  return new ActionsJobStore(knex);
}

const running = {
  status: 'in_progress' as const,
  startedAt: '2026-12-01T10:01:00.000Z',
  runnerName: 'tinyland-nix-abc-runner-x',
  scaleSet: 'honey/arc-runners/tinyland-nix',
};
const done = {
  ...running,
  status: 'completed' as const,
  conclusion: 'success',
  completedAt: '2026-12-01T10:05:00.000Z',
};

describe.each(databases.eachSupportedId())('ActionsJobStore on %p', id => {
  it('keeps the latest state of each job, whatever order the events arrive in', async () => {
    const store = await createStore(id);
    expect(await store.upsert([job(1), job(2)])).toBe(2);
    expect(await store.upsert([job(1, done)])).toBe(1);
    // a late in_progress and a redelivered queued event change nothing
    expect(await store.upsert([job(1, running), job(1)])).toBe(0);
    expect(await store.get(1)).toEqual(job(1, done));
    // the last state of a job given twice in one call wins by status
    expect(await store.upsert([job(2, running), job(2)])).toBe(1);
    expect((await store.get(2))?.status).toBe('in_progress');
    expect(await store.get(3)).toBeUndefined();
    expect((await store.get(1))?.labels).toEqual(['tinyland-nix']);
  });

  it('lists a repository newest first, case-insensitively', async () => {
    const store = await createStore(id);
    await store.upsert([
      job(1, { createdAt: '2026-12-01T09:00:00.000Z' }),
      job(2, { createdAt: '2026-12-01T11:00:00.000Z' }),
      job(3, { repo: 'tinyland-inc/blahaj' }),
    ]);
    expect(
      (await store.recentForRepo('TINYLAND-INC/lab', 10)).map(j => j.id),
    ).toEqual([2, 1]);
    expect(
      (await store.recentForRepo('tinyland-inc/lab', 1)).map(j => j.id),
    ).toEqual([2]);
  });

  it('finds open and recent jobs, their repositories and open runs', async () => {
    const store = await createStore(id);
    const at = new Date('2026-12-01T12:00:00.000Z');
    await store.upsert(
      [
        job(1, { createdAt: '2026-11-30T01:00:00.000Z' }),
        job(2, {
          ...done,
          createdAt: '2026-11-30T01:00:00.000Z',
          startedAt: '2026-11-30T01:01:00.000Z',
          runId: 8,
        }),
        job(3, { ...done, repo: 'tinyland-inc/blahaj', runId: 9 }),
      ],
      at,
    );
    const since = new Date('2026-12-01T00:00:00.000Z');
    expect((await store.activeOrSince(since)).map(j => j.id).sort()).toEqual([
      1, 3,
    ]);
    expect(
      await store.reposActiveSince(new Date('2026-12-01T13:00:00.000Z'), 10),
    ).toEqual(['tinyland-inc/lab']);
    expect(await store.reposActiveSince(since, 10)).toEqual([
      'tinyland-inc/blahaj',
      'tinyland-inc/lab',
    ]);
    expect(await store.openRuns('tinyland-inc/lab')).toEqual([7]);
  });

  it('forgets jobs queued before the retention cutoff', async () => {
    const store = await createStore(id);
    await store.upsert([
      job(1, { createdAt: '2026-11-20T00:00:00.000Z' }),
      job(2),
    ]);
    expect(
      await store.deleteQueuedBefore(new Date('2026-11-24T00:00:00.000Z')),
    ).toBe(1);
    expect(await store.count()).toBe(1);
    expect(await store.get(2)).toBeDefined();
  });

  it('stores many jobs in chunks', async () => {
    const store = await createStore(id);
    const jobs = Array.from({ length: 260 }, (_, i) =>
      job(i + 1, { name: 'x'.repeat(300) }),
    );
    expect(await store.upsert(jobs)).toBe(260);
    expect(await store.count()).toBe(260);
    expect((await store.get(260))?.name).toHaveLength(255);
  });
});
