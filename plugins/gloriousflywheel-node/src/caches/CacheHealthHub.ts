import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CacheProbeResult } from './types';
import { Subscribers } from '../shared/Subscribers';

/**
 * What readers of cache health see: the latest probe result of every cache and its changes.
 *
 * @public
 */
export interface CacheHealthReader {
  /** true once the plugin has published at least once (from storage or a probe run) */
  readonly loaded: boolean;
  /** The latest result per cache name. */
  latest(): ReadonlyMap<string, CacheProbeResult>;
  /** Calls `listener` after every publish that changed something; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
}

/**
 * How the plugin's probe task hands its results to the readers.
 *
 * @public
 */
export interface CacheHealthPublisher {
  /**
   * Takes results that are newer than what is held (older ones, e.g. from a slower replica's read
   * of the database, are ignored) and notifies readers when anything changed.
   */
  publish(results: Iterable<CacheProbeResult>): void;
}

/**
 * The latest probe result of every cache, in memory, shared by the plugin and the catalog module
 * of one backend process.
 *
 * Who owns what: probing and storage need the plugin-scoped scheduler and database, so the
 * `gloriousflywheel` plugin owns them (CacheProbeTask). The catalog module cannot depend on
 * plugin-scoped services of another plugin, so the plugin publishes here and the module's
 * CacheEntityProvider subscribes. The hub is root-scoped and depends only on the root logger, so it
 * exists once per process; across replicas each plugin instance refreshes it from the database.
 *
 * @public
 */
export class CacheHealthHub implements CacheHealthReader, CacheHealthPublisher {
  private readonly results = new Map<string, CacheProbeResult>();
  // A failing subscriber must not stop the probe task or the other subscribers.
  private readonly subscribers: Subscribers;
  private loadedOnce = false;

  /** `logger` hears a listener that threw. */
  constructor(options: { logger?: LoggerService } = {}) {
    this.subscribers = new Subscribers(e =>
      options.logger?.error(`cache health listener failed: ${e}`),
    );
  }

  /** true once the plugin has published at least once (from storage or a probe run) */
  get loaded(): boolean {
    return this.loadedOnce;
  }

  /** The latest result per cache name. */
  latest(): ReadonlyMap<string, CacheProbeResult> {
    return this.results;
  }

  /**
   * Takes results that are newer than what the hub holds (older ones, e.g. from a slower replica's
   * read of the database, are ignored) and notifies listeners when anything changed.
   */
  publish(results: Iterable<CacheProbeResult>): void {
    let changed = !this.loadedOnce;
    this.loadedOnce = true;
    for (const r of results) {
      const held = this.results.get(r.cache);
      if (held && Date.parse(held.checkedAt) >= Date.parse(r.checkedAt))
        continue;
      this.results.set(r.cache, r);
      changed = true;
    }
    if (changed) this.subscribers.notify();
  }

  /** Calls `listener` after every publish that changed something; returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    return this.subscribers.add(listener);
  }
}

/**
 * Root-scoped, needing only the root logger: see {@link CacheHealthHub} for why. The catalog module reads
 * ({@link CacheHealthReader}); only the plugin's probe task publishes.
 *
 * @public
 */
export const cacheHealthHubServiceRef = createServiceRef<
  CacheHealthReader & CacheHealthPublisher
>({
  id: 'gloriousflywheel.cache-health',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { logger: coreServices.rootLogger },
      factory: ({ logger }) => new CacheHealthHub({ logger }),
    }),
});
