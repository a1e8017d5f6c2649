import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { LoggerService } from '@backstage/backend-plugin-api';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';

/**
 * What an entity provider hands the catalog: one full mutation first (so a restart does not
 * briefly orphan entities), then deltas with the entities that were added or changed and the refs
 * that went away, computed against the last snapshot the catalog accepted.
 *
 * Refreshes run one at a time and each reads the state when it starts, so refreshes asked for while
 * one runs (or in the same tick) share exactly one follow-up, which sees the latest state. A mutation that throws leaves the snapshot where it was, so the
 * next refresh sends the whole difference again.
 */
export class EntityDeltaEmitter {
  /** By entity ref, the JSON of what the catalog holds; undefined until a full mutation applied. */
  private applied?: Map<string, string>;
  /** The last run asked for, settled either way: the next one starts after it. */
  private previous: Promise<void> = Promise.resolve();
  /** A run that has not started yet. */
  private waiting?: Promise<void>;

  constructor(
    private readonly options: {
      connection: EntityProviderConnection;
      locationKey: string;
      /** Prefix of the log lines, e.g. `fleet`. */
      name: string;
      logger: LoggerService;
      /**
       * The entities as they should be now, or undefined while they cannot be known yet (nothing
       * is emitted). `first` is true until a full mutation has been applied.
       */
      read: (state: { first: boolean }) => readonly Entity[] | undefined;
    },
  ) {}

  /** Resolves once a run that read the state after this call has applied (or had nothing to). */
  refresh(): Promise<void> {
    // A run that has not read the state yet will see whatever prompted this call.
    if (this.waiting) return this.waiting;
    const run = this.previous.then(() => {
      this.waiting = undefined;
      return this.run();
    });
    this.waiting = run;
    this.previous = run.catch(() => undefined);
    return run;
  }

  private async run(): Promise<void> {
    const { connection, locationKey, name, logger } = this.options;
    const entities = this.options.read({ first: !this.applied });
    if (!entities) return;
    const next = new Map(
      entities.map(e => [stringifyEntityRef(e), JSON.stringify(e)] as const),
    );
    if (!this.applied) {
      await connection.applyMutation({
        type: 'full',
        entities: entities.map(entity => ({ entity, locationKey })),
      });
      this.applied = next;
      logger.info(
        `${name}: emitted ${entities.length} catalog entities (full)`,
      );
      return;
    }
    const applied = this.applied;
    const added = entities.filter(
      e => applied.get(stringifyEntityRef(e)) !== JSON.stringify(e),
    );
    const removed = [...applied.keys()].filter(ref => !next.has(ref));
    if (!added.length && !removed.length) return;
    await connection.applyMutation({
      type: 'delta',
      added: added.map(entity => ({ entity, locationKey })),
      removed: removed.map(entityRef => ({ entityRef, locationKey })),
    });
    this.applied = next;
    logger.info(
      `${name}: catalog delta +${added.length} -${removed.length} (${[
        ...added.map(e => e.metadata.name),
        ...removed,
      ].join(', ')})`,
    );
  }
}
