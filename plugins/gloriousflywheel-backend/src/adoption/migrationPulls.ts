import type { MigrationPullRequest } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type { MigrationPullRequestConfig } from './AdoptionConfig';
import type { RepoHeadNode } from './queries';

const globs = new Map<string, RegExp>();

/** Branch glob: `**` spans `/`, `*` and `?` stay within one segment (as path globs do). */
function branchGlob(glob: string): RegExp {
  let re = globs.get(glob);
  if (!re) {
    const source = glob
      .split(/(\*\*|\*|\?)/)
      .map(part => {
        if (part === '**') return '.*';
        if (part === '*') return '[^/]*';
        if (part === '?') return '[^/]';
        return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    re = new RegExp(`^${source}$`);
    globs.set(glob, re);
  }
  return re;
}

/**
 * The migration pull requests in a repository node, newest first. GitHub already filtered by
 * label; head-branch globs are matched here. Closed-unmerged ones are not migrations.
 */
export function migrationPullRequestsOf(node: RepoHeadNode, config: MigrationPullRequestConfig): MigrationPullRequest[] {
  const nodes = node.migrationPulls?.nodes ?? [];
  return nodes
    .filter(n => !!n && (n.state === 'OPEN' || n.state === 'MERGED'))
    .filter(n => !config.headBranches.length || config.headBranches.some(g => branchGlob(g).test(n!.headRefName)))
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
