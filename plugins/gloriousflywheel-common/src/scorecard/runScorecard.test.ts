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
      'bazel-cache-wrapper': 'fail',
      'nix-bootstrap-order': 'fail',
      'proof-workflows-green': 'unknown',
      'remote-execution-claim': 'fail',
    });
    expect(scorecard.verdict).toBe('fail');
    const hosted = scorecard.checks[0].evidence.map(e => [
      e.path,
      e.line,
      e.verdict,
    ]);
    expect(hosted).toEqual([
      ['.github/workflows/pages.yml', 7, 'exempt'],
      ['.github/workflows/release.yml', 7, 'fail'],
      ['.github/workflows/validate.yml', 5, 'fail'],
    ]);
    expect(scorecard.checks[1].evidence).toEqual([
      expect.objectContaining({ path: '.gitlab-ci.yml', line: 2 }),
    ]);
    expect(scorecard.checks[2].evidence).toEqual([
      expect.objectContaining({
        path: '.github/workflows/source-bazel-proof.yml',
        line: 12,
      }),
    ]);
    expect(scorecard.checks[3].evidence).toEqual([
      expect.objectContaining({
        path: '.github/workflows/platform-proof.yml',
        line: 10,
      }),
    ]);
    expect(scorecard.checks[5].evidence).toEqual([
      expect.objectContaining({ path: 'README.md', line: 3 }),
    ]);
  });

  it('scores an adopted repository clean, with its exception and offline proof state visible', () => {
    const scorecard = runScorecard(checkout('adopted'), { now: TEST_NOW });
    expect(verdicts(scorecard)).toEqual({
      'hosted-runners': 'exempt',
      'stale-cache-endpoints': 'pass',
      'bazel-cache-wrapper': 'pass',
      'nix-bootstrap-order': 'pass',
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
    ['src/index.ts', false],
    ['plugins/x/src/__fixtures__/repos/a/README.md', false],
    ['pkg/testdata/flake.nix', false],
    ['package.json', false],
  ])('isScorecardInput(%s) -> %s', (path, expected) => {
    expect(isScorecardInput(path)).toBe(expected);
  });
});
