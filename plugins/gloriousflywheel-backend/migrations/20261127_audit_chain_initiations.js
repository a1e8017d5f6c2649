// @ts-check
const { createHash } = require('node:crypto');

/**
 * The audit hash chain covers every record, not only completed ones: a record becomes a chain
 * entry when it is initiated (before acting) and another when it completes. The row keeps its
 * current state's entry in `seq`/`prev_hash`/`hash`; these columns keep its initiation entry once
 * the completion supersedes it, with the runner class guessed at initiation (completion may
 * correct the class, and the initiation entry must still be recomputable).
 *
 * Existing data stays valid: completed rows keep their entry as it is (their initiation was never
 * chained, so these columns stay null for them), and rows still `initiated` (attempts whose
 * process died before completing) are appended to the chain here, oldest first, exactly as the
 * store now chains a new attempt. Afterwards no row is outside the chain.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Lock the head first, so a replica of the previous version that completes a record meanwhile
  // waits for this migration instead of deadlocking with the table change.
  const headQuery = knex('gloriousflywheel_audit_chain').where({ id: 1 });
  const head = await (knex.client.dialect === 'postgresql'
    ? headQuery.forUpdate()
    : headQuery
  ).first();
  await knex.schema.alterTable('gloriousflywheel_audit', table => {
    table
      .integer('initiated_seq')
      .nullable()
      .comment(
        'position of the initiation entry in the hash chain; null if completed before initiations were chained',
      );
    table.string('initiated_prev_hash', 64).nullable();
    table.string('initiated_hash', 64).nullable();
    table
      .string('initiated_runner_class', 253)
      .nullable()
      .comment('runner class as guessed at initiation');
    table.unique(['initiated_seq'], {
      indexName: 'gloriousflywheel_audit_initiated_seq_unique',
    });
  });

  let prev = { seq: Number(head.seq), hash: head.hash };
  // only attempts the previous version left unchained: any other row outside the chain stays
  // there, for the check to report
  const unchained = await knex('gloriousflywheel_audit')
    .whereNull('seq')
    .where('outcome', 'initiated')
    .orderBy([{ column: 'time' }, { column: 'id' }]);
  for (const row of unchained) {
    const seq = prev.seq + 1;
    const hash = recordHash(
      {
        id: row.id,
        seq,
        time: row.time,
        completedAt: row.completed_at,
        actor: row.actor,
        action: row.action,
        cluster: row.cluster,
        namespace: row.namespace,
        name: row.name,
        runnerClass: row.runner_class,
        reason: row.reason,
        requestId: row.request_id,
        outcome: row.outcome,
        error: row.error,
        before: row.has_before
          ? { minRunners: row.before_min, maxRunners: row.before_max }
          : null,
        after: row.has_after
          ? { minRunners: row.after_min, maxRunners: row.after_max }
          : null,
        prevHash: prev.hash,
      },
      prev.hash,
    );
    await knex('gloriousflywheel_audit').where({ id: row.id }).update({
      seq,
      prev_hash: prev.hash,
      hash,
      initiated_seq: seq,
      initiated_prev_hash: prev.hash,
      initiated_hash: hash,
      initiated_runner_class: row.runner_class,
    });
    prev = { seq, hash };
  }
  await knex('gloriousflywheel_audit_chain').where({ id: 1 }).update(prev);
};

/**
 * Drops the initiation entries. Rows chained by `up` keep their entry; records completed since
 * lose their initiation entry, which the previous version's check reports as missing entries.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gloriousflywheel_audit', table => {
    table.dropUnique(
      ['initiated_seq'],
      'gloriousflywheel_audit_initiated_seq_unique',
    );
    table.dropColumns(
      'initiated_seq',
      'initiated_prev_hash',
      'initiated_hash',
      'initiated_runner_class',
    );
  });
};

// A frozen copy of the hash rule of src/audit/auditChain.ts as of this migration: the rows it
// chains must hash the same forever, whatever the code does later (tests check they verify).

/** @param {unknown} value @returns {string} */
function canonicalJson(value) {
  if (value === null || typeof value !== 'object')
    return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries
    .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
    .join(',')}}`;
}

/** @param {Record<string, unknown>} record @param {string} prevHash */
function recordHash(record, prevHash) {
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson(record))
    .digest('hex');
}
