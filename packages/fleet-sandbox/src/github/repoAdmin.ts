import type { GitHubRepoSnapshot, GitHubSandbox } from './index';
import { GitHubApiContext, isoSeconds } from './apiContext';
import { runJson } from './representations';
import { GITHUB_SEED_EPOCH } from './seedContent';
import { isWorkflowPath, RepoState } from './store';

/** The sandbox's in-process methods on repositories (content, variables, pull requests, runs). */
export type GitHubRepoAdmin = Pick<
  GitHubSandbox,
  | 'listRepos'
  | 'getRepo'
  | 'readFile'
  | 'putFile'
  | 'deleteFile'
  | 'commitFiles'
  | 'setVariable'
  | 'addRepo'
  | 'removeRepo'
  | 'updateRepo'
  | 'addPullRequest'
  | 'setWorkflowRunConclusion'
>;

export function createRepoAdmin(ctx: GitHubApiContext): GitHubRepoAdmin & {
  mustRepo(owner: string, name: string): RepoState;
  /** a workflow's path from its file name or path; throws when the repository has no such workflow */
  workflowPath(r: RepoState, workflow: string): string;
} {
  const { store } = ctx;
  const mustRepo = (owner: string, name: string): RepoState => {
    const r = store.get(owner, name);
    if (!r) throw new Error(`no repository ${owner}/${name}`);
    return r;
  };
  const snapshot = (r: RepoState): GitHubRepoSnapshot => {
    const head = store.objects.get(r.headOid);
    return {
      owner: r.owner,
      name: r.name,
      tier: r.tier,
      isFork: r.isFork,
      isArchived: r.isArchived,
      isPrivate: r.isPrivate,
      defaultBranch: r.defaultBranch,
      headOid: r.headOid,
      treeOid: head?.type === 'commit' ? head.tree : '',
      pushedAt: r.pushedAt,
      files: [...r.files.keys()].sort(),
      workflows: [...r.files.keys()].filter(isWorkflowPath).sort(),
    };
  };
  const commitFiles = (
    owner: string,
    name: string,
    changes: Record<string, string | Buffer | null>,
    message?: string,
  ) => {
    const r = mustRepo(owner, name);
    const { before, after } = store.commit(
      r,
      changes,
      message ?? `Update ${Object.keys(changes).join(', ')}`,
      Date.now(),
    );
    return { before, after, pushedAt: r.pushedAt };
  };
  const workflowPath = (r: RepoState, workflow: string) => {
    const path = workflow.includes('/')
      ? workflow
      : `.github/workflows/${workflow}`;
    if (!r.workflowIds.has(path))
      throw new Error(`no workflow ${path} in ${r.owner}/${r.name}`);
    return path;
  };

  return {
    mustRepo,
    workflowPath,
    listRepos: () => store.list().map(snapshot),
    getRepo: (owner, name) => {
      const r = store.get(owner, name);
      return r && snapshot(r);
    },
    readFile: (owner, name, path) =>
      store.get(owner, name)?.files.get(path)?.toString('utf8'),
    putFile: (owner, name, path, c, message) =>
      commitFiles(owner, name, { [path]: c }, message ?? `Update ${path}`),
    deleteFile: (owner, name, path, message) => {
      if (!mustRepo(owner, name).files.has(path))
        throw new Error(`no file ${path} in ${owner}/${name}`);
      return commitFiles(
        owner,
        name,
        { [path]: null },
        message ?? `Delete ${path}`,
      );
    },
    commitFiles,
    setVariable: (owner, name, variable, value) => {
      const at = new Date(Math.max(Date.now(), GITHUB_SEED_EPOCH))
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z');
      if (name === null) {
        if (owner.toLowerCase() !== store.org.toLowerCase())
          throw new Error(`no organization ${owner}`);
        store.setVariable(store.orgVariables, variable, value, at);
      } else
        store.setVariable(mustRepo(owner, name).variables, variable, value, at);
    },
    addRepo: repo => {
      const now = Math.max(Date.now(), GITHUB_SEED_EPOCH);
      const r = store.addRepo({
        owner: repo.owner ?? ctx.org,
        name: repo.name,
        tier: repo.tier ?? 'long-tail',
        description: repo.description ?? '',
        isFork: repo.isFork ?? false,
        isArchived: repo.isArchived ?? false,
        isPrivate: repo.isPrivate ?? true,
        defaultBranch: repo.defaultBranch ?? 'main',
        createdAt: repo.createdAt ?? isoSeconds(now),
        pushedAt: repo.pushedAt ?? isoSeconds(now),
        files: repo.files ?? {},
        executables: repo.executables ?? [],
        runs: repo.runs ?? {},
      });
      return snapshot(r);
    },
    removeRepo: (owner, name) => store.removeRepo(owner, name),
    updateRepo: (owner, name, patch) => {
      const r = mustRepo(owner, name);
      if (patch.isArchived !== undefined) r.isArchived = patch.isArchived;
      if (patch.isFork !== undefined) r.isFork = patch.isFork;
      if (patch.isPrivate !== undefined) r.isPrivate = patch.isPrivate;
      r.updatedAt = isoSeconds(
        Math.max(Date.now(), Date.parse(r.updatedAt) + 1000),
      );
      return snapshot(r);
    },
    addPullRequest: (owner, name, pr) => {
      const r = mustRepo(owner, name);
      store.addPullRequest(r, pr);
      r.pushedAt = isoSeconds(
        Math.max(Date.now(), Date.parse(r.pushedAt) + 1000),
      );
      r.updatedAt = isoSeconds(
        Math.max(Date.now(), Date.parse(r.updatedAt) + 1000),
      );
    },
    setWorkflowRunConclusion: (owner, name, workflow, conclusion, opts) => {
      const r = mustRepo(owner, name);
      const path = workflowPath(r, workflow);
      const last = r.runs.filter(x => x.workflowPath === path).pop();
      const at = Math.max(
        Date.now(),
        last ? Date.parse(last.createdAt) + 1000 : 0,
      );
      const run = store.addRun(
        r,
        path,
        conclusion,
        isoSeconds(at),
        opts?.event ?? 'push',
      );
      return runJson(ctx.api, store, r, run);
    },
  };
}
