import { stringify } from 'csv-stringify/browser/esm/sync';
import { RepoAdoption } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/**
 * The matrix as CSV: one row per repository, one column per check verdict. csv-stringify does the
 * quoting (commas, quotes, newlines in names and summaries) that is easy to get wrong by hand.
 */
export function adoptionCsv(repos: RepoAdoption[], checkIds: string[]): string {
  const header = [
    'repository',
    'tranche',
    'stage',
    'runner classes',
    'hosted jobs',
    'fail',
    'scanned at',
    ...checkIds,
  ];
  const rows = repos.map(r => {
    const verdicts = new Map(r.scorecard.checks.map(c => [c.id, c.verdict]));
    return [
      `${r.owner}/${r.name}`,
      r.tranche ?? '',
      r.stage,
      r.runnerClasses.join(' '),
      r.hostedJobs,
      r.scorecard.counts.fail,
      r.scannedAt,
      ...checkIds.map(id => verdicts.get(id) ?? ''),
    ];
  });
  return stringify([header, ...rows]);
}
