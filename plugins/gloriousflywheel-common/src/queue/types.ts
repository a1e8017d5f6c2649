/**
 * Status of a GitHub Actions job as the `workflow_job` webhook and the jobs REST API report it.
 *
 * @public
 */
export type ActionsJobStatus =
  | 'queued'
  | 'waiting'
  | 'in_progress'
  | 'completed';

/** @public */
export const ACTIONS_JOB_STATUSES: readonly ActionsJobStatus[] = [
  'queued',
  'waiting',
  'in_progress',
  'completed',
];

/**
 * One GitHub Actions job, the latest state known from webhooks and reconciliation.
 *
 * @public
 */
export interface ActionsJob {
  /** GitHub's job id */
  id: number;
  runId: number;
  /** `owner/name` */
  repo: string;
  name: string;
  workflowName: string | null;
  htmlUrl: string | null;
  status: ActionsJobStatus;
  conclusion: string | null;
  /** the job's `runs-on` labels */
  labels: string[];
  runnerName: string | null;
  runnerGroupName: string | null;
  /** ISO times */
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** scale set that took the job, `cluster/namespace/name`, when its runner is one of the fleet's */
  scaleSet: string | null;
  /** runner class of the labels, when one matches */
  runnerClass: string | null;
}

/**
 * Health of the ARC listener of one scale set (AutoscalingListener object and its Pod).
 * `missing`: no AutoscalingListener; `not-ready`: the listener exists but its Pod is absent,
 * not running or not ready.
 *
 * @public
 */
export interface ListenerHealth {
  cluster: string;
  /** namespace and name of the AutoscalingRunnerSet the listener serves */
  namespace: string;
  scaleSet: string;
  state: 'ready' | 'not-ready' | 'missing';
  /** listener object `namespace/name`, when one exists */
  listener: string | null;
  /** Pod phase, container state reason or message */
  message: string | null;
  /** when the Pod last changed state */
  since: string | null;
}

/**
 * A recent EphemeralRunner that failed to start.
 *
 * @public
 */
export interface RunnerFailure {
  cluster: string;
  namespace: string;
  /** AutoscalingRunnerSet name */
  scaleSet: string;
  runner: string;
  message: string | null;
  at: string | null;
}

/**
 * Queue statistics of one runner class or scale set.
 *
 * @public
 */
export interface QueueStats {
  /** jobs queued (or waiting) now */
  queued: number;
  running: number;
  /** queue time in seconds of jobs that started within the window; null without any */
  p50Seconds1h: number | null;
  p95Seconds1h: number | null;
  p50Seconds24h: number | null;
  p95Seconds24h: number | null;
  /** started jobs the 24 h figures come from */
  started24h: number;
  /** per hour over the last 24 h, oldest first: p95 queue time and jobs started */
  trend: Array<{ hour: string; p95Seconds: number | null; started: number }>;
}

/**
 * Queue statistics per runner class and per scale set (`GET /queue/stats`).
 *
 * @public
 */
export interface QueueStatsList {
  classes: Array<{ runnerClass: string } & QueueStats>;
  /** keyed `cluster/namespace/name` */
  scaleSets: Array<
    { scaleSet: string; runnerClass: string | null } & QueueStats
  >;
  /** when the figures were computed */
  at: string;
}

/**
 * Kinds of reason a queued job waits, in the order the diagnosis reports them.
 *
 * @public
 */
export type JobDiagnosisKind =
  | 'hosted'
  | 'no-match'
  | 'paused'
  | 'at-capacity'
  | 'listener'
  | 'stale-cluster'
  | 'scope'
  | 'runners-failing'
  | 'caches-down'
  | 'within-p95'
  | 'beyond-p95';

/**
 * One reason a queued job waits: `block` reasons keep it queued, `warning`s let it run but badly,
 * `info` says what is normal.
 *
 * @public
 */
export interface JobDiagnosisReason {
  kind: JobDiagnosisKind;
  severity: 'block' | 'warning' | 'info';
  /** one line, e.g. `paused by oscar` */
  summary: string;
  /** facts the reason rests on */
  evidence: string[];
  /** what to do about it */
  fix: string;
  /** scale sets (`cluster/namespace/name`) the reason is about */
  scaleSets: string[];
  /** e.g. the audit record of a pause */
  links: Array<{ title: string; url: string }>;
}

/**
 * Why a job is queued: the reasons, most important first.
 *
 * @public
 */
export interface JobDiagnosis {
  job: Pick<
    ActionsJob,
    'id' | 'repo' | 'name' | 'labels' | 'status' | 'createdAt' | 'htmlUrl'
  >;
  /** seconds since the job was queued (until it started, when it did) */
  queuedSeconds: number;
  runnerClass: string | null;
  /** scale sets whose labels accept the job */
  scaleSets: string[];
  reasons: JobDiagnosisReason[];
}

/**
 * A job with its diagnosis (null unless it waits).
 *
 * @public
 */
export interface DiagnosedJob {
  job: ActionsJob;
  diagnosis: JobDiagnosis | null;
}

/**
 * Response of `GET /queue/repos/:owner/:repo/jobs`: the repository's recent jobs, newest first.
 *
 * @public
 */
export interface RepoJobList {
  items: DiagnosedJob[];
}

/**
 * Response of `GET /queue/jobs/:owner/:repo/:jobId` and `GET /queue/diagnose?url=`.
 *
 * @public
 */
export interface JobDiagnosisResponse {
  job: ActionsJob;
  diagnosis: JobDiagnosis;
}
