import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { CacheProbeHistory } from '../database/CacheProbeStore';
import type {
  CacheProbeSettings,
  CacheProbeResult,
  CacheTarget,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import {
  CacheHealthPublisher,
  CacheHealthReader,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { probeCaches } from './probeCache';
import type { GloriousflywheelMetrics } from '../metrics';

/** SchedulerService id of the probe run (one run across replicas). */
export const CACHE_PROBE_TASK_ID = 'gloriousflywheel-cache-probe';
/** SchedulerService id of the per-replica refresh of the in-memory latest view. */
export const CACHE_HEALTH_SYNC_TASK_ID = 'gloriousflywheel-cache-health-sync';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CacheProbeTaskOptions {
  targets: CacheTarget[];
  settings: CacheProbeSettings;
  retentionDays: number;
  store: CacheProbeHistory;
  hub: CacheHealthReader & CacheHealthPublisher;
  logger: LoggerService;
  metrics?: GloriousflywheelMetrics;
  /** clock (tests) */
  now?: () => Date;
}

/**
 * Probes every configured cache in parallel (each within its own timeout), stores the results,
 * prunes history older than the retention and publishes the latest view.
 */
export class CacheProbeTask {
  constructor(private readonly options: CacheProbeTaskOptions) {}

  /** Registers the probe run (global) and the latest-view refresh (local, every replica). */
  async schedule(
    scheduler: SchedulerService,
    schedule: SchedulerServiceTaskScheduleDefinition,
  ): Promise<void> {
    await scheduler.scheduleTask({
      id: CACHE_PROBE_TASK_ID,
      scope: 'global',
      ...schedule,
      fn: async () => {
        await this.run();
      },
    });
    // The replica that ran the probes already published them; the others catch up from storage.
    await scheduler.scheduleTask({
      id: CACHE_HEALTH_SYNC_TASK_ID,
      scope: 'local',
      frequency: schedule.frequency,
      timeout: schedule.timeout,
      fn: () => this.sync(),
    });
  }

  /** One probe run. Probe failures are results; only storage failures throw (the scheduler logs them). */
  async run(): Promise<CacheProbeResult[]> {
    const { targets, settings, store, hub, logger } = this.options;
    if (!targets.length) return [];
    const now = this.options.now ?? (() => new Date());
    const results = await probeCaches(targets, {
      timeoutMs: settings.timeoutMs,
      slowThresholdMs: settings.slowThresholdMs,
      now,
    });
    this.logTransitions(results);
    this.options.metrics?.cachesProbed(results);
    await store.insert(results);
    const pruned = await store.deleteOlderThan(
      new Date(now().getTime() - this.options.retentionDays * DAY_MS),
    );
    if (pruned)
      logger.debug(`caches: pruned ${pruned} probe result(s) past retention`);
    hub.publish(results);
    return results;
  }

  /** Loads the latest stored results into the in-memory view. */
  async sync(): Promise<void> {
    this.options.hub.publish((await this.options.store.latest()).values());
  }

  private logTransitions(results: CacheProbeResult[]) {
    const { hub, logger } = this.options;
    for (const r of results) {
      const before = hub.latest().get(r.cache)?.status ?? 'unknown';
      if (before === r.status) continue;
      // Messages come from probeCache, which strips tokens from every string.
      const line = `cache ${r.cache}: ${before} -> ${r.status}${
        r.message ? ` (${r.errorKind ?? 'slow'}: ${r.message})` : ''
      }`;
      if (r.status === 'healthy') logger.info(line);
      else logger.warn(line);
    }
  }
}
