import fs from 'node:fs';
import {
  buildClientSchema,
  DocumentNode,
  execute,
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  getVariableValues,
  GraphQLError,
  GraphQLFieldResolver,
  GraphQLNamedType,
  GraphQLSchema,
  isInterfaceType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  parse,
  SelectionSetNode,
  validate,
  valueFromAST,
} from 'graphql';
import {
  GitHubPullRequest,
  GitHubStore,
  GitHubWorkflowRun,
  GitObject,
  RepoState,
  workflowName,
} from './store';
import { HTML, nodeId, ORG_ID } from './representations';
import { compareKeys, findGitHubPackageFile } from './modules';

/**
 * GraphQL against GitHub's real public schema (`@octokit/graphql-schema`), with resolvers only for
 * the subset the scanner uses. Unknown fields/arguments fail validation as on GitHub; connection
 * limits, node count and cost follow GitHub's documented rules.
 */

let cachedSchema: GraphQLSchema | undefined;

/** GitHub Actions' GitHub App id (check suites of workflow runs belong to it). */
const ACTIONS_APP_ID = 15368;

/** Where `@octokit/graphql-schema` keeps `schema.json` (its exports map is ESM-only, so we look). */
export function findGitHubSchemaFile(): string {
  return findGitHubPackageFile('@octokit/graphql-schema', 'schema.json');
}

/** GitHub's public GraphQL schema (parsed once per process). */
export function loadGitHubSchema(): GraphQLSchema {
  if (!cachedSchema) {
    const json = JSON.parse(fs.readFileSync(findGitHubSchemaFile(), 'utf8'));
    cachedSchema = buildClientSchema(json.data ?? json);
  }
  return cachedSchema;
}

export interface GitHubGraphqlError {
  type?: string;
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

export const MAX_NODES = 500_000;
export const MAX_PAGE = 100;

export interface QueryLimits {
  /** GitHub's formula: requests (one per connection per parent node) / 100, rounded, min 1 */
  cost: number;
  nodeCount: number;
  errors: GitHubGraphqlError[];
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Checks pagination boundaries and the node limit, and computes the cost, as GitHub documents
 * (docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api).
 */
export function analyzeGitHubQuery(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  maxNodes = MAX_NODES,
): QueryLimits {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const errors: GitHubGraphqlError[] = [];
  let requests = 0;
  let nodes = 0;
  let nodeError = false;

  const walk = (
    set: SelectionSetNode | undefined,
    parent: GraphQLNamedType | null | undefined,
    multiplier: number,
    pathSoFar: string[],
  ) => {
    if (!set || !parent) return;
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition
          ? schema.getType(sel.typeCondition.name.value)
          : parent;
        walk(sel.selectionSet, t, multiplier, pathSoFar);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        if (f)
          walk(
            f.selectionSet,
            schema.getType(f.typeCondition.name.value),
            multiplier,
            pathSoFar,
          );
        continue;
      }
      const field = sel as FieldNode;
      if (field.name.value.startsWith('__')) continue;
      if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
      const def = parent.getFields()[field.name.value];
      if (!def) continue;
      const named = getNamedType(def.type);
      const here = [...pathSoFar, field.alias?.value ?? field.name.value];
      const argValue = (name: string) => {
        const argDef = def.args.find(a => a.name === name);
        const node = field.arguments?.find(a => a.name.value === name);
        if (!argDef || !node) return undefined;
        return valueFromAST(node.value, argDef.type, variables) as
          | number
          | null
          | undefined;
      };
      const isConnection =
        named.name.endsWith('Connection') &&
        def.args.some(a => a.name === 'first') &&
        def.args.some(a => a.name === 'last');
      if (isConnection) {
        const first = argValue('first');
        const last = argValue('last');
        const size = first ?? last;
        if (size === undefined || size === null) {
          errors.push({
            type: 'MISSING_PAGINATION_BOUNDARIES',
            path: here,
            locations: field.loc
              ? [
                  {
                    line: field.loc.startToken.line,
                    column: field.loc.startToken.column,
                  },
                ]
              : undefined,
            message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${field.name.value}\` connection.`,
          });
          continue;
        }
        const argName =
          first !== undefined && first !== null ? 'first' : 'last';
        if (size > MAX_PAGE || size < 0) {
          errors.push({
            type: 'EXCESSIVE_PAGINATION',
            path: here,
            message: `Requesting ${size} records on the \`${field.name.value}\` connection exceeds the \`${argName}\` limit of ${MAX_PAGE} records.`,
          });
          continue;
        }
        requests += multiplier;
        nodes += multiplier * size;
        if (nodes > maxNodes && !nodeError) {
          nodeError = true;
          errors.push({
            type: 'MAX_NODE_LIMIT_EXCEEDED',
            path: here,
            message: `By the time this query traverses to the ${
              field.name.value
            } connection, it is requesting up to ${fmt(
              nodes,
            )} possible nodes which exceeds the maximum limit of ${fmt(
              maxNodes,
            )}.`,
          });
        }
        walk(field.selectionSet, named, multiplier * Math.max(size, 1), here);
      } else {
        walk(field.selectionSet, named, multiplier, here);
      }
    }
  };
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : schema.getQueryType();
  walk(operation.selectionSet, root, 1, []);
  return {
    cost: Math.max(1, Math.round(requests / 100)),
    nodeCount: nodes,
    errors,
  };
}

