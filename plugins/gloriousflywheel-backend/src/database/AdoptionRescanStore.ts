import { Knex } from 'knex';
import { repoKey } from '@tinyland/backstage-plugin-gloriousflywheel-node';

const DELIVERIES = 'gloriousflywheel_adoption_webhook_deliveries';
const RESCANS = 'gloriousflywheel_adoption_rescans';
/** Rows per statement: well under SQLite's bound-variable limit. */
const CHUNK = 50;

/** `repo_key` of a requested full scan (every repository). */
export const ALL_REPOS = '*';

/**
 * How many webhook deliveries are remembered for de-duplication, and for how long. Each store
 * (per replica) prunes after every 1% of `maxDeliveries` it records, so the table may hold that many more.
 */
export interface DeliveryRetention {
  maxDeliveries: number;
  maxAgeMs: number;
}

/**
 * GitHub lets an admin redeliver deliveries of the past three days; a week covers that with room,
 * and the count cap bounds the table whatever the traffic.
 */
export const DEFAULT_DELIVERY_RETENTION: DeliveryRetention = {
  maxDeliveries: 10_000,
  maxAgeMs: 7 * 24 * 3600_000,
};

/** A signed delivery as the webhook route hands it over. */
export interface WebhookDelivery {
  deliveryId: string;
  /** hex SHA-256 of the exact signed body */
  payloadSha256: string;
  event: string;
  /** The repository to rescan; absent when the delivery changes nothing (ping, other events). */
  repo?: { owner: string; name: string };
  receivedAt: Date;
}

/** A rescan waiting for the scan task. */
export interface RescanRequest {
  repoKey: string;
  owner: string;
  name: string;
  /** identifies this request: a newer request for the same repository replaces it */
  requestId: string;
  requestedAt: number;
  lastError: string | null;
}

/** What the scan status shows about webhook deliveries and waiting rescans. */
export interface RescanSummary {
  deliveries: number;
  duplicates: number;
  pendingRepos: number;
  /** when the full scan still waiting was requested; null when none waits (or it is running) */
  fullScanRequestedAt: number | null;
  lastFailure: { at: number; message: string } | null;
}

interface RescanRow {
  repo_key: string;
  owner: string;
  name: string;
  request_id: string;
  requested_at: number | string;
  last_error: string | null;
}

const chunks = <T>(items: readonly T[], size = CHUNK): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );

/** What the adoption and queue services read and write of webhook deliveries and waiting rescans. */
export interface AdoptionRescans {
  /**
   * Records a delivery and queues its repository, in one transaction; `duplicate` (and nothing
   * queued) when its delivery id or its exact body was recorded before.
   */
  recordDelivery(delivery: WebhookDelivery): Promise<'recorded' | 'duplicate'>;
  /**
   * Records deliveries that queue no rescan (the queue's `workflow_job` ones) in one transaction
   * with what they carry: `write` gets the transaction and which deliveries are new (a repeat of
   * an id or a body, stored or earlier in the list, is not), and a failure records none of them.
   */
  recordDeliveriesWith(
    deliveries: readonly WebhookDelivery[],
    write: (
      tx: Knex.Transaction,
      recorded: readonly boolean[],
    ) => Promise<void>,
  ): Promise<boolean[]>;
  /** Forgets deliveries past the retention age and beyond the newest `maxDeliveries`. */
  pruneDeliveries(now: number): Promise<void>;
  countDeliveries(): Promise<number>;
  /**
   * Queues a full scan in one statement, so requests at once on several replicas queue one:
   * `added` when this request queued it, `joined` when it joins one still waiting, `running` when
   * it joins the full scan a scan-task run has claimed (see {@link AdoptionRescans.claimFullScan}).
   */
  requestFullScan(
    requestId: string,
    at: Date,
  ): Promise<'added' | 'joined' | 'running'>;
  /**
   * Takes the full scan for the scan-task run `claimId` (under the scheduler's lock, so any other
   * claim is a stopped replica's): a waiting request becomes this run's, and a scheduled run
   * queues its own, so requests from here until {@link AdoptionRescans.releaseFullScan} join it.
   */
  claimFullScan(claimId: string, at: Date): Promise<void>;
  /** Ends the claim of `claimId` with its request; a claim taken over by a later run stays. */
  releaseFullScan(claimId: string): Promise<void>;
  /** Waiting rescans, oldest first. */
  pending(): Promise<RescanRequest[]>;
  hasPending(): Promise<boolean>;
  /** Removes done requests; one replaced by a newer request meanwhile stays. */
  complete(requests: readonly RescanRequest[]): Promise<void>;
  /** Keeps failed requests for the next run, with why they failed. */
  fail(
    requests: readonly RescanRequest[],
    message: string,
    at: Date,
  ): Promise<void>;
  summary(): Promise<RescanSummary>;
}

