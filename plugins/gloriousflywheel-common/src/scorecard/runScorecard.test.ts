import { join } from 'node:path';
import { readFixtureRepo as readCheckout } from './__testing__/readFixtureRepo';
import { TEST_NOW } from './__testing__/evaluateCheck';
import { DEFAULT_SCORECARD_CHECKS } from './checks';
import { isScorecardInput, runScorecard } from './runScorecard';
import {
  DEFAULT_SCORECARD_CONFIG,
  readScorecardConfig,
} from './scorecardConfig';
import { ScorecardCheck } from './types';

const REPOS = join(__dirname, '..', '__fixtures__', 'repos');
const checkout = (name: string) =>
  readCheckout(join(REPOS, name), DEFAULT_SCORECARD_CONFIG);
const verdicts = (scorecard: ReturnType<typeof runScorecard>) =>
  Object.fromEntries(scorecard.checks.map(c => [c.id, c.verdict]));

describe('runScorecard on fixture checkouts', () => {
  it('finds every dogfood gap of the gap analysis', () => {
    const scorecard = runScorecard(checkout('dogfood-gaps'), { now: TEST_NOW });
    expect(verdicts(scorecard)).toEqual({
      'hosted-runners': 'fail',
      'stale-cache-endpoints': 'fail',
      'stale-cache-endpoints-docs': 'fail',
      'bazel-cache-wrapper': 'fail',
      'cache-attachment-preflight': 'fail',
      'nix-bootstrap-order': 'fail',
      'workflow-scripts-present': 'fail',
      'proof-workflows-green': 'unknown',
      'remote-execution-claim': 'fail',
    });
    expect(scorecard.verdict).toBe('fail');
    const evidenceOf = (id: string) =>
      scorecard.checks
        .find(c => c.id === id)!
        .evidence.map(e => [e.path, e.line, e.verdict]);
    expect(evidenceOf('hosted-runners')).toEqual([
      ['.github/workflows/pages.yml', 7, 'exempt'],
      ['.github/workflows/release.yml', 7, 'fail'],
      ['.github/workflows/validate.yml', 5, 'fail'],
    ]);
    expect(evidenceOf('stale-cache-endpoints')).toEqual([
      ['.gitlab-ci.yml', 2, 'fail'],
      ['config/organization-s3.example.yaml', 3, 'fail'],
    ]);
    // research notes are history: only the active doc counts
    expect(evidenceOf('stale-cache-endpoints-docs')).toEqual([
      ['docs/infrastructure/overlay-creation.md', 3, 'fail'],
    ]);
    // the debugging section may show raw Bazel
    expect(evidenceOf('bazel-cache-wrapper')).toEqual([
      ['.github/workflows/source-bazel-proof.yml', 12, 'fail'],
      ['docs/guides/adoption-quickstart.md', 7, 'fail'],
    ]);
    expect(evidenceOf('cache-attachment-preflight')).toEqual([
      ['.github/workflows/source-bazel-proof.yml', 12, 'fail'],
    ]);
    expect(evidenceOf('nix-bootstrap-order')).toEqual([
      ['.github/workflows/platform-proof.yml', 10, 'fail'],
      ['.github/workflows/source-bazel-proof.yml', 12, 'fail'],
    ]);
    expect(evidenceOf('workflow-scripts-present')).toEqual([
      ['.github/workflows/platform-proof.yml', 14, 'fail'],
    ]);
    expect(evidenceOf('remote-execution-claim')).toEqual([
      ['README.md', 3, 'fail'],
    ]);
  });

  it('scores an adopted repository clean, with its exception and offline proof state visible', () => {
    const scorecard = runScorecard(checkout('adopted'), { now: TEST_NOW });
    expect(verdicts(scorecard)).toEqual({
      'hosted-runners': 'exempt',
      'stale-cache-endpoints': 'pass',
      'stale-cache-endpoints-docs': 'pass',
      'bazel-cache-wrapper': 'pass',
      'cache-attachment-preflight': 'pass',
      'nix-bootstrap-order': 'pass',
      'workflow-scripts-present': 'pass',
      'proof-workflows-green': 'unknown',
      'remote-execution-claim': 'pass',
    });
    expect(scorecard.verdict).toBe('unknown');
    const withRuns = runScorecard(
      {
        ...checkout('adopted'),
        latestRuns: [
          {
            workflowPath: '.github/workflows/source-bazel-proof.yml',
            conclusion: 'success',
          },
        ],
      },
      { now: TEST_NOW },
    );
    expect(withRuns.verdict).toBe('exempt');
  });

  it('lets the exception register expire with time', () => {
    const later = runScorecard(checkout('adopted'), {
      now: new Date('2100-01-01T00:00:00Z'),
    });
    expect(verdicts(later)['hosted-runners']).toBe('fail');
  });
});

