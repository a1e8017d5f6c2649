// @ts-check

/**
 * GitHub webhook deliveries already handled (so a replay or a redelivery rescans nothing) and the
 * rescans waiting for the scan task, which runs under the scheduler's cross-replica lock.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(
    'gloriousflywheel_adoption_webhook_deliveries',
    table => {
      table.comment(
        'Signed GitHub webhook deliveries seen recently (bounded by count and age)',
      );
      table.string('delivery_id', 64).primary().comment('X-GitHub-Delivery');
      // A body replayed under a fresh delivery id is still the same delivery: the id is not signed.
      table
        .string('payload_sha256', 64)
        .notNullable()
        .unique()
        .comment('hex SHA-256 of the signed body');
      table.string('event', 64).notNullable().comment('X-GitHub-Event');
      table
        .string('repo_key', 255)
        .nullable()
        .comment('lower-case owner/name queued for a rescan, if any');
      // Milliseconds since the epoch: compares the same on SQLite and PostgreSQL.
      table.bigInteger('received_at').notNullable();
      table
        .integer('replays')
        .notNullable()
        .defaultTo(0)
        .comment('later copies answered as duplicates');
      table.index(
        ['received_at'],
        'gloriousflywheel_adoption_webhook_deliveries_received_idx',
      );
    },
  );
  await knex.schema.createTable('gloriousflywheel_adoption_rescans', table => {
    table.comment(
      'Rescans waiting for the scan task: one row per repository; repo_key * is a requested full scan',
    );
    table
      .string('repo_key', 255)
      .primary()
      .comment('lower-case owner/name, or *');
    table.string('owner', 100).notNullable();
    table.string('name', 150).notNullable();
    table
      .string('request_id', 64)
      .notNullable()
      .comment(
        'delivery id of the latest request; a newer request replaces it',
      );
    table.bigInteger('requested_at').notNullable();
    table
      .text('last_error')
      .nullable()
      .comment('why the last attempt failed; the request stays');
    table.bigInteger('failed_at').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gloriousflywheel_adoption_rescans');
  await knex.schema.dropTable('gloriousflywheel_adoption_webhook_deliveries');
};
