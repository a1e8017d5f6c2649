import {
  blockerUrl,
  deriveAdoptionStage,
  openBlockersFor,
  readTranches,
  trancheOf,
} from './tranches';
import { StageInput } from './types';

const clean: StageInput = {
  failingChecks: 0,
  unexemptedHostedJobs: 0,
  runnerClassJobs: 3,
  openBlockers: 0,
};

describe('deriveAdoptionStage', () => {
  it.each<[string, Partial<StageInput>, string]>([
    ['clean scorecard on runner classes', {}, 'adopted'],
    ['an open blocker wins over everything', { openBlockers: 1 }, 'blocked'],
    [
      'blocked even when nothing has moved',
      { openBlockers: 1, runnerClassJobs: 0 },
      'blocked',
    ],
    [
      'a failing check keeps it in progress',
      { failingChecks: 1 },
      'in-progress',
    ],
    [
      'a hosted job without exception keeps it in progress',
      { unexemptedHostedJobs: 2 },
      'in-progress',
    ],
    [
      'no runner-class job: not started',
      { runnerClassJobs: 0, unexemptedHostedJobs: 4, failingChecks: 1 },
      'not-started',
    ],
    // Only hosted jobs, all exempted: nothing has moved onto a runner class yet.
    [
      'exempted hosted jobs only: not started',
      { runnerClassJobs: 0 },
      'not-started',
    ],
    [
      'an open migration pull request: in progress before any job moved',
      {
        runnerClassJobs: 0,
        unexemptedHostedJobs: 3,
        openMigrationPullRequests: 1,
      },
      'in-progress',
    ],
    [
      'an open migration pull request: in progress though the default branch looks done',
      { openMigrationPullRequests: 2 },
      'in-progress',
    ],
    [
      'a blocker wins over an open migration pull request',
      { openBlockers: 1, openMigrationPullRequests: 1 },
      'blocked',
    ],
    [
      'no open migration pull request changes nothing',
      { openMigrationPullRequests: 0 },
      'adopted',
    ],
  ])('%s', (_why, input, stage) => {
    expect(deriveAdoptionStage({ ...clean, ...input })).toBe(stage);
  });
});

describe('readTranches', () => {
  const config = [
    {
      name: 'first',
      repos: ['tinyland-inc/XoxdWM', 'tinyland-inc/lab'],
      blockers: [
        {
          repo: 'tinyland-inc/lab',
          issue: 'tinyland-inc/lab#12',
          kind: 'repo',
        },
        {
          issue: 'tinyland-inc/GloriousFlywheel#7',
          kind: 'capacity',
          closed: true,
        },
      ],
    },
    { name: 'exposed', patterns: ['tinyland-inc/runner-label-*'] },
    { name: 'svc', patterns: ['tinyland-inc/svc-0**'] },
    {
      name: 'long-tail',
      rest: true,
      blockers: [
        { issue: 'tinyland-inc/GloriousFlywheel#9', kind: 'platform' },
      ],
    },
  ];

  it('applies defaults', () => {
    const [first, exposed] = readTranches(config);
    expect(first).toMatchObject({ patterns: [], rest: false });
    expect(exposed).toMatchObject({ repos: [], blockers: [], rest: false });
    expect(readTranches(undefined)).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    [
      'a bad repo ref',
      [{ name: 'a', repos: ['nope'] }],
      /tranches\[0\]\.repos\[0\]: must be owner\/name/,
    ],
    [
      'an unknown blocker kind',
      [{ name: 'a', blockers: [{ issue: 'x#1', kind: 'people' }] }],
      /tranches\[0\]\.blockers\[0\]\.kind/,
    ],
    [
      'a duplicate name',
      [{ name: 'a' }, { name: 'a' }],
      /tranches\[1\]\.name: duplicate tranche a/,
    ],
    [
      'a repo in two tranches',
      [
        { name: 'a', repos: ['o/x'] },
        { name: 'b', repos: ['O/X'] },
      ],
      /o\/x is already in tranche a|O\/X is already in tranche a/,
    ],
    [
      'two rest tranches',
      [
        { name: 'a', rest: true },
        { name: 'b', rest: true },
      ],
      /only one tranche may have rest: true/,
    ],
    [
      'an unknown key',
      [{ name: 'a', members: [] }],
      /tranches\[0\]: Unrecognized key/,
    ],
  ])('rejects %s, naming the key', (_why, value, message) => {
    expect(() => readTranches(value)).toThrow(message);
  });

  it.each<[string, string | undefined]>([
    ['tinyland-inc/XoxdWM', 'first'],
    ['TINYLAND-INC/xoxdwm', 'first'],
    ['tinyland-inc/runner-label-03', 'exposed'],
    ['tinyland-inc/svc-0042', 'svc'],
    ['tinyland-inc/blahaj', 'long-tail'],
  ])('puts %s in tranche %s', (repo, name) => {
    expect(trancheOf(repo, readTranches(config))?.name).toBe(name);
  });

  it('claims nothing without a rest tranche', () => {
    expect(
      trancheOf('tinyland-inc/blahaj', readTranches(config.slice(0, 2))),
    ).toBeUndefined();
  });

  it('lists open blockers of the repo and of the whole tranche', () => {
    const tranches = readTranches(config);
    expect(
      openBlockersFor('tinyland-inc/lab', tranches[0]).map(b => b.issue),
    ).toEqual(['tinyland-inc/lab#12']);
    expect(openBlockersFor('tinyland-inc/XoxdWM', tranches[0])).toEqual([]);
    expect(
      openBlockersFor('tinyland-inc/svc-1', tranches[3]).map(b => b.kind),
    ).toEqual(['platform']);
    expect(openBlockersFor('x/y', undefined)).toEqual([]);
  });

  it.each<[string, string | undefined, string | undefined]>([
    [
      'tinyland-inc/tinyland.dev#136',
      undefined,
      'https://github.com/tinyland-inc/tinyland.dev/issues/136',
    ],
    ['JIRA-12', undefined, undefined],
    ['JIRA-12', 'https://jira.example/JIRA-12', 'https://jira.example/JIRA-12'],
  ])('links %s', (issue, url, expected) => {
    expect(blockerUrl({ issue, kind: 'repo', url })).toBe(expected);
  });

  it('links issues on GitHub Enterprise', () => {
    expect(
      blockerUrl({ issue: 'o/r#1', kind: 'repo' }, 'https://ghe.example/'),
    ).toBe('https://ghe.example/o/r/issues/1');
  });
});
