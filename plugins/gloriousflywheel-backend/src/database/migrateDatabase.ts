import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { packageFile } from '../packageFiles';

/** The plugin's own migrations table, so it never mixes with another plugin's history. */
export const MIGRATIONS_TABLE = 'gloriousflywheel_knex_migrations';

/** Brings the plugin database up to date (unless the deployment manages migrations itself). */
export async function migrateDatabase(
  database: DatabaseService,
): Promise<Knex> {
  const knex = await database.getClient();
  if (!database.migrations?.skip) {
    await knex.migrate.latest({
      directory: packageFile('migrations'),
      tableName: MIGRATIONS_TABLE,
    });
  }
  return knex;
}
