import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_RUNNER_CLASSES } from '../runnerClasses';
import { analyzeWorkflow } from './analyzeWorkflow';
import { inspectWorkflow } from './inspectWorkflow';
import { WORKFLOW_JOB_KEYS, WorkflowJob } from './types';

const FIXTURES = join(__dirname, '..', '__fixtures__', 'workflows');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

function job(
  id: string,
  line: number,
  overrides: Partial<WorkflowJob> = {},
): WorkflowJob {
  return {
    id,
    line,
    labels: [],
    group: null,
    dynamic: false,
    reusable: false,
    runnerClass: null,
    hosted: false,
    runsBazel: false,
    usesNix: false,
    via: [],
    ...overrides,
  };
}

interface ExpectedError {
  error: { line: number; column: number };
  jobs?: WorkflowJob[];
}

const nix = { runnerClass: 'tinyland-nix' };
const docker = { runnerClass: 'tinyland-docker' };

/** Every fixture and what it must produce: its jobs, or its error position. */
const EXPECTED: Record<string, WorkflowJob[] | ExpectedError> = {
  'string-hosted.yml': [
    job('validate', 4, { labels: ['ubuntu-latest'], hosted: true }),
  ],
  'string-runner-class.yml': [
    job('build', 4, { labels: ['tinyland-nix'], ...nix, usesNix: true }),
  ],
  'list-self-hosted.yml': [
    job('image', 3, {
      labels: ['self-hosted', 'linux', 'tinyland-docker'],
      ...docker,
    }),
  ],
  'list-hosted-windows-macos.yml': [
    job('windows', 3, { labels: ['windows-2022'], hosted: true }),
    job('mac', 7, { labels: ['macos-14'], hosted: true }),
  ],
  'object-group-labels.yml': [
    job('dind', 3, {
      labels: ['self-hosted', 'tinyland-dind'],
      group: 'arc-runners',
      runnerClass: 'tinyland-dind',
    }),
  ],
  'object-group-only.yml': [job('grouped', 3, { group: 'tinyland-large' })],
  'object-labels-string.yml': [
    job('heavy', 3, {
      labels: ['tinyland-nix-heavy'],
      group: 'heavy-pool',
      runnerClass: 'tinyland-nix-heavy',
      usesNix: true,
    }),
    job('labels-only', 9, { labels: ['ubuntu-24.04'], hosted: true }),
  ],
  // `inputs.runner` has a default: the job runs there unless a caller says otherwise.
  'expression-whole.yml': [
    job('called', 6, { dynamic: true, labels: ['tinyland-nix'], ...nix }),
  ],
  'expression-suffix.yml': [job('sized', 3, { dynamic: true })],
  'expression-prefix.yml': [
    job('runs-on-service', 3, {
      labels: ['self-hosted', 'tinyland-docker'],
      dynamic: true,
      ...docker,
    }),
  ],
  'expression-in-list.yml': [
    // `inputs.class` is not declared, so it is null and the fallback is taken.
    job('mixed', 3, {
      labels: ['self-hosted', 'tinyland-nix'],
      dynamic: true,
      ...nix,
    }),
  ],
  // Undecided: every label list the expression may give is a candidate.
  'expression-folded.yml': [
    job('folded', 3, {
      dynamic: true,
      candidates: ['tinyland-nix', 'ubuntu-latest'],
    }),
  ],
  'expression-literal-block.yml': [
    job('literal', 3, { dynamic: true }),
    job('plan', 9, { labels: ['tinyland-nix'], ...nix }),
  ],
  'expression-group.yml': [
    job('dynamic-group', 3, {
      labels: ['tinyland-nix'],
      dynamic: true,
      ...nix,
      usesNix: true,
    }),
  ],
  'expression-labels-object.yml': [
    job('dynamic-labels', 3, { group: 'arc-runners', dynamic: true }),
  ],
  'matrix-os.yml': [
    job('test', 3, {
      dynamic: true,
      candidates: ['ubuntu-latest', 'macos-14', 'tinyland-nix'],
    }),
  ],
  'matrix-include.yml': [
    job('build', 3, {
      dynamic: true,
      usesNix: true,
      candidates: ['tinyland-nix-heavy', 'self-hosted', 'arm64'],
    }),
  ],
  'matrix-fromjson.yml': [
    job('plan', 3, { labels: ['tinyland-nix'], ...nix }),
    job('fan-out', 10, { dynamic: true }),
  ],
  'reusable-local.yml': [job('call-build', 3, { reusable: true })],
  'reusable-remote.yml': [job('shared-lint', 3, { reusable: true })],
  'with-runs-on-trap.yml': [
    job('dispatch', 3, { labels: ['tinyland-nix'], ...nix }),
  ],
  'anchors-aliases.yml': [
    job('first', 6, {
      labels: ['self-hosted', 'tinyland-nix'],
      ...nix,
      usesNix: true,
    }),
    job('second', 11, { labels: ['self-hosted', 'tinyland-nix'], ...nix }),
  ],
  'merge-keys.yml': [
    job('lint', 6, { labels: ['tinyland-docker'], ...docker }),
    job('test', 10, { labels: ['tinyland-docker'], ...docker }),
  ],
  'merge-override.yml': [
    job('overridden', 7, {
      labels: ['self-hosted', 'tinyland-nix-heavy'],
      runnerClass: 'tinyland-nix-heavy',
    }),
    job('inherited', 10, { labels: ['ubuntu-latest'], hosted: true }),
  ],
  'comments.yml': [job('check', 6, { labels: ['tinyland-nix'], ...nix })],
  'fully-commented.yml': [],
  'empty.yml': [],
  'no-runs-on.yml': [job('missing-runs-on', 3)],
  'multi-document.yml': { error: { line: 5, column: 1 } },
  'malformed-indent.yml': { error: { line: 5, column: 1 } },
  'malformed-unclosed-flow.yml': { error: { line: 5, column: 5 } },
  'malformed-duplicate-key.yml': { error: { line: 5, column: 3 } },
  'malformed-tab.yml': { error: { line: 4, column: 1 } },
  'malformed-unclosed-quote.yml': { error: { line: 7, column: 1 } },
  'not-a-mapping.yml': { error: { line: 1, column: 1 } },
  'scalar-document.yml': { error: { line: 1, column: 1 } },
  'no-jobs.yml': { error: { line: 1, column: 1 } },
  'alias-bomb.yml': { error: { line: 11, column: 3 } },
  'job-not-mapping.yml': {
    error: { line: 3, column: 3 },
    jobs: [job('fine', 4, { labels: ['tinyland-nix'], ...nix, usesNix: true })],
  },
  'bazel-nix-develop.yml': [
    job('bazel', 6, {
      labels: ['tinyland-nix'],
      ...nix,
      runsBazel: true,
      usesNix: true,
    }),
  ],
  'bazel-wrapper-only.yml': [
    job('bazel', 3, { labels: ['tinyland-nix'], ...nix, usesNix: true }),
  ],
  'bazel-sudo-env-chain.yml': [
    job('chained', 3, {
      labels: ['self-hosted', 'tinyland-nix-heavy'],
      runnerClass: 'tinyland-nix-heavy',
      runsBazel: true,
    }),
  ],
  'bazel-and-chain.yml': [
    job('chain', 3, {
      labels: ['tinyland-docker'],
      ...docker,
      runsBazel: true,
    }),
  ],
  'bazel-echo-heredoc.yml': [
    job('not-bazel', 3, { labels: ['tinyland-nix'], ...nix }),
  ],
  'attic-push.yml': [
    job('platform', 6, { labels: ['tinyland-nix'], ...nix, usesNix: true }),
  ],
  'attic-action.yml': [
    job('cache', 3, { labels: ['tinyland-docker'], ...docker, usesNix: true }),
  ],
  'flakehub.yml': [
    job('publish', 6, {
      labels: ['ubuntu-latest'],
      hosted: true,
      usesNix: true,
    }),
  ],
  'flakehub-cache-first.yml': [
    job('cache-first', 3, { labels: ['tinyland-nix'], ...nix, usesNix: true }),
  ],
  'container-job.yml': [
    job('in-container', 3, {
      labels: ['tinyland-docker'],
      ...docker,
      usesNix: true,
    }),
  ],
  'nix-shell-run.yml': [
    job('legacy-shell', 3, {
      labels: ['tinyland-nix'],
      ...nix,
      runsBazel: true,
      usesNix: true,
    }),
  ],
  'nix-run-bazelisk.yml': [
    job('via-nix-run', 3, {
      labels: ['tinyland-nix'],
      ...nix,
      runsBazel: true,
      usesNix: true,
    }),
  ],
  'bash-c.yml': [
    job('wrapped-shell', 3, {
      labels: ['tinyland-docker'],
      ...docker,
      runsBazel: true,
    }),
  ],
  'install-nix-curl.yml': [
    job('curl-install', 3, {
      labels: ['tinyland-docker'],
      ...docker,
      usesNix: true,
    }),
  ],
  // Without readFile the local action is opaque; see the readFile test below.
  'local-nix-action.yml': [
    job('local-action', 3, { labels: ['tinyland-nix'], ...nix }),
  ],
  'self-hosted-ubuntu.yml': [
    job('self-hosted-image-name', 3, {
      labels: ['self-hosted', 'ubuntu-22.04'],
    }),
  ],
  'unknown-self-hosted.yml': [
    job('gpu', 3, { labels: ['self-hosted', 'gpu-box'] }),
  ],
  'larger-runner.yml': [job('big', 3, { labels: ['org-gpu-large'] })],
  'quoted-keys.yml': [
    job('quoted-job', 3, {
      labels: ['tinyland-nix-heavy'],
      runnerClass: 'tinyland-nix-heavy',
      usesNix: true,
    }),
  ],
  'flow-style.yml': [
    job('flow', 1, {
      labels: ['self-hosted', 'tinyland-dind'],
      runnerClass: 'tinyland-dind',
    }),
    job('call', 1, { reusable: true }),
  ],
  'crlf.yml': [
    job('windows-line-endings', 3, {
      labels: ['tinyland-docker'],
      ...docker,
      runsBazel: true,
    }),
  ],
};

