import { Knex } from 'knex';
import type {
  AdoptionScanStatus,
  AdoptionStage,
  RepoAdoption,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { repoKey } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { RepoScanRecord } from '../adoption/types';

const REPOS = 'gloriousflywheel_adoption_repos';
const HISTORY = 'gloriousflywheel_adoption_history';
const SCANS = 'gloriousflywheel_adoption_scans';
const MARKS = 'gloriousflywheel_adoption_scan_marks';
/** Rows per statement: well under SQLite's bound-variable limit. */
const CHUNK = 50;

/** Where the next warm scan of an organisation may stop, and when it was last listed whole. */
export interface AdoptionScanMark {
  /** newest `pushedAt` listed; null when the organisation has no repository */
  pushedAt: string | null;
  /** milliseconds since the epoch of the last full listing; null = never */
  listedAt: number | null;
}

interface RepoRow {
  repo_key: string;
  owner: string;
  name: string;
  head_oid: string | null;
  scanned_at: number | string;
  inputs: string;
  runs: string;
  result: string;
  config_hash: string;
}

const chunks = <T>(items: readonly T[], size = CHUNK): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

/** What the adoption service reads and writes of stored adoption results, daily history and scan runs. */
export interface AdoptionRecords {
  loadRepos(): Promise<RepoScanRecord[]>;
  saveRepos(records: readonly RepoScanRecord[]): Promise<void>;
  deleteRepos(keys: readonly string[]): Promise<void>;
  /** Records (or overwrites) today's row of each repository. */
  recordDay(day: string, results: readonly RepoAdoption[]): Promise<void>;
  /** Repositories per tranche, day and stage since `sinceDay` (inclusive), oldest first. */
  stageTrend(sinceDay: string): Promise<
    {
      tranche: string | null;
      day: string;
      stage: AdoptionStage;
      repos: number;
    }[]
  >;
  pruneHistory(beforeDay: string): Promise<number>;
  startScan(trigger: string, startedAt: Date): Promise<number>;
  finishScan(id: number, status: AdoptionScanStatus): Promise<void>;
  /** The most recent scan run, for the status after a restart. */
  lastScan(): Promise<AdoptionScanStatus | undefined>;
  scanMark(org: string): Promise<AdoptionScanMark | undefined>;
  saveScanMark(org: string, mark: AdoptionScanMark): Promise<void>;
}

/**
 * Adoption results, daily history and scan runs: the only place with SQL for them.
 */
export class AdoptionStore implements AdoptionRecords {
  constructor(private readonly db: Knex) {}

  async loadRepos(): Promise<RepoScanRecord[]> {
    const rows: RepoRow[] = await this.db(REPOS).select();
    return rows.map(r => {
      const result = JSON.parse(r.result) as RepoAdoption;
      return {
        owner: r.owner,
        name: r.name,
        headOid: r.head_oid,
        scannedAt: Number(r.scanned_at),
        inputs: JSON.parse(r.inputs),
        runs: JSON.parse(r.runs),
        // Results stored before migration pull requests were read have none (the next scan adds them).
        result: {
          ...result,
          migrationPullRequests: result.migrationPullRequests ?? [],
        },
        configHash: r.config_hash,
      };
    });
  }

  async saveRepos(records: readonly RepoScanRecord[]): Promise<void> {
    for (const chunk of chunks(records)) {
      await this.db(REPOS)
        .insert(
          chunk.map(r => ({
            repo_key: repoKey(r.owner, r.name),
            owner: r.owner,
            name: r.name,
            head_oid: r.headOid,
            scanned_at: r.scannedAt,
            inputs: JSON.stringify(r.inputs),
            runs: JSON.stringify(r.runs),
            result: JSON.stringify(r.result),
            config_hash: r.configHash,
          })),
        )
        .onConflict('repo_key')
        .merge();
    }
  }

  async deleteRepos(keys: readonly string[]): Promise<void> {
    for (const chunk of chunks(keys))
      await this.db(REPOS).whereIn('repo_key', chunk).delete();
  }

  async recordDay(
    day: string,
    results: readonly RepoAdoption[],
  ): Promise<void> {
    for (const chunk of chunks(results)) {
      await this.db(HISTORY)
        .insert(
          chunk.map(r => ({
            repo_key: repoKey(r.owner, r.name),
            day,
            tranche: r.tranche,
            stage: r.stage,
            pass: r.scorecard.counts.pass,
            fail: r.scorecard.counts.fail,
            exempt: r.scorecard.counts.exempt,
            unknown: r.scorecard.counts.unknown,
            hosted_jobs: r.hostedJobs,
          })),
        )
        .onConflict(['repo_key', 'day'])
        .merge();
    }
  }

  async stageTrend(sinceDay: string): Promise<
    {
      tranche: string | null;
      day: string;
      stage: AdoptionStage;
      repos: number;
    }[]
  > {
    type TrendRow = {
      tranche: string | null;
      day: string;
      stage: string;
      repos: number | string;
    };
    const rows = (await this.db(HISTORY)
      .select('tranche', 'day', 'stage')
      .count({ repos: '*' })
      .where('day', '>=', sinceDay)
      .groupBy('tranche', 'day', 'stage')
      .orderBy('day', 'asc')) as unknown as TrendRow[];
    return rows.map(r => ({
      tranche: r.tranche ?? null,
      day: String(r.day),
      stage: r.stage as AdoptionStage,
      repos: Number(r.repos),
    }));
  }

  async pruneHistory(beforeDay: string): Promise<number> {
    return this.db(HISTORY).where('day', '<', beforeDay).delete();
  }

  async startScan(trigger: string, startedAt: Date): Promise<number> {
    const [row] = await this.db(SCANS)
      .insert({ trigger, state: 'running', started_at: startedAt.getTime() })
      .returning('id');
    return Number(typeof row === 'object' ? row.id : row);
  }

  async finishScan(id: number, status: AdoptionScanStatus): Promise<void> {
    await this.db(SCANS)
      .where('id', id)
      .update({
        state: status.state,
        finished_at: status.finishedAt
          ? Date.parse(status.finishedAt)
          : Date.now(),
        repos_total: status.reposTotal,
        repos_fetched: status.reposFetched,
        graphql_requests: status.requestsUsed.graphql,
        rest_requests: status.requestsUsed.rest,
        rest_304: status.requestsUsed.rest304,
        error: status.lastError,
      });
  }

  async lastScan(): Promise<AdoptionScanStatus | undefined> {
    const row = await this.db(SCANS).orderBy('id', 'desc').first();
    if (!row) return undefined;
    return {
      // a run left 'running' by a stopped process is not running any more
      state: row.state === 'running' ? 'failed' : row.state,
      trigger: row.trigger,
      startedAt: new Date(Number(row.started_at)).toISOString(),
      finishedAt:
        row.finished_at === null
          ? null
          : new Date(Number(row.finished_at)).toISOString(),
      reposDone: row.repos_total,
      reposTotal: row.repos_total,
      reposFetched: row.repos_fetched,
      requestsUsed: {
        graphql: row.graphql_requests,
        rest: row.rest_requests,
        rest304: row.rest_304,
      },
      rateLimit: { remaining: null, resetAt: null },
      lastError:
        row.state === 'running' ? 'interrupted by a restart' : row.error,
    };
  }

  async scanMark(org: string): Promise<AdoptionScanMark | undefined> {
    const row = await this.db(MARKS).where('org', org.toLowerCase()).first();
    if (!row) return undefined;
    return {
      pushedAt: row.pushed_at,
      listedAt: row.listed_at === null ? null : Number(row.listed_at),
    };
  }

  async saveScanMark(org: string, mark: AdoptionScanMark): Promise<void> {
    await this.db(MARKS)
      .insert({
        org: org.toLowerCase(),
        pushed_at: mark.pushedAt,
        listed_at: mark.listedAt,
      })
      .onConflict('org')
      .merge();
  }
}
