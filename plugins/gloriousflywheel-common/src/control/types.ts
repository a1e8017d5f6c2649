import { PausedFrom } from '../fleet/types';

/** What a control request does to a scale set. @public */
export type ControlAction = 'pause' | 'resume';

/**
 * What an audit record is about: a pause or resume through the portal, or `pause-reverted`, a
 * portal pause the portal saw undone outside it (recorded by {@link AUDIT_SYSTEM_ACTOR}).
 *
 * @public
 */
export type AuditAction = ControlAction | 'pause-reverted';

/** @public */
export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'pause',
  'resume',
  'pause-reverted',
];

/** Actor of the records the portal writes itself (a reverted pause it observed). @public */
export const AUDIT_SYSTEM_ACTOR = 'system:gloriousflywheel';

/** Longest accepted reason of a pause/resume, in characters. @public */
export const CONTROL_REASON_MAX_LENGTH = 500;

/** Body of `POST /scale-sets/:cluster/:namespace/:name/pause|resume`. @public */
export interface PauseResumeRequest {
  /** why (1–500 characters); kept in the audit log and, for a pause, on the scale set */
  reason: string;
}

/** minRunners / maxRunners of a scale set; null = absent (maxRunners: unlimited). @public */
export interface ScaleSetBounds {
  minRunners: number | null;
  maxRunners: number | null;
}

/** Response of a successful pause/resume. @public */
export interface ControlResult {
  action: ControlAction;
  cluster: string;
  namespace: string;
  name: string;
  runnerClass: string | null;
  /** false when the scale set already was in the requested state (a no-op, still audited) */
  changed: boolean;
  before: ScaleSetBounds;
  after: ScaleSetBounds;
  /** the paused-from annotation after the action (null once resumed) */
  paused: PausedFrom | null;
  /** e.g. "managed by Helm: the change may be reverted" */
  warnings: string[];
  /** id of the audit record of this attempt */
  auditId: string;
  /** how many read-and-write rounds it took (a resourceVersion conflict is re-read and retried) */
  attempts: number;
  /** resourceVersion of the scale set after the action */
  resourceVersion: string;
}

/** Outcome of an audited attempt; `initiated` until it completes. @public */
export type AuditOutcome = 'initiated' | 'succeeded' | 'failed' | 'denied';

/** @public */
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = [
  'initiated',
  'succeeded',
  'failed',
  'denied',
];

/**
 * One pause/resume attempt in the audit log. Every record is a hash-chain entry when it is
 * initiated and another when it completes (records completed before initiations were chained: only
 * then). `seq`, `prevHash` and `hash` belong to the entry of the record's current state, with
 * `hash` = sha256(`prevHash` + canonical JSON of the record without `hash`).
 *
 * @public
 */
export interface AuditRecord {
  id: string;
  /**
   * position of the record's current state in the hash chain (its initiation entry while
   * initiated, its completion entry after); null only for a row written outside the chain
   */
  seq: number | null;
  /** when the attempt started (ISO 8601) */
  time: string;
  completedAt: string | null;
  /** user entity ref (or service subject) of the caller */
  actor: string;
  action: AuditAction;
  cluster: string;
  namespace: string;
  name: string;
  runnerClass: string | null;
  reason: string;
  requestId: string;
  outcome: AuditOutcome;
  error: string | null;
  before: ScaleSetBounds | null;
  after: ScaleSetBounds | null;
  prevHash: string | null;
  hash: string | null;
}

/**
 * Filters of `GET /audit` (its query parameters besides `format`); records match all given ones.
 *
 * @public
 */
export interface AuditQuery {
  actor?: string;
  /** `cluster`, `cluster/namespace` or `cluster/namespace/name` */
  target?: string;
  action?: AuditAction;
  outcome?: AuditOutcome;
  /** ISO 8601, inclusive */
  from?: string;
  /** ISO 8601, exclusive */
  to?: string;
  /** page size: 50 unless given (at most 500 as JSON, 10 000 as CSV, where it defaults to 10 000) */
  limit?: number;
  offset?: number;
}

/** Response of `GET /audit`. @public */
export interface AuditPage {
  items: AuditRecord[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * An entry of the audit hash chain: its position and hash. Auditor events carry it (meta
 * `auditSeq`, `auditHash`), and `GET /audit/verify?anchorSeq=&anchorHash=` checks the chain against one.
 *
 * @public
 */
export interface AuditChainPosition {
  seq: number;
  hash: string;
}

/** Response of `GET /audit/verify`. @public */
export interface AuditVerifyResult {
  ok: boolean;
  /** records whose chain entries all verified (before the break, when broken) */
  checked: number;
  /** the chain's last entry, when it verified: compare with the newest shipped auditor event */
  head?: AuditChainPosition;
  /** the record where the chain breaks (absent when its end is what is missing) */
  firstBrokenId?: string;
  /** why the chain is broken */
  message?: string;
}