describe('runScorecard mechanics', () => {
  const snapshot = { repo: 'tinyland-inc/x', defaultBranch: 'main', files: {} };

  it('applies per-check overrides: disabled checks are left out, severity replaced', () => {
    const config = readScorecardConfig({
      checks: {
        'remote-execution-claim': { enabled: false },
        'hosted-runners': { severity: 'warning' },
      },
    });
    const scorecard = runScorecard(snapshot, { config, now: TEST_NOW });
    expect(scorecard.checks.map(c => c.id)).not.toContain(
      'remote-execution-claim',
    );
    expect(
      scorecard.checks.find(c => c.id === 'hosted-runners')?.severity,
    ).toBe('warning');
    expect(scorecard).toMatchObject({
      repo: 'tinyland-inc/x',
      defaultBranch: 'main',
      evaluatedAt: TEST_NOW.toISOString(),
    });
  });

  it('ignores test fixtures even when the snapshot holds them', () => {
    const files = {
      'src/__fixtures__/repos/a/README.md': 'Uses Bazel remote execution.\n',
      'src/__fixtures__/repos/a/.bazelrc':
        'build --remote_cache=grpc://x.attic-cache-dev.svc\n',
    };
    const scorecard = runScorecard({ ...snapshot, files }, { now: TEST_NOW });
    expect(verdicts(scorecard)['remote-execution-claim']).toBe('pass');
    expect(verdicts(scorecard)['stale-cache-endpoints']).toBe('pass');
  });

  it('turns a throwing rule into unknown instead of crashing', () => {
    const broken: ScorecardCheck = {
      id: 'broken',
      title: 'Broken',
      severity: 'error',
      rationale: 'test',
      rule: () => {
        throw new Error('boom');
      },
    };
    const scorecard = runScorecard(snapshot, {
      now: TEST_NOW,
      checks: [...DEFAULT_SCORECARD_CHECKS, broken],
    });
    expect(scorecard.checks.at(-1)).toMatchObject({
      id: 'broken',
      verdict: 'unknown',
      summary: expect.stringContaining('boom'),
    });
  });

  it.each([
    ['.github/workflows/ci.yml', true],
    ['.github/actions/x/action.yml', true],
    ['.github/gloriousflywheel-exceptions.yaml', true],
    ['scripts/bazel-cache-backed.sh', true],
    ['README.md', true],
    ['docs/guide.md', true],
    ['flake.nix', true],
    ['tools/ci.bazelrc', true],
    // issue 15: where the seeds say drift lives, examples, scripts workflows call
    ['config/organization-s3.example.yaml', true],
    ['tofu/stacks/attic/terraform.tfvars.example', true],
    ['examples/flake/flake.nix', true],
    ['examples/gitlab/.gitlab-ci.yml', true],
    ['scripts/cache-attachment-contract.sh', true],
    ['scripts/ci/deep.sh', true],
    ['src/index.ts', false],
    ['plugins/x/src/__fixtures__/repos/a/README.md', false],
    ['pkg/testdata/flake.nix', false],
    ['package.json', false],
  ])('isScorecardInput(%s) -> %s', (path, expected) => {
    expect(isScorecardInput(path)).toBe(expected);
  });
});
