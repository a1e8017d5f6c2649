import { Knex } from 'knex';
import { AuditRecord } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AuditStore } from '../../database/AuditStore';
import { auditRecordHash, initiatedSnapshot } from '../auditChain';

/**
 * What someone with write access to the database can do: change the newest completed record and
 * recompute its two chain entries and the head, so the chain in the database verifies again.
 * Answers the rewritten record.
 */
export async function rewriteNewestRecord(
  knex: Knex,
  change: Partial<Pick<AuditRecord, 'reason' | 'actor'>>,
) {
  const row = await knex('gloriousflywheel_audit')
    .orderBy('seq', 'desc')
    .first();
  if (Number(row.initiated_seq) !== Number(row.seq) - 1)
    throw new Error('the newest record must own the last two entries');
  const record = { ...(await new AuditStore(knex).get(row.id))!, ...change };
  const initiation = initiatedSnapshot(record, {
    seq: Number(row.initiated_seq),
    prevHash: row.initiated_prev_hash,
    hash: null,
    runnerClass: row.initiated_runner_class,
  });
  const initiatedHash = auditRecordHash(initiation, initiation.prevHash!);
  const rewritten: AuditRecord = {
    ...record,
    prevHash: initiatedHash,
    hash: null,
  };
  rewritten.hash = auditRecordHash(rewritten, initiatedHash);
  await knex('gloriousflywheel_audit')
    .where({ id: row.id })
    .update({
      ...(change.reason ? { reason: change.reason } : {}),
      ...(change.actor ? { actor: change.actor } : {}),
      initiated_hash: initiatedHash,
      prev_hash: initiatedHash,
      hash: rewritten.hash,
    });
  await knex('gloriousflywheel_audit_chain')
    .where({ id: 1 })
    .update({ seq: rewritten.seq, hash: rewritten.hash });
  return rewritten;
}
