import {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  ADOPTION_STAGES,
  AdoptionScanStatus,
  AdoptionStage,
  blockerUrl,
  RepoAdoption,
  SourceStatus,
  TrancheSummary,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AdoptionStore } from '../database/AdoptionStore';
import type { AdoptionConfig } from './AdoptionConfig';
import { AdoptionHub, repoKey } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { AdoptionScanner, ScanProgress } from './AdoptionScanner';
import type { GitHubClient } from './GitHubClient';
import { RepoScanRecord } from './types';

/** SchedulerService id of the scan (one run across replicas). */
export const ADOPTION_SCAN_TASK_ID = 'gloriousflywheel-adoption-scan';
/** SchedulerService id of the per-replica refresh of the in-memory results. */
export const ADOPTION_SYNC_TASK_ID = 'gloriousflywheel-adoption-sync';

const DAY_MS = 24 * 3600_000;
const TREND_DAYS = 30;
const HISTORY_DAYS = 400;
const day = (d: Date) => d.toISOString().slice(0, 10);
const emptyStages = (): Record<AdoptionStage, number> =>
  Object.fromEntries(ADOPTION_STAGES.map(s => [s, 0])) as Record<AdoptionStage, number>;

export interface AdoptionServiceOptions {
  config: AdoptionConfig;
  /** GitHub access per org (from integrations.github); absent when no org is configured. */
  clientFor?: (org: string) => GitHubClient;
  store: AdoptionStore;
  hub: AdoptionHub;
  logger: LoggerService;
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
 * Adoption: runs scans (one at a time per replica), keeps the results in the store and the hub,
 * and answers the API from memory.
 */
export class AdoptionService {
  private readonly scanner: AdoptionScanner;
  private records = new Map<string, RepoScanRecord>();
  private current: AdoptionScanStatus = idle();
  private running: Promise<void> | undefined;

  constructor(private readonly options: AdoptionServiceOptions) {
    this.scanner = new AdoptionScanner({ config: options.config, logger: options.logger, now: options.now });
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
    this.records = new Map(records.map(r => [repoKey(r.owner, r.name), r]));
    const removed = [...this.options.hub.list()].map(r => repoKey(r.owner, r.name)).filter(k => !this.records.has(k));
    this.options.hub.publish(
      records.map(r => (r.scannedAt < stale ? { ...r.result, stale: true } : r.result)),
      removed,
    );
    if (!this.running) this.current = (await this.options.store.lastScan()) ?? this.current;
  }

  async schedule(scheduler: SchedulerService): Promise<void> {
    const { schedule } = this.options.config;
    await scheduler.scheduleTask({
      id: ADOPTION_SCAN_TASK_ID,
      scope: 'global',
      ...schedule,
      fn: async () => {
        await this.scan('schedule');
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
        if (!this.running) await this.load();
      },
    });
  }

  status(): AdoptionScanStatus {
    return { ...this.current, requestsUsed: { ...this.current.requestsUsed }, rateLimit: { ...this.current.rateLimit } };
  }

