import crypto from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type {
  GitHubRunConclusion,
  GitHubSeedContent,
  GitHubSeedPullRequest,
  GitHubSeedRepo,
} from './seedContent';
import { GITHUB_SEED_EPOCH } from './seedContent';

/**
 * The repository content model: git objects hashed exactly as git does (blob/tree/commit SHA-1),
 * so oids are deterministic, content-addressed and change only when content changes.
 */

export type GitBlob = { type: 'blob'; oid: string; data: Buffer };
export type GitTreeEntry = {
  name: string;
  mode: string;
  type: 'blob' | 'tree';
  oid: string;
};
export type GitTree = { type: 'tree'; oid: string; entries: GitTreeEntry[] };
export type GitCommit = {
  type: 'commit';
  oid: string;
  tree: string;
  parents: string[];
  message: string;
  date: string;
  added: string[];
  removed: string[];
  modified: string[];
};
export type GitObject = GitBlob | GitTree | GitCommit;

export interface GitHubWorkflowRun {
  id: number;
  workflowPath: string;
  runNumber: number;
  headSha: string;
  headBranch: string;
  event: string;
  status: 'completed' | 'queued' | 'in_progress';
  conclusion: GitHubRunConclusion | null;
  createdAt: string;
  updatedAt: string;
}

export type GitHubJobStatus =
  | 'waiting'
  | 'queued'
  | 'in_progress'
  | 'completed';
export type GitHubJobConclusion = 'success' | 'failure' | 'cancelled';

/** One job of a workflow run (REST `job`, webhook `workflow_job`). */
export interface GitHubWorkflowJob {
  id: number;
  runId: number;
  name: string;
  /** `runs-on` labels, as written */
  labels: string[];
  /** `runs-on: { group }`, when the job asks for one */
  runnerGroup?: string;
  status: GitHubJobStatus;
  conclusion: GitHubJobConclusion | null;
  createdAt: string;
  startedAt: string;
  completedAt: string | null;
  runnerId: number | null;
  runnerName: string | null;
  runnerGroupId: number | null;
  runnerGroupName: string | null;
}

/** A repository as the sandbox holds it: the seed's fields, then its git objects and activity. */
export interface RepoState
  extends Omit<
    GitHubSeedRepo,
    'files' | 'executables' | 'runs' | 'pullRequests' | 'variables' | 'tags'
  > {
  id: number;
  updatedAt: string;
  files: Map<string, Buffer>;
  executables: Set<string>;
  headOid: string;
  /** workflow path → stable workflow id (kept when a file goes away, like GitHub) */
  workflowIds: Map<string, number>;
  workflowCreatedAt: Map<string, string>;
  runs: GitHubWorkflowRun[];
  jobs: GitHubWorkflowJob[];
  pullRequests: GitHubPullRequest[];
  /** Actions variables by upper-cased name (GitHub stores names upper-cased) */
  variables: Map<string, GitHubActionsVariable>;
  /** tag name → commit oid */
  tags: Map<string, string>;
}

/** An Actions variable of a repository or an organization. */
export interface GitHubActionsVariable {
  name: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

/** A pull request with the id GitHub gives it; `baseRefName` filled in. */
export interface GitHubPullRequest
  extends Required<Omit<GitHubSeedPullRequest, 'closedAt'>> {
  id: number;
  closedAt: string | null;
}

const sha1 = (b: Buffer) => crypto.createHash('sha1').update(b).digest('hex');

const iso = (ms: number) =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** git's tree entry order: byte order of names, directories compared as `name/`. */
function gitOrder(a: GitTreeEntry, b: GitTreeEntry) {
  const ka = a.type === 'tree' ? `${a.name}/` : a.name;
  const kb = b.type === 'tree' ? `${b.name}/` : b.name;
  return Buffer.compare(Buffer.from(ka), Buffer.from(kb));
}

export function workflowName(path: string, data: Buffer | undefined): string {
  if (!data) return path;
  try {
    const doc = parseYaml(data.toString('utf8'));
    if (doc && typeof doc === 'object' && typeof doc.name === 'string')
      return doc.name;
  } catch {
    // malformed workflow: GitHub shows the path as its name
  }
  return path;
}

/** When the seeded organization's variables were created: a month before the seed epoch. */
const GITHUB_SEED_VARIABLES_AT = iso(GITHUB_SEED_EPOCH - 30 * 86_400_000);

export const isWorkflowPath = (p: string) =>
  /^\.github\/workflows\/[^/]+\.ya?ml$/.test(p);

export class GitHubStore {
  readonly objects = new Map<string, GitObject>();
  /** lower-case `owner/name` → repo */
  private readonly repos = new Map<string, RepoState>();
  private nextRepoId = 700_000_001;
  private nextWorkflowId = 90_000_001;
  private nextRunId = 11_000_000_001;
  private nextPullId = 2_100_000_001;
  private nextJobId = 31_000_000_001;
  /** the organization's Actions variables (visibility `all`), by upper-cased name */
  readonly orgVariables = new Map<string, GitHubActionsVariable>();

