import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DEFAULT_SCORECARD_CONFIG,
  WORKFLOW_JOB_KEYS,
  analyzeWorkflow,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

const PACKAGE = resolve(__dirname, '..');
const BIN = join(PACKAGE, 'bin', 'gf-audit');
// The fixture workflows and repos are the shared library's; run where they live.
const FIXTURES_ROOT = resolve(
  PACKAGE,
  '..',
  '..',
  'plugins',
  'gloriousflywheel-common',
);
const WORKFLOWS = 'src/__fixtures__/workflows';
const REPOS = 'src/__fixtures__/repos';

jest.setTimeout(60_000);

/** Runs the real executable the way `yarn gf-audit` does: plain node, no build. */
function gfAudit(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: FIXTURES_ROOT,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'gf-audit-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('gf-audit workflows', () => {
  it('prints exactly the documented JSON for a directory and exits 2 because some fixtures are malformed', () => {
    const { code, stdout } = gfAudit('workflows', WORKFLOWS, '--json');
    expect(code).toBe(2);
    const output = JSON.parse(stdout);
    expect(Object.keys(output)).toEqual(['files']);
    expect(output.files.length).toBeGreaterThanOrEqual(40);
    for (const file of output.files) {
      expect(Object.keys(file)).toEqual(['path', 'jobs', 'error']);
      expect(file.path.startsWith(`${WORKFLOWS}/`)).toBe(true);
      expect([null, ['message', 'line', 'column']]).toContainEqual(
        file.error && Object.keys(file.error),
      );
      for (const job of file.jobs) {
        // the documented order; `candidates` and `calledLabels` only when there are some
        expect(Object.keys(job)).toEqual(
          WORKFLOW_JOB_KEYS.filter(
            k =>
              (k !== 'candidates' || job.candidates) &&
              (k !== 'calledLabels' || job.calledLabels),
          ),
        );
      }
      // The CLI prints what the shared library computes: no second parser.
      const text = readFileSync(join(FIXTURES_ROOT, file.path), 'utf8');
      expect(file).toEqual(
        JSON.parse(JSON.stringify(analyzeWorkflow(file.path, text))),
      );
    }
    const errors = output.files
      .filter((f: { error: unknown }) => f.error)
      .map((f: { path: string }) => f.path);
    expect(errors).toContain(`${WORKFLOWS}/malformed-tab.yml`);
    expect(errors).toContain(`${WORKFLOWS}/multi-document.yml`);
  });

  it('exits 0 when every file parses', () => {
    const { code, stdout } = gfAudit(
      'workflows',
      `${WORKFLOWS}/string-hosted.yml`,
      `${WORKFLOWS}/matrix-os.yml`,
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      files: [
        {
          path: `${WORKFLOWS}/string-hosted.yml`,
          jobs: [
            {
              id: 'validate',
              line: 4,
              labels: ['ubuntu-latest'],
              group: null,
              dynamic: false,
              reusable: false,
              runnerClass: null,
              hosted: true,
              runsBazel: false,
              usesNix: false,
              via: [],
            },
          ],
          error: null,
        },
        {
          path: `${WORKFLOWS}/matrix-os.yml`,
          jobs: [
            {
              id: 'test',
              line: 3,
              labels: [],
              group: null,
              dynamic: true,
              reusable: false,
              runnerClass: null,
              hosted: false,
              runsBazel: false,
              usesNix: false,
              candidates: ['ubuntu-latest', 'macos-14', 'tinyland-nix'],
              via: [],
            },
          ],
          error: null,
        },
      ],
    });
  });

  it('prints a readable table without --json', () => {
    const { code, stdout } = gfAudit(
      'workflows',
      `${WORKFLOWS}/bazel-nix-develop.yml`,
      `${WORKFLOWS}/malformed-tab.yml`,
    );
    expect(code).toBe(2);
    expect(stdout).toMatch(
      /^FILE:LINE\s+JOB\s+RUNS-ON\s+RUNNER CLASS\s+HOSTED\s+BAZEL\s+NIX/,
    );
    expect(stdout).toMatch(
      /bazel-nix-develop\.yml:6\s+bazel\s+tinyland-nix\s+tinyland-nix\s+-\s+yes\s+yes/,
    );
    expect(stdout).toContain(
      `error: ${WORKFLOWS}/malformed-tab.yml:4:1: Tabs are not allowed as indentation`,
    );
  });

  it('reads local composite actions from the checkout a workflow belongs to', () => {
    const { code, stdout } = gfAudit(
      'workflows',
      `${REPOS}/adopted/.github/workflows/source-bazel-proof.yml`,
      '--json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout).files[0].jobs[0]).toMatchObject({
      runnerClass: 'tinyland-nix',
      usesNix: true,
      runsBazel: false,
    });
  });

  it('applies a YAML or JSON --config (runner classes, larger runners)', () => {
    const yamlConfig = join(tmp, 'gf.yaml');
    writeFileSync(
      yamlConfig,
      'runnerClasses:\n  - name: gpu\n    capabilities: [heavy]\n    labels: [gpu-box]\n    scaleSets: [gpu-box]\n',
    );
    const yamlRun = JSON.parse(
      gfAudit(
        'workflows',
        `${WORKFLOWS}/unknown-self-hosted.yml`,
        '--json',
        '--config',
        yamlConfig,
      ).stdout,
    );
    expect(yamlRun.files[0].jobs[0].runnerClass).toBe('gpu');

    const jsonConfig = join(tmp, 'gf.json');
    writeFileSync(
      jsonConfig,
      JSON.stringify({ hostedLabels: ['org-gpu-large'] }),
    );
    const jsonRun = JSON.parse(
      gfAudit(
        'workflows',
        `${WORKFLOWS}/larger-runner.yml`,
        '--json',
        '--config',
        jsonConfig,
      ).stdout,
    );
    expect(jsonRun.files[0].jobs[0].hosted).toBe(true);
  });

  it.each([
    [['workflows', 'no/such/dir'], /no such file or directory: no\/such\/dir/],
    [['workflows'], /needs at least one file/],
    [[], /Missing command/],
    [['lint'], /Unknown command: lint/],
    [['workflows', WORKFLOWS, '--bogus'], /bogus/],
  ])('exits 2 on %j', (args, message) => {
    const { code, stderr } = gfAudit(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('exits 2 naming the key of an invalid config', () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'staleEndpoints: [ "/([/" ]\n');
    const { code, stderr } = gfAudit('workflows', WORKFLOWS, '--config', bad);
    expect(code).toBe(2);
    expect(stderr).toContain('staleEndpoints.0');
  });

  it('prints usage with --help', () => {
    const { code, stdout } = gfAudit('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('gf-audit repo [dir]');
  });

  it('names every config key in --help and in docs/gf-audit.md, and the issue-14 flags', () => {
    const help = gfAudit('--help').stdout;
    const docs = readFileSync(
      join(PACKAGE, '..', '..', 'docs', 'gf-audit.md'),
      'utf8',
    );
    const configBlock = docs.slice(
      docs.indexOf('## Configuration'),
      docs.indexOf('## Using the library'),
    );
    for (const key of Object.keys(DEFAULT_SCORECARD_CONFIG)) {
      expect(help).toMatch(new RegExp(`\\b${key}\\b`));
      expect(configBlock).toMatch(new RegExp(`^${key}:`, 'm'));
    }
    const synopses = help.split('\n').filter(l => l.startsWith('  gf-audit '));
    expect(synopses).toHaveLength(2);
    for (const synopsis of synopses)
      expect(synopsis).toMatch(
        /--remote <owner\/repo=dir>\]\.\.\. \[--var <NAME=VALUE>\]\.\.\.$/,
      );
  });
});

