import {
  DEFAULT_RUNNER_CLASSES,
  evaluateRunnerClassContracts,
  toScaleSet,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { fleetEntities } from './fleetEntities';

describe('fleetEntities', () => {
  const scaleSets = [
    toScaleSet(
      'honey',
      {
        metadata: { name: 'tinyland-docker', namespace: 'arc-runners' },
        spec: {
          githubConfigUrl: 'https://github.com/tinyland-inc',
          runnerScaleSetName: 'tinyland-docker',
        },
      },
      DEFAULT_RUNNER_CLASSES,
    ),
    toScaleSet(
      'honey',
      {
        metadata: { name: 'gpu', namespace: 'arc-runners' },
        spec: {
          githubConfigUrl: 'https://github.com/x',
          runnerScaleSetName: 'gpu',
        },
      },
      DEFAULT_RUNNER_CLASSES,
    ),
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
    expect(byName['tinyland-docker'].spec?.owner).toBe(
      'group:default/platform-operators',
    );
    expect(byName['honey.arc-runners.tinyland-docker'].spec?.owner).toBe(
      'group:default/platform-operators',
    );
    expect(byName['tinyland-nix'].spec?.owner).toBe(
      'group:default/platform-team',
    );
    expect(byName['honey.arc-runners.gpu'].spec?.owner).toBe(
      'group:default/platform-team',
    );
  });

  it('relates scale sets to their class and classes to their caches; unclassified sets to nothing', () => {
    expect(byName['honey.arc-runners.tinyland-docker'].spec?.dependsOn).toEqual(
      ['resource:default/tinyland-docker'],
    );
    expect(byName['tinyland-docker'].spec?.dependsOn).toEqual([
      'resource:default/bazel-cache',
    ]);
    expect(byName['honey.arc-runners.gpu'].spec?.dependsOn).toEqual([]);
  });

  it('puts the contract summary on classes and scale sets, and the template facts on scale sets', () => {
    const paused = JSON.stringify({
      minRunners: 0,
      maxRunners: 3,
      by: 'user:default/oscar',
      at: '2026-12-01T10:00:00Z',
      reason: 'x',
    });
    const docker = toScaleSet(
      'honey',
      {
        metadata: {
          name: 'tinyland-docker',
          namespace: 'arc-runners',
          labels: {
            'app.kubernetes.io/version': '0.14.0',
            'app.kubernetes.io/managed-by': 'Helm',
          },
          annotations: { 'gloriousflywheel.io/paused-from': paused },
        },
        spec: {
          githubConfigUrl: 'https://github.com/tinyland-inc',
          runnerScaleSetName: 'tinyland-docker',
          maxRunners: 3,
          template: {
            spec: {
              containers: [
                {
                  name: 'runner',
                  image: 'ghcr.io/actions/actions-runner:latest',
                  env: [
                    { name: 'BAZEL_REMOTE_CACHE', value: 'grpc://bazel:9092' },
                  ],
                  resources: {
                    requests: { memory: '256Mi' },
                    limits: { memory: '4Gi' },
                  },
                },
              ],
            },
          },
        },
      },
      DEFAULT_RUNNER_CLASSES,
    );
    docker.pauseReverted = {
      by: 'tofu apply (Helm release)',
      at: '2026-12-01T10:05:00Z',
    };
    const contracts = evaluateRunnerClassContracts({
      classes: DEFAULT_RUNNER_CLASSES,
      scaleSets: [{ ...docker, runner: docker.runner!, arc: docker.arc! }],
      caches: [
        {
          name: 'bazel',
          kind: 'bazel-grpc',
          url: 'grpc://bazel:9092',
          health: 'down',
        },
      ],
      staleEndpoints: [],
    });
    const withContracts = Object.fromEntries(
      fleetEntities({
        owner: 'group:default/platform-team',
        runnerClasses: DEFAULT_RUNNER_CLASSES,
        scaleSets: [docker],
        contracts,
      }).map(e => [e.metadata.name, e]),
    );
    expect(withContracts['tinyland-docker'].metadata.annotations).toMatchObject(
      {
        'gloriousflywheel.io/contract': '4/5',
        'gloriousflywheel.io/contract-failing': 'cache-env-target',
      },
    );
    expect(
      withContracts['honey.arc-runners.tinyland-docker'].metadata.annotations,
    ).toMatchObject({
      'gloriousflywheel.io/contract': '4/5',
      'gloriousflywheel.io/arc-version': '0.14.0',
      'gloriousflywheel.io/runner-image':
        'ghcr.io/actions/actions-runner:latest',
      'gloriousflywheel.io/runner-memory': '256Mi/4Gi',
      'gloriousflywheel.io/pause-reverted':
        'reverted by tofu apply (Helm release) at 2026-12-01T10:05:00Z',
    });
    // without contracts (caches unknown) no summary is claimed
    expect(byName['tinyland-docker'].metadata.annotations).not.toHaveProperty([
      'gloriousflywheel.io/contract',
    ]);
  });
});
