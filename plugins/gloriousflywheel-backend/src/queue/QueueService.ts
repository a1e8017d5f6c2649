import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  ActionsJob,
  CacheHealth,
  ClusterStatus,
  DiagnosedJob,
  computeQueueStats,
  diagnoseJob,
  isJobWaiting,
  JobDiagnosis,
  ListenerHealth,
  matchRunnerClassForLabels,
  QueueStatsList,
  RunnerClassDefinition,
  RunnerFailure,
  ScaleSet,
  scaleSetAcceptsLabels,
  scaleSetKey,
  scaleSetOfRunner,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { ActionsJobRecords } from '../database/ActionsJobStore';
import type {
  AdoptionRescans,
  WebhookDelivery,
} from '../database/AdoptionRescanStore';

/** What the queue reads of the fleet: the informers' in-memory view. */
export interface QueueFleet {
  runnerClasses: readonly RunnerClassDefinition[];
  scaleSets(): ScaleSet[];
  clusters(): ClusterStatus[];
  /** one entry per scale set whose listener the fleet watches */
  listenerHealth(): ListenerHealth[];
  runnerFailures(): RunnerFailure[];
}

const DAY_MS = 24 * 3600_000;
/** How long job states wait to share one write, and how many at most. */
const INGEST_BATCH_MS = 20;
const INGEST_BATCH_MAX = 500;
/** Waiting jobs read for "jobs ahead": more than any fleet's queue should hold. */
const MAX_WAITING = 10_000;

/** Job states of one caller in a batch, with the webhook delivery that carried them. */
interface IngestEntry {
  jobs: readonly ActionsJob[];
  delivery?: WebhookDelivery;
  duplicate?: boolean;
}
/**
 * Statistics are computed at most this often (they lag new events by as much): the endpoint is read
 * by every open Runner classes page, and a recomputation reads the last day's jobs.
 */
const STATS_TTL_MS = 5_000;

/**
 * Jobs from webhooks and reconciliation, their statistics and diagnoses. The fleet's facts come
 * from the informers, the jobs from the database, so every replica answers alike.
 */
export class QueueService {
  /** the promise, so concurrent readers (a page and a metrics scrape) share one computation */
  private statsCache?: { at: number; value: Promise<QueueStatsList> };
  private batch?: { entries: IngestEntry[]; done: Promise<void> };

