import {
  matchesPathGlob,
  MigrationPullRequest,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type { MigrationPullRequestConfig } from './AdoptionConfig';
import type { RepoHeadNode } from './queries';

/**
 * The migration pull requests in a repository node, newest first. GitHub already filtered by
 * label; head-branch globs are matched here. Closed-unmerged ones are not migrations.
 */
export function migrationPullRequestsOf(
  node: RepoHeadNode,
  config: MigrationPullRequestConfig,
): MigrationPullRequest[] {
  const nodes = node.migrationPulls?.nodes ?? [];
  return nodes
    .filter(n => !!n && (n.state === 'OPEN' || n.state === 'MERGED'))
    .filter(
      n =>
        !config.headBranches.length ||
        matchesPathGlob(n!.headRefName, config.headBranches),
    )
    .map(n => ({
      number: n!.number,
      title: n!.title,
      url: n!.url,
      state: n!.state === 'OPEN' ? ('open' as const) : ('merged' as const),
      draft: n!.isDraft,
      headRefName: n!.headRefName,
      createdAt: n!.createdAt,
      mergedAt: n!.mergedAt,
    }))
    .sort((a, b) => b.number - a.number);
}
