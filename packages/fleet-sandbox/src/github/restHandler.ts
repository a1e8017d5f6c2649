import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  count,
  GitHubApiContext,
  primaryMessage,
  rateHeaders,
  rateLimitBody,
  readBody,
  secondaryReject,
  send,
} from './apiContext';
import type { GitHubRateResource } from './rateLimit';
import { notFound, REST_POST_ROUTES, REST_ROUTES, RestRoute } from './rest';

/** The REST routes (rest.ts): authentication, limits, conditional requests and counting around them. */
export async function handleRest(
  ctx: GitHubApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) {
  const method = req.method ?? 'GET';
  let table: typeof REST_ROUTES = [];
  if (method === 'POST') table = REST_POST_ROUTES;
  else if (method === 'GET' || method === 'HEAD') table = REST_ROUTES;
  let route: RestRoute | undefined;
  let params: string[] = [];
  const pathname = url.pathname.replace(/\/+$/, '') || '/';
  for (const [re, r] of table) {
    const m = re.exec(pathname);
    if (m) {
      route = r;
      params = m
        .slice(1)
        .map(x => (x === undefined ? x : decodeURIComponent(x))) as string[];
      break;
    }
  }
  count(ctx, route?.kind ?? 'rest:other');
  const auth = ctx.tokens.authenticate(
    req.headers.authorization,
    Boolean(route?.app),
  );
  if (!auth.ok) {
    count(ctx, 'unauthorized');
    send(req, res, 401, {
      message: auth.message,
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });
    return;
  }
  const p = auth.principal;
  const resource: GitHubRateResource = 'core';
  if (!route?.free) {
    const retryAfter = ctx.limiter.checkSecondary(p.rateKey);
    if (retryAfter !== undefined) {
      secondaryReject(ctx, req, res, p, resource, retryAfter);
      return;
    }
  }
  if (route && !route.app && p.kind === 'app') {
    // an App JWT only works on /app endpoints
    count(ctx, 'unauthorized');
    send(req, res, 401, {
      message: 'A JSON web token could not be decoded',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });
    return;
  }
  let bodyJson: any = undefined;
  if (method === 'POST') {
    const text = await readBody(req);
    try {
      bodyJson = text.trim() ? JSON.parse(text) : {};
    } catch {
      send(
        req,
        res,
        400,
        {
          message: 'Problems parsing JSON',
          documentation_url: 'https://docs.github.com/rest',
          status: '400',
        },
        rateHeaders(ctx, p, resource),
      );
      return;
    }
  }
  const result = route
    ? route.handle({
        api: ctx.api,
        org: ctx.org,
        store: ctx.store,
        app: ctx.identity,
        tokens: ctx.tokens,
        principal: p,
        url,
        params,
        body: bodyJson,
        rateLimitBody: () => rateLimitBody(ctx, p),
      })
    : notFound();
  if (result.status === 404) count(ctx, 'rest:404');
  const text = JSON.stringify(result.body);
  const etag = `"${crypto.createHash('sha256').update(text).digest('hex')}"`;
  const extra: Record<string, string> = { ...(result.headers ?? {}) };
  if ((method === 'GET' || method === 'HEAD') && result.status === 200) {
    extra.etag = etag;
    extra['cache-control'] = 'private, max-age=60, s-maxage=60';
    const inm = req.headers['if-none-match'];
    if (inm) {
      const tags = inm.split(',').map(t => t.trim().replace(/^W\//, ''));
      if (tags.includes(etag) || tags.includes('*')) {
        // GitHub: a 304 does not count against the rate limit
        count(ctx, 'rest:304');
        send(req, res, 304, undefined, {
          ...rateHeaders(ctx, p, resource),
          etag,
          'cache-control': extra['cache-control'],
        });
        return;
      }
    }
  }
  if (!route?.free) {
    if (!ctx.limiter.canSpend(p.rateKey, resource)) {
      count(ctx, 'rate-limited');
      const status = ctx.limiter.options.status;
      send(
        req,
        res,
        status,
        {
          message: primaryMessage(p, req),
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
          status: String(status),
        },
        rateHeaders(ctx, p, resource),
      );
      return;
    }
    ctx.limiter.spend(p.rateKey, resource);
  }
  send(req, res, result.status, result.body, {
    ...rateHeaders(ctx, p, resource),
    ...extra,
  });
}
