/**
 * Where a repository is in its migration onto the GloriousFlywheel runner classes.
 *
 * @public
 */
export type AdoptionStage =
  | 'not-started'
  | 'in-progress'
  | 'adopted'
  | 'blocked';

/** @public */
export const ADOPTION_STAGES: readonly AdoptionStage[] = [
  'not-started',
  'in-progress',
  'adopted',
  'blocked',
];

/** @public */
export type TrancheBlockerKind = 'repo' | 'capacity' | 'platform';

/**
 * Something that keeps repositories of a tranche from adopting, tracked as an issue.
 *
 * @public
 */
export interface TrancheBlocker {
  /** Issue reference, e.g. `tinyland-inc/tinyland.dev#136`. */
  issue: string;
  kind: TrancheBlockerKind;
  /** `owner/name` it blocks; absent = every repository of the tranche (capacity, platform). */
  repo?: string;
  title?: string;
  /** Link to the issue; derived from `issue` when absent. */
  url?: string;
  /** A closed blocker is kept for the record and blocks nothing. */
  closed?: boolean;
}

/**
 * A named migration wave. Membership, first match wins in config order: a repository listed in
 * `repos` of any tranche belongs there; otherwise the first tranche whose `patterns` match its
 * `owner/name`; otherwise the tranche with `rest: true` (the long tail); otherwise none.
 *
 * @public
 */
export interface TrancheDefinition {
  name: string;
  title?: string;
  /** Explicit members, `owner/name` (case-insensitive). */
  repos: string[];
  /** `owner/name` globs (`*` within a segment, `**` across), e.g. `tinyland-inc/svc-*`. */
  patterns: string[];
  /** Takes every scanned repository no other tranche claims. */
  rest: boolean;
  blockers: TrancheBlocker[];
}

/**
 * What stage derivation reads about one repository.
 *
 * @public
 */
export interface StageInput {
  /** Scorecard checks that failed. */
  failingChecks: number;
  /** Jobs on hosted runners with no valid (unexpired) exception. */
  unexemptedHostedJobs: number;
  /** Jobs whose `runs-on` selects a GloriousFlywheel runner class. */
  runnerClassJobs: number;
  /** Open blockers that apply to the repository. */
  openBlockers: number;
  /** Open migration pull requests; absent = none. */
  openMigrationPullRequests?: number;
}
