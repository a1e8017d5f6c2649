import { z } from 'zod';
import { matchesPathGlob } from '../scorecard/pathGlob';
import {
  AdoptionStage,
  StageInput,
  TrancheBlocker,
  TrancheDefinition,
} from './types';

/**
 * The stage of one repository. Order matters: an open blocker wins (the team cannot move on its
 * own); an open migration pull request means the move is under way, whatever the default branch
 * shows yet; then `adopted` needs a clean scorecard and no hosted job without a valid exception;
 * any job on a runner class means the migration has started.
 *
 * @public
 */
export function deriveAdoptionStage(input: StageInput): AdoptionStage {
  if (input.openBlockers > 0) return 'blocked';
  if ((input.openMigrationPullRequests ?? 0) > 0) return 'in-progress';
  if (
    input.failingChecks === 0 &&
    input.unexemptedHostedJobs === 0 &&
    input.runnerClassJobs > 0
  )
    return 'adopted';
  if (input.runnerClassJobs > 0) return 'in-progress';
  return 'not-started';
}

const repoRef = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/, 'must be owner/name');

const blockerSchema = z
  .object({
    issue: z.string().min(1),
    kind: z.enum(['repo', 'capacity', 'platform']),
    repo: repoRef.optional(),
    title: z.string().optional(),
    url: z.string().url().optional(),
    closed: z.boolean().optional(),
  })
  .strict();

const trancheSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        'must be a lower-case name (a-z, 0-9, -)',
      ),
    title: z.string().optional(),
    repos: z.array(repoRef).default([]),
    patterns: z.array(z.string().min(1)).default([]),
    rest: z.boolean().default(false),
    blockers: z.array(blockerSchema).default([]),
  })
  .strict();

/**
 * Reads `gloriousflywheel.tranches` (a list) and checks it: unique names, at most one `rest`
 * tranche, a repository listed in one tranche only. Throws an Error naming the key.
 *
 * @public
 */
export function readTranches(value: unknown): TrancheDefinition[] {
  const parsed = z.array(trancheSchema).safeParse(value ?? []);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `Invalid config gloriousflywheel.tranches${issue.path
        .map(p => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')}: ${issue.message}`,
    );
  }
  const tranches = parsed.data as TrancheDefinition[];
  const names = new Set<string>();
  const listed = new Map<string, string>();
  tranches.forEach((t, i) => {
    if (names.has(t.name))
      throw new Error(
        `Invalid config gloriousflywheel.tranches[${i}].name: duplicate tranche ${t.name}`,
      );
    names.add(t.name);
    for (const repo of t.repos) {
      const key = repo.toLowerCase();
      const other = listed.get(key);
      if (other)
        throw new Error(
          `Invalid config gloriousflywheel.tranches[${i}].repos: ${repo} is already in tranche ${other}`,
        );
      listed.set(key, t.name);
    }
  });
  const rest = tranches.filter(t => t.rest);
  if (rest.length > 1)
    throw new Error(
      `Invalid config gloriousflywheel.tranches: only one tranche may have rest: true (${rest
        .map(t => t.name)
        .join(', ')})`,
    );
  return tranches;
}

/**
 * The tranche a repository (`owner/name`) belongs to: explicit listing first, then patterns in
 * config order, then the `rest` tranche; undefined when none claims it.
 *
 * @public
 */
export function trancheOf(
  repo: string,
  tranches: readonly TrancheDefinition[],
): TrancheDefinition | undefined {
  const key = repo.toLowerCase();
  return (
    tranches.find(t => t.repos.some(r => r.toLowerCase() === key)) ??
    tranches.find(t =>
      t.patterns.some(p => matchesPathGlob(key, [p.toLowerCase()])),
    ) ??
    tranches.find(t => t.rest)
  );
}

/**
 * Open blockers of a tranche that apply to a repository: its own, and the tranche-wide ones.
 *
 * @public
 */
export function openBlockersFor(
  repo: string,
  tranche: TrancheDefinition | undefined,
): TrancheBlocker[] {
  if (!tranche) return [];
  const key = repo.toLowerCase();
  return tranche.blockers.filter(
    b => !b.closed && (b.repo === undefined || b.repo.toLowerCase() === key),
  );
}

/**
 * A link for an issue reference `owner/name#n` on the given GitHub web host; undefined for other
 * shapes (a URL in config is used as is).
 *
 * @public
 */
export function blockerUrl(
  blocker: TrancheBlocker,
  htmlBaseUrl = 'https://github.com',
): string | undefined {
  if (blocker.url) return blocker.url;
  const m = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)#(\d+)$/.exec(blocker.issue);
  return m
    ? `${htmlBaseUrl.replace(/\/+$/, '')}/${m[1]}/${m[2]}/issues/${m[3]}`
    : undefined;
}
