import { Knex } from 'knex';
import type {
  CacheErrorKind,
  CacheHealthStatus,
  CacheHistoryPoint,
  CacheKind,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type {
  CacheProbeDetails,
  CacheProbeResult,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';

const TABLE = 'gloriousflywheel_cache_probes';

interface CacheProbeRow {
  id: number | string;
  cache_name: string;
  kind: string;
  status: string;
  // PostgreSQL returns bigint columns as strings.
  checked_at: number | string;
  latency_ms: number;
  error_kind: string | null;
  message: string | null;
  size_bytes: number | string | null;
  details: string;
}

const toNumber = (v: number | string | null): number | null =>
  v === null || v === undefined ? null : Number(v);

function toResult(row: CacheProbeRow): CacheProbeResult {
  const result: CacheProbeResult = {
    cache: row.cache_name,
    kind: row.kind as CacheKind,
    status: row.status as CacheHealthStatus,
    latencyMs: row.latency_ms,
    checkedAt: new Date(Number(row.checked_at)).toISOString(),
    details: JSON.parse(row.details) as CacheProbeDetails,
  };
  if (row.error_kind) result.errorKind = row.error_kind as CacheErrorKind;
  if (row.message !== null) result.message = row.message;
  return result;
}

/** What the probe task and the caches API read and write of the stored probes. */
export interface CacheProbeHistory {
  /** Stores one row per result (results are already free of tokens). */
  insert(results: readonly CacheProbeResult[]): Promise<void>;
  /** The most recently stored result of every cache that has one. */
  latest(): Promise<Map<string, CacheProbeResult>>;
  /**
   * The newest `limit` probes of one cache since `since`, oldest first; `truncated` when older
   * ones in the range were left out.
   */
  history(
    cache: string,
    options: { since: Date; limit: number },
  ): Promise<{ items: CacheHistoryPoint[]; truncated: boolean }>;
  /** Deletes probes older than `cutoff`; returns how many. */
  deleteOlderThan(cutoff: Date): Promise<number>;
}

/**
 * Stored cache probe results: the only place with SQL for them. Times are kept as epoch
 * milliseconds so ordering and range queries agree on SQLite and PostgreSQL.
 */
export class CacheProbeStore implements CacheProbeHistory {
  constructor(private readonly db: Knex) {}

  async insert(results: readonly CacheProbeResult[]): Promise<void> {
    if (!results.length) return;
    await this.db(TABLE).insert(
      results.map(r => ({
        cache_name: r.cache,
        kind: r.kind,
        status: r.status,
        checked_at: Date.parse(r.checkedAt),
        latency_ms: Math.round(r.latencyMs),
        error_kind: r.errorKind ?? null,
        message: r.message ?? null,
        size_bytes: r.details.sizeBytes ?? null,
        details: JSON.stringify(r.details),
      })),
    );
  }

  async latest(): Promise<Map<string, CacheProbeResult>> {
    // Rows are inserted in probe order, so the highest id per cache is its latest probe.
    const rows: CacheProbeRow[] = await this.db(TABLE).whereIn(
      'id',
      this.db(TABLE).max('id').groupBy('cache_name'),
    );
    return new Map(rows.map(r => [r.cache_name, toResult(r)]));
  }

  async history(
    cache: string,
    options: { since: Date; limit: number },
  ): Promise<{ items: CacheHistoryPoint[]; truncated: boolean }> {
    const rows: CacheProbeRow[] = await this.db(TABLE)
      .select(
        'checked_at',
        'status',
        'latency_ms',
        'error_kind',
        'message',
        'size_bytes',
      )
      .where('cache_name', cache)
      .andWhere('checked_at', '>=', options.since.getTime())
      .orderBy([
        { column: 'checked_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit + 1);
    const truncated = rows.length > options.limit;
    const items = rows
      .slice(0, options.limit)
      .reverse()
      .map(r => ({
        checkedAt: new Date(Number(r.checked_at)).toISOString(),
        status: r.status as CacheHealthStatus,
        latencyMs: r.latency_ms,
        errorKind: (r.error_kind as CacheErrorKind | null) ?? null,
        message: r.message ?? null,
        sizeBytes: toNumber(r.size_bytes),
      }));
    return { items, truncated };
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    return this.db(TABLE).where('checked_at', '<', cutoff.getTime()).delete();
  }
}
