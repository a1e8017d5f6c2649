import type { IncomingMessage, ServerResponse } from 'node:http';
import { emptyCounts, GitHubApiContext, readBody } from './apiContext';
import type { GitHubSandbox } from './index';
import { adminPathParts, isLoopback, sendJson } from '../http';

/** The admin routes: [status, body], or undefined when there is none. */
async function adminRoute(
  sandbox: GitHubSandbox,
  ctx: GitHubApiContext,
  m: string,
  parts: string[],
  body: any,
): Promise<[number, unknown] | undefined> {
  if (parts[0] === 'repos' && parts.length >= 3) {
    const [, owner, name, sub, ...rest] = parts;
    if (!sub && m === 'GET') return [200, sandbox.getRepo(owner, name) ?? null];
    if (!sub && m === 'DELETE')
      return [200, { removed: sandbox.removeRepo(owner, name) }];
    if (!sub && m === 'PATCH')
      return [200, sandbox.updateRepo(owner, name, body)];
    if (sub === 'contents' && m === 'PUT')
      return [
        200,
        sandbox.putFile(
          owner,
          name,
          rest.join('/'),
          String(body.content ?? ''),
          body.message,
        ),
      ];
    if (sub === 'contents' && m === 'DELETE')
      return [200, sandbox.deleteFile(owner, name, rest.join('/'))];
    if (sub === 'runs' && m === 'POST')
      return [
        200,
        sandbox.setWorkflowRunConclusion(
          owner,
          name,
          String(body.workflow),
          body.conclusion ?? null,
          body,
        ),
      ];
    if (sub === 'webhooks' && m === 'POST') {
      const payload =
        body.event === 'workflow_run'
          ? sandbox.buildWorkflowRunPayload(
              owner,
              name,
              String(body.workflow),
              body.action,
            )
          : sandbox.buildPushPayload(owner, name);
      return [
        200,
        await sandbox.deliverWebhook(
          String(body.url),
          body.event ?? 'push',
          payload,
        ),
      ];
    }
    return undefined;
  }
  if (parts[0] === 'jobs') {
    if (m === 'GET' && parts.length === 1) return [200, sandbox.listJobs()];
    if (m === 'POST' && parts.length === 1)
      return [201, await sandbox.enqueueJob(body)];
    if (m === 'POST' && parts[1] === 'tick' && parts.length === 2)
      return [200, await sandbox.tickJobs()];
    if (m === 'GET' && parts[1] === 'runner-failures' && parts.length === 2)
      return [200, sandbox.runnerStartFailures];
    if (m === 'GET' && parts.length === 2) {
      const job = sandbox.getJob(Number(parts[1]));
      return job ? [200, job] : [404, { error: `no job ${parts[1]}` }];
    }
    return undefined;
  }
  switch (`${m} ${parts.slice(0, 2).join('/')}`) {
    case 'GET webhook-urls':
      return [200, { urls: sandbox.webhookUrls }];
    case 'PUT webhook-urls':
      sandbox.setWebhookUrls(body.urls);
      return [200, { urls: sandbox.webhookUrls }];
    case 'GET webhook-deliveries':
      return [200, sandbox.webhookDeliveries];
    case 'GET requests':
      return [200, ctx.counts];
    case 'DELETE requests':
    case 'POST requests/reset':
      ctx.counts = emptyCounts();
      return [200, ctx.counts];
    case 'GET repos':
      return [200, sandbox.listRepos()];
    case 'POST repos':
      return [201, sandbox.addRepo(body)];
    case 'GET rate-limit':
      return [
        200,
        {
          core: sandbox.rateLimit.get('core'),
          graphql: sandbox.rateLimit.get('graphql'),
          options: ctx.limiter.options,
          secondary: ctx.limiter.secondary ?? null,
        },
      ];
    case 'PUT rate-limit':
      sandbox.rateLimit.configure(body);
      return [
        200,
        {
          options: ctx.limiter.options,
          secondary: ctx.limiter.secondary ?? null,
        },
      ];
    case 'POST rate-limit/exhaust':
      sandbox.rateLimit.exhaust(body.resource, body.token);
      return [200, {}];
    case 'POST rate-limit/reset':
      sandbox.rateLimit.reset();
      return [200, {}];
    case 'POST rate-limit/secondary':
      sandbox.rateLimit.triggerSecondary(
        Number(body.retryAfterSeconds ?? 1),
        body.forMs,
      );
      return [200, {}];
    case 'GET app':
      return [200, { ...sandbox.app, webhookSecret: ctx.webhookSecret }];
    default:
      return undefined;
  }
}

/** The sandbox's admin API under /_sandbox/github/ (loopback only): the in-process methods over HTTP. */
export async function handleAdmin(
  sandbox: GitHubSandbox,
  ctx: GitHubApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  const reply = (status: number, body: unknown) => sendJson(res, status, body);
  if (!isLoopback(req.socket.remoteAddress)) {
    reply(403, { error: 'the sandbox admin API is loopback only' });
    return;
  }
  const parts = adminPathParts(url, 2);
  const m = req.method ?? 'GET';
  const text = m === 'GET' || m === 'DELETE' ? '' : await readBody(req);
  const result = await adminRoute(
    sandbox,
    ctx,
    m,
    parts,
    text.trim() ? JSON.parse(text) : {},
  );
  if (result) reply(result[0], result[1]);
  else reply(404, { error: `no admin endpoint ${m} ${url.pathname}` });
}