describe('analyzeWorkflow over the fixture corpus', () => {
  it('has an expectation for every fixture, and at least 40 fixtures', () => {
    const files = readdirSync(FIXTURES)
      .filter(f => /\.ya?ml$/.test(f))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  const parsing = Object.entries(EXPECTED).filter(
    (e): e is [string, WorkflowJob[]] => Array.isArray(e[1]),
  );
  const failing = Object.entries(EXPECTED).filter(
    (e): e is [string, ExpectedError] => !Array.isArray(e[1]),
  );

  it.each(parsing)('%s', (name, jobs) => {
    expect(analyzeWorkflow(name, fixture(name))).toEqual({
      path: name,
      jobs,
      error: null,
    });
  });

  it.each(failing)('%s is an error with its position', (name, expected) => {
    const result = analyzeWorkflow(name, fixture(name));
    expect(result).toEqual({
      path: name,
      jobs: expected.jobs ?? [],
      error: { message: expect.stringMatching(/\w{3,}/), ...expected.error },
    });
  });
});

describe('analyzeWorkflow options', () => {
  it('looks into local composite actions through readFile', () => {
    const files: Record<string, string> = {
      '.github/actions/setup-nix/action.yml': [
        'name: setup nix',
        'runs:',
        '  using: composite',
        '  steps:',
        '    - uses: ./.github/actions/inner',
      ].join('\n'),
      '.github/actions/inner/action.yaml': [
        'runs:',
        '  using: composite',
        '  steps:',
        '    - uses: DeterminateSystems/nix-installer-action@main',
      ].join('\n'),
    };
    const readFile = (path: string) => files[path];
    const [withRead] = analyzeWorkflow(
      'w.yml',
      fixture('local-nix-action.yml'),
      { readFile },
    ).jobs;
    expect(withRead.usesNix).toBe(true);
    const steps = inspectWorkflow('w.yml', fixture('local-nix-action.yml'), {
      readFile,
    }).jobs[0].steps;
    expect(steps.map(s => s.installsNix)).toEqual([false, true, false]);
  });

  it('survives a local action that uses itself', () => {
    const readFile = () =>
      'runs:\n  using: composite\n  steps:\n    - uses: ./.github/actions/setup-nix\n';
    expect(
      analyzeWorkflow('w.yml', fixture('local-nix-action.yml'), { readFile })
        .jobs[0].usesNix,
    ).toBe(false);
  });

  it('marks configured larger runners as hosted', () => {
    const [big] = analyzeWorkflow('w.yml', fixture('larger-runner.yml'), {
      hostedLabels: ['org-gpu-*'],
    }).jobs;
    expect(big.hosted).toBe(true);
  });

  it('matches configured runner classes, including owner-overlay scale sets', () => {
    const text = 'on: push\njobs:\n  a:\n    runs-on: tinyland-nix-jess\n';
    expect(analyzeWorkflow('w.yml', text).jobs[0].runnerClass).toBeNull();
    const runnerClasses = [
      ...DEFAULT_RUNNER_CLASSES,
      {
        name: 'nix-overlay',
        capabilities: ['nix' as const],
        labels: [],
        scaleSets: ['tinyland-nix-jess'],
      },
    ];
    expect(
      analyzeWorkflow('w.yml', text, { runnerClasses }).jobs[0].runnerClass,
    ).toBe('nix-overlay');
  });
});

describe('analyzeWorkflow details', () => {
  it('emits the job keys in the documented order', () => {
    const [first] = analyzeWorkflow('m.yml', fixture('matrix-os.yml')).jobs;
    // `calledLabels` only for a job calling a local reusable workflow
    expect(Object.keys(first)).toEqual(
      WORKFLOW_JOB_KEYS.filter(k => k !== 'calledLabels'),
    );
  });

  it('locates Bazel invocations on their source line for evidence', () => {
    const [bazelJob] = inspectWorkflow(
      'b.yml',
      fixture('bazel-sudo-env-chain.yml'),
    ).jobs;
    expect(bazelJob.steps[0].bazel).toEqual([
      {
        subcommand: 'test',
        line: 9,
        excerpt: 'sudo -E env USE_BAZEL_VERSION=7.4.1 bazelisk \\',
      },
    ]);
    const [nixJob] = inspectWorkflow(
      'n.yml',
      fixture('bazel-nix-develop.yml'),
    ).jobs;
    expect(nixJob.steps[1].bazel[0].line).toBe(13);
  });

  it('orders installer and cache steps as written', () => {
    const [publish] = inspectWorkflow('f.yml', fixture('flakehub.yml')).jobs;
    expect(publish.steps.map(s => [s.installsNix, s.cacheStep])).toEqual([
      [false, false],
      [true, false],
      [false, true],
      [false, true],
    ]);
  });

  it('reads the workflow name', () => {
    expect(inspectWorkflow('a.yml', fixture('attic-push.yml')).name).toBe(
      'Platform Proof',
    );
  });
});
