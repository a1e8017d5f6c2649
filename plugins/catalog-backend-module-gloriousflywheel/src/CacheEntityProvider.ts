import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type {
  StaleCacheEndpoint,
  CacheTarget,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { CacheHealthHub } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { CACHE_LOCATION, cacheEntities } from './cacheEntities';

const withLocation = (entity: Entity) => ({
  entity,
  locationKey: CACHE_LOCATION,
});

/**
 * Emits the configured caches as build-cache Resources with a coarse health annotation: one full
 * mutation once the plugin has published the latest results, then a delta only for caches whose
 * status changed (a new probe with the same status changes nothing in the catalog).
 */
export class CacheEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private emitted = new Map<string, string>();
  private fullDone = false;
  private unsubscribe?: () => void;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      hub: CacheHealthHub;
      targets: readonly CacheTarget[];
      staleEndpoints: readonly StaleCacheEndpoint[];
      owner: string;
      logger: LoggerService;
    },
  ) {}

  getProviderName(): string {
    return 'gloriousflywheel-caches';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    this.unsubscribe = this.options.hub.onChange(() => {
      this.refresh().catch(e =>
        this.options.logger.error(`cache entity refresh failed: ${e}`),
      );
    });
    await this.refresh();
  }

  disconnect() {
    this.unsubscribe?.();
  }

  /** Applies what changed since the last call, one call at a time. Exposed for tests. */
  refresh(): Promise<void> {
    const run = this.pending.then(() => this.apply());
    this.pending = run.catch(() => undefined);
    return run;
  }

  private async apply(): Promise<void> {
    const { hub, targets, owner, staleEndpoints } = this.options;
    // Before the plugin published anything every cache would read "unknown"; emitting that after
    // a restart would flap the annotation, so wait.
    if (!this.connection || !hub.loaded) return;
    const latest = hub.latest();
    const entities = cacheEntities({
      owner,
      targets,
      staleEndpoints,
      status: name => latest.get(name)?.status ?? 'unknown',
    });
    const next = new Map(
      entities.map(e => [stringifyEntityRef(e), JSON.stringify(e)] as const),
    );
    if (!this.fullDone) {
      await this.connection.applyMutation({
        type: 'full',
        entities: entities.map(withLocation),
      });
      this.fullDone = true;
      this.emitted = next;
      this.options.logger.info(
        `caches: emitted ${entities.length} catalog entities (full)`,
      );
      return;
    }
    const changed = entities.filter(
      e => this.emitted.get(stringifyEntityRef(e)) !== JSON.stringify(e),
    );
    if (!changed.length) return;
    await this.connection.applyMutation({
      type: 'delta',
      added: changed.map(withLocation),
      removed: [],
    });
    this.emitted = next;
    this.options.logger.info(
      `caches: catalog delta for ${changed
        .map(e => e.metadata.name)
        .join(', ')}`,
    );
  }
}
