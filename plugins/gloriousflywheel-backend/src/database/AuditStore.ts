import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  AuditOutcome,
  AuditPage,
  AuditRecord,
  AuditVerifyResult,
  ControlAction,
  ScaleSetBounds,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { auditRecordHash } from '../audit/auditChain';

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
}

/** A new attempt, written before anything is done. */
export interface AuditAttempt {
  actor: string;
  action: ControlAction;
  cluster: string;
  namespace: string;
  name: string;
  runnerClass: string | null;
  reason: string;
  requestId: string;
}

/** How an attempt ended. */
export interface AuditCompletion {
  outcome: Exclude<AuditOutcome, 'initiated'>;
  error?: string | null;
  before?: ScaleSetBounds | null;
  after?: ScaleSetBounds | null;
  /** the class as read from the live object, when it was only guessed at initiation */
  runnerClass?: string | null;
}

/** Filters of `GET /audit`. */
export interface AuditQuery {
  actor?: string;
  /** `cluster`, `cluster/namespace` or `cluster/namespace/name` */
  target?: string;
  action?: ControlAction;
  outcome?: AuditOutcome;
  /** ISO 8601, inclusive */
  from?: string;
  /** ISO 8601, exclusive */
  to?: string;
  limit: number;
  offset: number;
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    seq: row.seq === null ? null : Number(row.seq),
    time: row.time,
    completedAt: row.completed_at,
    actor: row.actor,
    action: row.action as ControlAction,
    cluster: row.cluster,
    namespace: row.namespace,
    name: row.name,
    runnerClass: row.runner_class,
    reason: row.reason,
    requestId: row.request_id,
    outcome: row.outcome as AuditOutcome,
    error: row.error,
    before: row.has_before ? { minRunners: row.before_min, maxRunners: row.before_max } : null,
    after: row.has_after ? { minRunners: row.after_min, maxRunners: row.after_max } : null,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const VERIFY_BATCH = 500;

/**
 * The control audit log: the only place with SQL for it. Records are inserted as `initiated`
 * and completed exactly once; completing appends the record to a sha256 hash chain under a lock
 * on the chain head, so concurrent writers (threads or replicas) cannot fork the chain.
 */
export class AuditStore {
  constructor(
    private readonly knex: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async begin(attempt: AuditAttempt): Promise<AuditRecord> {
    const row = {
      id: randomUUID(),
      seq: null,
      time: this.now().toISOString(),
      completed_at: null,
      actor: attempt.actor,
      action: attempt.action,
      cluster: attempt.cluster,
      namespace: attempt.namespace,
      name: attempt.name,
      runner_class: attempt.runnerClass,
      reason: attempt.reason,
      request_id: attempt.requestId,
      outcome: 'initiated',
      error: null,
      before_min: null,
      before_max: null,
      after_min: null,
      after_max: null,
      has_before: false,
      has_after: false,
      prev_hash: null,
      hash: null,
    };
    await this.knex(TABLE).insert(row);
    return toRecord(row);
  }

  /** Completes an initiated record and appends it to the hash chain. */
  async complete(id: string, completion: AuditCompletion): Promise<AuditRecord> {
    return this.knex.transaction(async tx => {
      const head = await this.lockHead(tx);
      const row = await tx<AuditRow>(TABLE).where({ id }).first();
      if (!row) throw new Error(`audit record ${id} does not exist`);
      if (row.outcome !== 'initiated') throw new Error(`audit record ${id} is already completed`);
      const before = completion.before ?? null;
      const after = completion.after ?? null;
      const completed: AuditRecord = {
        ...toRecord(row),
        seq: head.seq + 1,
        completedAt: this.now().toISOString(),
        runnerClass: completion.runnerClass !== undefined ? completion.runnerClass : row.runner_class,
        outcome: completion.outcome,
        error: completion.error ?? null,
        before,
        after,
        prevHash: head.hash,
        hash: null,
      };
      completed.hash = auditRecordHash(completed, head.hash);
      await tx(TABLE)
        .where({ id, outcome: 'initiated' })
        .update({
          seq: completed.seq,
          completed_at: completed.completedAt,
          runner_class: completed.runnerClass,
          outcome: completed.outcome,
          error: completed.error,
          before_min: before?.minRunners ?? null,
          before_max: before?.maxRunners ?? null,
          after_min: after?.minRunners ?? null,
          after_max: after?.maxRunners ?? null,
          has_before: before !== null,
          has_after: after !== null,
          prev_hash: completed.prevHash,
          hash: completed.hash,
        });
      await tx(CHAIN).where({ id: 1 }).update({ seq: completed.seq, hash: completed.hash });
      return completed;
    });
  }

  async get(id: string): Promise<AuditRecord | undefined> {
    const row = await this.knex<AuditRow>(TABLE).where({ id }).first();
    return row && toRecord(row);
  }

  /** Newest first. */
  async list(query: AuditQuery): Promise<AuditPage> {
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
    return { items: rows.map(toRecord), total: Number(count), limit: query.limit, offset: query.offset };
  }

  /**
   * Recomputes the chain from the first completed record: every record must follow its
   * predecessor (seq + 1, prevHash = its hash) and hash to its stored hash, and the last must be
   * the chain head (so deleting the newest records is noticed too).
   */
  async verify(): Promise<AuditVerifyResult> {
    const head = await this.knex(CHAIN).where({ id: 1 }).first();
    let prev = { seq: 0, hash: '' };
    let checked = 0;
    const broken = (id: string, message: string): AuditVerifyResult => ({ ok: false, checked, firstBrokenId: id, message });
    for (;;) {
      const rows = await this.knex<AuditRow>(TABLE)
        .whereNotNull('seq')
        .where('seq', '>', prev.seq)
        .orderBy('seq', 'asc')
        .limit(VERIFY_BATCH);
      for (const row of rows) {
        const record = toRecord(row);
        if (record.seq !== prev.seq + 1) return broken(record.id, `record ${prev.seq + 1} of the chain is missing`);
        if (record.prevHash !== prev.hash) return broken(record.id, `record ${record.seq} does not follow its predecessor`);
        if (record.hash !== auditRecordHash(record, prev.hash)) {
          return broken(record.id, `record ${record.seq} was changed after it was written`);
        }
        checked++;
        prev = { seq: record.seq!, hash: record.hash! };
      }
      if (rows.length < VERIFY_BATCH) break;
    }
    if (!head || Number(head.seq) !== prev.seq || head.hash !== prev.hash) {
      return { ok: false, checked, message: `the chain ends at record ${prev.seq} but its head says ${head?.seq}` };
    }
    return { ok: true, checked };
  }

  private async lockHead(tx: Knex.Transaction): Promise<{ seq: number; hash: string }> {
    if (this.knex.client.dialect === 'postgresql') {
      const row = await tx(CHAIN).where({ id: 1 }).forUpdate().first();
      return { seq: Number(row.seq), hash: row.hash };
    }
    // SQLite has no row locks: writing first takes the database's write lock for the transaction.
    await tx(CHAIN).where({ id: 1 }).update({ seq: tx.raw('seq') });
    const row = await tx(CHAIN).where({ id: 1 }).first();
    return { seq: Number(row.seq), hash: row.hash };
  }
}