/**
 * Webhook deliveries already handled and rescans waiting for the scan task: the only place with SQL
 * for them. Both live in the plugin database, so every replica and a restarted one see the same.
 */
export class AdoptionRescanStore implements AdoptionRescans {
  /** deliveries this store recorded since it last pruned */
  private sincePrune = 0;

  constructor(
    private readonly db: Knex,
    private readonly retention: DeliveryRetention = DEFAULT_DELIVERY_RETENTION,
  ) {}

  async recordDelivery(
    delivery: WebhookDelivery,
  ): Promise<'recorded' | 'duplicate'> {
    const { deliveryId, payloadSha256, repo } = delivery;
    const at = delivery.receivedAt.getTime();
    const recorded = await this.db.transaction(async tx => {
      const inserted = await tx(DELIVERIES)
        .insert({
          delivery_id: deliveryId,
          payload_sha256: payloadSha256,
          event: delivery.event,
          repo_key: repo ? repoKey(repo.owner, repo.name) : null,
          received_at: at,
        })
        // either unique key (id or body) makes it a duplicate
        .onConflict()
        .ignore()
        .returning('delivery_id');
      if (!inserted.length) {
        await tx(DELIVERIES)
          .where('delivery_id', deliveryId)
          .orWhere('payload_sha256', payloadSha256)
          .increment('replays', 1);
        return false;
      }
      if (repo) {
        await tx(RESCANS)
          .insert({
            repo_key: repoKey(repo.owner, repo.name),
            owner: repo.owner,
            name: repo.name,
            request_id: deliveryId,
            requested_at: at,
            last_error: null,
            failed_at: null,
          })
          .onConflict('repo_key')
          .merge();
      }
      return true;
    });
    if (recorded) await this.noteRecorded(1, at);
    return recorded ? 'recorded' : 'duplicate';
  }

  async recordDeliveriesWith(
    deliveries: readonly WebhookDelivery[],
    write: (
      tx: Knex.Transaction,
      recorded: readonly boolean[],
    ) => Promise<void>,
  ): Promise<boolean[]> {
    const ids = new Set<string>();
    const bodies = new Set<string>();
    // repeats within the list are duplicates before the database is asked
    const first = deliveries.map(d => {
      const repeat = ids.has(d.deliveryId) || bodies.has(d.payloadSha256);
      ids.add(d.deliveryId);
      bodies.add(d.payloadSha256);
      return !repeat;
    });
    const fresh = deliveries.filter((_, i) => first[i]);
    const recorded = await this.db.transaction(async tx => {
      const inserted = new Set<string>();
      for (const part of chunks(fresh)) {
        const rows: Array<{ delivery_id: string }> = await tx(DELIVERIES)
          .insert(
            part.map(d => ({
              delivery_id: d.deliveryId,
              payload_sha256: d.payloadSha256,
              event: d.event,
              repo_key: null,
              received_at: d.receivedAt.getTime(),
            })),
          )
          .onConflict()
          .ignore()
          .returning('delivery_id');
        for (const r of rows) inserted.add(r.delivery_id);
      }
      const result = deliveries.map(
        (d, i) => first[i] && inserted.has(d.deliveryId),
      );
      for (const [i, d] of deliveries.entries()) {
        if (result[i]) continue;
        await tx(DELIVERIES)
          .where('delivery_id', d.deliveryId)
          .orWhere('payload_sha256', d.payloadSha256)
          .increment('replays', 1);
      }
      await write(tx, result);
      return result;
    });
    const n = recorded.filter(Boolean).length;
    if (n)
      await this.noteRecorded(
        n,
        Math.max(...deliveries.map(d => d.receivedAt.getTime())),
      );
    return recorded;
  }

  /** The cap's query walks the newest maxDeliveries rows: it runs per 1% of the cap recorded, not per delivery. */
  private async noteRecorded(count: number, at: number): Promise<void> {
    this.sincePrune += count;
    if (
      this.sincePrune <
      Math.max(1, Math.floor(this.retention.maxDeliveries / 100))
    )
      return;
    this.sincePrune = 0;
    await this.pruneDeliveries(at);
  }

