import type {
  ExceptionStanding,
  ScorecardEvidence,
  ScorecardSeverity,
  ScorecardVerdict,
} from '../scorecard';
import type { AdoptionStage, TrancheBlockerKind } from '../tranches';

/**
 * A hosted-runner exception as it applies to one job.
 *
 * @public
 */
export interface AdoptionJobException {
  reason: string;
  owner: string;
  /** Last valid day, `YYYY-MM-DD`. */
  expires: string;
  expired: boolean;
  /** The register entry's category (`control-plane`, `low-risk`, ...), when it has one. */
  category?: string;
  /** Whether it exempts the job; absent on results stored before exceptions had categories. */
  standing?: ExceptionStanding;
}

/**
 * Whether a job's exception exempts it (the hosted-runners check's rule, as stored with the job).
 *
 * @public
 */
export function exceptionExempts(
  exception: AdoptionJobException | null,
): boolean {
  if (!exception) return false;
  return exception.standing
    ? exception.standing === 'valid'
    : !exception.expired;
}

/**
 * One job of one default-branch workflow and the runner it asks for.
 *
 * @public
 */
export interface AdoptionJob {
  /** Repo-relative workflow path. */
  path: string;
  jobId: string;
  line: number;
  labels: string[];
  runnerClass: string | null;
  hosted: boolean;
  dynamic: boolean;
  reusable: boolean;
  /** Labels an undecided expression or matrix `runs-on` may give; absent when there are none. */
  candidates?: string[];
  /** Labels of the jobs of the local reusable workflow the job calls. */
  calledLabels?: string[];
  /** Building blocks (as written in `uses:`) through which the job runs Bazel or Nix; absent when none. */
  via?: string[];
  /** The exception register entry for a hosted job, else null. */
  exception: AdoptionJobException | null;
  /** The job's line on GitHub (`.../blob/<branch>/<path>#L<line>`). */
  url: string;
}

/**
 * A file that could not be read or analysed: a workflow that does not parse (with 1-based line and
 * column), or a blob GitHub would not return as text.
 *
 * @public
 */