  constructor(readonly org: string, content?: GitHubSeedContent) {
    for (const r of content?.repos ?? []) this.addRepo(r, { seeded: true });
    for (const [name, value] of Object.entries(content?.variables ?? {}))
      this.setVariable(
        this.orgVariables,
        name,
        value,
        GITHUB_SEED_VARIABLES_AT,
      );
  }

  /** Creates or updates a variable; GitHub upper-cases names. */
  setVariable(
    into: Map<string, GitHubActionsVariable>,
    name: string,
    value: string,
    at: string,
  ) {
    const key = name.toUpperCase();
    const prev = into.get(key);
    into.set(key, {
      name: key,
      value,
      createdAt: prev?.createdAt ?? at,
      updatedAt: at,
    });
  }

  private write(obj: GitObject) {
    if (!this.objects.has(obj.oid)) this.objects.set(obj.oid, obj);
    return obj.oid;
  }

  writeBlob(data: Buffer): string {
    const oid = sha1(
      Buffer.concat([Buffer.from(`blob ${data.length}\0`), data]),
    );
    return this.write({ type: 'blob', oid, data });
  }

  private writeTree(entries: GitTreeEntry[]): string {
    entries.sort(gitOrder);
    const body = Buffer.concat(
      entries.map(e =>
        Buffer.concat([
          Buffer.from(`${e.mode} ${e.name}\0`),
          Buffer.from(e.oid, 'hex'),
        ]),
      ),
    );
    const oid = sha1(
      Buffer.concat([Buffer.from(`tree ${body.length}\0`), body]),
    );
    return this.write({ type: 'tree', oid, entries });
  }

  /** Builds the nested trees of a file map; returns the root tree oid. */
  private buildTree(
    files: Map<string, Buffer>,
    executables: Set<string>,
  ): string {
    type Dir = { files: Map<string, string>; dirs: Map<string, Dir> };
    const root: Dir = { files: new Map(), dirs: new Map() };
    for (const path of files.keys()) {
      const parts = path.split('/');
      let dir = root;
      for (const p of parts.slice(0, -1)) {
        if (!dir.dirs.has(p))
          dir.dirs.set(p, { files: new Map(), dirs: new Map() });
        dir = dir.dirs.get(p)!;
      }
      dir.files.set(parts[parts.length - 1], path);
    }
    const emit = (dir: Dir): string => {
      const entries: GitTreeEntry[] = [];
      for (const [name, path] of dir.files) {
        entries.push({
          name,
          mode: executables.has(path) ? '100755' : '100644',
          type: 'blob',
          oid: this.writeBlob(files.get(path)!),
        });
      }
      for (const [name, sub] of dir.dirs) {
        entries.push({ name, mode: '40000', type: 'tree', oid: emit(sub) });
      }
      return this.writeTree(entries);
    };
    return emit(root);
  }

  private writeCommit(
    repo: RepoState,
    message: string,
    date: string,
    change: { added: string[]; removed: string[]; modified: string[] },
  ): string {
    const tree = this.buildTree(repo.files, repo.executables);
    const parents = repo.headOid ? [repo.headOid] : [];
    const ts = Math.floor(Date.parse(date) / 1000);
    const who = `GloriousFlywheel Sandbox <sandbox@tinyland.dev> ${ts} +0000`;
    const text = [
      `tree ${tree}`,
      ...parents.map(p => `parent ${p}`),
      `author ${who}`,
      `committer ${who}`,
      '',
      message,
      '',
    ].join('\n');
    const body = Buffer.from(text);
    const oid = sha1(
      Buffer.concat([Buffer.from(`commit ${body.length}\0`), body]),
    );
    this.write({
      type: 'commit',
      oid,
      tree,
      parents,
      message,
      date,
      ...change,
    });
    return oid;
  }

  key = (owner: string, name: string) => `${owner}/${name}`.toLowerCase();

  get(owner: string, name: string): RepoState | undefined {
    return this.repos.get(this.key(owner, name));
  }

  list(): RepoState[] {
    return [...this.repos.values()];
  }

