import { Entity } from '@backstage/catalog-model';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type {
  CacheHealthReader,
  StaleCacheEndpoint,
  CacheTarget,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { CATALOG_LOCATIONS } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { cacheEntities } from './cacheEntities';
import { EntityDeltaEmitter } from './EntityDeltaEmitter';

/**
 * Emits the configured caches as build-cache Resources with a coarse health annotation: one full
 * mutation once the plugin has published the latest results, then a delta only for caches whose
 * status changed (a new probe with the same status changes nothing in the catalog).
 */
export class CacheEntityProvider implements EntityProvider {
  private emitter?: EntityDeltaEmitter;
  private unsubscribe?: () => void;

  constructor(
    private readonly options: {
      hub: CacheHealthReader;
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
    this.emitter = new EntityDeltaEmitter({
      connection,
      locationKey: CATALOG_LOCATIONS.caches,
      name: 'caches',
      logger: this.options.logger,
      read: () => this.entities(),
    });
    this.unsubscribe = this.options.hub.onChange(() => {
      // A failure was logged by the emitter, which retries on its own.
      this.refresh().catch(() => undefined);
    });
    // A failed first mutation must not fail the catalog's start: it was logged and is retried.
    await this.refresh().catch(() => undefined);
  }

  /** Stops following changes and cancels a pending retry; the module calls it on shutdown. */
  disconnect() {
    this.unsubscribe?.();
    this.emitter?.stop();
  }

  /** Applies what changed since the last applied mutation. Exposed for tests. */
  refresh(): Promise<void> {
    return this.emitter?.refresh() ?? Promise.resolve();
  }

  private entities(): Entity[] | undefined {
    const { hub, targets, owner, staleEndpoints } = this.options;
    // Before the plugin published anything every cache would read "unknown"; emitting that after
    // a restart would flap the annotation, so wait.
    if (!hub.loaded) return undefined;
    const latest = hub.latest();
    return cacheEntities({
      owner,
      targets,
      staleEndpoints,
      status: name => latest.get(name)?.status ?? 'unknown',
    });
  }
}