/** graphql-js validation messages rewritten the way GitHub words the common ones. */
function githubValidationError(e: GraphQLError): GitHubGraphqlError {
  const locations = e.locations?.map(l => ({ line: l.line, column: l.column }));
  let m = /^Cannot query field "(\w+)" on type "(\w+)"/.exec(e.message);
  if (m)
    return {
      path: undefined,
      extensions: { code: 'undefinedField', typeName: m[2], fieldName: m[1] },
      locations,
      message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
    };
  m = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"/.exec(e.message);
  if (m)
    return {
      extensions: {
        code: 'argumentNotAccepted',
        name: m[3],
        typeName: 'Field',
        argumentName: m[1],
      },
      locations,
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
    };
  m = /^Field "(\w+)" argument "(\w+)" of type "[^"]+" is required/.exec(
    e.message,
  );
  if (m)
    return {
      extensions: {
        code: 'missingRequiredArguments',
        className: 'Field',
        name: m[1],
        arguments: m[2],
      },
      locations,
      message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
    };
  return { locations, message: e.message };
}

/**
 * Why a document would fail validation on GitHub (syntax or schema), as messages; empty when it
 * passes. For clients' tests: each query they build is checked against GitHub's real schema.
 */
export function validateGitHubGraphql(query: string): string[] {
  try {
    return validate(loadGitHubSchema(), parse(query)).map(e => e.message);
  } catch (e) {
    return [(e as Error).message];
  }
}

export interface GraphqlRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlOutcome {
  body: { data?: unknown; errors?: GitHubGraphqlError[] };
  /** points to charge (0 when rejected before execution or a dry run) */
  cost: number;
  /** true when the query was rejected before execution (syntax, validation, limits) */
  rejected: boolean;
  rateLimited?: boolean;
}

export interface GraphqlContext {
  store: GitHubStore;
  org: string;
  api: string;
  blobTextLimit: number;
  maxNodes: number;
  /** returns false when the budget cannot pay `cost`; called once before execution */
  charge(cost: number, dryRun: boolean): boolean;
  /** the graphql bucket after charging (for `rateLimit {...}`) */
  rateState(): {
    limit: number;
    remaining: number;
    used: number;
    reset: number;
  };
  rateLimitedMessage: string;
}

class NotFound extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { type: 'NOT_FOUND' } });
  }
}

const abbreviated = (oid: string) => oid.slice(0, 7);

function decodeCursor(cursor: unknown): [string | number, number] | undefined {
  if (typeof cursor !== 'string') return undefined;
  try {
    const text = Buffer.from(cursor, 'base64').toString('utf8');
    if (!text.startsWith('cursor:v2:')) return undefined;
    const v = JSON.parse(text.slice('cursor:v2:'.length));
    return Array.isArray(v) && v.length === 2
      ? (v as [string | number, number])
      : undefined;
  } catch {
    return undefined;
  }
}

const encodeCursor = (key: string | number, id: number) =>
  Buffer.from(`cursor:v2:${JSON.stringify([key, id])}`).toString('base64');

