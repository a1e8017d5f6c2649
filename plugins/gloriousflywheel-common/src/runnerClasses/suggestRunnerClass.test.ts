import { DEFAULT_RUNNER_CLASSES, RunnerClassDefinition } from './runnerClass';
import { suggestRunnerClass } from './suggestRunnerClass';

describe('suggestRunnerClass', () => {
  it.each([
    ['tinyland-nixx', 'tinyland-nix', 'tinyland-nix'],
    ['tinyland-nix-kvm', 'tinyland-nix', 'tinyland-nix'],
    ['tinyland-nix-heavy-gpu', 'tinyland-nix-heavy', 'tinyland-nix-heavy'],
    ['Tinyland-Dokcer', 'tinyland-docker', 'tinyland-docker'],
    ['tinyland-dnd', 'tinyland-dind', 'tinyland-dind'],
    ['tinylnd-nix-heavy', 'tinyland-nix-heavy', 'tinyland-nix-heavy'],
    ['ubuntu-lates', 'ubuntu-latest', undefined],
    ['ubunut-latest', 'ubuntu-latest', undefined],
    ['macos-latset', 'macos-latest', undefined],
  ])('%s -> %s', (label, expected, runnerClass) => {
    expect(suggestRunnerClass(label, DEFAULT_RUNNER_CLASSES)).toEqual(
      runnerClass ? { label: expected, runnerClass } : { label: expected },
    );
  });

  it.each([
    'tinyland-nix',
    'TINYLAND-NIX',
    'ubuntu-latest',
    'self-hosted',
    'linux',
    'gpu',
    'honey',
    'my-build-box',
    '',
    'x'.repeat(1000),
  ])(
    'suggests nothing for %j (known, generic or far from everything)',
    label => {
      expect(suggestRunnerClass(label, DEFAULT_RUNNER_CLASSES)).toBeUndefined();
    },
  );

  it('offers scale-set names and configured larger-runner names, not wildcard patterns', () => {
    const classes: RunnerClassDefinition[] = [
      {
        name: 'owner-nix',
        capabilities: ['nix'],
        labels: ['nix-pool'],
        scaleSets: ['tinyland-nix-jess'],
      },
    ];
    expect(suggestRunnerClass('tinyland-nix-jes', classes)).toEqual({
      label: 'tinyland-nix-jess',
      runnerClass: 'owner-nix',
    });
    expect(
      suggestRunnerClass('org-gpu-lage', classes, [
        'org-gpu-large',
        'linux-*core',
      ]),
    ).toEqual({ label: 'org-gpu-large' });
    expect(
      suggestRunnerClass('linux-*cor', classes, ['linux-*core']),
    ).toBeUndefined();
  });

  it('breaks ties by configuration order', () => {
    const classes: RunnerClassDefinition[] = [
      { name: 'first', capabilities: [], labels: ['pool-a'], scaleSets: [] },
      { name: 'second', capabilities: [], labels: ['pool-b'], scaleSets: [] },
    ];
    expect(suggestRunnerClass('pool-c', classes)?.runnerClass).toBe('first');
  });
});
