// @ts-check

/**
 * The control audit log: one row per pause/resume attempt, inserted as `initiated` before acting
 * and completed after; completed rows form a hash chain whose head is kept in
 * `gloriousflywheel_audit_chain` (one row, locked while a record is appended).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gloriousflywheel_audit', table => {
    table.comment(
      'Pause/resume attempts on runner scale sets (append-only through the API)',
    );
    table.string('id', 36).primary().comment('uuid');
    table
      .integer('seq')
      .nullable()
      .unique()
      .comment('position in the hash chain; null while initiated');
    // ISO 8601 UTC strings: they sort and compare the same on SQLite and PostgreSQL and hash exactly.
    table.string('time', 30).notNullable();
    table.string('completed_at', 30).nullable();
    // Column widths: the API checks every input against them before any SQL runs
    // (src/service/inputSchemas.ts COLUMN_LIMITS, NAME_LIMITS of the common package).
    table.string('actor', 255).notNullable();
    table.string('action', 16).notNullable();
    table.string('cluster', 63).notNullable();
    table.string('namespace', 253).notNullable();
    table.string('name', 253).notNullable();
    table.string('runner_class', 253).nullable();
    table.text('reason').notNullable();
    table.string('request_id', 128).notNullable();
    table
      .string('outcome', 16)
      .notNullable()
      .comment('initiated, succeeded, failed or denied');
    table.text('error').nullable();
    table.integer('before_min').nullable();
    table.integer('before_max').nullable();
    table.integer('after_min').nullable();
    table.integer('after_max').nullable();
    table.boolean('has_before').notNullable().defaultTo(false);
    table.boolean('has_after').notNullable().defaultTo(false);
    table.string('prev_hash', 64).nullable();
    table.string('hash', 64).nullable();
    table.index(['time'], 'gloriousflywheel_audit_time_idx');
    table.index(['actor', 'time'], 'gloriousflywheel_audit_actor_idx');
    table.index(
      ['cluster', 'namespace', 'name', 'time'],
      'gloriousflywheel_audit_target_idx',
    );
  });
  await knex.schema.createTable('gloriousflywheel_audit_chain', table => {
    table.comment('Head of the audit hash chain (a single row)');
    table.integer('id').primary();
    table.integer('seq').notNullable();
    table.string('hash', 64).notNullable();
  });
  await knex('gloriousflywheel_audit_chain').insert({
    id: 1,
    seq: 0,
    hash: '',
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gloriousflywheel_audit_chain');
  await knex.schema.dropTable('gloriousflywheel_audit');
};
