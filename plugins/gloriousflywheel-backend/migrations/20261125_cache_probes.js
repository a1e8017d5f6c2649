// @ts-check

/**
 * Probe results of the configured build caches: one row per cache per probe, pruned by
 * `gloriousflywheel.cacheProbe.retentionDays`.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gloriousflywheel_cache_probes', table => {
    table.comment(
      'One probe of one configured build cache (Attic, bazel-remote, gRPC)',
    );
    table.bigIncrements('id').primary();
    table
      .string('cache_name', 63)
      .notNullable()
      .comment('gloriousflywheel.caches[].name');
    table.string('kind', 32).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('healthy, degraded, down or unknown');
    // Milliseconds since the epoch: compares and sorts the same on SQLite and PostgreSQL.
    table.bigInteger('checked_at').notNullable();
    table.integer('latency_ms').notNullable();
    table.string('error_kind', 32).nullable();
    table
      .text('message')
      .nullable()
      .comment('already stripped of tokens by the probe');
    table.bigInteger('size_bytes').nullable();
    table
      .text('details')
      .notNullable()
      .comment('JSON: checks and parsed facts of the probe');
    table.index(
      ['cache_name', 'checked_at'],
      'gloriousflywheel_cache_probes_cache_time_idx',
    );
    table.index(['checked_at'], 'gloriousflywheel_cache_probes_time_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gloriousflywheel_cache_probes');
};
