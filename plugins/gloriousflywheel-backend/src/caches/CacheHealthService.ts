import type {
  CacheDetail,
  CacheHistory,
  CacheList,
  SourceStatus,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { CacheProbeHistory } from '../database/CacheProbeStore';
import {
  StaleCacheEndpoint,
  findStaleCacheEndpoints,
  CacheHealthReader,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { cacheSourceStatus, toCacheDetail, toCacheHealth } from './cacheHealth';
import type {
  CacheTarget,
  RunnerClassContractSources,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';

/**
 * What the REST API and `/health` read. REST answers come from storage, so every replica agrees
 * with the one that ran the probes; `/health` reads the in-memory view (it must be synchronous).
 */
export class CacheHealthService {
  private readonly stale: StaleCacheEndpoint[];
  private readonly byName: Map<string, CacheTarget>;

  constructor(
    private readonly options: {
      targets: CacheTarget[];
      staleEndpoints: string[];
      store: CacheProbeHistory;
      hub: CacheHealthReader;
    },
  ) {
    this.stale = findStaleCacheEndpoints(
      options.targets,
      options.staleEndpoints,
    );
    this.byName = new Map(options.targets.map(t => [t.name, t]));
  }

  /** What the runner-class contract checks cache env against: the configured caches and their latest probes. */
  get contractSources(): RunnerClassContractSources {
    return {
      targets: this.options.targets,
      staleEndpoints: this.options.staleEndpoints,
      health: this.options.hub,
    };
  }

  private staleOf(name: string) {
    return this.stale.find(s => s.cache === name);
  }

  /** Every configured cache in config order; unknown until probed. */
  async list(): Promise<CacheList> {
    const latest = await this.options.store.latest();
    return {
      items: this.options.targets.map(t =>
        toCacheHealth(t, latest.get(t.name), this.staleOf(t.name)),
      ),
    };
  }

  /** One configured cache, or undefined for a name that is not configured. */
  async get(name: string): Promise<CacheDetail | undefined> {
    const target = this.byName.get(name);
    if (!target) return undefined;
    const latest = await this.options.store.latest();
    return toCacheDetail(target, latest.get(name), this.staleOf(name));
  }

  /** Stored probes of one configured cache, or undefined for a name that is not configured. */
  async history(
    name: string,
    options: { since: Date; limit: number },
  ): Promise<CacheHistory | undefined> {
    if (!this.byName.has(name)) return undefined;
    const { items, truncated } = await this.options.store.history(
      name,
      options,
    );
    return {
      cache: name,
      since: options.since.toISOString(),
      limit: options.limit,
      items,
      truncated,
    };
  }

  sourceStatus(): SourceStatus {
    return cacheSourceStatus(
      this.options.targets,
      this.options.hub.latest(),
      this.stale,
    );
  }
}
