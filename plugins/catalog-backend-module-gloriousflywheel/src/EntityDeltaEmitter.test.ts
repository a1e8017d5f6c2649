import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityProviderMutation } from '@backstage/plugin-catalog-node';
import { EntityDeltaEmitter } from './EntityDeltaEmitter';
import { RecordingConnection } from './__testUtils__/RecordingConnection';

const resource = (name: string, version = 1): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, annotations: { version: String(version) } },
  spec: { type: 'runner-class', owner: 'group:default/platform-team' },
});

const LOCATION = 'gloriousflywheel:test';

/** Retries the emitter scheduled, fired only when a test says so. */
class ManualRetries {
  pending: Array<{ delayMs: number; run: () => void; cancelled: boolean }> = [];
  schedule = (run: () => void, delayMs: number) => {
    const retry = { delayMs, run, cancelled: false };
    this.pending.push(retry);
    return () => {
      retry.cancelled = true;
    };
  };
  /** The delays of the retries asked for, in order. */
  get delays() {
    return this.pending.map(r => r.delayMs);
  }
  /** Fires the last scheduled retry (it must not have been cancelled). */
  fireLast() {
    const retry = this.pending.at(-1)!;
    if (retry.cancelled) throw new Error('the last retry was cancelled');
    retry.run();
  }
}

/** The emitter over a mutable list of entities (undefined: not known yet) and how often it was read. */
function setup(initial: Entity[] | undefined) {
  const connection = new RecordingConnection();
  const state = { entities: initial, reads: [] as boolean[] };
  const retries = new ManualRetries();
  const logger = mockServices.logger.mock();
  const emitter = new EntityDeltaEmitter({
    connection,
    locationKey: LOCATION,
    name: 'test',
    logger,
    read: ({ first }) => {
      state.reads.push(first);
      return state.entities;
    },
    schedule: retries.schedule,
  });
  return { connection, state, emitter, retries, logger };
}

/** Resolves once `done` holds, letting pending promise callbacks run in between. */
async function until(done: () => boolean) {
  while (!done()) await new Promise(r => setImmediate(r));
}

const summary = (m: EntityProviderMutation) =>
  m.type === 'full'
    ? { full: m.entities.map(d => d.entity.metadata.name) }
    : {
        added: m.added.map(
          d =>
            `${d.entity.metadata.name}@${d.entity.metadata.annotations?.version}`,
        ),
        removed: m.removed.map(r => ('entityRef' in r ? r.entityRef : '')),
      };

