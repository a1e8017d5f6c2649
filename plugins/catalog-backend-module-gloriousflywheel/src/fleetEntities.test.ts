import { DEFAULT_RUNNER_CLASSES, toScaleSet } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { fleetEntities } from './fleetEntities';

describe('fleetEntities', () => {
  const scaleSets = [
    toScaleSet(
      'honey',
      { metadata: { name: 'tinyland-docker', namespace: 'arc-runners' }, spec: { githubConfigUrl: 'https://github.com/tinyland-inc', runnerScaleSetName: 'tinyland-docker' } },
      DEFAULT_RUNNER_CLASSES,
    ),
    toScaleSet('honey', { metadata: { name: 'gpu', namespace: 'arc-runners' }, spec: { githubConfigUrl: 'https://github.com/x', runnerScaleSetName: 'gpu' } }, DEFAULT_RUNNER_CLASSES),
  ];
  const entities = fleetEntities({
    owner: 'group:default/platform-team',
    ownersByClass: { 'tinyland-docker': 'group:default/platform-operators' },
    runnerClasses: DEFAULT_RUNNER_CLASSES,
    scaleSets,
    cachesByClass: { 'tinyland-docker': ['bazel-cache'] },
  });
  const byName = Object.fromEntries(entities.map(e => [e.metadata.name, e]));

  it('gives classes and their scale sets the per-class owner, others the default owner', () => {
    expect(byName['tinyland-docker'].spec?.owner).toBe('group:default/platform-operators');
    expect(byName['honey.arc-runners.tinyland-docker'].spec?.owner).toBe('group:default/platform-operators');
    expect(byName['tinyland-nix'].spec?.owner).toBe('group:default/platform-team');
    expect(byName['honey.arc-runners.gpu'].spec?.owner).toBe('group:default/platform-team');
  });

  it('relates scale sets to their class and classes to their caches; unclassified sets to nothing', () => {
    expect(byName['honey.arc-runners.tinyland-docker'].spec?.dependsOn).toEqual(['resource:default/tinyland-docker']);
    expect(byName['tinyland-docker'].spec?.dependsOn).toEqual(['resource:default/bazel-cache']);
    expect(byName['honey.arc-runners.gpu'].spec?.dependsOn).toEqual([]);
  });
});
