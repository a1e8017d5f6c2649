import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  AuditAction,
  AuditChainPosition,
  AuditOutcome,
  AuditPage,
  AuditQuery,
  AuditRecord,
  AuditVerifyResult,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  AuditChainCheck,
  AuditChainEntry,
  auditRecordHash,
  initiatedSnapshot,
} from '../audit/auditChain';

const TABLE = 'gloriousflywheel_audit';
const CHAIN = 'gloriousflywheel_audit_chain';

interface AuditRow {
  id: string;
  seq: number | string | null;
  time: string;
  completed_at: string | null;
  actor: string;
  action: string;
  cluster: string;
  namespace: string;
  name: string;
  runner_class: string | null;
  reason: string;
  request_id: string;
  outcome: string;
  error: string | null;
  before_min: number | null;
  before_max: number | null;
  after_min: number | null;
  after_max: number | null;
  // SQLite answers 0/1
  has_before: boolean | number;
  has_after: boolean | number;
  prev_hash: string | null;
  hash: string | null;
  // the initiation entry, kept once the completion entry supersedes it (null: completed before
  // initiations were chained)
  initiated_seq: number | string | null;
  initiated_prev_hash: string | null;
  initiated_hash: string | null;
  initiated_runner_class: string | null;
}

/** A new attempt, written before anything is done: the record's fields the caller knows. */
export type AuditAttempt = Pick<
  AuditRecord,
  | 'actor'
  | 'action'
  | 'cluster'
  | 'namespace'
  | 'name'
  | 'runnerClass'
  | 'reason'
  | 'requestId'
>;

