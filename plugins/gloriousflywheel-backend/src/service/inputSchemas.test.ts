import { TestDatabases } from '@backstage/backend-test-utils';
import { migrateDatabase } from '../database/migrateDatabase';
import {
  LIMITED_COLUMNS,
  actorName,
  cacheName,
  clusterName,
  namespaceName,
  pageOffset,
  requestIdHeader,
  runnerClassName,
  scaleSetName,
  scaleSetTargetPrefix,
} from './inputSchemas';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'the limits against the migrated columns on %p',
  databaseId => {
    it('let nothing through that a column cannot hold', async () => {
      const knex = await databases.init(databaseId);
      await migrateDatabase({ getClient: async () => knex } as any);
      const widths = await Promise.all(
        LIMITED_COLUMNS.map(async ({ table, column }) => {
          if (knex.client.config.client === 'pg') {
            const row = await knex('information_schema.columns')
              .where({ table_name: table, column_name: column })
              .first('character_maximum_length');
            return Number(row.character_maximum_length);
          }
          // SQLite keeps the declared type, e.g. varchar(63)
          const info: Array<{ name: string; type: string }> = await knex.raw(
            `pragma table_info(${table})`,
          );
          return Number(
            /\((\d+)\)/.exec(info.find(c => c.name === column)!.type)![1],
          );
        }),
      );
      const tooWide = LIMITED_COLUMNS.filter((c, i) => !(widths[i] >= c.limit));
      expect(tooWide).toEqual([]);
    });
  },
);

describe('input schemas', () => {
  const ok = (
    schema: { safeParse(v: unknown): { success: boolean } },
    value: unknown,
  ) => schema.safeParse(value).success;

  it('take names up to their limits and not one character more', () => {
    expect([
      ok(clusterName, 'a'.repeat(63)),
      ok(clusterName, 'a'.repeat(64)),
    ]).toEqual([true, false]);
    expect([
      ok(namespaceName, 'a'.repeat(63)),
      ok(namespaceName, 'a'.repeat(64)),
    ]).toEqual([true, false]);
    expect([
      ok(scaleSetName, 'a'.repeat(253)),
      ok(scaleSetName, 'a'.repeat(254)),
    ]).toEqual([true, false]);
    expect([
      ok(runnerClassName, 'a'.repeat(63)),
      ok(runnerClassName, 'a'.repeat(64)),
    ]).toEqual([true, false]);
    expect([
      ok(cacheName, 'a'.repeat(63)),
      ok(cacheName, 'a'.repeat(64)),
    ]).toEqual([true, false]);
    expect([
      ok(actorName, `user:default/${'a'.repeat(242)}`),
      ok(actorName, `user:default/${'a'.repeat(243)}`),
    ]).toEqual([true, false]);
  });

  it.each([
    [clusterName, ['Honey', 'honey.lab', '-honey', 'honey_1', '']],
    [namespaceName, ['arc runners', 'arc/runners', 'ARC']],
    [scaleSetName, ['Tinyland-nix', 'a..b', '.a', 'a_b']],
    [runnerClassName, ['tinyland nix', '-nix', 'a--b']],
    [actorName, ['user:default/ada admin', 'bot\u0000', 'bot\n', '']],
  ])('reject malformed names (%#)', (schema, values) => {
    expect(values.filter(v => ok(schema, v))).toEqual([]);
  });

  it('read audit targets as cluster[/namespace[/name]] of valid names', () => {
    expect(
      ['honey', 'honey/arc-runners', 'honey/arc-runners/tinyland-nix'].every(
        t => ok(scaleSetTargetPrefix, t),
      ),
    ).toBe(true);
    expect(
      [
        'honey/',
        '/arc-runners',
        'honey/arc-runners/x/y',
        `${'c'.repeat(64)}/arc-runners`,
        'honey/ARC',
      ].filter(t => ok(scaleSetTargetPrefix, t)),
    ).toEqual([]);
  });

  it('keep offsets exact, and x-request-id printable and at most 128 characters', () => {
    expect([
      ok(pageOffset, '9007199254740991'),
      ok(pageOffset, '9007199254740992'),
      ok(pageOffset, '1e309'),
    ]).toEqual([true, false, false]);
    expect(requestIdHeader.parse('r'.repeat(200))).toHaveLength(128);
    expect([
      ok(requestIdHeader, 'id with space'),
      ok(requestIdHeader, 'é'),
    ]).toEqual([false, false]);
  });
});
