import {
  isHostedJob,
  isHostedLabel,
  matchRunnerClassForLabels,
} from './matchRunnerClass';
import { DEFAULT_RUNNER_CLASSES, RunnerClassDefinition } from './runnerClass';

describe('isHostedLabel', () => {
  it.each([
    ['ubuntu-latest', true],
    ['ubuntu-24.04', true],
    ['Ubuntu-22.04', true],
    ['windows-2022', true],
    ['macos-14', true],
    ['macos-latest-xlarge', true],
    ['ubuntu-', false],
    ['ubuntu', false],
    ['self-hosted', false],
    ['tinyland-nix', false],
    ['my-ubuntu-runner', false],
  ])('%s -> %s', (label, hosted) => {
    expect(isHostedLabel(label)).toBe(hosted);
  });

  it('treats configured larger-runner names, with wildcards, as hosted', () => {
    expect(isHostedLabel('org-gpu-large')).toBe(false);
    expect(isHostedLabel('org-gpu-large', ['org-gpu-large'])).toBe(true);
    expect(isHostedLabel('linux-16core', ['linux-*core'])).toBe(true);
    expect(isHostedLabel('linux-16core-arm', ['linux-*core'])).toBe(false);
  });
});

describe('isHostedJob', () => {
  it.each([
    [['ubuntu-latest'], true],
    [['self-hosted', 'ubuntu-22.04'], false],
    [['SELF-HOSTED', 'ubuntu-22.04'], false],
    [['tinyland-nix'], false],
    [[], false],
  ])('%j -> %s', (labels, hosted) => {
    expect(isHostedJob(labels)).toBe(hosted);
  });
});

describe('matchRunnerClassForLabels', () => {
  const overlay: RunnerClassDefinition[] = [
    ...DEFAULT_RUNNER_CLASSES,
    {
      name: 'owner-nix',
      capabilities: ['nix'],
      labels: ['nix-pool'],
      scaleSets: ['tinyland-nix-jess', 'tinyland-nix-tinyland'],
    },
  ];

  it.each([
    [['tinyland-nix'], 'tinyland-nix'],
    [['self-hosted', 'linux', 'tinyland-docker'], 'tinyland-docker'],
    [['Tinyland-Dind'], 'tinyland-dind'],
    [['tinyland-nix-heavy'], 'tinyland-nix-heavy'],
    [['self-hosted', 'linux', 'x64'], undefined],
    [['ubuntu-latest'], undefined],
    [[], undefined],
  ])('%j -> %s with the default classes', (labels, expected) => {
    expect(
      matchRunnerClassForLabels(labels, DEFAULT_RUNNER_CLASSES)?.name,
    ).toBe(expected);
  });

  it('matches a class by any of its scale-set names (owner overlays)', () => {
    expect(
      matchRunnerClassForLabels(['tinyland-nix-jess'], overlay)?.name,
    ).toBe('owner-nix');
    expect(matchRunnerClassForLabels(['nix-pool'], overlay)?.name).toBe(
      'owner-nix',
    );
  });

  it('prefers the class naming more of the labels, then configuration order', () => {
    const classes: RunnerClassDefinition[] = [
      { name: 'a', capabilities: [], labels: ['shared'], scaleSets: [] },
      {
        name: 'b',
        capabilities: [],
        labels: ['shared', 'specific'],
        scaleSets: [],
      },
    ];
    expect(matchRunnerClassForLabels(['shared'], classes)?.name).toBe('a');
    expect(
      matchRunnerClassForLabels(['shared', 'specific'], classes)?.name,
    ).toBe('b');
  });
});
