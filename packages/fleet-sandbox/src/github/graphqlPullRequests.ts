import { cursorPage, listConnection } from './graphqlConnections';
import type { GraphqlNodes } from './graphqlNodes';
import { HTML, nodeId } from './representations';
import { GitHubPullRequest, RepoState } from './store';

/** Pull requests of a repository and their labels. */
export function pullRequestNodes(
  nodes: GraphqlNodes,
): Pick<GraphqlNodes, 'pullRequestNode' | 'pullRequestConnection'> {
  function pullRequestNode(r: RepoState, pr: GitHubPullRequest): any {
    const url = `${HTML}/${r.owner}/${r.name}/pull/${pr.number}`;
    const merged = pr.state === 'MERGED';
    return {
      __typename: 'PullRequest',
      id: nodeId('PR', pr.id),
      databaseId: pr.id,
      number: pr.number,
      title: pr.title,
      state: pr.state,
      url,
      resourcePath: `/${r.owner}/${r.name}/pull/${pr.number}`,
      permalink: url,
      headRefName: pr.headRefName,
      baseRefName: pr.baseRefName,
      // same-repository branches: the head repository is the base repository
      headRepository: () => nodes.repoNode(r),
      headRepositoryOwner: () => nodes.orgNode(),
      baseRepository: () => nodes.repoNode(r),
      repository: () => nodes.repoNode(r),
      isCrossRepository: false,
      isDraft: pr.isDraft,
      closed: pr.state !== 'OPEN',
      merged,
      createdAt: pr.createdAt,
      updatedAt: pr.closedAt ?? pr.createdAt,
      closedAt: pr.closedAt,
      mergedAt: merged ? pr.closedAt : null,
      author: {
        __typename: 'User',
        login: pr.author,
        url: `${HTML}/${pr.author}`,
        resourcePath: `/${pr.author}`,
      },
      labels: (args: any) =>
        listConnection(
          pr.labels.map(name => ({
            __typename: 'Label',
            id: nodeId('LA', `${pr.id}:${name}`),
            name,
            url: `${HTML}/${r.owner}/${r.name}/labels/${encodeURIComponent(
              name,
            )}`,
          })),
          args,
        ),
    };
  }

  /** `Repository.pullRequests` with GitHub's filters: states, labels (any of), head/base ref, orderBy. */
  function pullRequestConnection(r: RepoState, args: any) {
    const order = args.orderBy ?? { field: 'CREATED_AT', direction: 'ASC' };
    const keyOf = (pr: GitHubPullRequest) =>
      Date.parse(
        order.field === 'UPDATED_AT'
          ? pr.closedAt ?? pr.createdAt
          : pr.createdAt,
      );
    const dir = order.direction === 'DESC' ? -1 : 1;
    const states: string[] | null = args.states ?? null;
    const labels: string[] | null = args.labels ?? null;
    const items = r.pullRequests
      .filter(pr => !states || states.includes(pr.state))
      .filter(pr => !labels || pr.labels.some(l => labels.includes(l)))
      .filter(pr => !args.headRefName || pr.headRefName === args.headRefName)
      .filter(pr => !args.baseRefName || pr.baseRefName === args.baseRefName)
      .map(pr => ({ pr, k: [keyOf(pr), pr.id] as [number, number] }))
      .sort((a, b) => dir * (a.k[0] - b.k[0] || a.k[1] - b.k[1]));
    return cursorPage(
      items.map(x => ({
        key: x.k,
        node: () => nodes.pullRequestNode(r, x.pr),
      })),
      args,
      (a, b) => dir * ((a[0] as number) - (b[0] as number) || a[1] - b[1]),
    );
  }

  return { pullRequestNode, pullRequestConnection };
}
