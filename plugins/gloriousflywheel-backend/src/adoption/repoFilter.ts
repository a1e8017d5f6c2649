import {
  ADOPTION_STAGES,
  AdoptionQuery,
  AdoptionStage,
  RepoAdoption,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

const stageOrder = (s: AdoptionStage) => ADOPTION_STAGES.indexOf(s);
const fullName = (r: RepoAdoption) => `${r.owner}/${r.name}`.toLowerCase();

/** Filters and sorts results; ties broken by name so pages are stable. */
export function filterRepos(
  repos: readonly RepoAdoption[],
  f: AdoptionQuery,
): RepoAdoption[] {
  const q = f.q?.toLowerCase();
  // `<check id>:<verdict>`, validated by the router
  const [checkId, checkVerdict] = f.check?.split(':') ?? [];
  const out = repos.filter(
    r =>
      (!q || fullName(r).includes(q)) &&
      (!f.tranche || r.tranche === f.tranche) &&
      (!f.stage || r.stage === f.stage) &&
      (!f.runnerClass || r.runnerClasses.includes(f.runnerClass)) &&
      (f.hosted === undefined || r.hostedJobs > 0 === f.hosted) &&
      (f.failing === undefined || r.scorecard.counts.fail > 0 === f.failing) &&
      (!f.check ||
        r.scorecard.checks.some(
          c => c.id === checkId && c.verdict === checkVerdict,
        )),
  );
  const sort = f.sort ?? 'name';
  const desc = sort.startsWith('-');
  const key = sort.replace(/^-/, '');
  const value = (r: RepoAdoption): number | string => {
    if (key === 'stage') return stageOrder(r.stage);
    if (key === 'fail') return r.scorecard.counts.fail;
    if (key === 'hosted') return r.hostedJobs;
    if (key === 'scannedAt') return r.scannedAt;
    return fullName(r);
  };
  return out.sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    let c = 0;
    if (va < vb) c = -1;
    else if (va > vb) c = 1;
    return (desc ? -c : c) || fullName(a).localeCompare(fullName(b));
  });
}