describe('gf-audit repo', () => {
  it('exits 1 with evidence when a check fails', () => {
    const { code, stdout } = gfAudit('repo', `${REPOS}/dogfood-gaps`, '--json');
    expect(code).toBe(1);
    const scorecard = JSON.parse(stdout);
    expect(Object.keys(scorecard)).toEqual([
      'defaultBranch',
      'evaluatedAt',
      'verdict',
      'checks',
    ]);
    expect(scorecard.verdict).toBe('fail');
    expect(scorecard.checks.map((c: { id: string }) => c.id)).toEqual([
      'hosted-runners',
      'stale-cache-endpoints',
      'stale-cache-endpoints-docs',
      'bazel-cache-wrapper',
      'cache-attachment-preflight',
      'nix-bootstrap-order',
      'workflow-scripts-present',
      'proof-workflows-green',
      'remote-execution-claim',
    ]);
    for (const check of scorecard.checks) {
      expect(Object.keys(check).sort()).toEqual([
        'evidence',
        'id',
        'severity',
        'summary',
        'title',
        'verdict',
      ]);
    }
    const stale = scorecard.checks[1];
    expect(stale.evidence[0]).toMatchObject({
      path: '.gitlab-ci.yml',
      line: 2,
      verdict: 'fail',
    });
  });

  it('prints a readable checklist without --json', () => {
    const { code, stdout } = gfAudit('repo', `${REPOS}/dogfood-gaps`);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^Dogfood scorecard \(\w[\w./-]*\): FAIL/);
    expect(stdout).toMatch(/FAIL\s+hosted-runners \[error\]/);
    expect(stdout).toContain('.github/workflows/validate.yml:5');
  });

  it('exits 0 when nothing fails (unknown and exempt do not fail), and reads --runs', () => {
    expect(gfAudit('repo', `${REPOS}/adopted`).code).toBe(0);
    const runs = join(tmp, 'runs.json');
    writeFileSync(
      runs,
      JSON.stringify([
        {
          workflowPath: '.github/workflows/source-bazel-proof.yml',
          conclusion: 'failure',
          url: 'https://github.com/o/r/actions/runs/1',
        },
      ]),
    );
    const { code, stdout } = gfAudit(
      'repo',
      `${REPOS}/adopted`,
      '--json',
      '--runs',
      runs,
    );
    expect(code).toBe(1);
    const proof = JSON.parse(stdout).checks.find(
      (c: { id: string }) => c.id === 'proof-workflows-green',
    );
    expect(proof.evidence[0]).toMatchObject({
      url: 'https://github.com/o/r/actions/runs/1',
      verdict: 'fail',
    });
  });

  it('exits 2 for a directory that does not exist', () => {
    const { code, stderr } = gfAudit('repo', 'no/such/checkout');
    expect(code).toBe(2);
    expect(stderr).toContain('Cannot read checkout');
  });
});

