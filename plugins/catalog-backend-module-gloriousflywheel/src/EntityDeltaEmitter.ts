import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { LoggerService } from '@backstage/backend-plugin-api';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';

/**
 * What an entity provider hands the catalog: one full mutation first (so a restart does not
 * briefly orphan entities), then deltas with the entities that were added or changed and the refs
 * that went away, computed against the last snapshot the catalog accepted.
 *
 * Refreshes run one at a time and each reads the state when it starts, so refreshes asked for while
 * one runs (or in the same tick) share exactly one follow-up, which sees the latest state. A mutation
 * that throws leaves the snapshot where it was and is logged; the emitter then refreshes again on
 * its own after a delay that doubles from `firstRetryMs` to `maxRetryMs` and resets on success,
 * so a failed run is not left stale until the next change.
 */
export class EntityDeltaEmitter {
  /** By entity ref, the JSON of what the catalog holds; undefined until a full mutation applied. */
  private applied?: Map<string, string>;
  /** The last run asked for, settled either way: the next one starts after it. */
  private previous: Promise<void> = Promise.resolve();
  /** A run that has not started yet. */
  private waiting?: Promise<void>;
  /** Delay before the next retry after a failed run. */
  private retryDelayMs: number;
  private cancelRetry?: () => void;
  private stopped = false;

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
      /** Delay of the first retry after a failed run; default 1 s. */
      firstRetryMs?: number;
      /** The retry delay doubles up to this; default 60 s. */
      maxRetryMs?: number;
      /**
       * Runs `retry` after `delayMs` and returns a cancel function; default an unref'd timer (so a
       * pending retry does not keep the process alive). Injectable for tests.
       */
      schedule?: (retry: () => void, delayMs: number) => () => void;
    },
  ) {
    this.retryDelayMs = options.firstRetryMs ?? 1_000;
  }

  /** Cancels a pending retry and schedules no more (the provider is going away). */
  stop() {
    this.stopped = true;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
  }

  /** Resolves once a run that read the state after this call has applied (or had nothing to). */
  refresh(): Promise<void> {
    // A run that has not read the state yet will see whatever prompted this call.
    if (this.waiting) return this.waiting;
    const run = this.previous.then(async () => {
      this.waiting = undefined;
      try {
        await this.run();
      } catch (error) {
        this.scheduleRetry(error);
        throw error;
      }
      this.cancelRetry?.();
      this.cancelRetry = undefined;
      this.retryDelayMs = this.options.firstRetryMs ?? 1_000;
    });
    this.waiting = run;
    this.previous = run.catch(() => undefined);
    return run;
  }

  private scheduleRetry(error: unknown) {
    const { name, logger } = this.options;
    if (this.stopped) return;
    const delayMs = this.retryDelayMs;
    this.retryDelayMs = Math.min(
      delayMs * 2,
      this.options.maxRetryMs ?? 60_000,
    );
    logger.error(
      `${name}: catalog mutation failed, retrying in ${delayMs} ms: ${error}`,
    );
    this.cancelRetry?.();
    const schedule = this.options.schedule ?? unrefTimer;
    this.cancelRetry = schedule(() => {
      this.cancelRetry = undefined;
      // A failure here was logged and scheduled the next retry already.
      this.refresh().catch(() => undefined);
    }, delayMs);
  }

  private async run(): Promise<void> {
    const { connection, locationKey, name, logger } = this.options;
    const entities = this.options.read({ first: !this.applied });
    if (!entities) return;
    const refs = entities.map(e => stringifyEntityRef(e));
    const next = new Map(
      refs.map((ref, i) => [ref, JSON.stringify(entities[i])]),
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
      (_, i) => applied.get(refs[i]) !== next.get(refs[i]),
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

function unrefTimer(retry: () => void, delayMs: number): () => void {
  const timer = setTimeout(retry, delayMs);
  timer.unref?.();
  return () => clearTimeout(timer);
}
