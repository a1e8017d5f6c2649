import {
  createScorecardContext,
  findException,
  exceptionStanding,
  isExceptionExpired,
  RepositorySnapshot,
  ScorecardConfig,
  ScorecardContextOptions,
  ScorecardVerdict,
} from '../scorecard';
import { runChecks } from '../scorecard/runScorecard';
import {
  blockerUrl,
  deriveAdoptionStage,
  openBlockersFor,
  TrancheDefinition,
  trancheOf,
} from '../tranches';
import { DEFAULT_HOW_TO_FIX, SCORECARD_HOW_TO_FIX } from './howToFix';
import {
  AdoptionFileError,
  AdoptionJob,
  MigrationPullRequest,
  RepoAdoption,
  ScorecardCounts,
} from './types';

/**
 * Everything known about one repository after fetching it.
 *
 * @public
 */
export interface RepoAdoptionInput {
  owner: string;
  name: string;
  /** GitHub web base, e.g. `https://github.com` (links to files and issues). */
  htmlBaseUrl: string;
  headOid: string;
  scannedAt: string;
  archived: boolean;
  fork: boolean;
  snapshot: RepositorySnapshot;
  /** Files that could not be fetched as text. */
  fileErrors?: AdoptionFileError[];
  error?: RepoAdoption['error'];
  stale?: boolean;
  /** Open and merged migration pull requests, newest first; absent = none known. */
  migrationPullRequests?: MigrationPullRequest[];
}

/** @public */
export interface RepoAdoptionOptions extends ScorecardContextOptions {
  config: ScorecardConfig;
  tranches: readonly TrancheDefinition[];
  now: Date;
}

const encodePath = (path: string) =>
  path.split('/').map(encodeURIComponent).join('/');

/**
 * Runs the scorecard on a repository snapshot and derives what the portal shows: jobs with runner
 * usage and exception status, counts, tranche and stage. Pure: the backend, tests and the bench
 * call the same function.
 *
 * @public
 */
export function buildRepoAdoption(
  input: RepoAdoptionInput,
  options: RepoAdoptionOptions,
): RepoAdoption {
  const { config, now } = options;
  const repo = `${input.owner}/${input.name}`;
  const repoUrl = `${input.htmlBaseUrl.replace(/\/+$/, '')}/${input.owner}/${
    input.name
  }`;
  const snapshot = { ...input.snapshot, repo };
  const context = createScorecardContext(snapshot, config, now, {
    parses: options.parses,
    workflows: options.workflows,
  });
  const scorecard = runChecks(context);

  const jobs: AdoptionJob[] = [];
  const fileErrors: AdoptionFileError[] = [...(input.fileErrors ?? [])];
  for (const workflow of context.workflows) {
    if (workflow.error)
      fileErrors.push({ path: workflow.path, ...workflow.error });
    for (const job of workflow.jobs) {
      const registered = job.hosted
        ? findException(context.exceptions, workflow.path, job.id)
        : undefined;
      jobs.push({
        path: workflow.path,
        jobId: job.id,
        line: job.line,
        labels: job.labels,
        runnerClass: job.runnerClass,
        hosted: job.hosted,
        dynamic: job.dynamic,
        reusable: job.reusable,
        ...(job.candidates && { candidates: job.candidates }),
        ...(job.calledLabels && { calledLabels: job.calledLabels }),
        ...(job.via.length > 0 && { via: job.via }),
        exception: registered
          ? {
              reason: registered.reason,
              owner: registered.owner,
              expires: registered.expires,
              expired: isExceptionExpired(registered, now),
              ...(registered.category && { category: registered.category }),
              standing: exceptionStanding(
                registered,
                now,
                config.exceptionCategories,
              ),
            }
          : null,
        url: `${repoUrl}/blob/${encodeURIComponent(
          snapshot.defaultBranch,
        )}/${encodePath(workflow.path)}#L${job.line}`,
      });
    }
  }

  const counts: ScorecardCounts = { pass: 0, fail: 0, exempt: 0, unknown: 0 };
  for (const check of scorecard.checks)
    counts[check.verdict as ScorecardVerdict]++;

  const tranche = trancheOf(repo, options.tranches);
  const blockers = openBlockersFor(repo, tranche).map(b => ({
    issue: b.issue,
    kind: b.kind,
    ...(b.title && { title: b.title }),
    ...(blockerUrl(b, input.htmlBaseUrl) && {
      url: blockerUrl(b, input.htmlBaseUrl),
    }),
  }));
  const migrationPullRequests = input.migrationPullRequests ?? [];
  const stage = deriveAdoptionStage({
    failingChecks: counts.fail,
    unexemptedHostedJobs: jobs.filter(
      j => j.hosted && (!j.exception || j.exception.expired),
    ).length,
    runnerClassJobs: jobs.filter(j => j.runnerClass).length,
    openBlockers: blockers.length,
    openMigrationPullRequests: migrationPullRequests.filter(
      p => p.state === 'open',
    ).length,
  });

  return {
    owner: input.owner,
    name: input.name,
    url: repoUrl,
    defaultBranch: snapshot.defaultBranch,
    headOid: input.headOid,
    scannedAt: input.scannedAt,
    stale: input.stale ?? false,
    archived: input.archived,
    fork: input.fork,
    tranche: tranche?.name ?? null,
    stage,
    blockers,
    migrationPullRequests,
    jobs,
    runnerClasses: [
      ...new Set(jobs.flatMap(j => (j.runnerClass ? [j.runnerClass] : []))),
    ].sort(),
    hostedJobs: jobs.filter(j => j.hosted).length,
    scorecard: {
      evaluatedAt: scorecard.evaluatedAt,
      verdict: scorecard.verdict,
      checks: scorecard.checks.map(c => ({
        id: c.id,
        title: c.title,
        severity: c.severity,
        verdict: c.verdict,
        summary: c.summary,
        evidence: c.evidence.map(e =>
          e.url || !e.line
            ? e
            : {
                ...e,
                url: `${repoUrl}/blob/${encodeURIComponent(
                  snapshot.defaultBranch,
                )}/${encodePath(e.path)}#L${e.line}`,
              },
        ),
        howToFix: SCORECARD_HOW_TO_FIX[c.id] ?? DEFAULT_HOW_TO_FIX,
      })),
      counts,
    },
    fileErrors,
    error: input.error ?? null,
  };
}

/**
 * The annotation value of a scorecard: `pass=3,fail=2,exempt=1,unknown=0`.
 *
 * @public
 */
export function formatScorecardCounts(counts: ScorecardCounts): string {
  return `pass=${counts.pass},fail=${counts.fail},exempt=${counts.exempt},unknown=${counts.unknown}`;
}
