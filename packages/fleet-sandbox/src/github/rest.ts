import type { GitHubAppIdentity, GitHubPrincipal, GitHubTokens } from './auth';
import {
  installationJson,
  INSTALLATION_PERMISSIONS,
  jobJson,
  nodeId,
  ownerJson,
  pullJson,
  repoJson,
  runJson,
  variableJson,
  workflowJson,
  HTML,
} from './representations';
import {
  GitHubActionsVariable,
  GitHubStore,
  GitObject,
  isWorkflowPath,
  RepoState,
} from './store';
import { compareKeys } from './modules';

/** The kinds of request the sandbox counts (`GET /_sandbox/github/requests`). */
export type GitHubRequestKind =
  | 'rest:list-repos'
  | 'rest:repo'
  | 'rest:contents'
  | 'rest:trees'
  | 'rest:workflows'
  | 'rest:runs'
  | 'rest:jobs'
  | 'rest:variables'
  | 'rest:rate-limit'
  | 'rest:app'
  | 'rest:installation'
  | 'rest:other'
  | 'rest:304'
  | 'rest:404'
  | 'graphql'
  | 'graphql-cost'
  | 'graphql-errors'
  | 'rate-limited'
  | 'secondary-limited'
  | 'unauthorized';

export interface RestRoute {
  kind: GitHubRequestKind;
  /** the App JWT, not a token, authenticates this route */
  app?: boolean;
  /** counted against no budget (GET /rate_limit) */
  free?: boolean;
  handle(ctx: RestContext): RestResult;
}

export interface RestResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RestContext {
  api: string;
  org: string;
  store: GitHubStore;
  app: GitHubAppIdentity;
  tokens: GitHubTokens;
  principal: GitHubPrincipal;
  url: URL;
  params: string[];
  body: any;
  rateLimitBody(): unknown;
}

const DOCS = 'https://docs.github.com/rest';

export const notFound = (doc = `${DOCS}`): RestResult => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: doc, status: '404' },
});

function pageParams(
  url: URL,
  dflt = 30,
  max = 100,
): { perPage: number; page: number } {
  const perPage = Math.min(
    max,
    Math.max(1, Number(url.searchParams.get('per_page') ?? dflt) || dflt),
  );
  const page = Math.max(
    1,
    Math.floor(Number(url.searchParams.get('page') ?? 1) || 1),
  );
  return { perPage, page };
}

/** GitHub's `Link` header: next/last, prev/first, same path and query with another `page`. */
function linkHeader(
  api: string,
  url: URL,
  page: number,
  perPage: number,
  total: number,
) {
  const last = Math.max(1, Math.ceil(total / perPage));
  const at = (p: number) => {
    const u = new URL(url.pathname + url.search, api);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return `${api}${u.pathname}${u.search}`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${at(page - 1)}>; rel="prev"`);
  if (page < last)
    links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`);
  return links.length ? { link: links.join(', ') } : undefined;
}

function paginate<T>(
  ctx: RestContext,
  items: T[],
  size?: { dflt: number; max: number },
) {
  const { perPage, page } = pageParams(ctx.url, size?.dflt, size?.max);
  return {
    slice: items.slice((page - 1) * perPage, page * perPage),
    headers: linkHeader(ctx.api, ctx.url, page, perPage, items.length),
  };
}

/** One page of a counted list (`{ total_count, ...extra, [key]: page }`) with its Link header. */
function countedPage<T>(
  ctx: RestContext,
  items: T[],
  key: string,
  toJson: (item: T) => unknown,
  opts: {
    size?: { dflt: number; max: number };
    extra?: Record<string, unknown>;
  } = {},
): RestResult {
  const { slice, headers } = paginate(ctx, items, opts.size);
  return {
    status: 200,
    body: {
      total_count: items.length,
      ...opts.extra,
      [key]: slice.map(toJson),
    },
    headers,
  };
}

function repoOf(ctx: RestContext): RepoState | undefined {
  const [owner, name] = ctx.params;
  const r = ctx.store.get(owner, name);
  // an installation sees only its org's repositories
  if (
    r &&
    ctx.principal.kind === 'installation' &&
    r.owner.toLowerCase() !== ctx.org.toLowerCase()
  )
    return undefined;
  return r;
}

