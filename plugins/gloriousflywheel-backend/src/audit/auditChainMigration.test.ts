import fs from 'node:fs';
import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import {
  AuditOutcome,
  AuditRecord,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AuditAttempt, AuditStore } from '../database/AuditStore';
import { MIGRATIONS_TABLE, migrateDatabase } from '../database/migrateDatabase';
import { packageFile } from '../packageFiles';
import { auditRecordHash } from './auditChain';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const MIGRATION = '20261127_audit_chain_initiations.js';
const TABLE = 'gloriousflywheel_audit';
const migrations = {
  directory: packageFile('migrations'),
  tableName: MIGRATIONS_TABLE,
};

/** The database as the previous version left it: every migration before this one. */
async function previousVersion(knex: Knex) {
  const earlier = fs
    .readdirSync(migrations.directory)
    .filter(f => f.endsWith('.js') && f < MIGRATION)
    .sort();
  for (const name of earlier) await knex.migrate.up({ ...migrations, name });
  expect(await knex.schema.hasColumn(TABLE, 'initiated_seq')).toBe(false);
}

/** The previous version's writes: rows inserted unchained as `initiated`, chained on completion. */
function previousStore(knex: Knex) {
  let clock = Date.parse('2026-11-20T08:00:00.000Z');
  const tick = () => new Date((clock += 1000)).toISOString();
  return {
    async begin(reason: string): Promise<string> {
      const id = `00000000-0000-4000-8000-${String(clock).slice(-12)}`;
      await knex(TABLE).insert({
        id,
        seq: null,
        time: tick(),
        completed_at: null,
        actor: 'user:default/oscar-operator',
        action: 'pause',
        cluster: 'honey',
        namespace: 'arc-runners',
        name: 'tinyland-nix',
        runner_class: 'tinyland-nix',
        reason,
        request_id: `req-${reason}`,
        outcome: 'initiated',
        error: null,
        before_min: null,
        before_max: null,
        after_min: null,
        after_max: null,
        has_before: false,
        has_after: false,
        prev_hash: null,
        hash: null,
      });
      return id;
    },
    async complete(id: string, outcome: Exclude<AuditOutcome, 'initiated'>) {
      const head = await knex('gloriousflywheel_audit_chain')
        .where({ id: 1 })
        .first();
      const record: AuditRecord = {
        ...(await new AuditStore(knex).get(id))!,
        seq: Number(head.seq) + 1,
        completedAt: tick(),
        outcome,
        error: outcome === 'succeeded' ? null : outcome,
        before:
          outcome === 'succeeded' ? { minRunners: 1, maxRunners: null } : null,
        after:
          outcome === 'succeeded' ? { minRunners: 0, maxRunners: 0 } : null,
        prevHash: head.hash,
        hash: null,
      };
      record.hash = auditRecordHash(record, head.hash);
      await knex(TABLE)
        .where({ id })
        .update({
          seq: record.seq,
          completed_at: record.completedAt,
          outcome,
          error: record.error,
          before_min: record.before?.minRunners ?? null,
          before_max: record.before?.maxRunners ?? null,
          after_min: record.after?.minRunners ?? null,
          after_max: record.after?.maxRunners ?? null,
          has_before: record.before !== null,
          has_after: record.after !== null,
          prev_hash: record.prevHash,
          hash: record.hash,
        });
      await knex('gloriousflywheel_audit_chain')
        .where({ id: 1 })
        .update({ seq: record.seq, hash: record.hash });
    },
  };
}

const attempt: AuditAttempt = {
  actor: 'user:default/oscar-operator',
  action: 'resume',
  cluster: 'honey',
  namespace: 'arc-runners',
  name: 'tinyland-nix',
  runnerClass: 'tinyland-nix',
  reason: 'done',
  requestId: 'r',
};

const chainColumns = (knex: Knex) =>
  knex(TABLE)
    .select('id', 'seq', 'prev_hash', 'hash', 'initiated_seq', 'initiated_hash')
    .orderBy('time');

describe.each(databases.eachSupportedId())(
  `migration ${MIGRATION} on %p`,
  id => {
    it('keeps completed records verifying and chains the attempts left initiated, oldest first', async () => {
      const knex = await databases.init(id);
      await previousVersion(knex);
      const old = previousStore(knex);
      const ids: string[] = [];
      for (const [i, outcome] of (
        ['succeeded', 'initiated', 'denied', 'initiated', 'failed'] as const
      ).entries()) {
        ids.push(await old.begin(`attempt ${i}`));
        if (outcome !== 'initiated') await old.complete(ids[i], outcome);
      }
      const before = await knex(TABLE)
        .select('id', 'seq', 'prev_hash', 'hash')
        .orderBy('time');

      await migrateDatabase({ getClient: async () => knex });
      const after = await chainColumns(knex);
      // completed records are untouched: only their completion was ever chained
      for (const i of [0, 2, 4])
        expect(after[i]).toEqual({
          ...before[i],
          initiated_seq: null,
          initiated_hash: null,
        });
      expect(after.map(r => r.seq && Number(r.seq))).toEqual([1, 4, 2, 5, 3]);
      expect(after[1]).toMatchObject({
        initiated_seq: 4,
        prev_hash: before[4].hash,
        initiated_hash: after[1].hash,
      });
      expect(after[3]).toMatchObject({
        initiated_seq: 5,
        prev_hash: after[1].hash,
      });

      const store = new AuditStore(knex);
      expect(await store.verify()).toEqual({
        ok: true,
        checked: 5,
        head: { seq: 5, hash: after[3].hash },
      });
      const next = await store.complete((await store.begin(attempt)).id, {
        outcome: 'succeeded',
      });
      expect(next.seq).toBe(7);
      expect(await store.verify()).toMatchObject({
        ok: true,
        checked: 6,
        head: { seq: 7 },
      });

      // the attempts left initiated are now covered: removing one is noticed
      await knex(TABLE).where({ id: ids[1] }).delete();
      expect(await store.verify()).toMatchObject({
        ok: false,
        firstBrokenId: ids[3],
        message: 'entry 4 of the chain is missing',
      });
    });

    it('leaves a completed row that was outside the chain outside, for the check to report', async () => {
      const knex = await databases.init(id);
      await previousVersion(knex);
      const old = previousStore(knex);
      const forged = await old.begin('forged');
      await knex(TABLE).where({ id: forged }).update({
        outcome: 'succeeded',
        completed_at: '2026-11-20T09:00:00.000Z',
      });
      await old.complete(await old.begin('real'), 'succeeded');

      await migrateDatabase({ getClient: async () => knex });
      expect((await knex(TABLE).where({ id: forged }).first()).seq).toBeNull();
      expect(await new AuditStore(knex).verify()).toEqual({
        ok: false,
        checked: 1,
        firstBrokenId: forged,
        message: `record ${forged} is not in the chain`,
      });
    });

    it('rolls back to the previous columns without losing records', async () => {
      const knex = await databases.init(id);
      await migrateDatabase({ getClient: async () => knex });
      const store = new AuditStore(knex);
      const r = await store.begin(attempt);
      await store.complete(r.id, { outcome: 'succeeded' });
      await knex.migrate.down({ ...migrations, name: MIGRATION });
      expect(await knex.schema.hasColumn(TABLE, 'initiated_seq')).toBe(false);
      expect(await knex(TABLE).select('id', 'seq', 'outcome')).toEqual([
        { id: r.id, seq: 2, outcome: 'succeeded' },
      ]);
    });
  },
);