describe('EntityDeltaEmitter', () => {
  it('emits nothing while the entities are unknown, then a full mutation, then deltas', async () => {
    const { connection, state, emitter } = setup(undefined);
    await emitter.refresh();
    expect(connection.mutations).toEqual([]);

    state.entities = [resource('a'), resource('b')];
    await emitter.refresh();
    expect(connection.mutations.map(summary)).toEqual([{ full: ['a', 'b'] }]);
    expect(connection.mutations[0]).toMatchObject({
      type: 'full',
      entities: [{ locationKey: LOCATION }, { locationKey: LOCATION }],
    });

    // Same entities: nothing to send.
    state.entities = [resource('a'), resource('b')];
    await emitter.refresh();
    expect(connection.mutations).toHaveLength(1);

    state.entities = [resource('a', 2), resource('c')];
    await emitter.refresh();
    expect(connection.mutations.map(summary)).toEqual([
      { full: ['a', 'b'] },
      { added: ['a@2', 'c@1'], removed: ['resource:default/b'] },
    ]);
    expect(connection.mutations[1]).toMatchObject({
      removed: [{ locationKey: LOCATION }],
    });
    expect([...connection.entities.keys()].sort()).toEqual(['a', 'c']);
    // `first` is true until the full mutation was applied.
    expect(state.reads).toEqual([true, true, false, false]);
  });

  it('a change during the in-flight full mutation yields exactly one follow-up delta with the latest state', async () => {
    const { connection, state, emitter } = setup([
      resource('a'),
      resource('b'),
    ]);
    const full = connection.holdNext();
    const first = emitter.refresh();
    await full.arrived;

    state.entities = [resource('a', 2), resource('b')];
    const second = emitter.refresh();
    state.entities = [resource('a', 3), resource('c')];
    const third = emitter.refresh();
    // Both wait for the same follow-up, which has not read anything yet.
    expect(third).toBe(second);
    expect(state.reads).toHaveLength(1);
    expect(connection.mutations).toHaveLength(1);

    full.release();
    await Promise.all([first, second, third]);
    expect(connection.mutations.map(summary)).toEqual([
      { full: ['a', 'b'] },
      { added: ['a@3', 'c@1'], removed: ['resource:default/b'] },
    ]);
    expect(state.reads).toHaveLength(2);
    expect([...connection.entities.keys()].sort()).toEqual(['a', 'c']);
  });

  it('a failed full mutation is sent whole again on the next refresh', async () => {
    const { connection, state, emitter } = setup([resource('a')]);
    connection.failNext(new Error('catalog unavailable'));
    await expect(emitter.refresh()).rejects.toThrow('catalog unavailable');
    expect(connection.entities.size).toBe(0);

    state.entities = [resource('a'), resource('b')];
    await emitter.refresh();
    expect(connection.mutations.map(summary)).toEqual([
      { full: ['a'] },
      { full: ['a', 'b'] },
    ]);
    expect(state.reads).toEqual([true, true]);
  });

  it('a failed delta leaves the snapshot, so the retry carries the whole difference', async () => {
    const { connection, state, emitter } = setup([
      resource('a'),
      resource('b'),
    ]);
    await emitter.refresh();

    state.entities = [resource('a', 2), resource('b')];
    connection.failNext(new Error('catalog unavailable'));
    await expect(emitter.refresh()).rejects.toThrow('catalog unavailable');
    expect(connection.entities.get('a')!.metadata.annotations!.version).toBe(
      '1',
    );

    // The catalog still has a@1 and b; the next change removes b. Had the failed delta advanced
    // the snapshot, a@2 would be missing from the retry.
    state.entities = [resource('a', 2)];
    await emitter.refresh();
    expect(connection.mutations.map(summary)).toEqual([
      { full: ['a', 'b'] },
      { added: ['a@2'], removed: [] },
      { added: ['a@2'], removed: ['resource:default/b'] },
    ]);
    expect([...connection.entities.keys()]).toEqual(['a']);
  });

  it('a refresh asked for while a mutation fails still gets its own run', async () => {
    const { connection, state, emitter } = setup([resource('a')]);
    const held = connection.holdNext();
    const first = emitter.refresh();
    await held.arrived;
    state.entities = [resource('a'), resource('b')];
    const second = emitter.refresh();

    held.release(new Error('catalog unavailable'));
    await expect(first).rejects.toThrow('catalog unavailable');
    await second;
    // Nothing was applied before, so the follow-up is a full mutation with the latest state.
    expect(connection.mutations.map(summary)).toEqual([
      { full: ['a'] },
      { full: ['a', 'b'] },
    ]);
    expect([...connection.entities.keys()]).toEqual(['a', 'b']);
  });

  it('retries a failed run on its own with a delay doubling up to the cap, reset by a success', async () => {
    const { connection, state, emitter, retries, logger } = setup([
      resource('a'),
    ]);
    for (let i = 0; i < 8; i++)
      connection.failNext(new Error('catalog unavailable'));
    await expect(emitter.refresh()).rejects.toThrow('catalog unavailable');
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(
        'retrying in 1000 ms: Error: catalog unavailable',
      ),
    );
    // Each retry that fails schedules the next one, twice as far, capped at 60 s.
    for (let n = 2; n <= 8; n++) {
      retries.fireLast();
      await until(() => retries.pending.length === n);
    }
    expect(retries.delays).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(connection.entities.size).toBe(0);

    // The ninth attempt goes through: the full mutation lands with the latest state.
    state.entities = [resource('a'), resource('b')];
    retries.fireLast();
    await until(() => connection.mutations.length === 9);
    await emitter.refresh();
    expect([...connection.entities.keys()]).toEqual(['a', 'b']);
    expect(connection.mutations.map(m => m.type)).toEqual(
      Array(9).fill('full'),
    );
    expect(retries.pending).toHaveLength(8);

    // After a success the next failure starts again from the first delay.
    state.entities = [resource('a', 2)];
    connection.failNext(new Error('catalog unavailable'));
    await expect(emitter.refresh()).rejects.toThrow('catalog unavailable');
    expect(retries.delays.at(-1)).toBe(1_000);
    retries.fireLast();
    await until(() => connection.mutations.length === 11);
    await emitter.refresh();
    expect(connection.entities.get('a')!.metadata.annotations!.version).toBe(
      '2',
    );
    expect(retries.pending).toHaveLength(9);
  });

  it('a refresh that succeeds before the retry fires cancels it; stop cancels a pending retry', async () => {
    const { connection, state, emitter, retries } = setup([resource('a')]);
    connection.failNext(new Error('catalog unavailable'));
    await expect(emitter.refresh()).rejects.toThrow();
    await emitter.refresh();
    expect(retries.pending.map(r => r.cancelled)).toEqual([true]);

    state.entities = [resource('b')];
    connection.failNext(new Error('catalog unavailable'));
    await expect(emitter.refresh()).rejects.toThrow();
    expect(retries.pending.map(r => r.cancelled)).toEqual([true, false]);
    emitter.stop();
    expect(retries.pending.map(r => r.cancelled)).toEqual([true, true]);

    // A failure after stop schedules nothing.
    connection.failNext(new Error('catalog unavailable'));
    await expect(emitter.refresh()).rejects.toThrow();
    expect(retries.pending).toHaveLength(2);
  });
});
