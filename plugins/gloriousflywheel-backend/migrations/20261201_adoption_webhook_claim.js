// @ts-check

/**
 * The claim of a running full scan: the row of a requested full scan (repo_key *) is taken by the
 * scan-task run that serves it, in the same statement that a request joins, so two replicas asked
 * at once queue one scan and a request during the scan joins it instead of queueing another.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gloriousflywheel_adoption_rescans', table => {
    table
      .string('claimed_by', 64)
      .nullable()
      .comment('the scan-task run serving this full scan; null while it waits');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gloriousflywheel_adoption_rescans', table => {
    table.dropColumn('claimed_by');
  });
};
