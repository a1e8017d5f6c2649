import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  count,
  GitHubApiContext,
  primaryMessage,
  rateHeaders,
  readBody,
  secondaryReject,
  send,
} from './apiContext';
import { runGitHubGraphql } from './graphqlApi';

/** POST /graphql: authentication, secondary limit, then the query against the store. */
export async function handleGraphql(
  ctx: GitHubApiContext,
  req: IncomingMessage,
  res: ServerResponse,
) {
  count(ctx, 'graphql');
  const auth = ctx.tokens.authenticate(req.headers.authorization, false);
  if (!auth.ok) {
    count(ctx, 'unauthorized');
    send(req, res, 401, {
      message:
        auth.message === 'Requires authentication'
          ? 'This endpoint requires you to be authenticated.'
          : auth.message,
      documentation_url:
        'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql',
      status: '401',
    });
    return;
  }
  const p = auth.principal;
  const retryAfter = ctx.limiter.checkSecondary(p.rateKey);
  if (retryAfter !== undefined) {
    secondaryReject(ctx, req, res, p, 'graphql', retryAfter);
    return;
  }
  let parsed: any;
  try {
    parsed = JSON.parse(await readBody(req));
  } catch {
    send(req, res, 400, {
      message: 'Problems parsing JSON',
      documentation_url: 'https://docs.github.com/graphql',
      status: '400',
    });
    return;
  }
  const outcome = runGitHubGraphql(parsed ?? {}, {
    store: ctx.store,
    org: ctx.org,
    api: ctx.api,
    blobTextLimit: ctx.blobTextLimit,
    maxNodes: ctx.maxNodes,
    charge: (cost, dryRun) => {
      if (dryRun) return true;
      // GitHub refuses a query once the budget cannot pay for it
      if (!ctx.limiter.canSpend(p.rateKey, 'graphql', cost)) return false;
      ctx.limiter.spend(p.rateKey, 'graphql', cost);
      return true;
    },
    rateState: () => ctx.limiter.state(p.rateKey, 'graphql'),
    rateLimitedMessage: primaryMessage(p, req)
      .replace('API rate limit exceeded', 'API rate limit already exceeded')
      .replace(/ If you reach.*$/, ''),
  });
  if (outcome.rateLimited) count(ctx, 'rate-limited');
  count(ctx, 'graphql-cost', outcome.cost);
  if (outcome.body.errors?.length) count(ctx, 'graphql-errors');
  send(req, res, 200, outcome.body, rateHeaders(ctx, p, 'graphql'));
}
