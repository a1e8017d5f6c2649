import { join } from 'node:path';
import { readFixtureRepo as readCheckout } from '../scorecard/__testing__/readFixtureRepo';
import { DEFAULT_SCORECARD_CONFIG } from '../scorecard';
import { TEST_NOW } from '../scorecard/__testing__/evaluateCheck';
import { readTranches } from '../tranches';
import { buildRepoAdoption, formatScorecardCounts } from './buildRepoAdoption';
import { exceptionExempts } from './types';

const REPOS = join(__dirname, '..', '__fixtures__', 'repos');
const tranches = readTranches([
  {
    name: 'first',
    repos: ['tinyland-inc/gaps'],
    blockers: [
      {
        repo: 'tinyland-inc/adopted',
        issue: 'tinyland-inc/adopted#3',
        kind: 'repo',
      },
    ],
  },
  { name: 'rest', rest: true },
]);

const build = (fixture: string, name: string, extra: object = {}) =>
  buildRepoAdoption(
    {
      owner: 'tinyland-inc',
      name,
      htmlBaseUrl: 'https://github.com',
      headOid: 'a'.repeat(40),
      scannedAt: TEST_NOW.toISOString(),
      archived: false,
      fork: false,
      snapshot: readCheckout(join(REPOS, fixture), DEFAULT_SCORECARD_CONFIG),
      ...extra,
    },
    { config: DEFAULT_SCORECARD_CONFIG, tranches, now: TEST_NOW },
  );

