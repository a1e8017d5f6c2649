import { validateGitHubGraphql } from '@internal/fleet-sandbox';
import { DEFAULT_SCORECARD_CONFIG } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  extraFilesQuery,
  orgBatchQuery,
  orgHeadsQuery,
  reposContentQuery,
} from './queries';
import { migrationPullRequestsOf } from './migrationPulls';

const repos = [
  { owner: 'tinyland-inc', name: 'lab' },
  { owner: 'tinyland-inc', name: 'tinyland.dev' },
];

describe('adoption GraphQL documents', () => {
  // Each document the scanner can build, validated against GitHub's public schema.
  it.each([
    ['org batch', orgBatchQuery(DEFAULT_SCORECARD_CONFIG, false)],
    [
      'org batch with forks and migration labels',
      orgBatchQuery(DEFAULT_SCORECARD_CONFIG, true, {
        labels: ['gloriousflywheel-migration', 'ci "x"'],
        limit: 10,
      }),
    ],
    ['org heads', orgHeadsQuery(false)],
    ['org heads without archived ones', orgHeadsQuery(false, undefined, false)],
    [
      'org batch without archived ones',
      orgBatchQuery(DEFAULT_SCORECARD_CONFIG, false, undefined, false),
    ],
    [
      'org heads with recent pull requests',
      orgHeadsQuery(false, { labels: [], limit: 100 }),
    ],
    ['repos by alias', reposContentQuery(DEFAULT_SCORECARD_CONFIG, repos)],
    [
      'repos by alias with migration labels',
      reposContentQuery(DEFAULT_SCORECARD_CONFIG, repos, {
        labels: ['migration'],
        limit: 5,
      }),
    ],
    [
      'extra files',
      extraFilesQuery([
        {
          owner: 'tinyland-inc',
          name: 'lab',
          oid: 'a'.repeat(40),
          paths: ['config/x.yaml', 'docs/a b.md'],
        },
      ]),
    ],
  ])('%s is valid', (_name, query) => {
    expect(validateGitHubGraphql(query)).toEqual([]);
  });

  it('asks for migration pull requests only when configured', () => {
    expect(orgHeadsQuery(false)).not.toMatch(/pullRequests/);
    expect(orgHeadsQuery(false, { labels: ['m'], limit: 7 })).toMatch(
      /pullRequests\(first: 7, states: \[OPEN, MERGED\], labels: \["m"\]/,
    );
    expect(orgHeadsQuery(false, { labels: [], limit: 7 })).not.toMatch(
      /labels:/,
    );
  });
});

describe('migrationPullRequestsOf', () => {
  const pr = (number: number, headRefName: string, state = 'OPEN') => ({
    number,
    title: `#${number}`,
    url: `https://github.com/o/r/pull/${number}`,
    state: state as 'OPEN',
    isDraft: number % 2 === 0,
    headRefName,
    createdAt: '2026-04-10T09:00:00Z',
    mergedAt: state === 'MERGED' ? '2026-04-12T09:00:00Z' : null,
  });
  const node = (...nodes: ReturnType<typeof pr>[]) =>
    ({ migrationPulls: { nodes } } as never);

  it('keeps open and merged ones, newest number first, in the wire shape', () => {
    const got = migrationPullRequestsOf(
      node(pr(3, 'a'), pr(9, 'b', 'MERGED'), pr(5, 'c', 'CLOSED')),
      { labels: ['m'], headBranches: [], limit: 10 },
    );
    expect(got).toEqual([
      {
        number: 9,
        title: '#9',
        url: 'https://github.com/o/r/pull/9',
        state: 'merged',
        draft: false,
        headRefName: 'b',
        createdAt: '2026-04-10T09:00:00Z',
        mergedAt: '2026-04-12T09:00:00Z',
      },
      {
        number: 3,
        title: '#3',
        url: 'https://github.com/o/r/pull/3',
        state: 'open',
        draft: false,
        headRefName: 'a',
        createdAt: '2026-04-10T09:00:00Z',
        mergedAt: null,
      },
    ]);
  });

  it.each([
    [
      ['gloriousflywheel/*'],
      ['gloriousflywheel/nix'],
      ['gloriousflywheel/a/b', 'gloriousflywheel', 'xgloriousflywheel/nix'],
    ],
    [
      ['gloriousflywheel/**'],
      ['gloriousflywheel/nix', 'gloriousflywheel/a/b'],
      ['gloriousflywheel', 'fix/gloriousflywheel/x'],
    ],
    [['gf-?'], ['gf-1'], ['gf-12', 'gf-/']],
    [['release.x'], ['release.x'], ['releaseAx']],
  ])('head branch globs %j match %j, not %j', (headBranches, yes, no) => {
    const all = [...yes, ...no].map((b, i) => pr(i + 1, b));
    const got = migrationPullRequestsOf(node(...all), {
      labels: [],
      headBranches,
      limit: 10,
    });
    expect(got.map(p => p.headRefName).sort()).toEqual([...yes].sort());
  });

  it('is empty when the node carries no pull requests', () => {
    expect(
      migrationPullRequestsOf({} as never, {
        labels: ['m'],
        headBranches: [],
        limit: 10,
      }),
    ).toEqual([]);
  });
});
