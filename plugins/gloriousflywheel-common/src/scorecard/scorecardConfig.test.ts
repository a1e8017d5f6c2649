import {
  DEFAULT_SCORECARD_CONFIG,
  readScorecardConfig,
} from './scorecardConfig';

describe('readScorecardConfig', () => {
  it('applies defaults to an empty config', () => {
    expect(readScorecardConfig({})).toEqual(DEFAULT_SCORECARD_CONFIG);
    expect(readScorecardConfig(null)).toEqual(DEFAULT_SCORECARD_CONFIG);
  });

  it('overrides runner classes, completing labels and scale sets from the name', () => {
    const config = readScorecardConfig({
      runnerClasses: [{ name: 'pool-nix', capabilities: ['nix'] }],
    });
    expect(config.runnerClasses).toEqual([
      {
        name: 'pool-nix',
        capabilities: ['nix'],
        labels: ['pool-nix'],
        scaleSets: ['pool-nix'],
      },
    ]);
    expect(config.staleEndpoints).toEqual(
      DEFAULT_SCORECARD_CONFIG.staleEndpoints,
    );
  });

  it('reads the app-config shape', () => {
    const config = readScorecardConfig({
      gloriousflywheel: {
        clusters: [{ name: 'honey' }],
        runnerClasses: [
          {
            name: 'x',
            capabilities: [],
            labels: ['x'],
            scaleSets: ['x-a', 'x-b'],
          },
        ],
        scorecard: {
          staleEndpoints: ['*.old-cache.*'],
          bazelWrapper: 'tools/bazel-cached',
          proofWorkflows: ['Proof'],
        },
      },
    });
    expect(config.runnerClasses[0].scaleSets).toEqual(['x-a', 'x-b']);
    expect(config.staleEndpoints).toEqual(['*.old-cache.*']);
    expect(config.bazelWrapper).toBe('tools/bazel-cached');
    expect(config.proofWorkflows).toEqual(['Proof']);
  });

  it.each([
    [{ staleEndpoints: 'x' }, /staleEndpoints/],
    [
      { staleEndpoints: ['/([/'] },
      /staleEndpoints\.0: invalid regular expression/,
    ],
    [
      { runnerClasses: [{ name: 'x', capabilities: ['gpu'] }] },
      /runnerClasses\.0\.capabilities\.0/,
    ],
    [
      { checks: { 'hosted-runners': { severity: 'fatal' } } },
      /checks\.hosted-runners\.severity/,
    ],
    [{ unknownKey: true }, /\(root\)|unknownKey/],
  ])('rejects %j naming the key', (value, message) => {
    expect(() => readScorecardConfig(value)).toThrow(message);
  });

  it('reads the issue-15 keys', () => {
    const config = readScorecardConfig({
      cacheEndpoints: ['http://attic.nix-cache.svc.cluster.local/main'],
      historicalPaths: ['notes/**'],
      cacheAttachmentPreflight: '',
      nixInstallerActions: [
        'myorg/setup-nix',
        'myorg/actions/.github/actions/nix',
      ],
      scriptPaths: ['scripts/**', 'ci/**'],
      exceptionCategories: ['control-plane', 'low-risk'],
    });
    expect(config).toMatchObject({
      cacheEndpoints: ['http://attic.nix-cache.svc.cluster.local/main'],
      historicalPaths: ['notes/**'],
      cacheAttachmentPreflight: '',
      nixInstallerActions: [
        'myorg/setup-nix',
        'myorg/actions/.github/actions/nix',
      ],
      scriptPaths: ['scripts/**', 'ci/**'],
      exceptionCategories: ['control-plane', 'low-risk'],
      staleEndpoints: ['attic-cache-dev'],
    });
  });

  it.each([
    [{ nixInstallerActions: ['setup-nix'] }, /nixInstallerActions\.0/],
    [{ nixInstallerActions: ['a/b@v1'] }, /nixInstallerActions\.0/],
    [{ cacheEndpoints: [''] }, /cacheEndpoints\.0/],
    [{ exceptionCategories: 'control-plane' }, /exceptionCategories/],
  ])('rejects %j naming the key', (value, message) => {
    expect(() => readScorecardConfig(value)).toThrow(message);
  });

  it('names whose config it is in the error', () => {
    expect(() => readScorecardConfig({ cacheEndpoints: [''] })).toThrow(
      /^Invalid gf-audit config at cacheEndpoints\.0: /,
    );
    expect(() =>
      readScorecardConfig(
        { cacheEndpoints: [''] },
        { source: 'portal config gloriousflywheel.scorecard' },
      ),
    ).toThrow(
      /^Invalid portal config gloriousflywheel\.scorecard at cacheEndpoints\.0: /,
    );
  });
});