  addRepo(r: GitHubSeedRepo, opts: { seeded?: boolean } = {}): RepoState {
    const k = this.key(r.owner, r.name);
    if (this.repos.has(k))
      throw new Error(`repository ${r.owner}/${r.name} already exists`);
    const repo: RepoState = {
      id: this.nextRepoId++,
      owner: r.owner,
      name: r.name,
      tier: r.tier,
      description: r.description,
      isFork: r.isFork,
      isArchived: r.isArchived,
      isPrivate: r.isPrivate,
      defaultBranch: r.defaultBranch,
      createdAt: r.createdAt,
      pushedAt: r.pushedAt,
      updatedAt: r.pushedAt,
      files: new Map(
        Object.entries(r.files).map(([p, c]) => [
          p,
          Buffer.isBuffer(c) ? c : Buffer.from(c),
        ]),
      ),
      executables: new Set(r.executables),
      headOid: '',
      workflowIds: new Map(),
      workflowCreatedAt: new Map(),
      runs: [],
      jobs: [],
      pullRequests: [],
      variables: new Map(),
      tags: new Map(),
    };
    for (const pr of r.pullRequests ?? []) this.addPullRequest(repo, pr);
    repo.headOid = this.writeCommit(repo, 'Initial commit', r.pushedAt, {
      added: [...repo.files.keys()],
      removed: [],
      modified: [],
    });
    // seeded tags point at the initial commit; later commits move only the branch
    for (const tag of r.tags ?? []) repo.tags.set(tag, repo.headOid);
    for (const [name, value] of Object.entries(r.variables ?? {}))
      this.setVariable(repo.variables, name, value, r.createdAt);
    this.repos.set(k, repo);
    this.syncWorkflows(repo, r.createdAt);
    // seeded runs: each workflow gets its listed conclusions (default one success), oldest first
    const base = Date.parse(r.pushedAt);
    for (const path of repo.workflowIds.keys()) {
      const file = path.split('/').pop()!;
      const conclusions = r.runs[file] ?? ['success'];
      conclusions.forEach((c, n) =>
        this.addRun(
          repo,
          path,
          c,
          iso(base - (conclusions.length - n) * 600_000),
        ),
      );
    }
    void opts;
    return repo;
  }

  removeRepo(owner: string, name: string): boolean {
    return this.repos.delete(this.key(owner, name));
  }

  private syncWorkflows(repo: RepoState, at: string) {
    for (const p of repo.files.keys()) {
      if (isWorkflowPath(p) && !repo.workflowIds.has(p)) {
        repo.workflowIds.set(p, this.nextWorkflowId++);
        repo.workflowCreatedAt.set(p, at);
      }
    }
  }

  /**
   * Commits a set of changes (path → content, or null to delete) on the default branch:
   * new head oid, pushedAt = now (strictly later than before).
   */
  commit(
    repo: RepoState,
    changes: Record<string, string | Buffer | null>,
    message: string,
    now: number,
  ): { before: string; after: string; commit: GitCommit } {
    const change = {
      added: [] as string[],
      removed: [] as string[],
      modified: [] as string[],
    };
    for (const [path, content] of Object.entries(changes)) {
      const clean = path.replace(/^\/+/, '');
      if (content === null) {
        if (repo.files.delete(clean)) change.removed.push(clean);
        repo.executables.delete(clean);
        continue;
      }
      const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
      if (repo.files.has(clean)) change.modified.push(clean);
      else change.added.push(clean);
      repo.files.set(clean, data);
    }
    const pushed = Math.max(now, Date.parse(repo.pushedAt) + 1000);
    repo.pushedAt = iso(pushed);
    repo.updatedAt = repo.pushedAt;
    const before = repo.headOid;
    repo.headOid = this.writeCommit(repo, message, repo.pushedAt, change);
    this.syncWorkflows(repo, repo.pushedAt);
    return {
      before,
      after: repo.headOid,
      commit: this.objects.get(repo.headOid) as GitCommit,
    };
  }

  addRun(
    repo: RepoState,
    workflowPath: string,
    conclusion: GitHubRunConclusion | null,
    at: string,
    event = 'push',
  ): GitHubWorkflowRun {
    const previous = repo.runs.filter(
      r => r.workflowPath === workflowPath,
    ).length;
    const run: GitHubWorkflowRun = {
      id: this.nextRunId++,
      workflowPath,
      runNumber: previous + 1,
      headSha: repo.headOid,
      headBranch: repo.defaultBranch,
      event,
      status: conclusion === null ? 'in_progress' : 'completed',
      conclusion,
      createdAt: at,
      updatedAt: at,
    };
    repo.runs.push(run);
    return run;
  }