describe('buildRepoAdoption', () => {
  it('lists jobs with runner usage, exception status and links to the line', () => {
    const gaps = build('dogfood-gaps', 'gaps');
    const validate = gaps.jobs.find(
      j => j.path === '.github/workflows/validate.yml',
    )!;
    expect(validate).toMatchObject({
      hosted: true,
      runnerClass: null,
      exception: null,
      line: expect.any(Number),
    });
    expect(validate.url).toBe(
      `https://github.com/tinyland-inc/gaps/blob/main/.github/workflows/validate.yml#L${validate.line}`,
    );
    const pages = gaps.jobs.find(
      j => j.path === '.github/workflows/pages.yml',
    )!;
    expect(pages.exception).toMatchObject({
      expired: false,
      owner: expect.any(String),
      category: 'control-plane',
      standing: 'valid',
    });
    expect(exceptionExempts(pages.exception)).toBe(true);
    // the register's second entry has no category and has expired: it exempts nothing
    const release = gaps.jobs.find(j =>
      j.exception?.reason.startsWith('release notes'),
    );
    expect(release?.exception).toMatchObject({
      expired: true,
      standing: 'expired',
    });
    expect(exceptionExempts(release!.exception)).toBe(false);
    expect(gaps.hostedJobs).toBe(gaps.jobs.filter(j => j.hosted).length);
    expect(gaps.runnerClasses).toEqual(
      [...new Set(gaps.jobs.map(j => j.runnerClass).filter(Boolean))].sort(),
    );
  });

  it('exempts a job only by an exception in good standing; results stored before categories fall back to expiry', () => {
    const base = {
      reason: 'r',
      owner: '@o',
      expires: '2099-12-31',
      expired: false,
    };
    expect(exceptionExempts(null)).toBe(false);
    expect(exceptionExempts({ ...base, standing: 'valid' })).toBe(true);
    expect(exceptionExempts({ ...base, standing: 'uncategorised' })).toBe(
      false,
    );
    expect(
      exceptionExempts({
        ...base,
        category: 'low-risk',
        standing: 'category-not-allowed',
      }),
    ).toBe(false);
    expect(exceptionExempts(base)).toBe(true);
    expect(exceptionExempts({ ...base, expired: true })).toBe(false);
  });

  it('carries the scorecard with counts, evidence links and how to fix', () => {
    const gaps = build('dogfood-gaps', 'gaps');
    expect(gaps.scorecard.counts).toEqual({
      pass: 0,
      fail: 8,
      exempt: 0,
      unknown: 1,
    });
    expect(formatScorecardCounts(gaps.scorecard.counts)).toBe(
      'pass=0,fail=8,exempt=0,unknown=1',
    );
    const hosted = gaps.scorecard.checks.find(c => c.id === 'hosted-runners')!;
    expect(hosted.howToFix).toMatch(/exceptions\.yaml/);
    expect(hosted.evidence.find(e => e.verdict === 'fail')!.url).toMatch(
      /\/blob\/main\/\.github\/workflows\/release\.yml#L7$/,
    );
    expect(gaps).toMatchObject({
      tranche: 'first',
      stage: 'in-progress',
      blockers: [],
      error: null,
      stale: false,
    });
  });

  it('derives blocked from an open blocker, with its issue link', () => {
    const adopted = build('adopted', 'adopted');
    expect(adopted.tranche).toBe('rest');
    expect(build('adopted', 'other').stage).not.toBe('blocked');
    const blocked = buildRepoAdoption(
      {
        owner: 'tinyland-inc',
        name: 'adopted',
        htmlBaseUrl: 'https://github.com',
        headOid: 'b',
        scannedAt: '',
        archived: false,
        fork: false,
        snapshot: readCheckout(
          join(REPOS, 'adopted'),
          DEFAULT_SCORECARD_CONFIG,
        ),
      },
      {
        config: DEFAULT_SCORECARD_CONFIG,
        tranches: [{ ...tranches[1], blockers: tranches[0].blockers }],
        now: TEST_NOW,
      },
    );
    expect(blocked.stage).toBe('blocked');
    expect(blocked.blockers).toEqual([
      {
        issue: 'tinyland-inc/adopted#3',
        kind: 'repo',
        url: 'https://github.com/tinyland-inc/adopted/issues/3',
      },
    ]);
  });

  it('carries migration pull requests; an open one makes an adopted repository in progress', () => {
    const pr = (number: number, state: 'open' | 'merged') => ({
      number,
      title: `Move CI onto runner classes (${number})`,
      url: `https://github.com/tinyland-inc/other/pull/${number}`,
      state,
      draft: false,
      headRefName: `gloriousflywheel/${number}`,
      createdAt: '2026-04-10T09:00:00Z',
      mergedAt: state === 'merged' ? '2026-04-14T09:00:00Z' : null,
    });
    const before = build('adopted', 'other');
    expect(before).toMatchObject({
      stage: 'adopted',
      migrationPullRequests: [],
    });
    const merged = build('adopted', 'other', {
      migrationPullRequests: [pr(72, 'merged')],
    });
    expect(merged).toMatchObject({
      stage: 'adopted',
      migrationPullRequests: [pr(72, 'merged')],
    });
    const open = build('adopted', 'other', {
      migrationPullRequests: [pr(80, 'open'), pr(72, 'merged')],
    });
    expect(open.stage).toBe('in-progress');
    expect(open.migrationPullRequests.map(p => p.number)).toEqual([80, 72]);
  });

  it('reports a malformed workflow with line and column next to fetch errors', () => {
    const snapshot = {
      defaultBranch: 'main',
      files: {
        '.github/workflows/broken.yml':
          'on: [push\njobs:\n  a:\n    runs-on: x\n',
      },
    };
    const result = buildRepoAdoption(
      {
        owner: 'o',
        name: 'r',
        htmlBaseUrl: 'https://github.com',
        headOid: 'c',
        scannedAt: '',
        archived: false,
        fork: false,
        snapshot,
        fileErrors: [
          { path: '.github/workflows/big.yml', message: 'too large' },
        ],
      },
      { config: DEFAULT_SCORECARD_CONFIG, tranches: [], now: TEST_NOW },
    );
    expect(result.fileErrors).toEqual([
      { path: '.github/workflows/big.yml', message: 'too large' },
      {
        path: '.github/workflows/broken.yml',
        message: expect.any(String),
        line: expect.any(Number),
        column: expect.any(Number),
      },
    ]);
    expect(result).toMatchObject({
      tranche: null,
      stage: 'not-started',
      jobs: [],
    });
  });
});