  constructor(
    private readonly options: {
      store: ActionsJobRecords;
      /** the webhook deliveries' de-duplication, written with the jobs they carry */
      deliveries?: AdoptionRescans;
      fleet: QueueFleet;
      /** the caches' latest health (runner classes per cache included) */
      caches?: () => Promise<CacheHealth[]>;
      /** `gloriousflywheel.hostedLabels` */
      extraHosted?: readonly string[];
      retentionDays: number;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  private now() {
    return this.options.now?.() ?? new Date();
  }

  /** The fleet's facts about a job: the runner class of its labels, the scale set of its runner. */
  enrich(job: ActionsJob): ActionsJob {
    const { fleet } = this.options;
    const set = scaleSetOfRunner(job.runnerName, fleet.scaleSets());
    return {
      ...job,
      runnerClass:
        matchRunnerClassForLabels(job.labels, fleet.runnerClasses)?.name ??
        null,
      scaleSet: set ? scaleSetKey(set) : null,
    };
  }

  /**
   * Stores job states (out-of-order and repeated ones change nothing). Calls within
   * {@link INGEST_BATCH_MS} share one transaction (one commit), so a burst of webhook deliveries
   * costs one write per batch; each caller's promise settles with its batch, and a failed write
   * fails every caller of that batch. With `delivery`, the delivery is recorded in the same
   * transaction, and its jobs are stored only when it is not a `duplicate`.
   */
  async ingest(
    jobs: readonly ActionsJob[],
    delivery?: WebhookDelivery,
  ): Promise<'recorded' | 'duplicate'> {
    if (delivery && !this.options.deliveries)
      throw new Error('queue: a webhook delivery needs the deliveries store');
    if (jobs.length === 0 && !delivery) return 'recorded';
    let batch = this.batch;
    if (!batch || batch.entries.length >= INGEST_BATCH_MAX) {
      const open: { entries: IngestEntry[]; done?: Promise<void> } = {
        entries: [],
      };
      open.done = new Promise<void>(resolve =>
        setTimeout(resolve, INGEST_BATCH_MS),
      ).then(async () => {
        if (this.batch === open) this.batch = undefined;
        await this.write(open.entries);
      });
      batch = this.batch = open as {
        entries: IngestEntry[];
        done: Promise<void>;
      };
    }
    const entry: IngestEntry = { jobs, delivery };
    batch.entries.push(entry);
    await batch.done;
    return entry.duplicate ? 'duplicate' : 'recorded';
  }

  private async write(entries: IngestEntry[]) {
    const { store, deliveries } = this.options;
    const jobsOf = (list: IngestEntry[]) =>
      list
        .filter(e => !e.duplicate)
        .flatMap(e => e.jobs.map(j => this.enrich(j)));
    const delivered = entries.filter(e => e.delivery);
    if (!deliveries || delivered.length === 0) {
      await store.upsert(jobsOf(entries), this.now());
      return;
    }
    await deliveries.recordDeliveriesWith(
      delivered.map(e => e.delivery!),
      async (tx, recorded) => {
        delivered.forEach((e, i) => (e.duplicate = !recorded[i]));
        await store.upsert(jobsOf(entries), this.now(), tx);
      },
    );
  }

  /** Queue statistics per runner class (every configured one) and per scale set of the fleet. */
  stats(): Promise<QueueStatsList> {
    const now = this.now();
    const cached = this.statsCache;
    if (
      cached &&
      now.getTime() - cached.at < STATS_TTL_MS &&
      now.getTime() >= cached.at
    )
      return cached.value;
    const value = this.computeStats(now);
    this.statsCache = { at: now.getTime(), value };
    // a failed read is not kept
    value.catch(() => {
      if (this.statsCache?.value === value) this.statsCache = undefined;
    });
    return value;
  }

  private async computeStats(now: Date): Promise<QueueStatsList> {
    const jobs = await this.options.store.activeOrSince(
      new Date(now.getTime() - DAY_MS),
    );
    const { fleet } = this.options;
    const value: QueueStatsList = {
      classes: fleet.runnerClasses.map(c => ({
        runnerClass: c.name,
        ...computeQueueStats(
          jobs.filter(j => j.runnerClass === c.name),
          now,
        ),
      })),
      scaleSets: fleet.scaleSets().map(s => {
        const key = scaleSetKey(s);
        // a waiting job has no scale set yet: each scale set that could take it counts it
        const mine = jobs.filter(j =>
          isJobWaiting(j)
            ? scaleSetAcceptsLabels(s, j.labels)
            : j.scaleSet === key,
        );
        return {
          scaleSet: key,
          runnerClass: s.runnerClass,
          ...computeQueueStats(mine, now),
        };
      }),
      at: now.toISOString(),
    };
    return value;
  }

  async job(jobId: number): Promise<ActionsJob | undefined> {
    return this.options.store.get(jobId);
  }

  /** Why a job waits (no reasons once it runs), from the stored job and the fleet now. */
  async diagnose(job: ActionsJob): Promise<JobDiagnosis> {
    return (await this.diagnoseAll([job]))[0];
  }

  /** A repository's recent jobs, newest first, with the diagnosis of each that waits. */
  async recentForRepo(repo: string, limit: number): Promise<DiagnosedJob[]> {
    const jobs = await this.options.store.recentForRepo(repo, limit);
    const waiting = jobs.filter(isJobWaiting);
    const diagnoses = new Map(
      (await this.diagnoseAll(waiting)).map((d, i) => [waiting[i], d]),
    );
    return jobs.map(job => ({ job, diagnosis: diagnoses.get(job) ?? null }));
  }

  /** Diagnoses jobs against one read of the queue, the caches and the fleet (not one per job). */
  private async diagnoseAll(jobs: ActionsJob[]): Promise<JobDiagnosis[]> {
    if (jobs.length === 0) return [];
    const { fleet } = this.options;
    const now = this.now();
    const classOf = (job: ActionsJob) =>
      matchRunnerClassForLabels(job.labels, fleet.runnerClasses)?.name ?? null;
    const anyClass = jobs.some(j => classOf(j) !== null);
    const [waiting, stats, caches] = await Promise.all([
      jobs.some(isJobWaiting)
        ? this.options.store.waiting(MAX_WAITING)
        : Promise.resolve([]),
      anyClass ? this.stats() : Promise.resolve(undefined),
      this.options.caches && anyClass
        ? this.options.caches()
        : Promise.resolve([]),
    ]);
    const shared = {
      now,
      runnerClasses: fleet.runnerClasses,
      scaleSets: fleet.scaleSets(),
      clusters: fleet.clusters(),
      listeners: fleet.listenerHealth(),
      runnerFailures: fleet.runnerFailures(),
      extraHosted: this.options.extraHosted,
    };
    return jobs.map(job => {
      const runnerClass = classOf(job);
      return diagnoseJob({
        ...shared,
        job,
        queuedJobs: isJobWaiting(job) ? waiting : [],
        caches: caches.filter(
          c => runnerClass && c.runnerClasses.includes(runnerClass),
        ),
        classP95Seconds:
          stats?.classes.find(c => c.runnerClass === runnerClass)
            ?.p95Seconds24h ?? null,
      });
    });
  }

  /** Forgets jobs queued before the retention period; returns how many. */
  async prune(): Promise<number> {
    const cutoff = new Date(
      this.now().getTime() - this.options.retentionDays * DAY_MS,
    );
    const deleted = await this.options.store.deleteQueuedBefore(cutoff);
    if (deleted) {
      this.statsCache = undefined;
      this.options.logger.info(
        `queue: forgot ${deleted} job(s) queued before ${cutoff.toISOString()}`,
      );
    }
    return deleted;
  }

  /** Retention as a global task: one replica deletes. */
  async scheduleRetention(
    scheduler: SchedulerService,
    schedule: SchedulerServiceTaskScheduleDefinition,
  ) {
    await scheduler.scheduleTask({
      id: 'gloriousflywheel-queue-retention',
      scope: 'global',
      ...schedule,
      fn: async () => {
        await this.prune();
      },
    });
  }
}
