import { SourceStatus } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** What app-config says about each source (how many are configured), before any of them has synced. */
export function describeConfiguredSources({
  clusters,
  caches,
  orgs,
}: {
  clusters: number;
  caches: number;
  orgs: number;
}): SourceStatus[] {
  const describe = (
    source: SourceStatus['source'],
    configured: number,
    what: string,
    key: string,
  ): SourceStatus =>
    configured > 0
      ? {
          source,
          state: 'starting',
          configured,
          message: `${configured} ${what} configured; waiting for the first sync`,
        }
      : {
          source,
          state: 'not-configured',
          configured: 0,
          message: `no ${what} configured (set ${key} in app-config)`,
        };
  return [
    describe(
      'fleet',
      clusters,
      clusters === 1 ? 'cluster' : 'clusters',
      'gloriousflywheel.clusters',
    ),
    describe(
      'caches',
      caches,
      caches === 1 ? 'cache' : 'caches',
      'gloriousflywheel.caches',
    ),
    describe(
      'adoption',
      orgs,
      orgs === 1 ? 'GitHub org' : 'GitHub orgs',
      'gloriousflywheel.github.orgs',
    ),
  ];
}
