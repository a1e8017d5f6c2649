import type { RepoScanRecord } from './types';

/** Texts longer than this (file contents, long excerpts) are unique per repository: never held. */
const MAX_SHARED_LENGTH = 200;
/** Past this many distinct texts the table starts again empty (records keep what they hold). */
const MAX_SHARED_STRINGS = 100_000;

/**
 * One copy of each short text the stored scan results repeat. Ten thousand repositories repeat the
 * same check summaries, evidence paths, job ids and labels, and every evaluation (and every row
 * read back from the database) makes its own copy of each, most as concatenations of the parts
 * they were built from. Only the scorecard's checks and the jobs are walked (most of what a result
 * holds); names, commits, times and URLs are unique per repository and would only fill the table.
 * A full table is emptied rather than frozen, so texts new since (a reworded summary after an
 * upgrade) are shared too.
 */
export class SharedStrings {
  private readonly held = new Map<string, string>();

  constructor(private readonly max = MAX_SHARED_STRINGS) {}

  get size(): number {
    return this.held.size;
  }

  /** The held copy of `s`, holding `s` (in a table emptied first when full). */
  share(s: string): string {
    if (s.length > MAX_SHARED_LENGTH) return s;
    const held = this.held.get(s);
    if (held !== undefined) return held;
    if (this.held.size >= this.max) this.held.clear();
    this.held.set(s, s);
    return s;
  }

  /** A record's checks and jobs with their texts shared (in place); returns the record. */
  shareRecord(record: RepoScanRecord): RepoScanRecord {
    // a row stored by an older release may lack a part: sharing must never stop the load
    this.walk(record.result?.scorecard?.checks);
    this.walk(record.result?.jobs);
    return record;
  }

  /** Every string of a JSON-like value replaced in place by its held copy, except under `url`. */
  private walk(value: unknown) {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        if (typeof v === 'string') value[i] = this.share(v);
        else if (v !== null && typeof v === 'object') this.walk(v);
      }
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const o = value as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      const v = o[key];
      if (typeof v === 'string') {
        if (key !== 'url') o[key] = this.share(v);
      } else if (v !== null && typeof v === 'object') this.walk(v);
    }
  }
}
