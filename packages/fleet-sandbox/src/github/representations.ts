import type { GitHubAppIdentity } from './auth';
import {
  GitHubActionsVariable,
  GitHubPullRequest,
  GitHubStore,
  GitHubWorkflowJob,
  GitHubWorkflowRun,
  RepoState,
  workflowName,
} from './store';

/** REST/webhook JSON shapes with GitHub's field names. API URLs point at the sandbox. */

export const HTML = 'https://github.com';
export const ORG_ID = 180_000_001;

export const nodeId = (prefix: string, id: number | string) =>
  `${prefix}_kgDO${Buffer.from(String(id)).toString('base64url')}`;

export function orgJson(api: string, org: string) {
  return {
    login: org,
    id: ORG_ID,
    node_id: nodeId('O', ORG_ID),
    url: `${api}/orgs/${org}`,
    repos_url: `${api}/orgs/${org}/repos`,
    events_url: `${api}/orgs/${org}/events`,
    hooks_url: `${api}/orgs/${org}/hooks`,
    issues_url: `${api}/orgs/${org}/issues`,
    members_url: `${api}/orgs/${org}/members{/member}`,
    public_members_url: `${api}/orgs/${org}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${ORG_ID}?v=4`,
    description: 'Tinyland',
  };
}

/** The `*_url` fields of a user or organization account (GitHub's `simple-user`). */
export function accountUrls(api: string, login: string) {
  const u = `${api}/users/${login}`;
  return {
    gravatar_id: '',
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
  };
}

