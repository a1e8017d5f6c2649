import { Entity, parseEntityRef } from '@backstage/catalog-model';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';

/** A mutation that waits in `applyMutation` until the test lets it finish. */
export interface HeldMutation {
  /** Resolves with the mutation once `applyMutation` has been called with it. */
  arrived: Promise<EntityProviderMutation>;
  /** Lets the held call apply and return, or throw `error` without applying. */
  release(error?: Error): void;
}

/**
 * Keeps what the catalog would hold (by entity name), applying mutations the way the catalog does;
 * a test can hold the next mutation open or make it fail.
 */
export class RecordingConnection implements EntityProviderConnection {
  /** Every mutation asked for, including held and failed ones, in call order. */
  mutations: EntityProviderMutation[] = [];
  entities = new Map<string, Entity>();
  private readonly gates: Array<{
    arrive: (m: EntityProviderMutation) => void;
    released: Promise<Error | undefined>;
  }> = [];

  /** Holds the next `applyMutation` call until `release` is called. */
  holdNext(): HeldMutation {
    let arrive!: (m: EntityProviderMutation) => void;
    let release!: (error?: Error) => void;
    const arrived = new Promise<EntityProviderMutation>(r => {
      arrive = r;
    });
    const released = new Promise<Error | undefined>(r => {
      release = r;
    });
    this.gates.push({ arrive, released });
    return { arrived, release };
  }

  /** Makes the next `applyMutation` call throw `error` without applying. */
  failNext(error: Error) {
    this.holdNext().release(error);
  }

  async applyMutation(m: EntityProviderMutation) {
    this.mutations.push(m);
    const gate = this.gates.shift();
    if (gate) {
      gate.arrive(m);
      const error = await gate.released;
      if (error) throw error;
    }
    if (m.type === 'full') {
      this.entities = new Map(
        m.entities.map(d => [d.entity.metadata.name, d.entity]),
      );
      return;
    }
    for (const d of m.added)
      this.entities.set(d.entity.metadata.name, d.entity);
    for (const r of m.removed) {
      const name =
        'entityRef' in r
          ? parseEntityRef(r.entityRef).name
          : r.entity.metadata.name;
      this.entities.delete(name);
    }
  }

  async refresh() {}
}