  async pruneDeliveries(now: number): Promise<void> {
    await this.db(DELIVERIES)
      .where('received_at', '<', now - this.retention.maxAgeMs)
      .delete();
    const beyondCap = this.db(DELIVERIES)
      .select('delivery_id')
      .orderBy([
        { column: 'received_at', order: 'desc' },
        { column: 'delivery_id', order: 'desc' },
      ])
      .limit(1_000_000)
      .offset(this.retention.maxDeliveries);
    await this.db(DELIVERIES).whereIn('delivery_id', beyondCap).delete();
  }

  async countDeliveries(): Promise<number> {
    const [{ n }] = await this.db(DELIVERIES).count({ n: '*' });
    return Number(n);
  }

  async requestFullScan(
    requestId: string,
    at: Date,
  ): Promise<'added' | 'joined' | 'running'> {
    // An upsert that changes nothing returns the row as it is, whoever wrote it.
    const [row] = await this.db(RESCANS)
      .insert({
        repo_key: ALL_REPOS,
        owner: '',
        name: '',
        request_id: requestId,
        requested_at: at.getTime(),
      })
      .onConflict('repo_key')
      .merge(['owner'])
      .returning(['request_id', 'claimed_by']);
    if (row.claimed_by) return 'running';
    return row.request_id === requestId ? 'added' : 'joined';
  }

  async claimFullScan(claimId: string, at: Date): Promise<void> {
    await this.db(RESCANS)
      .insert({
        repo_key: ALL_REPOS,
        owner: '',
        name: '',
        request_id: claimId,
        requested_at: at.getTime(),
        claimed_by: claimId,
      })
      .onConflict('repo_key')
      .merge(['claimed_by']);
  }

  async releaseFullScan(claimId: string): Promise<void> {
    await this.db(RESCANS)
      .where({ repo_key: ALL_REPOS, claimed_by: claimId })
      .delete();
  }

  async pending(): Promise<RescanRequest[]> {
    const rows: RescanRow[] = await this.db(RESCANS)
      .select()
      .orderBy('requested_at', 'asc');
    return rows.map(r => ({
      repoKey: r.repo_key,
      owner: r.owner,
      name: r.name,
      requestId: r.request_id,
      requestedAt: Number(r.requested_at),
      lastError: r.last_error,
    }));
  }

  async hasPending(): Promise<boolean> {
    return !!(await this.db(RESCANS).first('repo_key'));
  }

  async complete(requests: readonly RescanRequest[]): Promise<void> {
    for (const chunk of chunks(requests)) {
      await this.db(RESCANS)
        .where(q => {
          for (const r of chunk)
            q.orWhere({ repo_key: r.repoKey, request_id: r.requestId });
        })
        .delete();
    }
  }

  async fail(
    requests: readonly RescanRequest[],
    message: string,
    at: Date,
  ): Promise<void> {
    for (const chunk of chunks(requests)) {
      await this.db(RESCANS)
        .where(q => {
          for (const r of chunk)
            q.orWhere({ repo_key: r.repoKey, request_id: r.requestId });
        })
        .update({
          last_error: message.slice(0, 2000),
          failed_at: at.getTime(),
        });
    }
  }

  async summary(): Promise<RescanSummary> {
    const [deliveries] = await this.db(DELIVERIES)
      .count({ n: '*' })
      .sum({ replays: 'replays' });
    const [repos] = await this.db(RESCANS)
      .whereNot('repo_key', ALL_REPOS)
      .count({ n: '*' });
    const full = await this.db(RESCANS)
      .where('repo_key', ALL_REPOS)
      .whereNull('claimed_by')
      .first('requested_at');
    const failed = await this.db(RESCANS)
      .whereNotNull('failed_at')
      .orderBy('failed_at', 'desc')
      .first('failed_at', 'last_error', 'repo_key');
    return {
      deliveries: Number(deliveries.n),
      duplicates: Number(deliveries.replays ?? 0),
      pendingRepos: Number(repos.n),
      fullScanRequestedAt: full ? Number(full.requested_at) : null,
      lastFailure: failed
        ? {
            at: Number(failed.failed_at),
            message: `rescan of ${failed.repo_key} failed: ${failed.last_error}`,
          }
        : null,
    };
  }
}
