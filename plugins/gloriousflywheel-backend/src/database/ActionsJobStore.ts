import { Knex } from 'knex';
import {
  ActionsJob,
  ActionsJobStatus,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

const JOBS = 'gloriousflywheel_workflow_jobs';
/** Rows per statement: 18 columns each stays well under SQLite's bound-variable limit. */
const CHUNK = 50;

const RANK: Record<ActionsJobStatus, number> = {
  queued: 0,
  waiting: 0,
  in_progress: 1,
  completed: 2,
};

interface JobRow {
  job_id: number | string;
  run_id: number | string;
  repo_key: string;
  repo: string;
  name: string;
  workflow_name: string | null;
  html_url: string | null;
  status: ActionsJobStatus;
  status_rank: number;
  conclusion: string | null;
  labels: string;
  runner_name: string | null;
  runner_group_name: string | null;
  runner_class: string | null;
  scale_set: string | null;
  created_at: number | string;
  started_at: number | string | null;
  completed_at: number | string | null;
  updated_at: number | string;
}

const ms = (iso: string | null) => (iso === null ? null : Date.parse(iso));
const iso = (v: number | string | null) =>
  v === null ? null : new Date(Number(v)).toISOString();
const cut = (s: string | null, n: number) =>
  s === null ? null : s.slice(0, n);

function toRow(job: ActionsJob, at: number): JobRow {
  return {
    job_id: job.id,
    run_id: job.runId,
    repo_key: job.repo.toLowerCase(),
    repo: job.repo,
    name: job.name.slice(0, 255),
    workflow_name: cut(job.workflowName, 255),
    html_url: cut(job.htmlUrl, 1000),
    status: job.status,
    status_rank: RANK[job.status],
    conclusion: cut(job.conclusion, 32),
    labels: JSON.stringify(job.labels),
    runner_name: cut(job.runnerName, 255),
    runner_group_name: cut(job.runnerGroupName, 255),
    runner_class: job.runnerClass,
    scale_set: job.scaleSet,
    created_at: ms(job.createdAt)!,
    started_at: ms(job.startedAt),
    completed_at: ms(job.completedAt),
    updated_at: at,
  };
}

function fromRow(r: JobRow): ActionsJob {
  return {
    id: Number(r.job_id),
    runId: Number(r.run_id),
    repo: r.repo,
    name: r.name,
    workflowName: r.workflow_name,
    htmlUrl: r.html_url,
    status: r.status,
    conclusion: r.conclusion,
    labels: JSON.parse(r.labels),
    runnerName: r.runner_name,
    runnerGroupName: r.runner_group_name,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    completedAt: iso(r.completed_at),
    scaleSet: r.scale_set,
    runnerClass: r.runner_class,
  };
}

/** What the queue service and reconciliation read and write of the stored GitHub Actions jobs. */
export interface ActionsJobRecords {
  /**
   * Stores the jobs' states; returns how many rows changed (a stale or equal state changes none).
   * In `within`, a caller's transaction, when they commit with other writes.
   */
  upsert(
    jobs: readonly ActionsJob[],
    at?: Date,
    within?: Knex.Transaction,
  ): Promise<number>;
  get(jobId: number): Promise<ActionsJob | undefined>;
  /** A repository's jobs, newest first. */
  recentForRepo(repo: string, limit: number): Promise<ActionsJob[]>;
  /** Jobs waiting or running now, and those that started or were queued since `since`. */
  activeOrSince(since: Date): Promise<ActionsJob[]>;
  /** Jobs waiting for a runner, oldest first. */
  waiting(limit: number): Promise<ActionsJob[]>;
  /** Repositories with a job queued or changed since `since`, lower-case `owner/name`. */
  reposActiveSince(since: Date, limit: number): Promise<string[]>;
  /** Runs of a repository with jobs not yet completed (what reconciliation asks GitHub about). */
  openRuns(repo: string): Promise<number[]>;
  /** Forgets jobs queued before `cutoff`; returns how many. */
  deleteQueuedBefore(cutoff: Date): Promise<number>;
  count(): Promise<number>;
}

/**
 * GitHub Actions jobs, the latest state of each: the only place with SQL for them. Events may
 * arrive out of order or twice (webhook redeliveries, reconciliation): a job never moves back from
 * completed to in progress, or from in progress to queued.
 */
export class ActionsJobStore implements ActionsJobRecords {
  constructor(private readonly db: Knex) {}

  async upsert(
    jobs: readonly ActionsJob[],
    at: Date = new Date(),
    within?: Knex.Transaction,
  ): Promise<number> {
    let written = 0;
    // one row per job per statement: the last state given for a job wins within a call
    const latest = new Map<number, ActionsJob>();
    for (const job of jobs) {
      const prev = latest.get(job.id);
      if (!prev || RANK[job.status] >= RANK[prev.status])
        latest.set(job.id, job);
    }
    const rows = [...latest.values()].map(j => toRow(j, at.getTime()));
    // one transaction: one commit however many statements
    const write = async (tx: Knex.Transaction) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const changed = await tx(JOBS)
          .insert(rows.slice(i, i + CHUNK))
          .onConflict('job_id')
          .merge()
          // same rank: a newer copy (runner name, conclusion) may add facts; lower rank: stale
          .where(`${JOBS}.status_rank`, '<=', tx.raw('excluded.status_rank'))
          .returning('job_id');
        written += changed.length;
      }
    };
    await (within ? write(within) : this.db.transaction(write));
    return written;
  }

  async get(jobId: number): Promise<ActionsJob | undefined> {
    const row: JobRow | undefined = await this.db(JOBS)
      .where('job_id', jobId)
      .first();
    return row ? fromRow(row) : undefined;
  }

  async recentForRepo(repo: string, limit: number): Promise<ActionsJob[]> {
    const rows: JobRow[] = await this.db(JOBS)
      .where('repo_key', repo.toLowerCase())
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'job_id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(fromRow);
  }

  async activeOrSince(since: Date): Promise<ActionsJob[]> {
    const t = since.getTime();
    const rows: JobRow[] = await this.db(JOBS)
      .where('status_rank', '<', 2)
      .orWhere('created_at', '>=', t)
      .orWhere('started_at', '>=', t);
    return rows.map(fromRow);
  }

  async waiting(limit: number): Promise<ActionsJob[]> {
    const rows: JobRow[] = await this.db(JOBS)
      .where('status_rank', 0)
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'job_id', order: 'asc' },
      ])
      .limit(limit);
    return rows.map(fromRow);
  }

  async reposActiveSince(since: Date, limit: number): Promise<string[]> {
    const rows: Array<{ repo_key: string }> = await this.db(JOBS)
      .select('repo_key')
      .where('updated_at', '>=', since.getTime())
      .orWhere('status_rank', '<', 2)
      .groupBy('repo_key')
      .orderBy('repo_key')
      .limit(limit);
    return rows.map(r => r.repo_key);
  }

  async openRuns(repo: string): Promise<number[]> {
    const rows: Array<{ run_id: number | string }> = await this.db(JOBS)
      .distinct('run_id')
      .where({ repo_key: repo.toLowerCase() })
      .andWhere('status_rank', '<', 2);
    return rows.map(r => Number(r.run_id));
  }

  async deleteQueuedBefore(cutoff: Date): Promise<number> {
    return this.db(JOBS).where('created_at', '<', cutoff.getTime()).delete();
  }

  async count(): Promise<number> {
    const [{ n }] = await this.db(JOBS).count({ n: '*' });
    return Number(n);
  }
}