/** Resolver objects: plain objects whose function-valued fields take (args). */
function makeResolvers(ctx: GraphqlContext) {
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
      repository: () => repoNode(repo),
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
            repository: () => repoNode(repo),
            object: () =>
              objectNode(
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
      tree: () => objectNode(repo, store.objects.get(obj.tree)),
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
          runs.map(run => checkSuiteNode(repo, run)),
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
          object: () => objectNode(repo, hit.obj, p.replace(/^\/+|\/+$/g, '')),
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

  function orgNode() {
    return {
      __typename: 'Organization',
      id: nodeId('O', ORG_ID),
      databaseId: ORG_ID,
      login: ctx.org,
      name: ctx.org,
      url: `${HTML}/${ctx.org}`,
      repositories: (args: any) => repoConnection(args),
      repository: ({ name }: { name: string }) => {
        const r = store.get(ctx.org, name);
        return r ? repoNode(r) : null;
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
      owner: () => orgNode(),
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
        target: () => objectNode(r, store.objects.get(r.headOid)),
      }),
      pullRequests: (args: any) => pullRequestConnection(r, args),
      pullRequest: ({ number }: { number: number }) => {
        const pr = r.pullRequests.find(p => p.number === number);
        return pr ? pullRequestNode(r, pr) : null;
      },
      object: ({ expression, oid }: { expression?: string; oid?: string }) => {
        if (oid) return objectNode(r, store.resolveExpression(r, oid));
        if (expression === undefined) return null;
        const colon = expression.indexOf(':');
        const dir =
          colon < 0
            ? ''
            : expression.slice(colon + 1).replace(/^\/+|\/+$/g, '');
        return objectNode(r, store.resolveExpression(r, expression), dir);
      },
    };
  }

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
      headRepository: () => repoNode(r),
      headRepositoryOwner: () => orgNode(),
      baseRepository: () => repoNode(r),
      repository: () => repoNode(r),
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
      items.map(x => ({ key: x.k, node: () => pullRequestNode(r, x.pr) })),
      args,
      (a, b) => dir * ((a[0] as number) - (b[0] as number) || a[1] - b[1]),
    );
  }

  /** A connection over a short list in its given order (cursor = position). */
  function listConnection(nodes: any[], args: any) {
    return cursorPage(
      nodes.map((node, i) => ({
        key: [i, i] as [number, number],
        node: () => node,
      })),
      args,
      (a, b) => a[1] - b[1],
    );
  }

  /** first/last/after/before over items already in connection order; nodes are built only for the page. */
  function cursorPage(
    items: { key: [string | number, number]; node: () => unknown }[],
    args: any,
    cmp: (a: [string | number, number], b: [string | number, number]) => number,
  ) {
    const totalCount = items.length;
    const after = decodeCursor(args.after);
    const before = decodeCursor(args.before);
    if ((args.after && !after) || (args.before && !before))
      throw new GraphQLError(
        `\`${
          args.after ?? args.before
        }\` does not appear to be a valid cursor.`,
        { extensions: { type: 'INVALID_CURSOR_ARGUMENTS' } },
      );
    let all = items;
    if (after) all = all.filter(x => cmp(x.key, after) > 0);
    if (before) all = all.filter(x => cmp(x.key, before) < 0);
    let page = all;
    let hasNextPage = false;
    let hasPreviousPage = Boolean(after);
    if (typeof args.first === 'number') {
      page = all.slice(0, args.first);
      hasNextPage = all.length > args.first;
    } else if (typeof args.last === 'number') {
      page = all.slice(Math.max(0, all.length - args.last));
      hasPreviousPage = all.length > args.last;
      hasNextPage = Boolean(before);
    }
    const edges = page.map(x => ({
      cursor: encodeCursor(x.key[0], x.key[1]),
      node: x.node,
    }));
    return {
      totalCount,
      pageInfo: {
        hasNextPage,
        hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      edges,
      nodes: () => page.map(x => x.node()),
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
      all.map(x => ({ key: x.k, node: () => repoNode(x.r) })),
      args,
      cmp,
    );
  }

  const rateLimitNode = (cost: number, nodeCount: number) => () => {
    const s = ctx.rateState();
    return {
      cost,
      limit: s.limit,
      remaining: s.remaining,
      used: s.used,
      resetAt: new Date(s.reset * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      nodeCount,
    };
  };

  const root = (cost: number, nodeCount: number) => ({
    organization: ({ login }: { login: string }) => {
      if (login.toLowerCase() !== ctx.org.toLowerCase())
        throw new NotFound(
          `Could not resolve to an Organization with the login of '${login}'.`,
        );
      return orgNode();
    },
    repositoryOwner: ({ login }: { login: string }) =>
      login.toLowerCase() === ctx.org.toLowerCase() ? orgNode() : null,
    repository: ({ owner, name }: { owner: string; name: string }) => {
      const r = store.get(owner, name);
      if (!r)
        throw new NotFound(
          `Could not resolve to a Repository with the name '${owner}/${name}'.`,
        );
      return repoNode(r);
    },
    node: ({ id }: { id: string }) => findNode(id),
    nodes: ({ ids }: { ids: string[] }) => {
      if (ids.length > 100)
        throw new GraphQLError(
          `You may not request more than 100 nodes at once (requested ${ids.length}).`,
          {
            extensions: { type: 'EXCESSIVE_PAGINATION' },
          },
        );
      return ids.map(id => findNode(id));
    },
    rateLimit: rateLimitNode(cost, nodeCount),
  });

  function findNode(id: string) {
    const r = store.list().find(x => nodeId('R', x.id) === id);
    if (!r)
      throw new NotFound(
        `Could not resolve to a node with the global id of '${id}'`,
      );
    return repoNode(r);
  }

  return { root };
}

/** Refuses fields the sandbox has no data for, loudly, instead of returning null silently. */
const fieldResolver: GraphQLFieldResolver<any, any> = (
  source,
  args,
  _ctx,
  info,
) => {
  if (source === null || source === undefined) return null;
  if (!(info.fieldName in source)) {
    throw new GraphQLError(
      `fleet sandbox: ${info.parentType.name}.${info.fieldName} exists in GitHub's schema but the sandbox does not serve it`,
      { extensions: { type: 'SANDBOX_NOT_IMPLEMENTED' } },
    );
  }
  const v = source[info.fieldName];
  return typeof v === 'function' ? v.call(source, args) : v;
};

function formatError(e: GraphQLError): GitHubGraphqlError {
  const type = e.extensions?.type as string | undefined;
  return {
    ...(type ? { type } : {}),
    path: e.path ? [...e.path] : undefined,
    locations: e.locations?.map(l => ({ line: l.line, column: l.column })),
    message: e.message,
  };
}

export function runGitHubGraphql(
  req: GraphqlRequest,
  ctx: GraphqlContext,
): GraphqlOutcome {
  const schema = loadGitHubSchema();
  const reject = (errors: GitHubGraphqlError[]): GraphqlOutcome => ({
    body: { errors },
    cost: 0,
    rejected: true,
  });
  if (typeof req.query !== 'string' || req.query.trim() === '')
    return reject([
      { message: 'A query attribute must be specified and must be a string.' },
    ]);
  let document: DocumentNode;
  try {
    document = parse(req.query);
  } catch (e) {
    const g = e as GraphQLError;
    return reject([
      { message: g.message, locations: g.locations?.map(l => ({ ...l })) },
    ]);
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length)
    return reject(validationErrors.map(githubValidationError));

  const ops = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  let operation: OperationDefinitionNode | undefined;
  if (typeof req.operationName === 'string')
    operation = ops.find(o => o.name?.value === req.operationName);
  else if (ops.length === 1) operation = ops[0];
  if (!operation)
    return reject([
      {
        message:
          typeof req.operationName === 'string'
            ? `No operation named "${req.operationName}"`
            : 'An operation name is required',
      },
    ]);
  if (operation.operation !== 'query')
    return reject([
      {
        message: `fleet sandbox: only queries are served (got ${operation.operation})`,
      },
    ]);
  const inputs =
    req.variables && typeof req.variables === 'object'
      ? (req.variables as Record<string, unknown>)
      : {};
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    inputs,
  );
  if (coerced.errors)
    return reject(
      coerced.errors.map(e => ({
        message: e.message,
        locations: e.locations?.map(l => ({ ...l })),
      })),
    );

  const limits = analyzeGitHubQuery(
    schema,
    document,
    operation,
    coerced.coerced,
    ctx.maxNodes,
  );
  if (limits.errors.length) return reject(limits.errors);

  const dryRun = operation.selectionSet.selections.some(
    s =>
      s.kind === Kind.FIELD &&
      s.name.value === 'rateLimit' &&
      s.arguments?.some(
        a =>
          a.name.value === 'dryRun' &&
          valueFromAST(
            a.value,
            schema.getQueryType()!.getFields().rateLimit.args[0].type,
            coerced.coerced,
          ) === true,
      ),
  );
  if (!ctx.charge(limits.cost, dryRun)) {
    return {
      body: {
        errors: [{ type: 'RATE_LIMITED', message: ctx.rateLimitedMessage }],
      },
      cost: 0,
      rejected: true,
      rateLimited: true,
    };
  }
  const { root } = makeResolvers(ctx);
  const result = execute({
    schema,
    document,
    operationName: operation.name?.value,
    rootValue: root(dryRun ? 0 : limits.cost, limits.nodeCount),
    variableValues: inputs,
    fieldResolver,
    typeResolver: (value: any) => value?.__typename,
  });
  if (result instanceof Promise) throw new Error('resolvers are synchronous');
  const body: GraphqlOutcome['body'] = {};
  if (result.data !== undefined) body.data = result.data;
  if (result.errors?.length) body.errors = result.errors.map(formatError);
  return { body, cost: dryRun ? 0 : limits.cost, rejected: false };
}
