import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { Knex } from 'knex';
import { CacheHealth } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { ActionsJobStore } from '../database/ActionsJobStore';
import { AdoptionRescanStore } from '../database/AdoptionRescanStore';
import { GitHubAccess } from '../adoption/GitHubClient';
import { QueueConfig } from './queueConfig';
import { JobReconciler } from './JobReconciler';
import { QueueFleet, QueueService } from './QueueService';
import type { FleetReader } from '@tinyland/backstage-plugin-gloriousflywheel-node';

/** The fleet's in-memory view as the queue reads it. */
export function queueFleetOf(fleet: FleetReader): QueueFleet {
  return {
    runnerClasses: fleet.runnerClasses,
    scaleSets: () => fleet.scaleSets(),
    clusters: () => fleet.clusters(),
    listenerHealth: () => fleet.listenerHealth(),
    runnerFailures: () => fleet.runnerFailures(),
  };
}

/** The budget of one pass: the hourly budget over the passes per hour (6 when the schedule is a cron). */
export function requestsPerPass(
  requestsPerHour: number,
  frequency: unknown,
): number {
  const ms =
    frequency &&
    typeof frequency === 'object' &&
    !('cron' in frequency) &&
    !('trigger' in frequency)
      ? durationToMilliseconds(frequency as HumanDuration)
      : 10 * 60_000;
  return Math.max(
    1,
    Math.floor((requestsPerHour * Math.min(ms, 3600_000)) / 3600_000),
  );
}

/**
 * Queue wiring for plugin.ts: the job store, retention and (with GitHub access) reconciliation,
 * each a scheduled task.
 */
export async function createQueue(options: {
  config: QueueConfig;
  logger: LoggerService;
  knex: Knex;
  scheduler: SchedulerService;
  fleet: QueueFleet;
  caches?: () => Promise<CacheHealth[]>;
  /** GitHub access of the adoption scan; reconciliation needs it */
  github?: GitHubAccess;
  extraHosted?: readonly string[];
}): Promise<{ service: QueueService; reconciler?: JobReconciler }> {
  const { config } = options;
  const logger = options.logger.child({ source: 'queue' });
  const store = new ActionsJobStore(options.knex);
  const service = new QueueService({
    store,
    deliveries: new AdoptionRescanStore(options.knex),
    fleet: options.fleet,
    caches: options.caches,
    extraHosted: options.extraHosted,
    retentionDays: config.retentionDays,
    logger,
  });
  await service.scheduleRetention(options.scheduler, config.retentionSchedule);
  const github = options.github;
  if (!github) return { service };
  const reconciler = new JobReconciler({
    store,
    clientFor: owner => github.client(owner),
    ingest: async jobs => {
      await service.ingest(jobs);
    },
    requestsPerPass: requestsPerPass(
      config.reconcile.requestsPerHour,
      config.reconcile.schedule.frequency,
    ),
    activeWithinMinutes: config.reconcile.activeWithinMinutes,
    logger,
  });
  if (config.reconcile.requestsPerHour > 0)
    await reconciler.schedule(options.scheduler, config.reconcile.schedule);
  return { service, reconciler };
}
