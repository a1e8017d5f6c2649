import { isGenericRunnerLabel } from '../runnerClasses';
import { ScaleSet } from '../fleet/types';

const lower = (s: string) => s.trim().toLowerCase();

/**
 * Whether GitHub can hand a job with these `runs-on` labels to the scale set: every label that is
 * not generic (`self-hosted`, `linux`, ...) is the scale set's `runnerScaleSetName` or one of its
 * `runnerScaleSetLabels`, compared case-insensitively, and at least one such label is given.
 *
 * @public
 */
export function scaleSetAcceptsLabels(
  scaleSet: Pick<ScaleSet, 'runnerScaleSetName' | 'labels'>,
  labels: readonly string[],
): boolean {
  const wanted = labels.map(lower).filter(l => l && !isGenericRunnerLabel(l));
  if (wanted.length === 0) return false;
  const offered = new Set(
    [scaleSet.runnerScaleSetName, ...scaleSet.labels].map(lower),
  );
  return wanted.every(l => offered.has(l));
}

/**
 * Whether a scale set registered at its `githubConfigUrl` serves the repository: an enterprise
 * URL serves every repository, an organisation URL the organisation's, a repository URL only that
 * repository. Unparsable URLs serve nothing.
 *
 * @public
 */
export function scaleSetServesRepo(
  scaleSet: Pick<ScaleSet, 'githubConfigUrl'>,
  repo: string,
): boolean {
  const m = /^https?:\/\/[^/]+\/(enterprises\/)?([^/]+)(?:\/([^/]+))?\/?$/.exec(
    scaleSet.githubConfigUrl.trim(),
  );
  if (!m) return false;
  if (m[1]) return true;
  const [owner, name] = lower(repo).split('/');
  if (lower(m[2]) !== owner) return false;
  return m[3] === undefined || lower(m[3]) === name;
}

/**
 * The scale set a runner belongs to, from the runner's name: ARC names ephemeral runners
 * `<AutoscalingRunnerSet name>-<suffix>-runner-<suffix>`; the longest matching scale-set name wins.
 *
 * @public
 */
export function scaleSetOfRunner<T extends Pick<ScaleSet, 'name'>>(
  runnerName: string | null,
  scaleSets: readonly T[],
): T | undefined {
  if (!runnerName) return undefined;
  const name = lower(runnerName);
  let best: T | undefined;
  for (const s of scaleSets) {
    const prefix = `${lower(s.name)}-`;
    if (
      name.startsWith(prefix) &&
      /-runner-[a-z0-9]+$/.test(name.slice(prefix.length - 1))
    ) {
      if (!best || s.name.length > best.name.length) best = s;
    }
  }
  return best;
}

/**
 * Parses a GitHub Actions job URL (`https://github.com/<owner>/<repo>/actions/runs/<run>/job/<job>`,
 * also the `/attempts/<n>` form); undefined when it is not one.
 *
 * @public
 */
export function parseJobUrl(
  url: string,
): { repo: string; runId: number; jobId: number } | undefined {
  const m =
    /^https?:\/\/[^/]+\/([A-Za-z0-9._-]+)\/([A-Za-z0-9._-]+)\/actions\/runs\/(\d{1,19})(?:\/attempts\/\d+)?\/jobs?\/(\d{1,19})\/?(?:[?#].*)?$/.exec(
      url.trim(),
    );
  if (!m) return undefined;
  const runId = Number(m[3]);
  const jobId = Number(m[4]);
  if (!Number.isSafeInteger(runId) || !Number.isSafeInteger(jobId))
    return undefined;
  return { repo: `${m[1]}/${m[2]}`, runId, jobId };
}
