// @ts-check

/**
 * Adoption scan results: the latest result per repository (with what a warm rescan needs to skip
 * it: head oid, fetched inputs, run ETags), one history row per repository per day, and scan runs.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gloriousflywheel_adoption_repos', table => {
    table.comment(
      'Latest adoption result of one repository of a scanned GitHub organisation',
    );
    table.string('repo_key', 255).primary().comment('lower-case owner/name');
    table.string('owner', 100).notNullable();
    table.string('name', 150).notNullable();
    table
      .string('head_oid', 64)
      .nullable()
      .comment('default-branch head the inputs were read at');
    // Milliseconds since the epoch: compares the same on SQLite and PostgreSQL.
    table.bigInteger('scanned_at').notNullable();
    table
      .text('inputs')
      .notNullable()
      .comment('JSON: scorecard input files and file errors at head_oid');
    table
      .text('runs')
      .notNullable()
      .comment('JSON: latest proof-workflow runs with their ETags');
    table
      .text('result')
      .notNullable()
      .comment('JSON: RepoAdoption as served by the API');
    table
      .string('config_hash', 64)
      .notNullable()
      .comment('scorecard + tranche config the result was computed with');
  });
  await knex.schema.createTable('gloriousflywheel_adoption_history', table => {
    table.comment(
      'One row per repository per day (UTC): stage and scorecard counts, for trends',
    );
    table.string('repo_key', 255).notNullable();
    table.string('day', 10).notNullable().comment('YYYY-MM-DD (UTC)');
    table.string('tranche', 63).nullable();
    table.string('stage', 16).notNullable();
    table.integer('pass').notNullable();
    table.integer('fail').notNullable();
    table.integer('exempt').notNullable();
    table.integer('unknown').notNullable();
    table.integer('hosted_jobs').notNullable();
    table.primary(['repo_key', 'day']);
    table.index(
      ['day', 'tranche'],
      'gloriousflywheel_adoption_history_day_idx',
    );
  });
  await knex.schema.createTable('gloriousflywheel_adoption_scans', table => {
    table.comment('One adoption scan run (scheduled, manual, webhook)');
    table.bigIncrements('id').primary();
    table.string('trigger', 16).notNullable();
    table
      .string('state', 16)
      .notNullable()
      .comment('running, idle (finished) or failed');
    table.bigInteger('started_at').notNullable();
    table.bigInteger('finished_at').nullable();
    table.integer('repos_total').notNullable().defaultTo(0);
    table.integer('repos_fetched').notNullable().defaultTo(0);
    table.integer('graphql_requests').notNullable().defaultTo(0);
    table.integer('rest_requests').notNullable().defaultTo(0);
    table.integer('rest_304').notNullable().defaultTo(0);
    table.text('error').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gloriousflywheel_adoption_scans');
  await knex.schema.dropTable('gloriousflywheel_adoption_history');
  await knex.schema.dropTable('gloriousflywheel_adoption_repos');
};
