import type { GraphqlContext } from './graphqlApi';
import { cursorPage } from './graphqlConnections';
import type { GraphqlNodes } from './graphqlNodes';
import { compareKeys } from './modules';
import { HTML, nodeId, ORG_ID } from './representations';
import { RepoState } from './store';

/** The organization, its repositories and their listing. */
export function repositoryNodes(
  ctx: GraphqlContext,
  nodes: GraphqlNodes,
): Pick<GraphqlNodes, 'orgNode' | 'repoNode' | 'repoConnection'> {
  const { store } = ctx;

  function orgNode() {
    return {
      __typename: 'Organization',
      id: nodeId('O', ORG_ID),
      databaseId: ORG_ID,
      login: ctx.org,
      name: ctx.org,
      url: `${HTML}/${ctx.org}`,
      repositories: (args: any) => nodes.repoConnection(args),
      repository: ({ name }: { name: string }) => {
        const r = store.get(ctx.org, name);
        return r ? nodes.repoNode(r) : null;
      },
    };
  }

  function repoNode(r: RepoState): any {
    return {
      __typename: 'Repository',
      id: nodeId('R', r.id),
      databaseId: r.id,
      name: r.name,
      nameWithOwner: `${r.owner}/${r.name}`,
      description: r.description,
      url: `${HTML}/${r.owner}/${r.name}`,
      owner: () => nodes.orgNode(),
      isFork: r.isFork,
      isArchived: r.isArchived,
      isPrivate: r.isPrivate,
      isDisabled: false,
      isEmpty: r.files.size === 0,
      isLocked: false,
      isMirror: false,
      isTemplate: false,
      visibility: r.isPrivate ? 'PRIVATE' : 'PUBLIC',
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      pushedAt: r.pushedAt,
      diskUsage: Math.ceil(
        [...r.files.values()].reduce((n, b) => n + b.length, 0) / 1024,
      ),
      defaultBranchRef: () => ({
        __typename: 'Ref',
        id: nodeId('REF', `${r.id}:${r.defaultBranch}`),
        name: r.defaultBranch,
        prefix: 'refs/heads/',
        target: () => nodes.objectNode(r, store.objects.get(r.headOid)),
      }),
      pullRequests: (args: any) => nodes.pullRequestConnection(r, args),
      pullRequest: ({ number }: { number: number }) => {
        const pr = r.pullRequests.find(p => p.number === number);
        return pr ? nodes.pullRequestNode(r, pr) : null;
      },
      object: ({ expression, oid }: { expression?: string; oid?: string }) => {
        if (oid) return nodes.objectNode(r, store.resolveExpression(r, oid));
        if (expression === undefined) return null;
        const colon = expression.indexOf(':');
        const dir =
          colon < 0
            ? ''
            : expression.slice(colon + 1).replace(/^\/+|\/+$/g, '');
        return nodes.objectNode(r, store.resolveExpression(r, expression), dir);
      },
    };
  }

  function repoConnection(args: any) {
    const order = args.orderBy ?? { field: 'CREATED_AT', direction: 'ASC' };
    const keyOf = (r: RepoState): string | number => {
      switch (order.field) {
        case 'NAME':
          return r.name.toLowerCase();
        case 'PUSHED_AT':
          return Date.parse(r.pushedAt);
        case 'UPDATED_AT':
          return Date.parse(r.updatedAt);
        case 'STARGAZERS':
          return 0;
        default:
          return Date.parse(r.createdAt);
      }
    };
    const dir = order.direction === 'DESC' ? -1 : 1;
    const cmp = (
      a: [string | number, number],
      b: [string | number, number],
    ) => {
      return dir * (compareKeys(a[0], b[0]) || a[1] - b[1]);
    };
    const all = store
      .list()
      .filter(r => r.owner.toLowerCase() === ctx.org.toLowerCase())
      .filter(
        r =>
          args.isFork === undefined ||
          args.isFork === null ||
          r.isFork === args.isFork,
      )
      .filter(
        r =>
          args.isArchived === undefined ||
          args.isArchived === null ||
          r.isArchived === args.isArchived,
      )
      .filter(
        r => !args.privacy || (args.privacy === 'PRIVATE') === r.isPrivate,
      )
      .filter(
        r =>
          !args.visibility ||
          (args.visibility === 'PRIVATE' || args.visibility === 'INTERNAL') ===
            r.isPrivate,
      )
      .map(r => ({ r, k: [keyOf(r), r.id] as [string | number, number] }))
      .sort((a, b) => cmp(a.k, b.k));
    return cursorPage(
      all.map(x => ({ key: x.k, node: () => nodes.repoNode(x.r) })),
      args,
      cmp,
    );
  }

  return { orgNode, repoNode, repoConnection };
}
