import crypto from 'node:crypto';
import type { GitHubAppIdentity } from './auth';
import {
  botJson,
  HTML,
  jobJson,
  nodeId,
  ORG_ID,
  orgJson,
  ownerJson,
  repoJson,
  runJson,
  workflowJson,
} from './representations';
import { GitCommit, GitHubStore, GitHubWorkflowJob, RepoState } from './store';
import { findGitHubPackageFile } from './modules';

export interface GitHubWebhookDelivery {
  deliveryId: string;
  status: number;
  body: string;
}

const senderOf = botJson;

function installation(app: GitHubAppIdentity) {
  return {
    id: app.installationId,
    node_id: nodeId('MDIz', app.installationId),
  };
}

/** The repository object of webhook payloads (push uses epoch seconds for pushed_at/created_at). */
function hookRepo(api: string, r: RepoState, push: boolean) {
  const base = {
    ...(repoJson(api, r, false) as Record<string, unknown>),
    owner: ownerJson(api, r.owner),
  };
  if (!push) return base;
  return {
    ...base,
    owner: { ...base.owner, name: r.owner, email: null },
    created_at: Math.floor(Date.parse(r.createdAt) / 1000),
    pushed_at: Math.floor(Date.parse(r.pushedAt) / 1000),
    master_branch: r.defaultBranch,
    organization: r.owner,
  };
}

function commitJson(r: RepoState, c: GitCommit) {
  const person = {
    name: 'GloriousFlywheel Sandbox',
    email: 'sandbox@tinyland.dev',
    username: 'flywheel-bot',
  };
  return {
    id: c.oid,
    tree_id: c.tree,
    distinct: true,
    message: c.message,
    timestamp: c.date.replace('Z', '+00:00'),
    url: `${HTML}/${r.owner}/${r.name}/commit/${c.oid}`,
    author: person,
    committer: person,
    added: c.added,
    removed: c.removed,
    modified: c.modified,
  };
}

/** A `push` payload for the repo's latest commit on its default branch. */
export function buildPushPayload(
  api: string,
  store: GitHubStore,
  app: GitHubAppIdentity,
  r: RepoState,
) {
  const head = store.objects.get(r.headOid) as GitCommit;
  const before = head.parents[0] ?? '0000000000000000000000000000000000000000';
  return {
    ref: `refs/heads/${r.defaultBranch}`,
    before,
    after: head.oid,
    repository: hookRepo(api, r, true),
    pusher: { name: 'flywheel-bot', email: 'sandbox@tinyland.dev' },
    organization: orgJson(api, r.owner),
    installation: installation(app),
    sender: senderOf(api),
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${HTML}/${r.owner}/${r.name}/compare/${before.slice(
      0,
      12,
    )}...${head.oid.slice(0, 12)}`,
    commits: [commitJson(r, head)],
    head_commit: commitJson(r, head),
  };
}

/** A `workflow_run` payload for the latest run of a workflow (file name or path). */
export function buildWorkflowRunPayload(
  api: string,
  store: GitHubStore,
  app: GitHubAppIdentity,
  r: RepoState,
  workflowPath: string,
  action: 'completed' | 'requested' | 'in_progress',
) {
  const run = [...r.runs].reverse().find(x => x.workflowPath === workflowPath);
  if (!run)
    throw new Error(`no run of ${workflowPath} in ${r.owner}/${r.name}`);
  return {
    action,
    workflow_run: runJson(api, store, r, run),
    workflow: workflowJson(api, r, workflowPath),
    repository: hookRepo(api, r, false),
    organization: orgJson(api, r.owner),
    installation: installation(app),
    sender: senderOf(api),
  };
}

/** A `workflow_job` payload: the job as it is now; `action` is its status. */
export function buildWorkflowJobPayload(
  api: string,
  app: GitHubAppIdentity,
  r: RepoState,
  job: GitHubWorkflowJob,
) {
  return {
    action: job.status,
    workflow_job: jobJson(api, r, job),
    repository: hookRepo(api, r, false),
    organization: orgJson(api, r.owner),
    installation: installation(app),
    sender: senderOf(api),
  };
}

type WebhooksMethods = {
  sign(secret: string, payload: string): Promise<string>;
  verify(secret: string, payload: string, signature: string): Promise<boolean>;
};
let webhooksMethods: Promise<WebhooksMethods> | undefined;

/**
 * `@octokit/webhooks-methods` (`sign`/`verify`). The package is ESM-only with an `import`-only
 * exports map: the sandbox's node transform loads it with a dynamic import, while jest (which
 * resolves with `require` conditions and cannot see it) gets its `dist-node` entry by path.
 */
export function loadGitHubWebhooksMethods(): Promise<WebhooksMethods> {
  webhooksMethods ??= import('@octokit/webhooks-methods').catch(
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () =>
      require(findGitHubPackageFile(
        '@octokit/webhooks-methods',
        'dist-node/index.js',
      )) as WebhooksMethods,
  );
  return webhooksMethods;
}

/**
 * POSTs a webhook as GitHub does: JSON body, `x-github-event`, `x-github-delivery`,
 * `x-hub-signature-256` (HMAC-SHA256 of the exact body with the webhook secret).
 */
export async function deliverGitHubWebhook(
  url: string,
  event: string,
  payload: unknown,
  opts: { secret: string; app: GitHubAppIdentity; timeoutMs?: number },
): Promise<GitHubWebhookDelivery> {
  const body = JSON.stringify(payload);
  const deliveryId = crypto.randomUUID();
  const { sign } = await loadGitHubWebhooksMethods();
  const signature = await sign(opts.secret, body);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/fleet-sandbox',
      'x-github-event': event,
      'x-github-delivery': deliveryId,
      'x-github-hook-id': '480000001',
      'x-github-hook-installation-target-type': 'integration',
      'x-github-hook-installation-target-id': String(opts.app.appId),
      'x-hub-signature-256': signature,
    },
    body,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  return { deliveryId, status: res.status, body: await res.text() };
}

export { ORG_ID };
