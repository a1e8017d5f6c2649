import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import {
  AuditRecord,
  AuditVerifyResult,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AuditStore, AuditAttempt } from './AuditStore';
import { migrateDatabase } from './migrateDatabase';
import { rewriteNewestRecord } from '../audit/__testUtils__/rewriteNewestRecord';

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

const TABLE = 'gloriousflywheel_audit';

describe.each(databases.eachSupportedId())('AuditStore on %p', id => {
  it('chains every record when initiated and again when completed, filters and pages', async () => {
    const { store } = await createStore(id);
    const a = await store.begin(attempt({ runnerClass: null }));
    expect(a).toMatchObject({
      outcome: 'initiated',
      seq: 1,
      prevHash: '',
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await store.get(a.id)).toEqual(a);
    const done = await store.complete(a.id, {
      outcome: 'succeeded',
      before: { minRunners: 1, maxRunners: null },
      after: { minRunners: 0, maxRunners: 0 },
      runnerClass: 'tinyland-nix', // read from the live object: the initiation entry keeps the guess
    });
    expect(done).toMatchObject({
      seq: 2,
      prevHash: a.hash,
      outcome: 'succeeded',
      runnerClass: 'tinyland-nix',
    });
    expect(await store.get(a.id)).toEqual(done);
    await expect(store.complete(a.id, { outcome: 'failed' })).rejects.toThrow(
      /already completed/,
    );

    const b = await store.begin(
      attempt({
        actor: 'user:default/vera-viewer',
        action: 'resume',
        name: 'tinyland-docker',
      }),
    );
    const denied = await store.complete(b.id, {
      outcome: 'denied',
      error: 'not allowed',
    });
    const c = await store.begin(attempt({ cluster: 'lab' })); // stays initiated: chained all the same
    expect([b.seq, denied.seq, c.seq]).toEqual([3, 4, 5]);

    expect(await store.verify()).toEqual({
      ok: true,
      checked: 3,
      head: { seq: 5, hash: c.hash },
    });
    const all = await store.list({ limit: 10, offset: 0 });
    expect(all.total).toBe(3);
    expect(
      (await store.list({ outcome: 'denied', limit: 10, offset: 0 })).items.map(
        r => r.id,
      ),
    ).toEqual([b.id]);
    expect(
      (
        await store.list({
          actor: 'user:default/vera-viewer',
          limit: 10,
          offset: 0,
        })
      ).total,
    ).toBe(1);
    expect(
      (
        await store.list({
          target: 'honey/arc-runners/tinyland-nix',
          limit: 10,
          offset: 0,
        })
      ).total,
    ).toBe(1);
    expect(
      (await store.list({ target: 'honey', limit: 10, offset: 0 })).total,
    ).toBe(2);
    expect(
      (await store.list({ action: 'resume', limit: 10, offset: 0 })).total,
    ).toBe(1);
    expect(
      (
        await store.list({
          from: '2100-01-01T00:00:00.000Z',
          limit: 10,
          offset: 0,
        })
      ).total,
    ).toBe(0);
    const page = await store.list({ limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page.items).toHaveLength(1);
  });

  it('beginOnce writes a deterministic request id once, however many writers race for it', async () => {
    const { knex, store } = await createStore(id);
    const other = new AuditStore(knex); // a second replica's store on the same database
    const once = attempt({
      actor: 'system:gloriousflywheel',
      action: 'pause-reverted',
      requestId: 'pause-reverted:x',
    });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? other : store).beginOnce(once),
      ),
    );
    expect(results.filter(r => r.created)).toHaveLength(1);
    const ids = new Set(results.map(r => r.record.id));
    expect(ids.size).toBe(1);
    expect(
      Number(
        (
          await knex(TABLE)
            .where({ request_id: 'pause-reverted:x' })
            .count({ n: '*' })
        )[0].n,
      ),
    ).toBe(1);
    // other request ids are unaffected, and the chain stays valid
    expect(
      (await store.beginOnce(attempt({ requestId: 'another' }))).created,
    ).toBe(true);
    expect((await store.verify()).ok).toBe(true);
  });

  it('never reports a false break while 40 attempts begin and complete concurrently', async () => {
    const { store } = await createStore(id);
    let writing = true;
    const checks: AuditVerifyResult[] = [];
    const checking = (async () => {
      do checks.push(await store.verify());
      while (writing);
    })();
    const entries = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const r = await store.begin(attempt({ requestId: `r${i}` }));
        const done = await store.complete(r.id, {
          outcome: i % 5 ? 'succeeded' : 'denied',
        });
        return [r.seq!, done.seq!];
      }),
    );
    writing = false;
    await checking;
    expect(entries.flat().sort((x, y) => x - y)).toEqual(
      Array.from({ length: 80 }, (_, i) => i + 1),
    );
    expect(await store.verify()).toMatchObject({
      ok: true,
      checked: 40,
      head: { seq: 80 },
    });
    expect(checks.filter(c => !c.ok)).toEqual([]);
    // the checks really ran while records were being written
    expect(checks.some(c => c.head!.seq > 0 && c.head!.seq < 80)).toBe(true);
  });

  describe('notices every change made outside the store', () => {
    // r0 succeeded (entries 1, 2), r1 stays initiated (3), r2 denied (4, 5), r3 succeeded (6, 7)
    async function chain() {
      const { knex, store } = await createStore(id);
      const records: AuditRecord[] = [];
      for (const [i, outcome] of (
        ['succeeded', 'initiated', 'denied', 'succeeded'] as const
      ).entries()) {
        const r = await store.begin(
          attempt({ requestId: `r${i}`, reason: `reason ${i}` }),
        );
        records.push(
          outcome === 'initiated'
            ? r
            : await store.complete(r.id, {
                outcome,
                after: { minRunners: 0, maxRunners: 0 },
              }),
        );
      }
      expect(await store.verify()).toMatchObject({
        ok: true,
        checked: 4,
        head: { seq: 7 },
      });
      return { knex, store, ids: records.map(r => r.id), records };
    }

    type Tamper = (knex: Knex, ids: string[]) => Promise<unknown>;
    it.each<
      [
        string,
        Tamper,
        (ids: string[]) => Pick<AuditVerifyResult, 'message' | 'firstBrokenId'>,
      ]
    >([
      [
        'a deleted initiated record',
        (k, ids) => k(TABLE).where({ id: ids[1] }).delete(),
        ids => ({
          message: 'entry 3 of the chain is missing',
          firstBrokenId: ids[2],
        }),
      ],
      [
        'a deleted denied record',
        (k, ids) => k(TABLE).where({ id: ids[2] }).delete(),
        ids => ({
          message: 'entry 4 of the chain is missing',
          firstBrokenId: ids[3],
        }),
      ],
      [
        'a deleted completed record',
        (k, ids) => k(TABLE).where({ id: ids[0] }).delete(),
        ids => ({
          message: 'entry 1 of the chain is missing',
          firstBrokenId: ids[1],
        }),
      ],
      [
        'the newest record deleted',
        (k, ids) => k(TABLE).where({ id: ids[3] }).delete(),
        () => ({ message: 'the chain ends at entry 5 but its head says 7' }),
      ],
      [
        'an edited reason',
        (k, ids) =>
          k(TABLE).where({ id: ids[2] }).update({ reason: 'nothing to see' }),
        ids => ({
          message: `record ${ids[2]} was changed after entry 4 was written`,
          firstBrokenId: ids[2],
        }),
      ],
      [
        'an edited initiated record',
        (k, ids) =>
          k(TABLE)
            .where({ id: ids[1] })
            .update({ actor: 'user:default/someone-else' }),
        ids => ({
          message: `record ${ids[1]} was changed after entry 3 was written`,
          firstBrokenId: ids[1],
        }),
      ],
      [
        'an edited outcome',
        (k, ids) =>
          k(TABLE).where({ id: ids[2] }).update({ outcome: 'succeeded' }),
        ids => ({
          message: `record ${ids[2]} was changed after entry 5 was written`,
          firstBrokenId: ids[2],
        }),
      ],
      [
        'an edited initiation entry',
        (k, ids) =>
          k(TABLE)
            .where({ id: ids[3] })
            .update({ initiated_runner_class: 'tinyland-dind' }),
        ids => ({
          message: `record ${ids[3]} was changed after entry 6 was written`,
          firstBrokenId: ids[3],
        }),
      ],
      [
        'a completion moved in the chain',
        (k, ids) => k(TABLE).where({ id: ids[3] }).update({ seq: 8 }),
        ids => ({
          message: 'entry 7 of the chain is missing',
          firstBrokenId: ids[3],
        }),
      ],
      [
        'an initiation moved onto a completion',
        (k, ids) => k(TABLE).where({ id: ids[3] }).update({ initiated_seq: 5 }),
        ids => ({
          message: 'entry 5 of the chain appears twice',
          firstBrokenId: expect.stringMatching(`^(${ids[2]}|${ids[3]})$`),
        }),
      ],
      [
        'a record inserted outside the chain',
        async (k, ids) => {
          const row = await k(TABLE).where({ id: ids[1] }).first();
          await k(TABLE).insert({
            ...row,
            id: 'forged',
            seq: null,
            initiated_seq: null,
            hash: null,
          });
        },
        () => ({
          message: 'record forged is not in the chain',
          firstBrokenId: 'forged',
        }),
      ],
    ])('%s', async (_, tamper, expected) => {
      const { knex, store, ids } = await chain();
      await tamper(knex, ids);
      const result = await store.verify();
      expect(result).toEqual({
        ok: false,
        checked: expect.any(Number),
        ...expected(ids),
      });
    });

    it('a rewritten tail verifies on its own, but not against an anchor from before the rewrite', async () => {
      const { knex, store, ids, records } = await chain();
      const shipped = { seq: records[3].seq!, hash: records[3].hash! }; // as the auditor event carried it
      expect(await store.verify({ anchor: shipped })).toMatchObject({
        ok: true,
        head: shipped,
      });

      const rewritten = await rewriteNewestRecord(knex, { reason: 'routine' });
      expect((await store.get(ids[3]))!.reason).toBe('routine');
      // the limit of a chain kept in one database: recomputed hashes verify
      expect(await store.verify()).toEqual({
        ok: true,
        checked: 4,
        head: { seq: 7, hash: rewritten.hash },
      });
      expect(await store.verify({ anchor: shipped })).toMatchObject({
        ok: false,
        firstBrokenId: ids[3],
        message:
          'entry 7 does not match the anchor: the chain was rewritten at or before it',
      });
      // an anchor before the rewrite still holds: the entries up to it are intact
      expect(
        await store.verify({
          anchor: { seq: records[2].seq!, hash: records[2].hash! },
        }),
      ).toMatchObject({ ok: true });
    });

    it('newest records removed with the head moved back verify on their own, but not against an anchor', async () => {
      const { knex, store, ids, records } = await chain();
      await knex(TABLE).where({ id: ids[3] }).delete();
      await knex('gloriousflywheel_audit_chain')
        .where({ id: 1 })
        .update({ seq: records[2].seq, hash: records[2].hash });
      expect(await store.verify()).toMatchObject({
        ok: true,
        head: { seq: 5 },
      });
      expect(
        await store.verify({ anchor: { seq: 7, hash: records[3].hash! } }),
      ).toEqual({
        ok: false,
        checked: 3,
        message:
          'the chain ends at entry 5, before the anchor at entry 7: newer entries were removed',
      });
    });
  });
});