  /** Adds a job to a run (status queued, or waiting for a protection rule). */
  addJob(
    repo: RepoState,
    run: GitHubWorkflowRun,
    job: { name: string; labels: string[]; runnerGroup?: string },
    at: string,
    status: 'queued' | 'waiting' = 'queued',
  ): GitHubWorkflowJob {
    const j: GitHubWorkflowJob = {
      id: this.nextJobId++,
      runId: run.id,
      name: job.name,
      labels: [...job.labels],
      runnerGroup: job.runnerGroup,
      status,
      conclusion: null,
      createdAt: at,
      // GitHub reports started_at = created_at until a runner picks the job up
      startedAt: at,
      completedAt: null,
      runnerId: null,
      runnerName: null,
      runnerGroupId: null,
      runnerGroupName: null,
    };
    repo.jobs.push(j);
    this.syncRun(repo, run);
    return j;
  }

  /** A run's status follows its jobs: completed when all are, failure if any failed. */
  syncRun(repo: RepoState, run: GitHubWorkflowRun) {
    const jobs = repo.jobs.filter(j => j.runId === run.id);
    if (!jobs.length) return;
    let status: GitHubWorkflowRun['status'] = 'queued';
    let conclusion: GitHubRunConclusion | null = null;
    if (jobs.every(j => j.status === 'completed')) {
      status = 'completed';
      conclusion = jobs.some(j => j.conclusion === 'failure')
        ? 'failure'
        : 'success';
      if (jobs.every(j => j.conclusion === 'cancelled'))
        conclusion = 'cancelled';
    } else if (jobs.some(j => j.status !== 'queued' && j.status !== 'waiting'))
      status = 'in_progress';
    run.status = status;
    run.conclusion = conclusion;
    const latest = jobs
      .map(j => j.completedAt ?? j.startedAt)
      .sort()
      .pop()!;
    if (latest > run.updatedAt) run.updatedAt = latest;
  }

  addPullRequest(
    repo: RepoState,
    pr: GitHubSeedPullRequest,
  ): GitHubPullRequest {
    if (repo.pullRequests.some(p => p.number === pr.number))
      throw new Error(
        `pull request #${pr.number} already exists in ${repo.owner}/${repo.name}`,
      );
    const stored: GitHubPullRequest = {
      ...pr,
      id: this.nextPullId++,
      baseRefName: pr.baseRefName ?? repo.defaultBranch,
      isDraft: pr.isDraft ?? false,
      closedAt: pr.closedAt ?? null,
    };
    repo.pullRequests.push(stored);
    return stored;
  }

  /** Resolves a revision (`HEAD`, branch name, tag name, commit oid) of a repo to a commit. */
  resolveCommit(repo: RepoState, rev: string): GitCommit | undefined {
    if (
      rev === '' ||
      rev === 'HEAD' ||
      rev === repo.defaultBranch ||
      rev === `refs/heads/${repo.defaultBranch}`
    )
      return this.objects.get(repo.headOid) as GitCommit;
    const tagged = repo.tags.get(rev.replace(/^refs\/tags\//, ''));
    if (tagged) return this.objects.get(tagged) as GitCommit;
    if (/^[0-9a-f]{40}$/i.test(rev)) {
      const o = this.objects.get(rev.toLowerCase());
      return o?.type === 'commit' ? o : undefined;
    }
    return undefined;
  }

  /** Walks a path from a tree; '' = the tree itself. */
  lookupPath(
    treeOid: string,
    path: string,
  ): { obj: GitObject; mode: string } | undefined {
    let current: GitObject | undefined = this.objects.get(treeOid);
    let mode = '40000';
    for (const part of path.split('/').filter(Boolean)) {
      if (current?.type !== 'tree') return undefined;
      const entry: GitTreeEntry | undefined = current.entries.find(
        e => e.name === part,
      );
      if (!entry) return undefined;
      mode = entry.mode;
      current = this.objects.get(entry.oid);
    }
    return current ? { obj: current, mode } : undefined;
  }

  /** `rev:path` (GraphQL `object(expression:)`) or a bare rev / oid. */
  resolveExpression(
    repo: RepoState,
    expression: string,
  ): GitObject | undefined {
    const colon = expression.indexOf(':');
    if (colon < 0) {
      const c = this.resolveCommit(repo, expression);
      if (c) return c;
      return /^[0-9a-f]{40}$/i.test(expression)
        ? this.objects.get(expression.toLowerCase())
        : undefined;
    }
    const commit = this.resolveCommit(repo, expression.slice(0, colon));
    if (!commit) return undefined;
    return this.lookupPath(commit.tree, expression.slice(colon + 1))?.obj;
  }
}