const b64Lines = (data: Buffer) =>
  `${(data.toString('base64').match(/.{1,60}/g) ?? ['']).join('\n')}\n`;

function contentEntry(
  ctx: RestContext,
  r: RepoState,
  path: string,
  obj: GitObject,
  ref: string,
) {
  const u = `${ctx.api}/repos/${r.owner}/${r.name}`;
  const isDir = obj.type === 'tree';
  const self = `${u}/contents/${path}?ref=${ref}`;
  const git = `${u}/git/${isDir ? 'trees' : 'blobs'}/${obj.oid}`;
  const html = `${HTML}/${r.owner}/${r.name}/${
    isDir ? 'tree' : 'blob'
  }/${ref}/${path}`;
  return {
    name: path.split('/').pop() ?? '',
    path,
    sha: obj.oid,
    size: obj.type === 'blob' ? obj.data.length : 0,
    url: self,
    html_url: html,
    git_url: git,
    download_url: isDir
      ? null
      : `https://raw.githubusercontent.com/${r.owner}/${r.name}/${ref}/${path}`,
    type: isDir ? 'dir' : 'file',
    _links: { self, git, html },
  };
}

export const REST_ROUTES: [RegExp, RestRoute][] = [
  [
    /^\/rate_limit$/,
    {
      kind: 'rest:rate-limit',
      free: true,
      handle: ctx => ({ status: 200, body: ctx.rateLimitBody() }),
    },
  ],
  [
    /^\/orgs\/([^/]+)\/repos$/,
    {
      kind: 'rest:list-repos',
      handle: ctx => {
        if (ctx.params[0].toLowerCase() !== ctx.org.toLowerCase())
          return notFound(`${DOCS}/repos/repos#list-organization-repositories`);
        const type = ctx.url.searchParams.get('type') ?? 'all';
        const sort = ctx.url.searchParams.get('sort') ?? 'created';
        const direction =
          ctx.url.searchParams.get('direction') ??
          (sort === 'full_name' ? 'asc' : 'desc');
        let repos = ctx.store
          .list()
          .filter(r => r.owner.toLowerCase() === ctx.org.toLowerCase());
        if (type === 'forks') repos = repos.filter(r => r.isFork);
        else if (type === 'sources') repos = repos.filter(r => !r.isFork);
        else if (type === 'public') repos = repos.filter(r => !r.isPrivate);
        else if (type === 'private') repos = repos.filter(r => r.isPrivate);
        const key = (r: RepoState): string | number => {
          if (sort === 'full_name') return `${r.owner}/${r.name}`.toLowerCase();
          if (sort === 'pushed') return Date.parse(r.pushedAt);
          if (sort === 'updated') return Date.parse(r.updatedAt);
          return Date.parse(r.createdAt);
        };
        const d = direction === 'asc' ? 1 : -1;
        repos.sort((a, b) => d * (compareKeys(key(a), key(b)) || a.id - b.id));
        const { slice, headers } = paginate(ctx, repos);
        return {
          status: 200,
          body: slice.map(r => repoJson(ctx.api, r)),
          headers,
        };
      },
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)$/,
    {
      kind: 'rest:repo',
      handle: ctx => {
        const r = repoOf(ctx);
        return r
          ? { status: 200, body: repoJson(ctx.api, r, true) }
          : notFound(`${DOCS}/repos/repos#get-a-repository`);
      },
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/,
    {
      kind: 'rest:contents',
      handle: ctx => {
        const doc = `${DOCS}/repos/contents#get-repository-content`;
        const r = repoOf(ctx);
        if (!r) return notFound(doc);
        const path = decodeURIComponent(ctx.params[2] ?? '').replace(
          /^\/+|\/+$/g,
          '',
        );
        const ref = ctx.url.searchParams.get('ref') ?? r.defaultBranch;
        const commit = ctx.store.resolveCommit(r, ref);
        if (!commit)
          return {
            status: 404,
            body: {
              message: `No commit found for the ref ${ref}`,
              documentation_url: doc,
              status: '404',
            },
          };
        const hit = ctx.store.lookupPath(commit.tree, path);
        if (!hit) return notFound(doc);
        if (hit.obj.type === 'tree') {
          const dir = hit.obj;
          return {
            status: 200,
            body: dir.entries.map(e =>
              contentEntry(
                ctx,
                r,
                path ? `${path}/${e.name}` : e.name,
                ctx.store.objects.get(e.oid)!,
                ref,
              ),
            ),
          };
        }
        if (hit.obj.type !== 'blob') return notFound(doc);
        const blob = hit.obj;
        // like GitHub: files over 1 MB come without content (encoding "none")
        const big = blob.data.length > 1024 * 1024;
        return {
          status: 200,
          body: {
            ...contentEntry(ctx, r, path, blob, ref),
            content: big ? '' : b64Lines(blob.data),
            encoding: big ? 'none' : 'base64',
          },
        };
      },
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/readme$/,
    {
      kind: 'rest:contents',
      handle: ctx => {
        const r = repoOf(ctx);
        const doc = `${DOCS}/repos/contents#get-a-repository-readme`;
        if (!r) return notFound(doc);
        const path = [...r.files.keys()].find(p => /^readme(\.\w+)?$/i.test(p));
        if (!path) return notFound(doc);
        const hit = ctx.store.lookupPath(
          ctx.store.resolveCommit(r, 'HEAD')!.tree,
          path,
        )!;
        const blob = hit.obj as Extract<GitObject, { type: 'blob' }>;
        return {
          status: 200,
          body: {
            ...contentEntry(ctx, r, path, blob, r.defaultBranch),
            content: b64Lines(blob.data),
            encoding: 'base64',
          },
        };
      },
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/git\/trees\/([^/]+)$/,
    {
      kind: 'rest:trees',
      handle: ctx => {
        const doc = `${DOCS}/git/trees#get-a-tree`;
        const r = repoOf(ctx);
        if (!r) return notFound(doc);
        const ref = decodeURIComponent(ctx.params[2]);
        let tree = ctx.store.objects.get(ref.toLowerCase());
        if (tree?.type === 'commit') tree = ctx.store.objects.get(tree.tree);
        if (!tree) {
          const c = ctx.store.resolveCommit(r, ref);
          tree = c && ctx.store.objects.get(c.tree);
        }
        if (tree?.type !== 'tree') return notFound(doc);
        // GitHub: any value of `recursive` means recursive
        const recursive = ctx.url.searchParams.has('recursive');
        const u = `${ctx.api}/repos/${r.owner}/${r.name}/git`;
        const out: unknown[] = [];
        const emit = (
          t: Extract<GitObject, { type: 'tree' }>,
          prefix: string,
        ) => {
          for (const e of t.entries) {
            const p = prefix ? `${prefix}/${e.name}` : e.name;
            const o = ctx.store.objects.get(e.oid)!;
            out.push(
              e.type === 'tree'
                ? {
                    path: p,
                    mode: '040000',
                    type: 'tree',
                    sha: e.oid,
                    url: `${u}/trees/${e.oid}`,
                  }
                : {
                    path: p,
                    mode: e.mode,
                    type: 'blob',
                    sha: e.oid,
                    size: o.type === 'blob' ? o.data.length : 0,
                    url: `${u}/blobs/${e.oid}`,
                  },
            );
            if (recursive && o.type === 'tree') emit(o, p);
          }
        };
        emit(tree, '');
        return {
          status: 200,
          body: {
            sha: tree.oid,
            url: `${u}/trees/${tree.oid}`,
            tree: out,
            truncated: false,
          },
        };
      },
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows$/,
    {
      kind: 'rest:workflows',
      handle: ctx => {
        const r = repoOf(ctx);
        if (!r)
          return notFound(
            `${DOCS}/actions/workflows#list-repository-workflows`,
          );
        const all = [...r.workflowIds.keys()].filter(
          p => r.files.has(p) && isWorkflowPath(p),
        );
        return countedPage(ctx, all, 'workflows', p =>
          workflowJson(ctx.api, r, p),
        );
      },
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)$/,
    {
      kind: 'rest:workflows',
      handle: ctx => {
        const r = repoOf(ctx);
        const path = r && workflowPathOf(r, ctx.params[2]);
        if (!r || !path)
          return notFound(`${DOCS}/actions/workflows#get-a-workflow`);
        return { status: 200, body: workflowJson(ctx.api, r, path) };
      },
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/actions\/variables$/,
    {
      kind: 'rest:variables',
      handle: ctx => {
        const doc = `${DOCS}/actions/variables#list-repository-variables`;
        const r = repoOf(ctx);
        if (!r) return notFound(doc);
        return (
          notPermitted(ctx, 'actions_variables', doc) ??
          variablesResponse(ctx, r.variables)
        );
      },
    },
  ],
  [
    /^\/orgs\/([^/]+)\/actions\/variables$/,
    {
      kind: 'rest:variables',
      handle: ctx => {
        const doc = `${DOCS}/actions/variables#list-organization-variables`;
        // the sandbox hosts one organization; an installation sees only its own
        if (ctx.params[0].toLowerCase() !== ctx.store.org.toLowerCase())
          return notFound(doc);
        return (
          notPermitted(ctx, 'organization_actions_variables', doc) ??
          variablesResponse(ctx, ctx.store.orgVariables, 'all')
        );
      },
    },
  ],
  [
    // GitHub's filters: state (open, closed = merged or not, all), head (`owner:branch`), base,
    // sort (created, updated) and direction (desc by default), paged
    /^\/repos\/([^/]+)\/([^/]+)\/pulls$/,
    {
      kind: 'rest:other',
      handle: ctx => {
        const r = repoOf(ctx);
        if (!r) return notFound(`${DOCS}/pulls/pulls#list-pull-requests`);
        const q = ctx.url.searchParams;
        const state = q.get('state') ?? 'open';
        const head = q.get('head');
        const base = q.get('base');
        const sort = q.get('sort') ?? 'created';
        const d = q.get('direction') === 'asc' ? 1 : -1;
        const key = (p: RepoState['pullRequests'][number]) =>
          Date.parse(
            sort === 'updated' ? p.closedAt ?? p.createdAt : p.createdAt,
          );
        const pulls = r.pullRequests
          .filter(
            p => state === 'all' || (state === 'open') === (p.state === 'OPEN'),
          )
          .filter(p => {
            if (!head) return true;
            const [owner, ref] = head.includes(':')
              ? head.split(':', 2)
              : [head, undefined];
            return (
              owner.toLowerCase() === r.owner.toLowerCase() &&
              (ref === undefined || ref === p.headRefName)
            );
          })
          .filter(p => !base || p.baseRefName === base)
          .sort((a, b) => d * (key(a) - key(b) || a.id - b.id));
        const { slice, headers } = paginate(ctx, pulls);
        return {
          status: 200,
          body: slice.map(p => pullJson(ctx.api, r, p)),
          headers,
        };
      },
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/runs$/,
    {
      kind: 'rest:runs',
      handle: ctx => {
        const r = repoOf(ctx);
        const path = r && workflowPathOf(r, ctx.params[2]);
        if (!r || !path)
          return notFound(
            `${DOCS}/actions/workflow-runs#list-workflow-runs-for-a-workflow`,
          );
        return runsResponse(ctx, r, path);
      },
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs$/,
    {
      kind: 'rest:runs',
      handle: ctx => {
        const r = repoOf(ctx);
        if (!r)
          return notFound(
            `${DOCS}/actions/workflow-runs#list-workflow-runs-for-a-repository`,
          );
        return runsResponse(ctx, r);
      },
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/jobs$/,
    {
      kind: 'rest:jobs',
      handle: ctx => {
        const doc = `${DOCS}/actions/workflow-jobs#list-jobs-for-a-workflow-run`;
        const r = repoOf(ctx);
        const runId = Number(ctx.params[2]);
        if (!r || !r.runs.some(x => x.id === runId)) return notFound(doc);
        const filter = ctx.url.searchParams.get('filter') ?? 'latest';
        if (filter !== 'latest' && filter !== 'all')
          return {
            status: 422,
            body: {
              message: `Invalid request.\n\nfilter must be one of: latest, all`,
              documentation_url: doc,
              status: '422',
            },
          };
        // one attempt per run in the sandbox: latest and all list the same jobs
        const jobs = r.jobs.filter(j => j.runId === runId);
        return countedPage(ctx, jobs, 'jobs', j => jobJson(ctx.api, r, j));
      },
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/actions\/jobs\/(\d+)$/,
    {
      kind: 'rest:jobs',
      handle: ctx => {
        const r = repoOf(ctx);
        const job = r?.jobs.find(j => j.id === Number(ctx.params[2]));
        if (!r || !job)
          return notFound(
            `${DOCS}/actions/workflow-jobs#get-a-job-for-a-workflow-run`,
          );
        return { status: 200, body: jobJson(ctx.api, r, job) };
      },
    },
  ],
  [
    /^\/installation\/repositories$/,
    {
      kind: 'rest:installation',
      handle: ctx => {
        if (ctx.principal.kind !== 'installation')
          return {
            status: 403,
            body: {
              message: 'Resource not accessible by integration',
              documentation_url: `${DOCS}/apps/installations`,
              status: '403',
            },
          };
        const repos = ctx.store
          .list()
          .filter(r => r.owner.toLowerCase() === ctx.org.toLowerCase());
        return countedPage(
          ctx,
          repos,
          'repositories',
          r => repoJson(ctx.api, r),
          { extra: { repository_selection: 'all' } },
        );
      },
    },
  ],
  [
    /^\/app$/,
    {
      kind: 'rest:app',
      app: true,
      handle: ctx => ({
        status: 200,
        body: {
          id: ctx.app.appId,
          client_id: ctx.app.clientId,
          slug: ctx.app.slug,
          node_id: nodeId('A', ctx.app.appId),
          name: 'GloriousFlywheel (sandbox)',
          description:
            "Reads the org's workflows and runs for the GloriousFlywheel portal",
          external_url: 'https://github.com/tinyland-inc/GloriousFlywheel',
          owner: ownerJson(ctx.api, ctx.org),
          permissions: INSTALLATION_PERMISSIONS,
          events: ['push', 'workflow_run'],
          installations_count: 1,
          html_url: `${HTML}/apps/${ctx.app.slug}`,
          created_at: '2026-04-16T10:00:00Z',
          updated_at: '2026-04-16T10:00:00Z',
        },
      }),
    },
  ],
  [
    /^\/app\/installations$/,
    {
      kind: 'rest:app',
      app: true,
      handle: ctx => {
        const { slice, headers } = paginate(ctx, [
          installationJson(ctx.api, ctx.app, ctx.org),
        ]);
        return { status: 200, body: slice, headers };
      },
    },
  ],
  [
    /^\/app\/installations\/(\d+)$/,
    {
      kind: 'rest:app',
      app: true,
      handle: ctx =>
        Number(ctx.params[0]) === ctx.app.installationId
          ? { status: 200, body: installationJson(ctx.api, ctx.app, ctx.org) }
          : notFound(
              `${DOCS}/apps/apps#get-an-installation-for-the-authenticated-app`,
            ),
    },
  ],
  [
    /^\/orgs\/([^/]+)\/installation$/,
    {
      kind: 'rest:app',
      app: true,
      handle: ctx =>
        ctx.params[0].toLowerCase() === ctx.org.toLowerCase()
          ? { status: 200, body: installationJson(ctx.api, ctx.app, ctx.org) }
          : notFound(
              `${DOCS}/apps/apps#get-an-organization-installation-for-the-authenticated-app`,
            ),
    },
  ],
  [
    /^\/repos\/([^/]+)\/([^/]+)\/installation$/,
    {
      kind: 'rest:app',
      app: true,
      handle: ctx =>
        ctx.store.get(ctx.params[0], ctx.params[1])?.owner.toLowerCase() ===
        ctx.org.toLowerCase()
          ? { status: 200, body: installationJson(ctx.api, ctx.app, ctx.org) }
          : notFound(
              `${DOCS}/apps/apps#get-a-repository-installation-for-the-authenticated-app`,
            ),
    },
  ],
];

/** POST routes (only the installation token). */
export const REST_POST_ROUTES: [RegExp, RestRoute][] = [
  [
    /^\/app\/installations\/(\d+)\/access_tokens$/,
    {
      kind: 'rest:app',
      app: true,
      handle: ctx => {
        if (Number(ctx.params[0]) !== ctx.app.installationId)
          return notFound(
            `${DOCS}/apps/apps#create-an-installation-access-token-for-an-app`,
          );
        const permissions = ctx.body?.permissions ?? INSTALLATION_PERMISSIONS;
        const { token, expiresAt } = ctx.tokens.issueInstallationToken(
          ctx.app.installationId,
          ctx.body?.permissions,
        );
        const body: Record<string, unknown> = {
          token,
          expires_at: new Date(expiresAt)
            .toISOString()
            .replace(/\.\d{3}Z$/, 'Z'),
          permissions,
          repository_selection: 'all',
        };
        if (
          Array.isArray(ctx.body?.repositories) ||
          Array.isArray(ctx.body?.repository_ids)
        ) {
          body.repository_selection = 'selected';
          body.repositories = ctx.store
            .list()
            .filter(
              r =>
                ctx.body.repositories?.includes(r.name) ||
                ctx.body.repository_ids?.includes(r.id),
            )
            .map(r => repoJson(ctx.api, r));
        }
        return { status: 201, body };
      },
    },
  ],
];

/**
 * GitHub's answer to an installation token without the permission a route needs; undefined when
 * the caller may go on (users, and installations with it).
 */
function notPermitted(
  ctx: RestContext,
  permission: string,
  doc: string,
): RestResult | undefined {
  const p = ctx.principal;
  if (p.kind !== 'installation') return undefined;
  const granted: Record<string, string> =
    p.permissions ?? INSTALLATION_PERMISSIONS;
  if (granted[permission]) return undefined;
  return {
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: doc,
      status: '403',
    },
  };
}

/** Actions variables, by name, paged as GitHub does (10 by default, at most 30). */
function variablesResponse(
  ctx: RestContext,
  variables: Map<string, GitHubActionsVariable>,
  visibility?: 'all',
): RestResult {
  const all = [...variables.values()].sort((a, b) =>
    compareKeys(a.name, b.name),
  );
  return countedPage(ctx, all, 'variables', v => variableJson(v, visibility), {
    size: { dflt: 10, max: 30 },
  });
}

function workflowPathOf(r: RepoState, idOrFile: string): string | undefined {
  const decoded = decodeURIComponent(idOrFile);
  for (const [path, id] of r.workflowIds) {
    if (String(id) === decoded || path.split('/').pop() === decoded)
      return path;
  }
  return undefined;
}

function runsResponse(
  ctx: RestContext,
  r: RepoState,
  path?: string,
): RestResult {
  const q = ctx.url.searchParams;
  const branch = q.get('branch');
  const event = q.get('event');
  const status = q.get('status');
  const headSha = q.get('head_sha');
  const conclusions = [
    'success',
    'failure',
    'neutral',
    'cancelled',
    'skipped',
    'timed_out',
    'action_required',
    'stale',
    'startup_failure',
  ];
  const runs = r.runs
    .filter(x => !path || x.workflowPath === path)
    .filter(x => !branch || x.headBranch === branch)
    .filter(x => !event || x.event === event)
    .filter(x => !headSha || x.headSha === headSha)
    .filter(
      x =>
        !status ||
        (conclusions.includes(status)
          ? x.conclusion === status
          : x.status === status),
    )
    .sort(
      (a, b) =>
        Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id,
    );
  return countedPage(ctx, runs, 'workflow_runs', x =>
    runJson(ctx.api, ctx.store, r, x),
  );
}
