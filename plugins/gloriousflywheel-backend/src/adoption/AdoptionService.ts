import { randomUUID } from 'node:crypto';
import {
  LoggerService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';
import {
  ADOPTION_STAGES,
  AdoptionScanStatus,
  AdoptionStage,
  blockerUrl,
  RepoAdoption,
  SourceStatus,
  TrancheSummary,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AdoptionRecords } from '../database/AdoptionStore';
import {
  ALL_REPOS,
  AdoptionRescans,
  RescanRequest,
  WebhookDelivery,
} from '../database/AdoptionRescanStore';
import type { AdoptionConfig } from './AdoptionConfig';
import {
  AdoptionPublisher,
  AdoptionReader,
  repoKey,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { SharedStrings } from './SharedStrings';
import { AdoptionScanner, ScanProgress } from './AdoptionScanner';
import type { GitHubClient } from './GitHubClient';
import { RepoScanRecord } from './types';
import type { GloriousflywheelMetrics } from '../metrics';

/** SchedulerService id of the scan (one run across replicas). */
export const ADOPTION_SCAN_TASK_ID = 'gloriousflywheel-adoption-scan';
/** SchedulerService id of the per-replica refresh of the in-memory results. */
export const ADOPTION_SYNC_TASK_ID = 'gloriousflywheel-adoption-sync';
/** SchedulerService id of the per-replica check that no queued rescan is left waiting. */
export const ADOPTION_RESCAN_SWEEP_TASK_ID =
  'gloriousflywheel-adoption-rescan-sweep';

/**
 * Rounds of one scan-task run: requests that arrive while it runs are served by it (a trigger
 * then answers "already running"), but a flood cannot hold the lock for ever.
 */
const MAX_ROUNDS = 5;

const DAY_MS = 24 * 3600_000;
/** `gloriousflywheel.github.fullListingInterval` unless configured: once a day. */
const DEFAULT_FULL_LISTING_MS = DAY_MS;
const TREND_DAYS = 30;
const HISTORY_DAYS = 400;
const day = (d: Date) => d.toISOString().slice(0, 10);
const emptyStages = (): Record<AdoptionStage, number> =>
  Object.fromEntries(ADOPTION_STAGES.map(s => [s, 0])) as Record<
    AdoptionStage,
    number
  >;

export interface AdoptionServiceOptions {
  config: AdoptionConfig;
  /** GitHub access per org (from integrations.github); absent when no org is configured. */
  clientFor?: (org: string) => GitHubClient;
  store: AdoptionRecords;
  /** Webhook deliveries seen and rescans waiting for the scan task. */
  rescans: AdoptionRescans;
  hub: AdoptionReader & AdoptionPublisher;
  logger: LoggerService;
  metrics?: GloriousflywheelMetrics;
  now?: () => Date;
}

const idle = (): AdoptionScanStatus => ({
  state: 'idle',
  trigger: null,
  startedAt: null,
  finishedAt: null,
  reposDone: 0,
  reposTotal: 0,
  reposFetched: 0,
  requestsUsed: { graphql: 0, rest: 0, rest304: 0 },
  rateLimit: { remaining: null, resetAt: null },
  lastError: null,
});

/**
 * Milliseconds between scheduled scans; undefined for cron and manual schedules, whose runs a
 * trigger does not move.
 */
function scanIntervalMs(
  frequency: SchedulerServiceTaskScheduleDefinition['frequency'],
): number | undefined {
  if ('cron' in frequency || 'trigger' in frequency) return undefined;
  if ('toMillis' in frequency && typeof frequency.toMillis === 'function')
    return frequency.toMillis();
  return durationToMilliseconds(frequency as HumanDuration);
}

/**
 * Adoption: runs scans, keeps the results in the store and the hub, and answers the API from
 * memory. Manual and webhook requests are queued in the database and served by the scheduled scan
 * task, so one replica scans at a time.
 */
export class AdoptionService {
  private readonly scanner: AdoptionScanner;
  private records = new Map<string, RepoScanRecord>();
  /** the texts records repeat, held once */
  private readonly strings = new SharedStrings();
  private current: AdoptionScanStatus = idle();
  private running: Promise<void> | undefined;
  /** a scan-task run is in progress on this replica */
  private serving = false;
  private scheduler: SchedulerService | undefined;
  private readonly refusals = {
    count: 0,
    last: null as { at: number; message: string } | null,
  };

  constructor(private readonly options: AdoptionServiceOptions) {
    this.scanner = new AdoptionScanner({
      config: options.config,
      logger: options.logger,
      now: options.now,
    });
  }

  private now() {
    return this.options.now?.() ?? new Date();
  }

  get configured(): boolean {
    return this.options.config.orgs.length > 0 && !!this.options.clientFor;
  }

  /** Loads stored results (and the last scan's status) into memory and the hub. */
  async load(): Promise<void> {
    const records = await this.options.store.loadRepos();
    const stale = this.now().getTime() - DAY_MS;
    this.records = new Map(
      records.map(r => [repoKey(r.owner, r.name), this.strings.shareRecord(r)]),
    );
    const removed = [...this.options.hub.list()]
      .map(r => repoKey(r.owner, r.name))
      .filter(k => !this.records.has(k));
    this.options.hub.publish(
      records.map(r =>
        r.scannedAt < stale ? { ...r.result, stale: true } : r.result,
      ),
      removed,
    );
    if (!this.running)
      this.current = (await this.options.store.lastScan()) ?? this.current;
  }

  async schedule(scheduler: SchedulerService): Promise<void> {
    const { schedule } = this.options.config;
    this.scheduler = scheduler;
    await scheduler.scheduleTask({
      id: ADOPTION_SCAN_TASK_ID,
      scope: 'global',
      ...schedule,
      fn: async signal => {
        await this.serveScanTask(signal);
      },
    });
    // The replica that scanned already holds the results; the others catch up from storage.
    await scheduler.scheduleTask({
      id: ADOPTION_SYNC_TASK_ID,
      scope: 'local',
      frequency: schedule.frequency,
      timeout: schedule.timeout,
      initialDelay: schedule.initialDelay,
      fn: async () => {
        if (!this.running && !this.serving) await this.load();
      },
    });
    // A request queued just as a run was ending got "already running" from its trigger: it waits
    // here at most a minute instead of until the next scheduled scan.
    await scheduler.scheduleTask({
      id: ADOPTION_RESCAN_SWEEP_TASK_ID,
      scope: 'local',
      frequency: { minutes: 1 },
      timeout: { minutes: 1 },
      initialDelay: schedule.initialDelay,
      fn: async () => {
        if (await this.options.rescans.hasPending())
          await this.triggerScanTask();
      },
    });
  }

  /**
   * One run of the scheduled scan task (under the scheduler's cross-replica lock): a full scan when
   * requested or due, then the queued repository rescans, until nothing is waiting. At most one full
   * scan per run, so a run stays within the task's timeout; a later request waits for the sweep.
   */
  private async serveScanTask(signal?: AbortSignal): Promise<void> {
    if (!this.configured) return;
    this.serving = true;
    let scanned = false;
    try {
      for (let round = 0; round < MAX_ROUNDS && !signal?.aborted; round++) {
        const requests = await this.options.rescans.pending();
        const full = scanned
          ? undefined
          : requests.find(r => r.repoKey === ALL_REPOS);
        const repos = requests.filter(r => r.repoKey !== ALL_REPOS);
        // A run with nothing queued is a scheduled one (or an admin's trigger).
        if (
          full ||
          (round === 0 && (!repos.length || (await this.fullScanDue())))
        ) {
          scanned = true;
          // Claimed in the database: a request on any replica from now until the release joins it.
          const claim = randomUUID();
          await this.options.rescans.claimFullScan(claim, this.now());
          let status: AdoptionScanStatus;
          try {
            status = await this.scan(full ? 'manual' : 'schedule');
          } finally {
            await this.options.rescans.releaseFullScan(claim);
          }
          if (status.state === 'failed') return;
          // The scan read every repository after these were queued; a failed one leaves them queued.
          await this.options.rescans.complete(repos);
        } else if (repos.length) {
          if (!(await this.rescan(repos))) return;
        } else return;
      }
    } finally {
      this.serving = false;
    }
  }

  /**
   * Triggers move a duration schedule's next run, so under steady webhook traffic a scheduled run
   * may never come: the full scan is then due once the interval has passed since the last one.
   */
  private async fullScanDue(): Promise<boolean> {
    const every = scanIntervalMs(this.options.config.schedule.frequency);
    if (every === undefined) return false;
    const last = await this.options.store.lastScan();
    return (
      !last?.startedAt ||
      this.now().getTime() - Date.parse(last.startedAt) >= every
    );
  }

  /** Runs the scan task now; false when it is already running (on any replica). */
  private async triggerScanTask(): Promise<boolean> {
    if (!this.scheduler) throw new Error('adoption scan is not scheduled');
    try {
      await this.scheduler.triggerTask(ADOPTION_SCAN_TASK_ID);
      return true;
    } catch (e) {
      if (isError(e) && e.name === 'ConflictError') return false;
      throw e;
    }
  }

  /**
   * Queues a full scan and triggers the scan task: `queued`, or `running` when a full scan is
   * running already (on any replica), which the request joins. Only the request that queued the
   * scan triggers the task, so requests at once on several replicas start one run; a trigger that
   * finds the task busy leaves the request to the running task or the sweep.
   */
  async requestScan(): Promise<'queued' | 'running'> {
    const request = await this.options.rescans.requestFullScan(
      randomUUID(),
      this.now(),
    );
    if (request === 'running') return 'running';
    if (request === 'added') await this.triggerScanTask();
    return 'queued';
  }

  /** The configured organisation `owner` names (case-insensitive), if any. */
  scannedOrg(owner: string): string | undefined {
    return this.options.config.orgs.find(
      o => o.toLowerCase() === owner.toLowerCase(),
    );
  }

  /**
   * Records a signed webhook delivery once and queues its repository for the scan task;
   * `duplicate` when it was handled before. The trigger is best effort: the request is stored, and
   * a running task or the sweep serves it.
   */
  async receiveDelivery(
    delivery: WebhookDelivery,
  ): Promise<'queued' | 'ignored' | 'duplicate'> {
    if ((await this.options.rescans.recordDelivery(delivery)) === 'duplicate')
      return 'duplicate';
    if (!delivery.repo) return 'ignored';
    try {
      await this.triggerScanTask();
    } catch (e) {
      this.webhookRefused(
        `queued ${delivery.repo.owner}/${delivery.repo.name}, but starting the scan task failed: ${e}`,
        false,
      );
    }
    return 'queued';
  }

  /**
   * Notes a request without the headers of a GitHub delivery: counted, logged at debug only and
   * never the status's last error, since anyone who can reach the route can send such requests
   * and must not be able to flood the logs or hide a real failure behind them.
   */
  webhookUnsigned(message: string): void {
    this.refusals.count++;
    this.options.logger.debug(`adoption webhook: ${message}`);
  }

  /** Notes a delivery the webhook route refused (for the status); `count` false for other failures. */
  webhookRefused(message: string, count = true): void {
    if (count) this.refusals.count++;
    this.refusals.last = { at: this.now().getTime(), message };
    this.options.logger.warn(`adoption webhook: ${message}`);
  }

  /** The scan status with queued requests and webhook outcomes, as the API returns it. */
  async scanStatus(): Promise<AdoptionScanStatus> {
    const summary = await this.options.rescans.summary();
    const status: AdoptionScanStatus = {
      ...this.status(),
      requestedAt:
        summary.fullScanRequestedAt === null
          ? null
          : new Date(summary.fullScanRequestedAt).toISOString(),
    };
    if (this.options.config.webhookSecret) {
      const errors = [this.refusals.last, summary.lastFailure].filter(
        e => e !== null,
      );
      const last = errors.sort((a, b) => b.at - a.at)[0];
      status.webhook = {
        deliveries: summary.deliveries,
        duplicates: summary.duplicates,
        pendingRepos: summary.pendingRepos,
        refused: this.refusals.count,
        lastError: last
          ? { at: new Date(last.at).toISOString(), message: last.message }
          : null,
      };
    }
    return status;
  }

  status(): AdoptionScanStatus {
    return {
      ...this.current,
      requestsUsed: { ...this.current.requestsUsed },
      rateLimit: { ...this.current.rateLimit },
    };
  }

  /** One full scan of every configured org. Per-repository failures are results; org failures end in `failed`. */
  async scan(trigger: string): Promise<AdoptionScanStatus> {
    if (this.running) {
      await this.running;
      return this.status();
    }
    let done!: () => void;
    this.running = new Promise(resolve => {
      done = resolve;
    });
    try {
      if (!this.configured) return this.status();
      // Running from the first moment, so the status and a concurrent POST see it.
      const status = this.begin(trigger);
      // Another replica may have scanned since: start from what is stored.
      await this.load();
      const scanId = await this.options.store.startScan(trigger, this.now());
      const errors: string[] = [];
      for (const org of this.options.config.orgs) {
        const client = this.options.clientFor!(org);
        const before = { ...client.usage };
        try {
          const startedAt = this.now().getTime();
          const mark = await this.options.store.scanMark(org);
          // A manual scan and one a full-listing interval after the last list every repository:
          // the only way deletions, renames and archiving are seen.
          const every =
            this.options.config.fullListingMs ?? DEFAULT_FULL_LISTING_MS;
          const full =
            trigger === 'manual' ||
            !mark ||
            mark.listedAt === null ||
            startedAt - mark.listedAt >= every;
          const result = await this.scanner.scanOrg(
            client,
            org,
            this.records,
            this.progress(status),
            {
              pushedSince: full ? null : mark.pushedAt,
            },
          );
          const orgLower = org.toLowerCase();
          const gone = result.listedAll
            ? [...this.records.values()]
                .filter(
                  r =>
                    r.owner.toLowerCase() === orgLower &&
                    !result.seen.has(repoKey(r.owner, r.name)),
                )
                .map(r => repoKey(r.owner, r.name))
            : [];
          await this.commit(result.records, result.dirty, gone);
          await this.options.store.saveScanMark(org, {
            pushedAt: result.pushedMark,
            listedAt: result.listedAll ? startedAt : mark?.listedAt ?? null,
          });
        } catch (e) {
          errors.push(`${org}: ${(e as Error).message ?? e}`);
          this.options.logger.error(`adoption scan of ${org} failed: ${e}`);
        } finally {
          this.addUsage(status, org, client, before);
        }
      }
      status.state = errors.length ? 'failed' : 'idle';
      status.lastError = errors.length ? errors.join('; ') : null;
      status.finishedAt = this.now().toISOString();
      this.options.metrics?.scanFinished(
        trigger,
        status.state,
        (Date.parse(status.finishedAt) - Date.parse(status.startedAt!)) / 1000,
      );
      await this.options.store.finishScan(scanId, status);
      await this.options.store.recordDay(
        day(this.now()),
        [...this.records.values()].map(r => r.result),
      );
      await this.options.store.pruneHistory(
        day(new Date(this.now().getTime() - HISTORY_DAYS * DAY_MS)),
      );
      this.options.logger.info(
        `adoption scan (${trigger}): ${status.reposDone} repos, ${status.reposFetched} read, ${status.requestsUsed.graphql} GraphQL + ${status.requestsUsed.rest} REST requests (${status.requestsUsed.rest304} free 304s)`,
      );
      return this.status();
    } finally {
      this.running = undefined;
      done();
    }
  }

  /** Reads the named repository now: one GraphQL request plus its proof runs. */
  async scanRepo(
    owner: string,
    name: string,
    trigger = 'webhook',
  ): Promise<RepoAdoption | undefined> {
    if (!this.configured) return undefined;
    const org = this.scannedOrg(owner);
    if (!org) return undefined;
    const records = await this.readRepos(org, [{ owner, name }]);
    this.options.logger.info(
      `adoption: rescanned ${owner}/${name} (${trigger})`,
    );
    return records[0]?.result;
  }

  private async readRepos(
    org: string,
    repos: { owner: string; name: string }[],
  ): Promise<RepoScanRecord[]> {
    const client = this.options.clientFor!(org);
    const progress: ScanProgress = {
      addTotal() {},
      repoDone() {},
      repoFetched() {},
    };
    const before = { ...client.usage };
    const { records, missing } = await this.scanner
      .scanRepos(client, repos, this.records, progress)
      .finally(() =>
        this.options.metrics?.githubUsed(org, client.usage, before),
      );
    await this.commit(records, records, missing);
    return records;
  }

  /**
   * Rescans queued repositories, one batch per organisation; a failed batch stays queued with its
   * error. False when any batch failed.
   */
  private async rescan(requests: RescanRequest[]): Promise<boolean> {
    const byOrg = new Map<string, RescanRequest[]>();
    const dropped: RescanRequest[] = [];
    for (const r of requests) {
      const org = this.scannedOrg(r.owner);
      if (!org) dropped.push(r); // the organisation is no longer configured
      else byOrg.set(org, [...(byOrg.get(org) ?? []), r]);
    }
    await this.options.rescans.complete(dropped);
    let ok = true;
    for (const [org, batch] of byOrg) {
      try {
        await this.readRepos(org, batch);
        await this.options.rescans.complete(batch);
        this.options.logger.info(
          `adoption: rescanned ${batch
            .map(r => `${r.owner}/${r.name}`)
            .join(', ')} (webhook)`,
        );
      } catch (e) {
        ok = false;
        await this.options.rescans.fail(
          batch,
          (e as Error).message ?? String(e),
          this.now(),
        );
        this.options.logger.error(
          `adoption rescan of ${org} repositories failed: ${e}`,
        );
      }
    }
    return ok;
  }

  private begin(trigger: string): AdoptionScanStatus {
    this.current = {
      ...idle(),
      state: 'running',
      trigger,
      startedAt: this.now().toISOString(),
    };
    return this.current;
  }

  private progress(status: AdoptionScanStatus): ScanProgress {
    return {
      addTotal: n => {
        status.reposTotal += n;
      },
      repoDone: () => {
        status.reposDone++;
      },
      repoFetched: () => {
        status.reposFetched++;
      },
    };
  }

  private addUsage(
    status: AdoptionScanStatus,
    org: string,
    client: GitHubClient,
    before: GitHubClient['usage'],
  ) {
    status.requestsUsed.graphql += client.usage.graphql - before.graphql;
    status.requestsUsed.rest += client.usage.rest - before.rest;
    status.requestsUsed.rest304 += client.usage.rest304 - before.rest304;
    status.rateLimit = {
      remaining: client.usage.remaining,
      resetAt: client.usage.resetAt,
    };
    this.options.metrics?.githubUsed(org, client.usage, before);
  }

  private async commit(
    records: RepoScanRecord[],
    dirty: RepoScanRecord[],
    gone: string[],
  ) {
    await this.options.store.saveRepos(dirty);
    if (gone.length) await this.options.store.deleteRepos(gone);
    for (const r of records) {
      const key = repoKey(r.owner, r.name);
      // an unchanged repository comes back as the record held already, its texts shared
      if (this.records.get(key) !== r) this.strings.shareRecord(r);
      this.records.set(key, r);
    }
    for (const key of gone) this.records.delete(key);
    this.options.hub.publish(
      records.map(r => r.result),
      gone,
    );
  }

  // ---- reads (from memory)

  list(): RepoAdoption[] {
    return this.options.hub.list();
  }

  get(owner: string, name: string): RepoAdoption | undefined {
    return this.options.hub.get(`${owner}/${name}`);
  }

  async tranches(): Promise<TrancheSummary[]> {
    const repos = this.list();
    const since = day(new Date(this.now().getTime() - TREND_DAYS * DAY_MS));
    const trend = await this.options.store.stageTrend(since);
    const configured = this.options.config.tranches;
    const names = [
      ...configured.map(t => t.name),
      ...(repos.some(r => r.tranche === null) ? [null] : []),
    ];
    return names.map(name => {
      const def = configured.find(t => t.name === name);
      const members = repos.filter(r => r.tranche === name);
      const stages = emptyStages();
      for (const r of members) stages[r.stage]++;
      const days = new Map<string, Record<AdoptionStage, number>>();
      for (const row of trend.filter(t => t.tranche === name)) {
        const point = days.get(row.day) ?? emptyStages();
        point[row.stage] += row.repos;
        days.set(row.day, point);
      }
      return {
        name: name ?? '(none)',
        title: def?.title ?? def?.name ?? 'Not in a tranche',
        repos: members.length,
        stages,
        blockers: (def?.blockers ?? [])
          .filter(b => !b.closed)
          .map(b => ({
            issue: b.issue,
            kind: b.kind,
            ...(b.repo && { repo: b.repo }),
            ...(b.title && { title: b.title }),
            ...(blockerUrl(
              b,
              members[0]?.url.replace(/\/[^/]+\/[^/]+$/, ''),
            ) && {
              url: blockerUrl(
                b,
                members[0]?.url.replace(/\/[^/]+\/[^/]+$/, ''),
              ),
            }),
          })),
        progress: members.length
          ? Math.round((stages.adopted / members.length) * 1000) / 10
          : 0,
        trend: [...days.entries()].map(([d, s]) => ({ day: d, stages: s })),
      };
    });
  }

  sourceStatus(): SourceStatus {
    const configured = this.options.config.orgs.length;
    const base = { source: 'adoption' as const, configured };
    if (!configured)
      return {
        ...base,
        state: 'not-configured',
        message: 'No gloriousflywheel.github.orgs configured',
      };
    const s = this.current;
    const repos = this.options.hub.list().length;
    if (s.state === 'failed')
      return {
        ...base,
        state: repos ? 'degraded' : 'error',
        message: `Last scan failed: ${s.lastError}`,
        ...(s.finishedAt && { since: s.finishedAt }),
      };
    if (!repos && s.state === 'running')
      return {
        ...base,
        state: 'starting',
        message: `First scan running: ${s.reposDone}/${s.reposTotal} repositories`,
      };
    if (!repos)
      return {
        ...base,
        state: 'starting',
        message: 'Waiting for the first scan',
      };
    return {
      ...base,
      state: 'ok',
      message: `${repos} repositories scanned`,
      ...(s.finishedAt && { since: s.finishedAt }),
    };
  }
}