/** How an attempt ended. */
export interface AuditCompletion
  extends Partial<Pick<AuditRecord, 'error' | 'before' | 'after'>> {
  outcome: Exclude<AuditOutcome, 'initiated'>;
  /** the class as read from the live object, when it was only guessed at initiation */
  runnerClass?: string | null;
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    seq: row.seq === null ? null : Number(row.seq),
    time: row.time,
    completedAt: row.completed_at,
    actor: row.actor,
    action: row.action as AuditAction,
    cluster: row.cluster,
    namespace: row.namespace,
    name: row.name,
    runnerClass: row.runner_class,
    reason: row.reason,
    requestId: row.request_id,
    outcome: row.outcome as AuditOutcome,
    error: row.error,
    before: row.has_before
      ? { minRunners: row.before_min, maxRunners: row.before_max }
      : null,
    after: row.has_after
      ? { minRunners: row.after_min, maxRunners: row.after_max }
      : null,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The row columns of a record (all but the initiation entry's). */
function rowOf(record: AuditRecord) {
  return {
    id: record.id,
    seq: record.seq,
    time: record.time,
    completed_at: record.completedAt,
    actor: record.actor,
    action: record.action,
    cluster: record.cluster,
    namespace: record.namespace,
    name: record.name,
    runner_class: record.runnerClass,
    reason: record.reason,
    request_id: record.requestId,
    outcome: record.outcome,
    error: record.error,
    before_min: record.before?.minRunners ?? null,
    before_max: record.before?.maxRunners ?? null,
    after_min: record.after?.minRunners ?? null,
    after_max: record.after?.maxRunners ?? null,
    has_before: record.before !== null,
    has_after: record.after !== null,
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

/** The chain entries a row holds: its initiation (once superseded) and its current state. */
function entriesOf(row: AuditRow): AuditChainEntry[] {
  const record = toRecord(row);
  const entries: AuditChainEntry[] = [];
  const initiatedSeq =
    row.initiated_seq === null ? null : Number(row.initiated_seq);
  if (initiatedSeq !== null && initiatedSeq !== record.seq) {
    const initiation = {
      seq: initiatedSeq,
      prevHash: row.initiated_prev_hash,
      hash: row.initiated_hash,
      runnerClass: row.initiated_runner_class,
    };
    entries.push({
      snapshot: initiatedSnapshot(record, initiation),
      latest: false,
    });
  }
  if (record.seq !== null) entries.push({ snapshot: record, latest: true });
  return entries;
}

/** Positions of the chain read per query while verifying. */
const VERIFY_BATCH = 500;

/** The pause/resume audit log as control, the pause-revert watch and the audit routes use it. */
export interface AuditLog {
  /** Writes a new attempt as `initiated`: the chain's next entry. */
  begin(attempt: AuditAttempt): Promise<AuditRecord>;
  /**
   * Like `begin`, unless a record with the attempt's request id exists: then that one, and nothing
   * is written. The check runs under the chain-head lock, so replicas recording the same
   * deterministic id (the pause-revert watch) write it once.
   */
  beginOnce(
    attempt: AuditAttempt,
  ): Promise<{ record: AuditRecord; created: boolean }>;
  /** Completes an initiated record: the chain's next entry, superseding its initiation entry. */
  complete(id: string, completion: AuditCompletion): Promise<AuditRecord>;
  get(id: string): Promise<AuditRecord | undefined>;
  /** The record of a request id (the pause-revert watch's ids are deterministic). */
  findByRequestId(requestId: string): Promise<AuditRecord | undefined>;
  /** Newest first. */
  list(
    query: AuditQuery & { limit: number; offset: number },
  ): Promise<AuditPage>;
  /**
   * Recomputes the chain from its first entry (see `AuditChainCheck`): a changed field, a removed
   * record in any state, removed newest entries, a row outside the chain, and (given an anchor from
   * a shipped auditor event) a rewritten chain each answer `ok: false`. Reads one snapshot, so
   * records completing meanwhile never look like a break.
   */
  verify(options?: { anchor?: AuditChainPosition }): Promise<AuditVerifyResult>;
}

/**
 * The control audit log: the only place with SQL for it. A record is inserted as `initiated` and
 * completed exactly once; both append an entry to a sha256 hash chain under a lock on the chain
 * head, so concurrent writers (threads or replicas) cannot fork the chain. The row holds its
 * current state's entry (`seq`, `prev_hash`, `hash`); once completed, its initiation entry is
 * kept in the `initiated_*` columns, so deleting or changing any record, in any state, breaks the
 * chain.
 */
export class AuditStore implements AuditLog {
  constructor(
    private readonly knex: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async begin(attempt: AuditAttempt): Promise<AuditRecord> {
    return this.knex.transaction(async tx =>
      this.insertInitiated(tx, attempt, await this.lockHead(tx)),
    );
  }

  async beginOnce(
    attempt: AuditAttempt,
  ): Promise<{ record: AuditRecord; created: boolean }> {
    return this.knex.transaction(async tx => {
      const head = await this.lockHead(tx);
      const known = await tx<AuditRow>(TABLE)
        .where({ request_id: attempt.requestId })
        .orderBy('time', 'asc')
        .first();
      if (known) return { record: toRecord(known), created: false };
      return {
        record: await this.insertInitiated(tx, attempt, head),
        created: true,
      };
    });
  }

  private async insertInitiated(
    tx: Knex.Transaction,
    attempt: AuditAttempt,
    head: { seq: number; hash: string },
  ): Promise<AuditRecord> {
    const time = this.now().toISOString();
    const record: AuditRecord = {
      id: randomUUID(),
      seq: head.seq + 1,
      time,
      completedAt: null,
      actor: attempt.actor,
      action: attempt.action,
      cluster: attempt.cluster,
      namespace: attempt.namespace,
      name: attempt.name,
      runnerClass: attempt.runnerClass,
      reason: attempt.reason,
      requestId: attempt.requestId,
      outcome: 'initiated',
      error: null,
      before: null,
      after: null,
      prevHash: head.hash,
      hash: null,
    };
    record.hash = auditRecordHash(record, head.hash);
    await tx(TABLE).insert({
      ...rowOf(record),
      initiated_seq: record.seq,
      initiated_prev_hash: record.prevHash,
      initiated_hash: record.hash,
      initiated_runner_class: record.runnerClass,
    });
    await tx(CHAIN)
      .where({ id: 1 })
      .update({ seq: record.seq, hash: record.hash });
    return record;
  }

  async complete(
    id: string,
    completion: AuditCompletion,
  ): Promise<AuditRecord> {
    return this.knex.transaction(async tx => {
      const head = await this.lockHead(tx);
      const row = await tx<AuditRow>(TABLE).where({ id }).first();
      if (!row) throw new Error(`audit record ${id} does not exist`);
      if (row.outcome !== 'initiated')
        throw new Error(`audit record ${id} is already completed`);
      const completed: AuditRecord = {
        ...toRecord(row),
        seq: head.seq + 1,
        completedAt: this.now().toISOString(),
        runnerClass:
          completion.runnerClass !== undefined
            ? completion.runnerClass
            : row.runner_class,
        outcome: completion.outcome,
        error: completion.error ?? null,
        before: completion.before ?? null,
        after: completion.after ?? null,
        prevHash: head.hash,
        hash: null,
      };
      completed.hash = auditRecordHash(completed, head.hash);
      const { id: _id, ...columns } = rowOf(completed);
      await tx(TABLE).where({ id, outcome: 'initiated' }).update(columns);
      await tx(CHAIN)
        .where({ id: 1 })
        .update({ seq: completed.seq, hash: completed.hash });
      return completed;
    });
  }

  async get(id: string): Promise<AuditRecord | undefined> {
    const row = await this.knex<AuditRow>(TABLE).where({ id }).first();
    return row && toRecord(row);
  }

  async findByRequestId(requestId: string): Promise<AuditRecord | undefined> {
    const row = await this.knex<AuditRow>(TABLE)
      .where({ request_id: requestId })
      .orderBy('time', 'asc')
      .first();
    return row && toRecord(row);
  }

  async list(
    query: AuditQuery & { limit: number; offset: number },
  ): Promise<AuditPage> {
    const filtered = () => {
      const q = this.knex<AuditRow>(TABLE);
      if (query.actor) q.where('actor', query.actor);
      if (query.action) q.where('action', query.action);
      if (query.outcome) q.where('outcome', query.outcome);
      if (query.from) q.where('time', '>=', query.from);
      if (query.to) q.where('time', '<', query.to);
      if (query.target) {
        const [cluster, namespace, name] = query.target.split('/');
        q.where('cluster', cluster);
        if (namespace) q.where('namespace', namespace);
        if (name) q.where('name', name);
      }
      return q;
    };
    const [{ count }] = await filtered().count({ count: '*' });
    const rows = await filtered()
      .select('*')
      .orderBy([
        { column: 'time', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(query.limit)
      .offset(query.offset);
    return {
      items: rows.map(toRecord),
      total: Number(count),
      limit: query.limit,
      offset: query.offset,
    };
  }

  async verify(
    options: { anchor?: AuditChainPosition } = {},
  ): Promise<AuditVerifyResult> {
    // PostgreSQL: one snapshot for every query; SQLite transactions are serialised already.
    const snapshot: Knex.TransactionConfig =
      this.knex.client.dialect === 'postgresql'
        ? { isolationLevel: 'repeatable read', readOnly: true }
        : {};
    return this.knex.transaction(async tx => {
      const check = new AuditChainCheck(options.anchor);
      const last = await tx(TABLE)
        .max({ seq: 'seq', initiated: 'initiated_seq' })
        .first();
      const end = Math.max(
        Number(last?.seq ?? 0),
        Number(last?.initiated ?? 0),
      );
      for (let from = 1; from <= end; from += VERIFY_BATCH) {
        const to = from + VERIFY_BATCH - 1;
        const rows = await tx<AuditRow>(TABLE)
          .whereBetween('seq', [from, to])
          .orWhereBetween('initiated_seq', [from, to]);
        const entries = rows
          .flatMap(entriesOf)
          .filter(e => e.snapshot.seq! >= from && e.snapshot.seq! <= to)
          .sort((a, b) => a.snapshot.seq! - b.snapshot.seq!);
        for (const entry of entries) {
          const broken = check.next(entry);
          if (broken) return broken;
        }
      }
      const outside = await tx<AuditRow>(TABLE)
        .whereNull('seq')
        .orWhere('seq', '<', 1)
        .orWhere('initiated_seq', '<', 1)
        .orderBy('time')
        .first('id');
      if (outside)
        return check.broken(
          outside.id,
          `record ${outside.id} is not in the chain`,
        );
      const head = await tx(CHAIN).where({ id: 1 }).first();
      return check.end(head && { seq: Number(head.seq), hash: head.hash });
    }, snapshot);
  }

  private async lockHead(
    tx: Knex.Transaction,
  ): Promise<{ seq: number; hash: string }> {
    if (this.knex.client.dialect === 'postgresql') {
      const row = await tx(CHAIN).where({ id: 1 }).forUpdate().first();
      return { seq: Number(row.seq), hash: row.hash };
    }
    // SQLite has no row locks: writing first takes the database's write lock for the transaction.
    await tx(CHAIN)
      .where({ id: 1 })
      .update({ seq: tx.raw('seq') });
    const row = await tx(CHAIN).where({ id: 1 }).first();
    return { seq: Number(row.seq), hash: row.hash };
  }
}