  /** Starts a scan in the background; false when one is already running. */
  start(trigger: string): boolean {
    if (this.running || !this.configured) return false;
    this.scan(trigger).catch(e => this.options.logger.error(`adoption scan failed: ${e}`));
    return true;
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
          const result = await this.scanner.scanOrg(client, org, this.records, this.progress(status));
          const orgLower = org.toLowerCase();
          const gone = [...this.records.values()]
            .filter(r => r.owner.toLowerCase() === orgLower && !result.seen.has(repoKey(r.owner, r.name)))
            .map(r => repoKey(r.owner, r.name));
          await this.commit(result.records, result.dirty, gone);
        } catch (e) {
          errors.push(`${org}: ${(e as Error).message ?? e}`);
          this.options.logger.error(`adoption scan of ${org} failed: ${e}`);
        } finally {
          this.addUsage(status, client, before);
        }
      }
      status.state = errors.length ? 'failed' : 'idle';
      status.lastError = errors.length ? errors.join('; ') : null;
      status.finishedAt = this.now().toISOString();
      await this.options.store.finishScan(scanId, status);
      await this.options.store.recordDay(day(this.now()), [...this.records.values()].map(r => r.result));
      await this.options.store.pruneHistory(day(new Date(this.now().getTime() - HISTORY_DAYS * DAY_MS)));
      this.options.logger.info(
        `adoption scan (${trigger}): ${status.reposDone} repos, ${status.reposFetched} read, ${status.requestsUsed.graphql} GraphQL + ${status.requestsUsed.rest} REST requests (${status.requestsUsed.rest304} free 304s)`,
      );
      return this.status();
    } finally {
      this.running = undefined;
      done();
    }
  }

  /** Reads the named repository now (webhook): one GraphQL request plus its proof runs. */
  async scanRepo(owner: string, name: string, trigger = 'webhook'): Promise<RepoAdoption | undefined> {
    if (!this.configured) return undefined;
    const org = this.options.config.orgs.find(o => o.toLowerCase() === owner.toLowerCase());
    if (!org) return undefined;
    const client = this.options.clientFor!(org);
    const progress: ScanProgress = { addTotal() {}, repoDone() {}, repoFetched() {} };
    const { records, missing } = await this.scanner.scanRepos(client, [{ owner, name }], this.records, progress);
    await this.commit(records, records, missing);
    this.options.logger.info(`adoption: rescanned ${owner}/${name} (${trigger})`);
    return records[0]?.result;
  }

  private begin(trigger: string): AdoptionScanStatus {
    this.current = { ...idle(), state: 'running', trigger, startedAt: this.now().toISOString() };
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

  private addUsage(status: AdoptionScanStatus, client: GitHubClient, before: GitHubClient['usage']) {
    status.requestsUsed.graphql += client.usage.graphql - before.graphql;
    status.requestsUsed.rest += client.usage.rest - before.rest;
    status.requestsUsed.rest304 += client.usage.rest304 - before.rest304;
    status.rateLimit = { remaining: client.usage.remaining, resetAt: client.usage.resetAt };
  }

  private async commit(records: RepoScanRecord[], dirty: RepoScanRecord[], gone: string[]) {
    await this.options.store.saveRepos(dirty);
    if (gone.length) await this.options.store.deleteRepos(gone);
    for (const r of records) this.records.set(repoKey(r.owner, r.name), r);
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
    const names = [...configured.map(t => t.name), ...(repos.some(r => r.tranche === null) ? [null] : [])];
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
            ...(blockerUrl(b, members[0]?.url.replace(/\/[^/]+\/[^/]+$/, '')) && {
              url: blockerUrl(b, members[0]?.url.replace(/\/[^/]+\/[^/]+$/, '')),
            }),
          })),
        progress: members.length ? Math.round((stages.adopted / members.length) * 1000) / 10 : 0,
        trend: [...days.entries()].map(([d, s]) => ({ day: d, stages: s })),
      };
    });
  }

  sourceStatus(): SourceStatus {
    const configured = this.options.config.orgs.length;
    const base = { source: 'adoption' as const, configured };
    if (!configured) return { ...base, state: 'not-configured', message: 'No gloriousflywheel.github.orgs configured' };
    const s = this.current;
    const repos = this.options.hub.list().length;
    if (s.state === 'failed') return { ...base, state: repos ? 'degraded' : 'error', message: `Last scan failed: ${s.lastError}`, ...(s.finishedAt && { since: s.finishedAt }) };
    if (!repos && s.state === 'running') return { ...base, state: 'starting', message: `First scan running: ${s.reposDone}/${s.reposTotal} repositories` };
    if (!repos) return { ...base, state: 'starting', message: 'Waiting for the first scan' };
    return { ...base, state: 'ok', message: `${repos} repositories scanned`, ...(s.finishedAt && { since: s.finishedAt }) };
  }
}
