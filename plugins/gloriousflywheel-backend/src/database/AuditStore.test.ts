import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { AuditStore, AuditAttempt } from './AuditStore';
import { migrateDatabase } from './migrateDatabase';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const attempt = (overrides: Partial<AuditAttempt> = {}): AuditAttempt => ({
  actor: 'user:default/oscar-operator',
  action: 'pause',
  cluster: 'honey',
  namespace: 'arc-runners',
  name: 'tinyland-nix',
  runnerClass: 'tinyland-nix',
  reason: 'drain',
  requestId: 'req-1',
  ...overrides,
});

async function createStore(id: TestDatabaseId) {
  const knex = await databases.init(id);
  await migrateDatabase({ getClient: async () => knex });
  return { knex, store: new AuditStore(knex) };
}

describe.each(databases.eachSupportedId())('AuditStore on %p', id => {
  it('writes initiated records, completes them into a verifiable chain, filters and pages', async () => {
    const { store } = await createStore(id);
    const a = await store.begin(attempt());
    expect(a).toMatchObject({ outcome: 'initiated', seq: null, hash: null });
    const done = await store.complete(a.id, {
      outcome: 'succeeded',
      before: { minRunners: 1, maxRunners: null },
      after: { minRunners: 0, maxRunners: 0 },
    });
    expect(done).toMatchObject({ seq: 1, prevHash: '', outcome: 'succeeded' });
    expect(await store.get(a.id)).toEqual(done);
    await expect(store.complete(a.id, { outcome: 'failed' })).rejects.toThrow(/already completed/);

    const b = await store.begin(attempt({ actor: 'user:default/vera-viewer', action: 'resume', name: 'tinyland-docker' }));
    await store.complete(b.id, { outcome: 'denied', error: 'not allowed' });
    await store.begin(attempt({ cluster: 'lab' })); // stays initiated: not part of the chain

    expect(await store.verify()).toEqual({ ok: true, checked: 2 });
    const all = await store.list({ limit: 10, offset: 0 });
    expect(all.total).toBe(3);
    expect((await store.list({ outcome: 'denied', limit: 10, offset: 0 })).items.map(r => r.id)).toEqual([b.id]);
    expect((await store.list({ actor: 'user:default/vera-viewer', limit: 10, offset: 0 })).total).toBe(1);
    expect((await store.list({ target: 'honey/arc-runners/tinyland-nix', limit: 10, offset: 0 })).total).toBe(1);
    expect((await store.list({ target: 'honey', limit: 10, offset: 0 })).total).toBe(2);
    expect((await store.list({ action: 'resume', limit: 10, offset: 0 })).total).toBe(1);
    expect((await store.list({ from: '2100-01-01T00:00:00.000Z', limit: 10, offset: 0 })).total).toBe(0);
    const page = await store.list({ limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page.items).toHaveLength(1);
  });

  it('serializes concurrent completions into one unbroken chain', async () => {
    const { store } = await createStore(id);
    const records = await Promise.all(Array.from({ length: 40 }, (_, i) => store.begin(attempt({ requestId: `r${i}` }))));
    const completed = await Promise.all(records.map(r => store.complete(r.id, { outcome: 'succeeded' })));
    expect(completed.map(r => r.seq).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await store.verify()).toEqual({ ok: true, checked: 40 });
  });

  it('reports the first tampered, removed or truncated record', async () => {
    const { knex, store } = await createStore(id);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await store.begin(attempt({ requestId: `r${i}` }));
      await store.complete(r.id, { outcome: 'succeeded' });
      ids.push(r.id);
    }
    await knex('gloriousflywheel_audit').where({ id: ids[1] }).update({ reason: 'nothing to see' });
    expect(await store.verify()).toMatchObject({ ok: false, checked: 1, firstBrokenId: ids[1] });
    await knex('gloriousflywheel_audit').where({ id: ids[1] }).delete();
    expect(await store.verify()).toMatchObject({ ok: false, checked: 1, firstBrokenId: ids[2] });
  });
});
