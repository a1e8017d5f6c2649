import { createHash } from 'node:crypto';
import {
  AuditChainPosition,
  AuditRecord,
  AuditVerifyResult,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** JSON with object keys sorted at every level, so the same record always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object')
    return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1)); // keys are unique; code-unit order, not locale order
  return `{${entries
    .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
    .join(',')}}`;
}

/**
 * hash = sha256(prevHash + canonical JSON of the record without its own hash). The migration
 * `20261127_audit_chain_initiations.js` keeps a frozen copy of this rule for the rows it chains.
 */
export function auditRecordHash(record: AuditRecord, prevHash: string): string {
  const { hash: _hash, ...content } = record;
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson(content))
    .digest('hex');
}

/** Where a record's initiation entry sits in the chain, once its completion has superseded it. */
export interface AuditInitiation {
  seq: number;
  prevHash: string | null;
  hash: string | null;
  /** the runner class as guessed at initiation (completion may correct it) */
  runnerClass: string | null;
}

/**
 * The record as it was initiated: what its initiation entry hashed. Only the completion fields
 * and the runner class change on completion, so the rest comes from the completed record.
 */
export function initiatedSnapshot(
  record: AuditRecord,
  initiation: AuditInitiation,
): AuditRecord {
  return {
    ...record,
    seq: initiation.seq,
    completedAt: null,
    runnerClass: initiation.runnerClass,
    outcome: 'initiated',
    error: null,
    before: null,
    after: null,
    prevHash: initiation.prevHash,
    hash: initiation.hash,
  };
}

/**
 * One entry of the chain: a record in one state. Every record gets an entry when it is initiated
 * and another when it completes; `latest` marks the entry of its current state.
 */
export interface AuditChainEntry {
  snapshot: AuditRecord;
  latest: boolean;
}

/**
 * The chain position of a record's current state, as auditor events carry it (`auditSeq`,
 * `auditHash`): a log shipped elsewhere then pins the chain (see `AuditChainCheck`'s anchor).
 */
export function auditEventMeta(record: AuditRecord): {
  auditId: string;
  auditSeq: number | null;
  auditHash: string | null;
} {
  return { auditId: record.id, auditSeq: record.seq, auditHash: record.hash };
}

/**
 * Walks chain entries in position order: each must sit right after its predecessor, name its
 * hash as `prevHash` and hash to its stored hash. At the end the walk must reach the stored head
 * and, when an anchor (a position and hash from a shipped auditor event) is given, pass through it
 * with that very hash: a chain rewritten in the database, head included, still fails there.
 */
export class AuditChainCheck {
  private prev: AuditChainPosition = { seq: 0, hash: '' };
  private checked = 0;
  private atAnchor?: { id: string; hash: string };

  constructor(private readonly anchor?: AuditChainPosition) {}

  /** Checks the next entry; answers the broken result if the chain breaks there. */
  next(entry: AuditChainEntry): AuditVerifyResult | undefined {
    const { snapshot } = entry;
    const seq = snapshot.seq!;
    const expected = this.prev.seq + 1;
    if (seq > expected)
      return this.broken(
        snapshot.id,
        `entry ${expected} of the chain is missing`,
      );
    if (seq < expected)
      return this.broken(
        snapshot.id,
        `entry ${seq} of the chain appears twice`,
      );
    if (snapshot.prevHash !== this.prev.hash)
      return this.broken(
        snapshot.id,
        `entry ${seq} does not follow its predecessor`,
      );
    if (snapshot.hash !== auditRecordHash(snapshot, this.prev.hash)) {
      return this.broken(
        snapshot.id,
        `record ${snapshot.id} was changed after entry ${seq} was written`,
      );
    }
    if (entry.latest) this.checked++;
    if (this.anchor?.seq === seq)
      this.atAnchor = { id: snapshot.id, hash: snapshot.hash! };
    this.prev = { seq, hash: snapshot.hash! };
    return undefined;
  }

  /** After the last entry: compares the walk's end with the stored head and the anchor. */
  end(head: AuditChainPosition | undefined): AuditVerifyResult {
    if (!head || head.seq !== this.prev.seq || head.hash !== this.prev.hash) {
      return this.broken(
        undefined,
        `the chain ends at entry ${this.prev.seq} but its head says ${
          head?.seq ?? 'nothing'
        }`,
      );
    }
    if (this.anchor && !this.atAnchor) {
      return this.broken(
        undefined,
        `the chain ends at entry ${this.prev.seq}, before the anchor at entry ${this.anchor.seq}: newer entries were removed`,
      );
    }
    if (this.anchor && this.atAnchor!.hash !== this.anchor.hash) {
      return this.broken(
        this.atAnchor!.id,
        `entry ${this.anchor.seq} does not match the anchor: the chain was rewritten at or before it`,
      );
    }
    return { ok: true, checked: this.checked, head: { ...this.prev } };
  }

  broken(id: string | undefined, message: string): AuditVerifyResult {
    return {
      ok: false,
      checked: this.checked,
      ...(id ? { firstBrokenId: id } : {}),
      message,
    };
  }
}
