// @ts-check

/**
 * Where a warm adoption scan may stop: per organisation, the newest `pushedAt` the last scan listed
 * (repositories are listed newest push first) and when every repository was last listed (deletions,
 * renames and archiving are only seen then). Named to sort after every earlier migration.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable(
    'gloriousflywheel_adoption_scan_marks',
    table => {
      table.comment(
        'Per scanned organisation: the pushedAt high-water mark and the last full listing',
      );
      table
        .string('org', 100)
        .primary()
        .comment('lower-case organisation login');
      table
        .string('pushed_at', 32)
        .nullable()
        .comment(
          "GitHub's pushedAt (ISO 8601) of the newest repository listed",
        );
      // Milliseconds since the epoch: compares the same on SQLite and PostgreSQL.
      table
        .bigInteger('listed_at')
        .nullable()
        .comment('when every repository of the organisation was last listed');
    },
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gloriousflywheel_adoption_scan_marks');
};
