import { DEFAULT_RUNNER_CLASSES } from '../runnerClasses';
import { toScaleSet } from './scaleSet';
import { summarizeRunnerClasses } from './runnerClassSummary';

const ars = (
  name: string,
  runnerScaleSetName: string,
  owner: string,
  max: number | undefined,
  current: number,
) => ({
  metadata: { name, namespace: 'arc-runners' },
  spec: {
    githubConfigUrl: `https://github.com/${owner}`,
    runnerScaleSetName,
    minRunners: 1,
    maxRunners: max,
  },
  status: {
    currentRunners: current,
    pendingEphemeralRunners: 1,
    runningEphemeralRunners: current,
    failedEphemeralRunners: 0,
  },
});

describe('summarizeRunnerClasses', () => {
  const scaleSets = [
    ars('tinyland-nix', 'tinyland-nix', 'tinyland-inc', 8, 3),
    ars('jess-tinyland-nix', 'tinyland-nix', 'Jesssullivan', 2, 1),
    ars(
      'tinyland-nix-heavy',
      'tinyland-nix-heavy',
      'tinyland-inc',
      undefined,
      1,
    ),
    ars('gpu', 'gpu-pool', 'tinyland-inc', 2, 0),
  ].map(o => toScaleSet('honey', o, DEFAULT_RUNNER_CLASSES));
  const summaries = summarizeRunnerClasses(DEFAULT_RUNNER_CLASSES, scaleSets);
  const by = Object.fromEntries(summaries.map(s => [s.name, s]));

  it('aggregates owner overlays of one class', () => {
    expect(by['tinyland-nix']).toMatchObject({
      scaleSets: [
        'honey/arc-runners/jess-tinyland-nix',
        'honey/arc-runners/tinyland-nix',
      ],
      owners: ['Jesssullivan', 'tinyland-inc'],
      minRunners: 2,
      maxRunners: 10,
      runners: { current: 4, pending: 2, running: 4, failed: 0 },
    });
  });

  it('reports an unlimited class max as null', () => {
    expect(by['tinyland-nix-heavy'].maxRunners).toBeNull();
  });

  it('lists configured classes with no scale set, and groups unmatched scale sets as unclassified', () => {
    expect(by['tinyland-docker']).toMatchObject({
      scaleSets: [],
      maxRunners: 0,
    });
    expect(by.unclassified).toMatchObject({
      unclassified: true,
      scaleSets: ['honey/arc-runners/gpu'],
    });
    expect(summaries.map(s => s.name)).toEqual([
      'tinyland-nix',
      'tinyland-docker',
      'tinyland-dind',
      'tinyland-nix-heavy',
      'unclassified',
    ]);
  });
});