/** The URL templates GitHub puts on every full repository object. */
export function repoUrlTemplates(api: string, fullName: string) {
  const u = `${api}/repos/${fullName}`;
  return {
    archive_url: `${u}/{archive_format}{/ref}`,
    assignees_url: `${u}/assignees{/user}`,
    blobs_url: `${u}/git/blobs{/sha}`,
    branches_url: `${u}/branches{/branch}`,
    collaborators_url: `${u}/collaborators{/collaborator}`,
    comments_url: `${u}/comments{/number}`,
    compare_url: `${u}/compare/{base}...{head}`,
    contributors_url: `${u}/contributors`,
    deployments_url: `${u}/deployments`,
    downloads_url: `${u}/downloads`,
    events_url: `${u}/events`,
    forks_url: `${u}/forks`,
    git_commits_url: `${u}/git/commits{/sha}`,
    git_refs_url: `${u}/git/refs{/sha}`,
    git_tags_url: `${u}/git/tags{/sha}`,
    hooks_url: `${u}/hooks`,
    issue_comment_url: `${u}/issues/comments{/number}`,
    issue_events_url: `${u}/issues/events{/number}`,
    issues_url: `${u}/issues{/number}`,
    keys_url: `${u}/keys{/key_id}`,
    labels_url: `${u}/labels{/name}`,
    languages_url: `${u}/languages`,
    merges_url: `${u}/merges`,
    milestones_url: `${u}/milestones{/number}`,
    notifications_url: `${u}/notifications{?since,all,participating}`,
    pulls_url: `${u}/pulls{/number}`,
    releases_url: `${u}/releases{/id}`,
    stargazers_url: `${u}/stargazers`,
    statuses_url: `${u}/statuses/{sha}`,
    subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`,
    tags_url: `${u}/tags`,
    teams_url: `${u}/teams`,
    svn_url: `${HTML}/${fullName}`,
    mirror_url: null,
  };
}

export function ownerJson(api: string, org: string) {
  return {
    login: org,
    id: ORG_ID,
    node_id: nodeId('O', ORG_ID),
    avatar_url: `https://avatars.githubusercontent.com/u/${ORG_ID}?v=4`,
    url: `${api}/users/${org}`,
    html_url: `${HTML}/${org}`,
    ...accountUrls(api, org),
    type: 'Organization',
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The account the sandbox's pushes, runs and deliveries come from. */
export function botJson(api: string) {
  return {
    login: 'flywheel-bot',
    id: 1,
    node_id: nodeId('U', 1),
    avatar_url: 'https://avatars.githubusercontent.com/u/1?v=4',
    url: `${api}/users/flywheel-bot`,
    html_url: `${HTML}/flywheel-bot`,
    ...accountUrls(api, 'flywheel-bot'),
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

export function repoJson(api: string, r: RepoState, full = false) {
  const fullName = `${r.owner}/${r.name}`;
  const u = `${api}/repos/${fullName}`;
  const size = [...r.files.values()].reduce((n, b) => n + b.length, 0);
  const base: Record<string, unknown> = {
    id: r.id,
    node_id: nodeId('R', r.id),
    name: r.name,
    full_name: fullName,
    private: r.isPrivate,
    owner: ownerJson(api, r.owner),
    html_url: `${HTML}/${fullName}`,
    description: r.description,
    fork: r.isFork,
    url: u,
    ...repoUrlTemplates(api, fullName),
    contents_url: `${u}/contents/{+path}`,
    trees_url: `${u}/git/trees{/sha}`,
    commits_url: `${u}/commits{/sha}`,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    pushed_at: r.pushedAt,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `${HTML}/${fullName}.git`,
    homepage: null,
    size: Math.ceil(size / 1024),
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    archived: r.isArchived,
    disabled: false,
    open_issues_count: 0,
    license: null,
    allow_forking: true,
    is_template: false,
    topics: [],
    visibility: r.isPrivate ? 'private' : 'public',
    forks: 0,
    open_issues: 0,
    watchers: 0,
    default_branch: r.defaultBranch,
    permissions: {
      admin: false,
      maintain: false,
      push: false,
      triage: false,
      pull: true,
    },
  };
  if (full) {
    Object.assign(base, {
      organization: ownerJson(api, r.owner),
      network_count: 0,
      subscribers_count: 0,
    });
  }
  return base;
}

/** A user account (`simple-user`), e.g. a pull request's author. */
export function userJson(api: string, login: string) {
  // a stable id per login (GitHub's are opaque numbers)
  const id =
    190_000_001 +
    [...login].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1_000_000, 7);
  return {
    login,
    id,
    node_id: nodeId('U', id),
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    url: `${api}/users/${login}`,
    html_url: `${HTML}/${login}`,
    ...accountUrls(api, login),
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

/** `GET /repos/{o}/{r}/pulls` items (`pull-request-simple`); head and base are branches of `r`. */
export function pullJson(api: string, r: RepoState, pr: GitHubPullRequest) {
  const fullName = `${r.owner}/${r.name}`;
  const u = `${api}/repos/${fullName}`;
  const html = `${HTML}/${fullName}/pull/${pr.number}`;
  // branches other than the default are not modelled: their tip is the default head
  const sha = r.headOid;
  const repo = {
    ...repoJson(api, r, false),
    ...repoUrlTemplates(api, fullName),
    owner: { ...ownerJson(api, r.owner), ...accountUrls(api, r.owner) },
  };
  const branch = (ref: string) => ({
    label: `${r.owner}:${ref}`,
    ref,
    repo,
    sha,
    user: { ...ownerJson(api, r.owner), ...accountUrls(api, r.owner) },
  });
  const merged = pr.state === 'MERGED';
  return {
    url: `${u}/pulls/${pr.number}`,
    id: pr.id,
    node_id: nodeId('PR', pr.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${u}/issues/${pr.number}`,
    commits_url: `${u}/pulls/${pr.number}/commits`,
    review_comments_url: `${u}/pulls/${pr.number}/comments`,
    review_comment_url: `${u}/pulls/comments{/number}`,
    comments_url: `${u}/issues/${pr.number}/comments`,
    statuses_url: `${u}/statuses/${sha}`,
    number: pr.number,
    state: pr.state === 'OPEN' ? 'open' : 'closed',
    locked: false,
    title: pr.title,
    user: userJson(api, pr.author),
    body: null,
    labels: pr.labels.map(name => {
      const id =
        5_000_000 +
        [...name].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1_000_000, 3);
      return {
        id,
        node_id: nodeId('LA', id),
        url: `${u}/labels/${encodeURIComponent(name)}`,
        name,
        description: '',
        color: 'ededed',
        default: false,
      };
    }),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.closedAt ?? pr.createdAt,
    closed_at: pr.closedAt,
    merged_at: merged ? pr.closedAt : null,
    merge_commit_sha: merged ? sha : null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branch(pr.headRefName),
    base: branch(pr.baseRefName),
    _links: {
      self: { href: `${u}/pulls/${pr.number}` },
      html: { href: html },
      issue: { href: `${u}/issues/${pr.number}` },
      comments: { href: `${u}/issues/${pr.number}/comments` },
      review_comments: { href: `${u}/pulls/${pr.number}/comments` },
      review_comment: { href: `${u}/pulls/comments{/number}` },
      commits: { href: `${u}/pulls/${pr.number}/commits` },
      statuses: { href: `${u}/statuses/${sha}` },
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: pr.isDraft,
  };
}

export function workflowJson(api: string, r: RepoState, path: string) {
  const id = r.workflowIds.get(path)!;
  const at = r.workflowCreatedAt.get(path)!;
  const present = r.files.has(path);
  const u = `${api}/repos/${r.owner}/${r.name}`;
  return {
    id,
    node_id: nodeId('W', id),
    name: workflowName(path, r.files.get(path)),
    path,
    state: present ? 'active' : 'deleted',
    created_at: at,
    updated_at: at,
    url: `${u}/actions/workflows/${id}`,
    html_url: `${HTML}/${r.owner}/${r.name}/blob/${r.defaultBranch}/${path}`,
    badge_url: `${HTML}/${r.owner}/${r.name}/workflows/${encodeURIComponent(
      path.split('/').pop()!,
    )}/badge.svg`,
  };
}

export function runJson(
  api: string,
  store: GitHubStore,
  r: RepoState,
  run: GitHubWorkflowRun,
) {
  const u = `${api}/repos/${r.owner}/${r.name}`;
  const commit = store.objects.get(run.headSha);
  const workflowId = r.workflowIds.get(run.workflowPath)!;
  return {
    id: run.id,
    name: workflowName(run.workflowPath, r.files.get(run.workflowPath)),
    node_id: nodeId('WFR', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.workflowPath,
    display_title:
      commit?.type === 'commit' ? commit.message : run.workflowPath,
    run_number: run.runNumber,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: workflowId,
    check_suite_id: run.id + 1,
    url: `${u}/actions/runs/${run.id}`,
    html_url: `${HTML}/${r.owner}/${r.name}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    run_attempt: 1,
    run_started_at: run.createdAt,
    jobs_url: `${u}/actions/runs/${run.id}/jobs`,
    logs_url: `${u}/actions/runs/${run.id}/logs`,
    check_suite_url: `${u}/check-suites/${run.id + 1}`,
    check_suite_node_id: nodeId('CS', run.id + 1),
    artifacts_url: `${u}/actions/runs/${run.id}/artifacts`,
    cancel_url: `${u}/actions/runs/${run.id}/cancel`,
    rerun_url: `${u}/actions/runs/${run.id}/rerun`,
    previous_attempt_url: null,
    actor: botJson(api),
    triggering_actor: botJson(api),
    workflow_url: `${u}/actions/workflows/${workflowId}`,
    head_commit:
      commit?.type === 'commit'
        ? {
            id: commit.oid,
            tree_id: commit.tree,
            message: commit.message,
            timestamp: commit.date,
            author: {
              name: 'GloriousFlywheel Sandbox',
              email: 'sandbox@tinyland.dev',
            },
            committer: {
              name: 'GloriousFlywheel Sandbox',
              email: 'sandbox@tinyland.dev',
            },
          }
        : null,
    repository: repoJson(api, r),
    head_repository: repoJson(api, r),
  };
}

/** A job as the REST API and the `workflow_job` webhook show it. */
export function jobJson(api: string, r: RepoState, job: GitHubWorkflowJob) {
  const run = r.runs.find(x => x.id === job.runId)!;
  const u = `${api}/repos/${r.owner}/${r.name}`;
  const started = job.status === 'in_progress' || job.status === 'completed';
  const ran = job.runnerName !== null;
  const step = (name: string, number: number) => ({
    name,
    status: job.status === 'completed' ? 'completed' : 'in_progress',
    conclusion: job.status === 'completed' ? job.conclusion : null,
    number,
    started_at: job.startedAt,
    completed_at: job.completedAt,
  });
  return {
    id: job.id,
    run_id: job.runId,
    workflow_name: workflowName(
      run.workflowPath,
      r.files.get(run.workflowPath),
    ),
    head_branch: run.headBranch,
    run_url: `${u}/actions/runs/${job.runId}`,
    run_attempt: 1,
    node_id: nodeId('CR', job.id),
    head_sha: run.headSha,
    url: `${u}/actions/jobs/${job.id}`,
    html_url: `${HTML}/${r.owner}/${r.name}/actions/runs/${job.runId}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.createdAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    name: job.name,
    // steps exist once a runner has started the job
    steps: started && ran ? [step('Set up job', 1), step(job.name, 2)] : [],
    check_run_url: `${u}/check-runs/${job.id}`,
    labels: [...job.labels],
    runner_id: job.runnerId,
    runner_name: job.runnerName,
    runner_group_id: job.runnerGroupId,
    runner_group_name: job.runnerGroupName,
  };
}

export const INSTALLATION_PERMISSIONS: Record<string, string> = {
  actions: 'read',
  contents: 'read',
  metadata: 'read',
  checks: 'read',
  // Actions variables (runs-on toggles such as vars.USE_SELFHOSTED)
  actions_variables: 'read',
  organization_actions_variables: 'read',
};

export function installationJson(
  api: string,
  app: GitHubAppIdentity,
  org: string,
) {
  return {
    id: app.installationId,
    client_id: app.clientId,
    account: ownerJson(api, org),
    repository_selection: 'all',
    access_tokens_url: `${api}/app/installations/${app.installationId}/access_tokens`,
    repositories_url: `${api}/installation/repositories`,
    html_url: `${HTML}/organizations/${org}/settings/installations/${app.installationId}`,
    app_id: app.appId,
    app_slug: app.slug,
    target_id: ORG_ID,
    target_type: 'Organization',
    permissions: INSTALLATION_PERMISSIONS,
    events: ['push', 'workflow_run'],
    created_at: '2026-04-16T10:00:00Z',
    updated_at: '2026-04-16T10:00:00Z',
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** An Actions variable as the REST API lists it; the organization's carry their visibility. */
export function variableJson(
  v: GitHubActionsVariable,
  visibility?: 'all' | 'private' | 'selected',
) {
  return {
    name: v.name,
    value: v.value,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
    ...(visibility && { visibility }),
  };
}
