import { DEFAULT_RUNNER_CLASSES } from '../runnerClasses';
import { toScaleSet } from './scaleSet';
import {
  summarizeRunnerClasses,
  toRunnerClassListItem,
} from './runnerClassSummary';

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

describe('toRunnerClassListItem', () => {
  const [summary] = summarizeRunnerClasses(
    DEFAULT_RUNNER_CLASSES,
    [
      ars('tinyland-nix', 'tinyland-nix', 'tinyland-inc', 8, 3),
      ars('jess-tinyland-nix', 'tinyland-nix', 'Jesssullivan', 2, 1),
    ].map(o => toScaleSet('honey', o, DEFAULT_RUNNER_CLASSES)),
  );
  const check = {
    id: 'memory-envelope',
    title: 'Memory within the envelope',
    verdict: 'pass',
    text: 'ok',
    evidence: [],
  } as any;
  // one passing check, for the class and for each of its scale sets
  const score = {
    passed: 1,
    failed: 0,
    unknown: 0,
    applicable: 1,
    checks: [check],
  };
  const contract = {
    runnerClass: 'tinyland-nix',
    ...score,
    scaleSets: summary.scaleSets.map(scaleSet => ({ scaleSet, ...score })),
  };

  it('counts the scale sets and keeps the contract score and class-level checks only', () => {
    const item = toRunnerClassListItem({ ...summary, contract });
    expect(item.scaleSetCount).toBe(2);
    expect(item).not.toHaveProperty('scaleSets');
    expect(item.contract).toEqual({
      runnerClass: 'tinyland-nix',
      passed: 1,
      failed: 0,
      unknown: 0,
      applicable: 1,
      checks: [check],
    });
    const {
      scaleSets: _names,
      contract: _full,
      ...rest
    } = {
      ...summary,
      contract,
    };
    expect(item).toMatchObject(rest);
  });

  it('leaves out a contract the summary does not have', () => {
    expect(toRunnerClassListItem(summary)).not.toHaveProperty('contract');
  });
});
