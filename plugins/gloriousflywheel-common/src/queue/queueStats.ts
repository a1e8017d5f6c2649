import { QueueStats, ActionsJob } from './types';

const HOUR_MS = 3600_000;

/**
 * The nearest-rank percentile (`p` in 0..100) of the values; null for none.
 *
 * @public
 */
export function percentile(
  values: readonly number[],
  p: number,
): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/**
 * Seconds a job waited between being queued and starting, or until `now` while it still waits;
 * never negative (clock skew between GitHub's timestamps).
 *
 * @public
 */
export function queueSeconds(
  job: Pick<ActionsJob, 'createdAt' | 'startedAt'>,
  now: Date,
): number {
  const created = Date.parse(job.createdAt);
  const end = job.startedAt ? Date.parse(job.startedAt) : now.getTime();
  if (Number.isNaN(created) || Number.isNaN(end)) return 0;
  return Math.max(0, Math.round((end - created) / 1000));
}

/** Whether the job still waits for a runner. @public */
export function isJobWaiting(job: Pick<ActionsJob, 'status'>): boolean {
  return job.status === 'queued' || job.status === 'waiting';
}

/**
 * Queue statistics of a set of jobs (one runner class or scale set): jobs waiting and running now,
 * p50/p95 queue time of the jobs that started in the last hour and day, and an hourly p95 trend.
 *
 * @public
 */
export function computeQueueStats(
  jobs: ReadonlyArray<Pick<ActionsJob, 'status' | 'createdAt' | 'startedAt'>>,
  now: Date,
): QueueStats {
  const t = now.getTime();
  const dayStart = Math.floor(t / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
  const hours = Array.from({ length: 24 }, () => [] as number[]);
  const lastHour: number[] = [];
  const lastDay: number[] = [];
  let queued = 0;
  let running = 0;
  for (const job of jobs) {
    if (isJobWaiting(job)) queued++;
    else if (job.status === 'in_progress') running++;
    if (!job.startedAt) continue;
    const started = Date.parse(job.startedAt);
    if (Number.isNaN(started) || started > t || started <= t - 24 * HOUR_MS)
      continue;
    const seconds = queueSeconds(job, now);
    lastDay.push(seconds);
    if (started > t - HOUR_MS) lastHour.push(seconds);
    const bucket = Math.floor((started - dayStart) / HOUR_MS);
    if (bucket >= 0 && bucket < 24) hours[bucket].push(seconds);
  }
  return {
    queued,
    running,
    p50Seconds1h: percentile(lastHour, 50),
    p95Seconds1h: percentile(lastHour, 95),
    p50Seconds24h: percentile(lastDay, 50),
    p95Seconds24h: percentile(lastDay, 95),
    started24h: lastDay.length,
    trend: hours.map((values, i) => ({
      hour: new Date(dayStart + i * HOUR_MS).toISOString(),
      p95Seconds: percentile(values, 95),
      started: values.length,
    })),
  };
}