describe('gf-audit following building blocks', () => {
  const FOLLOWING = 'src/__fixtures__/following';
  const CI = `${FOLLOWING}/repo/.github/workflows/ci.yml`;
  const REMOTE = `--remote=tinyland-inc/ci-templates=${FOLLOWING}/remote/tinyland-inc/ci-templates`;
  const jobsOf = (stdout: string) =>
    Object.fromEntries(
      JSON.parse(stdout).files[0].jobs.map((j: { id: string }) => [j.id, j]),
    );

  it('follows local blocks in a checkout, and remote ones given --remote', () => {
    const without = gfAudit('workflows', CI, '--json');
    expect(without.code).toBe(0);
    const local = jobsOf(without.stdout);
    expect(local.nested.via).toEqual([
      './.github/actions/outer',
      './.github/actions/setup',
    ]);
    expect(local['call-local'].calledLabels).toEqual([
      'tinyland-nix',
      'self-hosted',
      'tinyland-docker',
    ]);
    expect(local['call-remote']).toMatchObject({ usesNix: false, via: [] });
    const remote = jobsOf(gfAudit('workflows', CI, '--json', REMOTE).stdout);
    expect(remote['call-remote']).toMatchObject({
      usesNix: true,
      via: [
        'tinyland-inc/ci-templates/.github/workflows/nix.yml@main',
        'tinyland-inc/ci-templates/actions/setup-nix@main',
      ],
    });
    expect('calledLabels' in remote['call-remote']).toBe(false);
  });

  it('decides an expression runner with --var', () => {
    const undecided = jobsOf(gfAudit('workflows', CI, '--json').stdout).toggle;
    expect(undecided).toMatchObject({
      labels: [],
      candidates: ['ubuntu-latest', 'tinyland-nix'],
    });
    const decided = jobsOf(
      gfAudit('workflows', CI, '--json', '--var', 'USE_SELFHOSTED=true').stdout,
    ).toggle;
    expect(decided).toMatchObject({
      labels: ['tinyland-nix'],
      runnerClass: 'tinyland-nix',
      hosted: false,
    });
    expect(decided.candidates).toBeUndefined();
  });

  it('rejects malformed --var and --remote', () => {
    expect(gfAudit('workflows', CI, '--var', 'NOVALUE').stderr).toContain(
      '--var must look like NAME=VALUE: NOVALUE',
    );
    expect(gfAudit('workflows', CI, '--remote', 'just-a-name=x').code).toBe(2);
  });

  it('the repo scorecard sees the same jobs as the workflow analysis', () => {
    const repo = gfAudit('repo', `${FOLLOWING}/repo`, '--json', REMOTE);
    const hosted = JSON.parse(repo.stdout).checks.find(
      (c: { id: string }) => c.id === 'hosted-runners',
    );
    // The workflow analysis says which ci.yml jobs are hosted or may be ...
    const jobs = JSON.parse(gfAudit('workflows', CI, '--json', REMOTE).stdout)
      .files[0].jobs;
    const risky = jobs
      .filter(
        (j: { hosted: boolean; candidates?: string[] }) =>
          j.hosted || (j.candidates ?? []).some(l => /ubuntu|macos/.test(l)),
      )
      .map((j: { id: string }) => j.id);
    expect(risky).toEqual([
      'toggle',
      'matrix-choice',
      'github-literal',
      'hosted-when-off',
    ]);
    // ... and the scorecard does not pass any of them.
    for (const id of risky) {
      expect(
        hosted.evidence.some(
          (e: { verdict: string; note?: string }) =>
            e.verdict !== 'pass' && e.note?.startsWith(`Job ${id} `),
        ),
      ).toBe(true);
    }
  });

  it('the repo scorecard judges called workflows at the caller line, remote ones given --remote', () => {
    const CALLERS = 'src/__fixtures__/callers';
    const hostedOf = (...args: string[]) => {
      const { code, stdout } = gfAudit(
        'repo',
        `${CALLERS}/repo`,
        '--json',
        ...args,
      );
      expect(code).toBe(1);
      return JSON.parse(stdout).checks.find(
        (c: { id: string }) => c.id === 'hosted-runners',
      ).evidence as { line: number; verdict: string; note: string }[];
    };
    const noteOf = (
      evidence: { note: string; verdict: string }[],
      job: string,
    ) =>
      evidence
        .filter(e => e.note.startsWith(`Job ${job} `))
        .map(e => `${e.verdict}: ${e.note}`);
    const withRemote = hostedOf(
      `--remote=tinyland-inc/ci-templates=${CALLERS}/remote/tinyland-inc/ci-templates`,
    );
    expect(noteOf(withRemote, 'remote-hosted')).toEqual([
      'fail: Job remote-hosted calls tinyland-inc/ci-templates/.github/workflows/build.yml@v1, whose job build runs on hosted ubuntu-latest (tinyland-inc/ci-templates/.github/workflows/build.yml@v1:9: runs-on: ${{ inputs.runner }}) with no exception',
    ]);
    expect(noteOf(withRemote, 'remote-pooled')).toEqual([]);
    expect(noteOf(withRemote, 'local-hosted')).toHaveLength(1);
    // without the template checkout, the remote callers are undecided, the local one still fails
    const offline = hostedOf();
    expect(noteOf(offline, 'remote-pooled')).toEqual([
      'unknown: Job remote-pooled calls tinyland-inc/ci-templates/.github/workflows/build.yml@v1: Remote workflow tinyland-inc/ci-templates/.github/workflows/build.yml@v1 is not followed',
    ]);
    expect(noteOf(offline, 'local-hosted')[0]).toMatch(/^fail: /);
    // with the variable known, the callee's toggle is decided
    expect(
      noteOf(
        hostedOf(
          `--remote=tinyland-inc/ci-templates=${CALLERS}/remote/tinyland-inc/ci-templates`,
          '--var',
          'USE_SELFHOSTED=true',
        ),
        'remote-toggle',
      ),
    ).toEqual([]);
  });
});