export interface AdoptionFileError {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

/** @public */
export interface AdoptionCheck {
  id: string;
  title: string;
  severity: ScorecardSeverity;
  verdict: ScorecardVerdict;
  summary: string;
  evidence: ScorecardEvidence[];
  howToFix: string;
}

/** @public */
export interface ScorecardCounts {
  pass: number;
  fail: number;
  exempt: number;
  unknown: number;
}

/** @public */
export interface AdoptionBlocker {
  issue: string;
  kind: TrancheBlockerKind;
  title?: string;
  url?: string;
}

/**
 * A pull request that moves a repository onto the platform (by the configured label or head
 * branch); an open one means the migration is in progress.
 *
 * @public
 */
export interface MigrationPullRequest {
  number: number;
  title: string;
  /** The pull request on GitHub. */
  url: string;
  state: 'open' | 'merged';
  draft: boolean;
  headRefName: string;
  /** ISO time it was opened. */
  createdAt: string;
  /** ISO time it was merged; null while open. */
  mergedAt: string | null;
}

/**
 * The latest adoption result of one repository: runner usage per job, the dogfood scorecard with
 * evidence and its tranche stage.
 *
 * @public
 */
export interface RepoAdoption {
  owner: string;
  name: string;
  /** GitHub web URL of the repository. */
  url: string;
  defaultBranch: string;
  /** Default-branch head the result was computed from. */
  headOid: string;
  /** ISO time of the last successful scan of this repository. */
  scannedAt: string;
  /** The latest attempt failed or the result is older than a day: the data shown may be outdated. */
  stale: boolean;
  archived: boolean;
  fork: boolean;
  /** Tranche name, null when no tranche claims the repository. */
  tranche: string | null;
  stage: AdoptionStage;
  blockers: AdoptionBlocker[];
  /** Open and merged migration pull requests, newest first. */
  migrationPullRequests: MigrationPullRequest[];
  jobs: AdoptionJob[];
  /** Runner classes used by at least one job, sorted. */
  runnerClasses: string[];
  /** Jobs on GitHub-hosted runners (with or without exception). */
  hostedJobs: number;
  scorecard: {
    /** ISO time the checks were evaluated at. */
    evaluatedAt: string;
    verdict: ScorecardVerdict;
    checks: AdoptionCheck[];
    counts: ScorecardCounts;
  };
  fileErrors: AdoptionFileError[];
  /** Why the latest scan of this repository failed (403, 404, ...), else null. */
  error: { message: string; status?: number } | null;
}

/** Sort keys of `GET /adoption/repos`; `-` sorts descending. @public */
export type AdoptionSort = (typeof ADOPTION_SORTS)[number];

/** Every {@link AdoptionSort}. @public */
export const ADOPTION_SORTS = [
  'name',
  '-name',
  'stage',
  'fail',
  '-fail',
  'hosted',
  '-hosted',
  'scannedAt',
  '-scannedAt',
] as const;

/**
 * Query of `GET /adoption/repos`: filters (a repository matches all given ones), sort and page.
 *
 * @public
 */
export interface AdoptionQuery {
  /** part of `owner/name`, case-insensitive */
  q?: string;
  tranche?: string;
  stage?: AdoptionStage;
  runnerClass?: string;
  /** true: repositories with jobs on GitHub-hosted runners; false: with none */
  hosted?: boolean;
  /** true: repositories with a failing check; false: with none */
  failing?: boolean;
  /** `<check id>:<verdict>` (a {@link ScorecardVerdict}), e.g. `stale-cache-endpoints:fail` */
  check?: string;
  /** `name` unless given */
  sort?: AdoptionSort;
  /** page size: 100 unless given, at most 2000 */
  limit?: number;
  offset?: number;
}

/** Response of `GET /adoption/repos`. @public */
export interface RepoAdoptionList {
  items: RepoAdoption[];
  /** Matches before paging. */
  total: number;
  limit: number;
  offset: number;
  scan: AdoptionScanStatus;
}

/** Response of `GET /adoption/repos/:owner/:repo`. @public */
export interface RepoAdoptionResponse {
  item: RepoAdoption;
}

/** @public */
export type AdoptionScanState = 'idle' | 'running' | 'failed';

/**
 * Progress and cost of the current (or last) scan; `GET /adoption/scan`.
 *
 * @public
 */
export interface AdoptionScanStatus {
  state: AdoptionScanState;
  /** `schedule`, `manual`, `webhook` or `startup`. */
  trigger: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  reposDone: number;
  reposTotal: number;
  /** Repositories whose inputs were fetched because their head changed (or were new). */
  reposFetched: number;
  requestsUsed: { graphql: number; rest: number; rest304: number };
  rateLimit: { remaining: number | null; resetAt: string | null };
  lastError: string | null;
  /** When a full scan was requested (`POST /adoption/scan`) that has not started yet. */
  requestedAt?: string | null;
  /** The GitHub webhook's deliveries; absent when no webhook secret is configured. */
  webhook?: AdoptionWebhookStatus;
}

/**
 * What became of GitHub webhook deliveries (part of the scan status).
 *
 * @public
 */
export interface AdoptionWebhookStatus {
  /** Signed deliveries remembered for de-duplication (bounded by count and age). */
  deliveries: number;
  /** Replays of a remembered delivery, answered `duplicate` without a rescan. */
  duplicates: number;
  /** Repositories waiting for the scan task to rescan them. */
  pendingRepos: number;
  /** Deliveries this replica refused since it started: no or wrong signature, missing headers, a body not JSON or too large. */
  refused: number;
  /** The most recent refusal (on this replica) or failed rescan (any replica); null when none. */
  lastError: { at: string; message: string } | null;
}

/** One day of a tranche: repositories by stage at the end of that day. @public */
export interface TrancheTrendPoint {
  day: string;
  stages: Record<AdoptionStage, number>;
}

/** @public */
export interface TrancheSummary {
  name: string;
  title: string;
  repos: number;
  stages: Record<AdoptionStage, number>;
  blockers: (AdoptionBlocker & { repo?: string })[];
  /** Adopted share of the tranche's repositories, 0–100. */
  progress: number;
  trend: TrancheTrendPoint[];
}

/** Response of `GET /adoption/tranches`. @public */
export interface TrancheSummaryList {
  items: TrancheSummary[];
}
