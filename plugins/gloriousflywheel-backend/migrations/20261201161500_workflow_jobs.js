// @ts-check

/**
 * GitHub Actions jobs (workflow_job webhooks and the jobs REST API), latest state per job, for the
 * queue statistics and "why is my job stuck?"; kept for gloriousflywheel.queue.retentionDays.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gloriousflywheel_workflow_jobs', table => {
    table.comment(
      'Latest known state of each GitHub Actions job (workflow_job events, jobs REST API)',
    );
    table.bigInteger('job_id').primary().comment("GitHub's job id");
    table.bigInteger('run_id').notNullable();
    table
      .string('repo_key', 255)
      .notNullable()
      .comment('lower-case owner/name');
    table
      .string('repo', 255)
      .notNullable()
      .comment('owner/name as GitHub spells it');
    table.string('name', 255).notNullable();
    table.string('workflow_name', 255).nullable();
    table.string('html_url', 1000).nullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('queued, waiting, in_progress, completed');
    // queued/waiting 0, in_progress 1, completed 2: a late, older event never moves a job back
    table.smallint('status_rank').notNullable();
    table.string('conclusion', 32).nullable();
    table.text('labels').notNullable().comment('JSON array of runs-on labels');
    table.string('runner_name', 255).nullable();
    table.string('runner_group_name', 255).nullable();
    table
      .string('runner_class', 63)
      .nullable()
      .comment('runner class of the labels at ingest');
    table
      .string('scale_set', 400)
      .nullable()
      .comment('cluster/namespace/name of the runner that took it');
    // Milliseconds since the epoch: compares the same on SQLite and PostgreSQL.
    table.bigInteger('created_at').notNullable();
    table.bigInteger('started_at').nullable();
    table.bigInteger('completed_at').nullable();
    table
      .bigInteger('updated_at')
      .notNullable()
      .comment('when the portal last stored a change');
    table.index(
      ['repo_key', 'created_at'],
      'gloriousflywheel_workflow_jobs_repo_idx',
    );
    table.index(
      ['status_rank', 'created_at'],
      'gloriousflywheel_workflow_jobs_status_idx',
    );
    table.index(['created_at'], 'gloriousflywheel_workflow_jobs_created_idx');
    table.index(['updated_at'], 'gloriousflywheel_workflow_jobs_updated_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gloriousflywheel_workflow_jobs');
};
