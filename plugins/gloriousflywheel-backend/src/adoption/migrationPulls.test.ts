import { migrationPullRequestsOf } from './migrationPulls';
import type { RepoHeadNode } from './queries';

const pull = (number: number, headRefName: string, state: string) => ({
  number,
  title: `PR ${number}`,
  url: `https://github.com/o/r/pull/${number}`,
  state,
  isDraft: false,
  headRefName,
  createdAt: '2026-11-01T00:00:00Z',
  mergedAt: state === 'MERGED' ? '2026-11-02T00:00:00Z' : null,
});

const node = {
  migrationPulls: {
    nodes: [
      pull(3, 'gloriousflywheel/tinyland-nix', 'OPEN'),
      pull(5, 'gloriousflywheel/lanes/docker', 'MERGED'),
      pull(7, 'feature/gloriousflywheel', 'OPEN'),
      pull(9, 'gloriousflywheel/old', 'CLOSED'),
      null,
    ],
  },
} as unknown as RepoHeadNode;

describe('migrationPullRequestsOf', () => {
  it('matches head branches by glob (* within a segment, ** across), newest first, closed ones dropped', () => {
    const numbers = (headBranches: string[]) =>
      migrationPullRequestsOf(node, {
        labels: [],
        headBranches,
        limit: 10,
      }).map(p => p.number);
    expect(numbers(['gloriousflywheel/*'])).toEqual([3]);
    expect(numbers(['gloriousflywheel/**'])).toEqual([5, 3]);
    expect(numbers(['*/gloriousflywheel'])).toEqual([7]);
    // labels already filtered by GitHub: without branch globs every open or merged one counts
    expect(numbers([])).toEqual([7, 5, 3]);
  });
});
