import { GraphQLError } from 'graphql';
import type { GraphqlContext } from './graphqlApi';
import { listConnection } from './graphqlConnections';
import type { GraphqlNodes } from './graphqlNodes';
import { HTML, nodeId } from './representations';
import { GitHubWorkflowRun, GitObject, RepoState, workflowName } from './store';

/** GitHub Actions' GitHub App id (check suites of workflow runs belong to it). */
const ACTIONS_APP_ID = 15368;

const abbreviated = (oid: string) => oid.slice(0, 7);

/** Git objects (blobs, trees, commits) and the check suites of commits. */
export function gitObjectNodes(
  ctx: GraphqlContext,
  nodes: GraphqlNodes,
): Pick<GraphqlNodes, 'objectNode' | 'checkSuiteNode'> {
  const { store, blobTextLimit } = ctx;

  function objectNode(
    repo: RepoState,
    obj: GitObject | undefined,
    dirPath = '',
  ): any {
    if (!obj) return null;
    const common = {
      oid: obj.oid,
      abbreviatedOid: abbreviated(obj.oid),
      id: nodeId(
        { blob: 'B', tree: 'T', commit: 'C' }[obj.type],
        `${repo.id}:${obj.oid}`,
      ),
      repository: () => nodes.repoNode(repo),
      commitUrl: `${HTML}/${repo.owner}/${repo.name}/commit/${repo.headOid}`,
      commitResourcePath: `/${repo.owner}/${repo.name}/commit/${repo.headOid}`,
    };
    if (obj.type === 'blob') {
      const binary = obj.data.includes(0);
      const tooBig = obj.data.length > blobTextLimit;
      return {
        ...common,
        __typename: 'Blob',
        byteSize: obj.data.length,
        isBinary: binary,
        isTruncated: !binary && tooBig,
        text: binary || tooBig ? null : obj.data.toString('utf8'),
      };
    }
    if (obj.type === 'tree') {
      return {
        ...common,
        __typename: 'Tree',
        entries: () =>
          obj.entries.map(e => ({
            name: e.name,
            nameRaw: Buffer.from(e.name).toString('base64'),
            // GitHub's TreeEntry.path is the full path from the repository root
            path: dirPath ? `${dirPath}/${e.name}` : e.name,
            pathRaw: Buffer.from(
              dirPath ? `${dirPath}/${e.name}` : e.name,
            ).toString('base64'),
            type: e.type,
            mode: parseInt(e.mode, 8),
            oid: e.oid,
            extension:
              e.type === 'blob' && e.name.includes('.')
                ? `.${e.name.split('.').pop()}`
                : null,
            isGenerated: false,
            size: () => {
              const o = store.objects.get(e.oid);
              return o?.type === 'blob' ? o.data.length : 0;
            },
            lineCount: () => {
              const o = store.objects.get(e.oid);
              return o?.type === 'blob' && !o.data.includes(0)
                ? o.data.toString('utf8').split('\n').length -
                    (o.data.toString('utf8').endsWith('\n') ? 1 : 0)
                : null;
            },
            language: null,
            submodule: null,
            repository: () => nodes.repoNode(repo),
            object: () =>
              nodes.objectNode(
                repo,
                store.objects.get(e.oid),
                dirPath ? `${dirPath}/${e.name}` : e.name,
              ),
          })),
      };
    }
    return {
      ...common,
      __typename: 'Commit',
      message: obj.message,
      messageHeadline: obj.message.split('\n')[0],
      committedDate: obj.date,
      authoredDate: obj.date,
      pushedDate: obj.date,
      url: `${HTML}/${repo.owner}/${repo.name}/commit/${obj.oid}`,
      changedFilesIfAvailable:
        obj.added.length + obj.removed.length + obj.modified.length,
      tree: () => nodes.objectNode(repo, store.objects.get(obj.tree)),
      // GitHub Actions makes one check suite per workflow run, oldest first.
      checkSuites: (args: any) => {
        if (
          args.filterBy?.checkName !== undefined &&
          args.filterBy?.checkName !== null
        )
          throw new GraphQLError(
            'fleet sandbox: checkSuites(filterBy: { checkName }) is not served',
            { extensions: { type: 'SANDBOX_NOT_IMPLEMENTED' } },
          );
        const runs =
          args.filterBy?.appId !== undefined &&
          args.filterBy?.appId !== null &&
          args.filterBy.appId !== ACTIONS_APP_ID
            ? []
            : repo.runs.filter(run => run.headSha === obj.oid);
        return listConnection(
          runs.map(run => nodes.checkSuiteNode(repo, run)),
          args,
        );
      },
      file: ({ path: p }: { path: string }) => {
        const hit = store.lookupPath(obj.tree, p);
        if (!hit) return null;
        const name = p.split('/').filter(Boolean).pop() ?? '';
        return {
          name,
          path: p,
          type: hit.obj.type,
          mode: parseInt(hit.mode, 8),
          oid: hit.obj.oid,
          object: () =>
            nodes.objectNode(repo, hit.obj, p.replace(/^\/+|\/+$/g, '')),
        };
      },
    };
  }

  /** The check suite of a workflow run (REST `check_suite_id` = run id + 1, as in runJson). */
  function checkSuiteNode(repo: RepoState, run: GitHubWorkflowRun) {
    const base = `${repo.owner}/${repo.name}`;
    const runPath = `/${base}/actions/runs/${run.id}`;
    const workflowId = repo.workflowIds.get(run.workflowPath) ?? 0;
    return {
      __typename: 'CheckSuite',
      id: nodeId('CS', run.id + 1),
      databaseId: run.id + 1,
      status: run.status.toUpperCase(),
      conclusion: run.conclusion ? run.conclusion.toUpperCase() : null,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
      resourcePath: `/${base}/commit/${run.headSha}/checks?check_suite_id=${
        run.id + 1
      }`,
      url: `${HTML}/${base}/commit/${run.headSha}/checks?check_suite_id=${
        run.id + 1
      }`,
      workflowRun: () => ({
        __typename: 'WorkflowRun',
        id: nodeId('WFR', run.id),
        databaseId: run.id,
        runNumber: run.runNumber,
        event: run.event,
        createdAt: run.createdAt,
        updatedAt: run.updatedAt,
        resourcePath: runPath,
        url: `${HTML}${runPath}`,
        file: () => ({
          __typename: 'WorkflowRunFile',
          id: nodeId('WFRF', run.id),
          path: run.workflowPath,
          resourcePath: `/${base}/blob/${run.headSha}/${run.workflowPath}`,
          url: `${HTML}/${base}/blob/${run.headSha}/${run.workflowPath}`,
          repositoryFileUrl: `${HTML}/${base}/blob/${run.headSha}/${run.workflowPath}`,
          repositoryName: base,
        }),
        workflow: () => ({
          __typename: 'Workflow',
          id: nodeId('W', workflowId),
          databaseId: workflowId,
          name: workflowName(
            run.workflowPath,
            repo.files.get(run.workflowPath),
          ),
          resourcePath: `/${base}/actions/workflows/${run.workflowPath
            .split('/')
            .pop()}`,
          url: `${HTML}/${base}/actions/workflows/${run.workflowPath
            .split('/')
            .pop()}`,
        }),
      }),
    };
  }

  return { objectNode, checkSuiteNode };
}
