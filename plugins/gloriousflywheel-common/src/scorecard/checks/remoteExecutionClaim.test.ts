import {
  evaluateCheck,
  TEST_NOW,
  workflow,
} from '../__testing__/evaluateCheck';
import { createScorecardContext } from '../runScorecard';
import { DEFAULT_SCORECARD_CONFIG } from '../scorecardConfig';
import { remoteExecutionClaimCheck } from './remoteExecutionClaim';

const CLAIM = '# Platform\n\nBuilds use Bazel remote execution on the pool.\n';
const RBE = '.github/workflows/rbe.yml';
const GREEN = [{ workflowPath: RBE, conclusion: 'success' }];
const executorWorkflow = (flag: string) =>
  workflow('tinyland-nix', [
    `- run: ./scripts/bazel-cache-backed.sh build ${flag} //...`,
  ]);

describe('remote-execution-claim check', () => {
  it('passes without any claim', () => {
    expect(
      evaluateCheck(remoteExecutionClaimCheck, {
        'README.md': '# Platform\nShared remote cache.\n',
      }).verdict,
    ).toBe('pass');
  });

  // issue 15: 18 lines of prose flagged on real repos, every one a false positive
  it.each([
    ['a heading', '# Remote Execution\n\nShared cache only.\n'],
    ['a setext heading', 'Remote Execution\n================\n'],
    [
      'a table of contents',
      '- [Remote execution](#remote-execution)\n- [RBE](#rbe)\n',
    ],
    [
      'a bare link',
      'See <https://bazel.build/remote/rbe> and https://example.com/remote-execution.\n',
    ],
    [
      'a table row',
      '| Lane | Status |\n|---|---|\n| Remote Execution | Deferred |\n',
    ],
    [
      'a table row without outer pipes',
      'Lane | Status\n--- | ---\nRBE | shipped\n',
    ],
    [
      'a conditional',
      'We will add remote execution if it becomes necessary.\n',
    ],
    [
      'a negation wrapped onto the next line',
      'The active Bazel config still contains\nno remote execution path; it is remote cache.\n',
    ],
    ['a deferral', 'RBE is deferred until the backend decision is recorded.\n'],
    ['a plan', 'Remote build offload is planned for a later sprint.\n'],
    [
      'a code fence',
      '```sh\nbazel build --remote_executor=grpcs://rbe //...\n```\n',
    ],
    [
      'a remote build cache',
      'The repo has a real remote build cache implementation.\n',
    ],
    ['an HTML comment', '<!-- remote execution lands in Q3 -->\n'],
    ['a link definition', '[rbe]: https://example.com/remote-execution\n'],
    // from real repositories
    [
      '"always disabled"',
      'A write credential is materialized only for protected refs; remote execution\nis always disabled.\n',
    ],
    [
      'an empty flag in prose',
      'The workflow always forces `--remote_executor=`. This is cache-first only.\n',
    ],
    [
      'a path naming rbe',
      '`tinyland-inc/GloriousFlywheel/config/rbe-target-eligibility.json`\nexplicitly blocks developer servers.\n',
    ],
    ['lower-case rbe in a word', 'See the rbe-gate notes.\n'],
  ])('does not count %s as a claim', (_name, readme) => {
    const result = evaluateCheck(remoteExecutionClaimCheck, {
      'README.md': readme,
    });
    expect(result).toMatchObject({ verdict: 'pass', evidence: [] });
  });

  it.each([
    ['docs/research/2026-04-26-rbe-plan.md'],
    ['docs/adr/0007-remote-execution.md'],
    ['services/api/docs/adrs/0001.md'],
  ])('does not read research notes and ADR folders (%s)', path => {
    const result = evaluateCheck(remoteExecutionClaimCheck, {
      [path]: 'Builds use Bazel remote execution.\n',
    });
    expect(result.verdict).toBe('pass');
  });

  it.each([
    ['README.md', CLAIM, 3],
    ['docs/guides/rbe.md', 'Run with `--remote_executor=grpcs://rbe`.\n', 1],
    ['services/api/README.md', 'Uses remote-execution.\n', 1],
    ['README.md', 'We use RBE for every target.\n', 1],
    ['README.md', 'CI offloads Bazel actions to the pool.\n', 1],
    [
      'README.md',
      'Intro.\n\nThe platform provides remote builds\nfor every repo.\n',
      3,
    ],
    [
      'README.md',
      'Remote execution is not used locally. CI uses remote execution.\n',
      1,
    ],
  ])('fails a claim in %s with no workflow using it', (path, text, line) => {
    const result = evaluateCheck(remoteExecutionClaimCheck, {
      [path]: text,
      '.github/workflows/ci.yml': workflow('tinyland-nix'),
    });
    expect(result.verdict).toBe('fail');
    expect(result.evidence).toEqual([
      expect.objectContaining({ path, line, verdict: 'fail' }),
    ]);
  });

  it('reports one claim per paragraph', () => {
    const result = evaluateCheck(remoteExecutionClaimCheck, {
      'README.md':
        'RBE runs remote execution\nwith remote build offload.\n\nMore RBE.\n',
    });
    expect(result.evidence.map(e => e.line)).toEqual([1, 4]);
  });

  it.each([
    ['--remote_executor=grpcs://rbe.example', GREEN, 'pass'],
    ['--remote_executor grpcs://rbe.example', GREEN, 'pass'],
    ['--remote_executor=$REMOTE_EXECUTOR', GREEN, 'pass'],
    // issue 15: an empty value disables remote execution
    ['--remote_executor=', GREEN, 'fail'],
    ['--remote_executor=""', GREEN, 'fail'],
    // the proof run: green, red, in progress, missing, offline
    [
      '--remote_executor=grpcs://rbe',
      [{ workflowPath: RBE, conclusion: 'failure' }],
      'fail',
    ],
    [
      '--remote_executor=grpcs://rbe',
      [{ workflowPath: RBE, conclusion: null }],
      'unknown',
    ],
    ['--remote_executor=grpcs://rbe', [], 'unknown'],
    ['--remote_executor=grpcs://rbe', undefined, 'unknown'],
  ])(
    'a claim with a workflow passing %s and runs %j -> %s',
    (flag, latestRuns, verdict) => {
      const result = evaluateCheck(
        remoteExecutionClaimCheck,
        { 'README.md': CLAIM, [RBE]: executorWorkflow(flag) },
        { latestRuns },
      );
      expect(result.verdict).toBe(verdict);
    },
  );

  it.each([
    [
      'remote_args=(--remote_executor=)\n          bazel build "${remote_args[@]}" //...',
      'fail',
    ],
    [
      'remote_args+=(--remote_executor="$BAZEL_REMOTE_EXECUTOR")\n          bazel build "${remote_args[@]}" //...',
      'pass',
    ],
    ["bazel build --remote_executor='' //...", 'fail'],
    ['bazel build --remote_executor --remote_cache=x //...', 'fail'],
    [
      '# bazel build --remote_executor=grpcs://rbe //...\n          bazel build //...',
      'fail',
    ],
  ])(
    'reads the flag from script text (bash arrays too): %s -> %s',
    (script, verdict) => {
      const result = evaluateCheck(
        remoteExecutionClaimCheck,
        {
          'README.md': CLAIM,
          [RBE]: workflow('tinyland-nix', [`- run: |\n          ${script}`]),
        },
        { latestRuns: GREEN },
      );
      expect(result.verdict).toBe(verdict);
    },
  );

  it('says why an empty executor flag does not back the claim', () => {
    const result = evaluateCheck(
      remoteExecutionClaimCheck,
      { 'README.md': CLAIM, [RBE]: executorWorkflow('--remote_executor=') },
      { latestRuns: GREEN },
    );
    expect(result.evidence).toContainEqual(
      expect.objectContaining({
        path: RBE,
        line: 6,
        note: 'An empty --remote_executor disables remote execution',
      }),
    );
  });

  it('passes a claim backed through a .bazelrc config used by a green workflow', () => {
    const files = {
      'README.md': CLAIM,
      '.bazelrc': 'build:rbe --remote_executor=grpcs://rbe.example\n',
      [RBE]: executorWorkflow('--config=rbe'),
    };
    expect(
      evaluateCheck(remoteExecutionClaimCheck, files, { latestRuns: GREEN })
        .verdict,
    ).toBe('pass');
    // a config that sets the flag empty proves nothing
    files['.bazelrc'] = 'build:rbe --remote_executor=\n';
    expect(
      evaluateCheck(remoteExecutionClaimCheck, files, { latestRuns: GREEN })
        .verdict,
    ).toBe('fail');
  });

  it('does not count a commented-out workflow line as use', () => {
    const files = {
      'README.md': CLAIM,
      [RBE]: `${workflow(
        'tinyland-nix',
      )}# bazel build --remote_executor=grpcs://rbe\n`,
    };
    expect(
      evaluateCheck(remoteExecutionClaimCheck, files, { latestRuns: GREEN })
        .verdict,
    ).toBe('fail');
  });

  it('finds the executor flag in the steps of a followed action, with the action file as evidence', () => {
    const files = {
      'README.md': CLAIM,
      [RBE]: workflow('tinyland-nix', ['- uses: ./.github/actions/rbe']),
      '.github/actions/rbe/action.yml':
        'runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: bazel build --remote_executor=grpcs://rbe //...\n',
    };
    const context = createScorecardContext(
      { defaultBranch: 'main', files, latestRuns: GREEN },
      DEFAULT_SCORECARD_CONFIG,
      TEST_NOW,
    );
    // the followed block as the workflow analysis reports it
    const step = context.workflows[0].jobs[0].steps[0];
    step.block = {
      uses: './.github/actions/rbe',
      kind: 'action',
      remote: false,
      path: '.github/actions/rbe/action.yml',
      status: 'followed',
      steps: [
        {
          line: 4,
          run: 'bazel build --remote_executor=grpcs://rbe //...',
          runLine: 5,
          bazel: [],
          usesNix: false,
          installsNix: false,
          cacheStep: false,
        },
      ],
    };
    const result = remoteExecutionClaimCheck.rule(context);
    expect(result.verdict).toBe('pass');
    expect(result.evidence).toContainEqual(
      expect.objectContaining({
        path: '.github/actions/rbe/action.yml',
        line: 5,
        excerpt: 'run: bazel build --remote_executor=grpcs://rbe //...',
        verdict: 'pass',
      }),
    );
    // not followed (e.g. outside the followed orgs): nothing read from it
    step.block = { ...step.block, status: 'not-followed' };
    expect(remoteExecutionClaimCheck.rule(context).verdict).toBe('fail');
  });

  it('finds the flag in a local action the workflow analysis follows (bash array, as in ci-templates)', () => {
    const action = [
      'runs:',
      '  using: composite',
      '  steps:',
      '    - shell: bash',
      '      run: |',
      '        args=(--remote_cache="$BAZEL_REMOTE_CACHE")',
      '        args+=(--remote_executor="$BAZEL_REMOTE_EXECUTOR")',
      '        bazel build "${args[@]}" //...',
      '',
    ].join('\n');
    const result = evaluateCheck(
      remoteExecutionClaimCheck,
      {
        'README.md': CLAIM,
        [RBE]: workflow('tinyland-nix', [
          '- uses: ./.github/actions/flywheel-bazel',
        ]),
        '.github/actions/flywheel-bazel/action.yml': action,
      },
      { latestRuns: GREEN },
    );
    expect(result.verdict).toBe('pass');
    expect(result.evidence).toContainEqual(
      expect.objectContaining({
        path: '.github/actions/flywheel-bazel/action.yml',
        line: 7,
        verdict: 'pass',
        note: 'Uses --remote_executor; latest main run: success',
      }),
    );
  });
});
