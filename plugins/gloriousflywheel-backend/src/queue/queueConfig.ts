import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';

/** `gloriousflywheel.queue.*` and the queue's schedules, read once. */
export interface QueueConfig {
  /** jobs queued longer ago are forgotten (`retentionDays`, default 7) */
  retentionDays: number;
  /** how often old jobs are deleted (`gloriousflywheel.schedule.queueRetention`, hourly by default) */
  retentionSchedule: SchedulerServiceTaskScheduleDefinition;
  reconcile: {
    /** `gloriousflywheel.schedule.queueReconcile`; every 10 minutes by default */
    schedule: SchedulerServiceTaskScheduleDefinition;
    /** GitHub REST requests per hour reconciliation may make, 304s excluded (default 600) */
    requestsPerHour: number;
    /** repositories with a job event this recent are reconciled (minutes, default 120) */
    activeWithinMinutes: number;
  };
}

const DEFAULT_RETENTION: SchedulerServiceTaskScheduleDefinition = {
  frequency: { hours: 1 },
  timeout: { minutes: 5 },
  initialDelay: { minutes: 1 },
};
const DEFAULT_RECONCILE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
  initialDelay: { minutes: 2 },
};

function schedule(
  config: Config,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
) {
  const c = config.getOptionalConfig(key);
  try {
    return c
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(c)
      : fallback;
  } catch (e) {
    throw new Error(`Invalid config ${key}: ${(e as Error).message}`);
  }
}

function wholeNumber(
  config: Config,
  key: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `Invalid config ${key}: must be a whole number from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

/** Reads the queue's config; throws naming the key on a bad value. */
export function readQueueConfig(config: Config): QueueConfig {
  return {
    retentionDays: wholeNumber(
      config,
      'gloriousflywheel.queue.retentionDays',
      7,
      1,
      400,
    ),
    retentionSchedule: schedule(
      config,
      'gloriousflywheel.schedule.queueRetention',
      DEFAULT_RETENTION,
    ),
    reconcile: {
      schedule: schedule(
        config,
        'gloriousflywheel.schedule.queueReconcile',
        DEFAULT_RECONCILE,
      ),
      requestsPerHour: wholeNumber(
        config,
        'gloriousflywheel.queue.reconcile.requestsPerHour',
        600,
        0,
        100_000,
      ),
      activeWithinMinutes: wholeNumber(
        config,
        'gloriousflywheel.queue.reconcile.activeWithinMinutes',
        120,
        1,
        7 * 24 * 60,
      ),
    },
  };
}
