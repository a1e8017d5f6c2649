import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { Knex } from 'knex';
import request from 'supertest';
import { eventually, loadGitHubWebhooksMethods } from '@internal/fleet-sandbox';
import { createRouter } from './router';
import {
  Caller,
  NS,
  actorName,
  authHeader,
  recordingAuditor,
  samplePolicyFeatures,
  startAccessBackend,
} from './__testUtils__/accessBackend';

/*
 * Random paths, query strings, bodies and headers at every route of the plugin's router, as
 * users, service principals and anonymous callers: no answer is a 5xx, and every attempt that
 * reached authorization left its trace (a completed audit row for pause/resume, an auditor event
 * naming the caller for audit reads and scans). fast-check shrinks a failing batch to a minimal one.
 */

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const WEBHOOK_SECRET = 'fuzz-test-webhook-secret-0123';
/** requests per database: BATCHES batches of BATCH, each batch sent concurrently */
const BATCH = 8;
const BATCHES = 130;

/** answers given before authorization: not signed in, bad path, query, header or body, body too large */
const BEFORE_AUTHORIZATION = [400, 401, 413];

type Route = {
  method: 'get' | 'post';
  /** the router's path */
  path: string;
  /** query keys the route knows (random ones are added too) */
  query?: string[];
  body?: boolean;
  kind?: 'control' | 'audited' | 'webhook';
};

const ROUTES: Route[] = [
  { method: 'get', path: '/health' },
  { method: 'get', path: '/fleet/clusters' },
  {
    method: 'get',
    path: '/fleet/scale-sets',
    query: ['cluster', 'namespace', 'class', 'paused', 'q', 'limit', 'offset'],
  },
  { method: 'get', path: '/fleet/scale-sets/:cluster/:namespace/:name' },
  { method: 'get', path: '/fleet/classes' },
  { method: 'get', path: '/fleet/classes/:name' },
  { method: 'get', path: '/caches' },
  { method: 'get', path: '/caches/:name' },
  { method: 'get', path: '/caches/:name/history', query: ['since', 'limit'] },
  {
    method: 'get',
    path: '/adoption/repos',
    query: [
      'q',
      'tranche',
      'stage',
      'runnerClass',
      'hosted',
      'check',
      'sort',
      'limit',
      'offset',
    ],
  },
  { method: 'get', path: '/adoption/repos/:owner/:repo' },
  { method: 'get', path: '/adoption/tranches' },
  { method: 'get', path: '/adoption/scan' },
  { method: 'post', path: '/adoption/scan', body: true, kind: 'audited' },
  { method: 'post', path: '/adoption/webhook', body: true, kind: 'webhook' },
  {
    method: 'post',
    path: '/scale-sets/:cluster/:namespace/:name/pause',
    body: true,
    kind: 'control',
  },
  {
    method: 'post',
    path: '/scale-sets/:cluster/:namespace/:name/resume',
    body: true,
    kind: 'control',
  },
  {
    method: 'get',
    path: '/audit',
    query: [
      'actor',
      'target',
      'action',
      'outcome',
      'from',
      'to',
      'limit',
      'offset',
      'format',
    ],
    kind: 'audited',
  },
  {
    method: 'get',
    path: '/audit/verify',
    query: ['anchorSeq', 'anchorHash'],
    kind: 'audited',
  },
];

/** Every route the plugin's router serves, read from the router itself. */
async function servedRoutes(): Promise<string[]> {
  const stub = {} as any;
  const router = await createRouter({
    version: 'fuzz',
    sources: stub,
    fleet: stub,
    caches: stub,
    access: stub,
    control: { control: stub, audit: stub, httpAuth: stub },
    adoption: { adoption: stub, webhookSecret: WEBHOOK_SECRET },
  });
  const routes: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          routes.push(`${method} ${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((router as any).stack);
  return routes.sort();
}

const CALLERS: Caller[] = [
  'anonymous',
  'viewer',
  'operator',
  'admin',
  { service: 'ci-bot' },
  { service: 'rogue-bot' },
];

// Path segments: real names, names at and past their limits, and anything at all.
const KNOWN = [
  'honey',
  'lab',
  'nowhere',
  NS,
  'kube-system',
  'tinyland-nix',
  'tinyland-docker',
  'tinyland-dind',
  'tinyland-nix-heavy',
  'jess-tinyland-nix',
  'unclassified',
  'attic',
  'tinyland-inc',
  'XoxdWM',
  'blahaj',
];
const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('a', 'z9', 'x-', 'A', '.'),
        fc.constantFrom(1, 62, 63, 64, 252, 253, 254, 300),
      )
      .map(([s, n]) => s.repeat(n).slice(0, n)),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '.',
      '..',
      '%',
      '%00',
      '%ZZ',
      '%E0%A4%A',
      'a/b',
      ' ',
      'HONEY',
      '\u0000',
      '\uD800',
      'é',
    ),
  },
);
/** a segment as it goes into the URL: percent-encoded, or raw when it is plain ASCII (a broken %-escape stays broken) */
const encodedSegment = fc
  .tuple(segment, fc.boolean())
  .map(([s, raw]) =>
    raw && /^[\x21-\x7e]+$/.test(s) && !/[?#]/.test(s)
      ? s
      : encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD')),
  );

const queryValue = fc.oneof(
  fc.constantFrom(
    'honey',
    NS,
    'tinyland-nix',
    'pause',
    'resume',
    'denied',
    'succeeded',
    'json',
    'csv',
    'name',
    '-fail',
    'true',
    'stale-cache-endpoints:fail',
    `honey/${NS}/tinyland-nix`,
    'user:default/ada-admin',
    'ci-bot',
    '0',
    '1',
    '-1',
    '500',
    '501',
    '10000',
    '10001',
    '1e309',
    '9'.repeat(30),
    '2.5',
    'NaN',
    '2026-01-01T00:00:00Z',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999+14:00',
    '2026-02-30T00:00:00Z',
    'a'.repeat(64),
    'a'.repeat(300),
    '0'.repeat(64),
    '%00',
    '\u0000',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.nat().map(String),
  fc.double().map(String),
);
const queryString = (known: string[] = []) =>
  fc
    .tuple(
      fc.array(
        fc.tuple(
          fc.oneof(
            {
              weight: 4,
              arbitrary: known.length
                ? fc.constantFrom(...known)
                : fc.constant('x'),
            },
            fc.string({ maxLength: 8 }),
          ),
          fc.constantFrom('', '[]', '[a]'),
          queryValue,
        ),
        { maxLength: 5 },
      ),
      fc.constantFrom('', '&', '&%', '&a=%E0%A4%A'),
    )
    .map(([pairs, tail]) => {
      const q = pairs
        .map(
          ([k, suffix, v]) =>
            `${encodeURIComponent(k)}${suffix}=${encodeURIComponent(
              v.replace(/[\uD800-\uDFFF]/g, '\uFFFD'),
            )}`,
        )
        .join('&');
      return q || tail ? `?${q}${tail}` : '';
    });

const reason = fc.oneof(
  fc.constantFrom(
    'fuzz',
    ' ',
    '',
    'x'.repeat(500),
    'x'.repeat(501),
    'line\nbreak',
    'nul\u0000',
    'bell\u0007',
  ),
  fc.string({ unit: 'binary', maxLength: 600 }),
);
const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ json: { reason: 'fuzz' } }) },
  { weight: 4, arbitrary: reason.map(r => ({ json: { reason: r } })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ reason, extra: fc.jsonValue({ maxDepth: 1 }) })
      .map(json => ({ json })),
  },
  {
    weight: 2,
    arbitrary: fc.jsonValue({ maxDepth: 2 }).map(json => ({ json })),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 200 })
      .map(text => ({ text, type: 'application/json' })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(16 * 1024, 200 * 1024)
      .map(kib => ({ large: kib })),
  },
  { weight: 1, arbitrary: fc.constant({}) },
);
const webhookHeaders = fc.record({
  event: fc.constantFrom(
    'push',
    'workflow_run',
    'ping',
    'issues',
    '',
    'x'.repeat(100),
  ),
  signature: fc.constantFrom('valid', 'wrong', 'none'),
  delivery: fc.constantFrom('uuid', 'none', 'long'),
});

// real targets in and out of the configured scope, so that many attempts reach authorization
const target = fc.constantFrom(
  ['honey', NS, 'tinyland-nix'],
  ['honey', NS, 'tinyland-dind'],
  ['lab', NS, 'tinyland-docker'],
  ['honey', NS, 'jess-tinyland-nix'],
  ['lab', 'kube-system', 'tinyland-nix'],
  ['honey', 'kube-system', 'tinyland-nix'],
  ['nowhere', NS, 'tinyland-nix'],
);
// pause/resume and the other guarded routes more often: they are where authorization happens
const routeWeight = (r: Route) => {
  if (r.kind === 'control') return 6;
  return r.kind ? 2 : 1;
};
const anyRoute = fc.oneof(
  ...ROUTES.map(r => ({ weight: routeWeight(r), arbitrary: fc.constant(r) })),
);
const attempt = anyRoute.chain(route =>
  fc.record({
    caller: fc.constantFrom(...CALLERS),
    route: fc.constant(route),
    segments: fc.oneof(
      target,
      fc.array(encodedSegment, { minLength: 3, maxLength: 3 }),
    ),
    query: queryString(route.query),
    body,
    // one in ten control requests carries an x-request-id that is not printable ASCII
    badRequestId: fc.integer({ min: 0, max: 9 }).map(n => n === 0),
    webhook: webhookHeaders,
  }),
);
type Attempt = typeof attempt extends fc.Arbitrary<infer T> ? T : never;

/** The body as sent: JSON, raw text, a large JSON document, or none. */
function bodyText(b: Attempt['body']): string | undefined {
  if ('json' in b) return JSON.stringify(b.json);
  if ('text' in b) return b.text;
  if ('large' in b) return JSON.stringify({ reason: 'x'.repeat(b.large) });
  return undefined;
}

/** Whether the audit rows of one pause/resume match its answer. */
function auditRowsMatch(
  status: number,
  rows: Array<{ outcome: string; actor: string }>,
  actor: string,
): boolean {
  const outcome = (
    { 200: 'succeeded', 403: 'denied', 409: 'failed' } as Record<number, string>
  )[status];
  if (outcome)
    return (
      rows.length === 1 &&
      rows[0].outcome === outcome &&
      rows[0].actor === actor
    );
  // a scale set the cluster does not have: found missing after authorization, or out of scope before
  if (status === 404)
    return (
      rows.length === 0 || (rows.length === 1 && rows[0].outcome === 'failed')
    );
  return rows.length === 0;
}

describe.each(databases.eachSupportedId())(
  'every route under random input on %p',
  databaseId => {
    let knex: Knex;
    let server: Parameters<typeof request>[0];
    let stop: () => Promise<void>;
    const auditor = recordingAuditor();
    let sign: (secret: string, payload: string) => Promise<string>;

    beforeAll(async () => {
      sign = (await loadGitHubWebhooksMethods()).sign;
      knex = await databases.init(databaseId);
      ({ server, stop } = await startAccessBackend({
        knex,
        features: [...samplePolicyFeatures, auditor.factory],
        github: { webhookSecret: WEBHOOK_SECRET },
        config: {
          permissionEnabled: true,
          servicePrincipals: [
            {
              subject: 'ci-bot',
              allow: [
                'gloriousflywheel.scaleset.pause',
                'gloriousflywheel.scaleset.resume',
                'gloriousflywheel.audit.read',
              ],
              runnerClasses: ['tinyland-nix'],
            },
          ],
        },
        syncedAs: authHeader('admin'),
      }));
    });

    afterAll(async () => {
      await stop?.();
    });

    let sent = 0;
    const seen = {
      routes: new Map<string, number>(),
      statuses: new Map<number, number>(),
      audited: 0,
    };

    /** Sends one attempt; answers what the invariants need. */
    async function send(a: Attempt) {
      const n = sent++;
      const requestId = a.badRequestId
        ? `bad id ${databaseId} ${n}`
        : `fuzz-${databaseId}-${n}`;
      let i = 0;
      const path = a.route.path.replace(/:[a-z]+/g, () => a.segments[i++]);
      const url = `/api/gloriousflywheel${path}${a.query}`;
      let req = request(server)
        [a.route.method](url)
        .set('authorization', authHeader(a.caller))
        .set('x-request-id', requestId);
      const text = bodyText(a.body);
      if (a.route.kind === 'webhook') {
        req = req
          .set('content-type', 'application/json')
          .set('x-github-event', a.webhook.event);
        if (a.webhook.delivery !== 'none')
          req = req.set(
            'x-github-delivery',
            a.webhook.delivery === 'long'
              ? 'd'.repeat(300)
              : `${databaseId}-${n}`,
          );
        if (a.webhook.signature !== 'none') {
          // GitHub never delivers an empty body (and its sign() refuses one)
          const valid = a.webhook.signature === 'valid' && text;
          req = req.set(
            'x-hub-signature-256',
            valid
              ? await sign(WEBHOOK_SECRET, text)
              : `sha256=${'0'.repeat(64)}`,
          );
        }
        req = req.send(text ?? '');
      } else if (a.route.method === 'post' && text !== undefined) {
        req = req.set('content-type', 'application/json').send(text);
      }
      const res = await req;
      const key = `${a.route.method} ${a.route.path}`;
      seen.routes.set(key, (seen.routes.get(key) ?? 0) + 1);
      seen.statuses.set(res.status, (seen.statuses.get(res.status) ?? 0) + 1);
      return { a, res, requestId, url };
    }

    /** The invariants of one answered attempt. */
    async function check({
      a,
      res,
      requestId,
      url,
    }: Awaited<ReturnType<typeof send>>) {
      const what = `${a.route.method.toUpperCase()} ${url} as ${JSON.stringify(
        a.caller,
      )} -> ${res.status} ${res.text.slice(0, 300)}`;
      if (res.status >= 500) throw new Error(`server error: ${what}`);
      if (
        a.caller === 'anonymous' &&
        a.route.kind !== 'webhook' &&
        res.status !== 401
      )
        throw new Error(`anonymous not refused: ${what}`);
      if (a.route.kind === 'control') {
        // (404 also answers a path no route matches)
        if (
          a.badRequestId &&
          ![...BEFORE_AUTHORIZATION, 404].includes(res.status)
        )
          throw new Error(`bad x-request-id accepted: ${what}`);
        const rows = a.badRequestId
          ? []
          : await knex('gloriousflywheel_audit')
              .where({ request_id: requestId })
              .select('outcome', 'actor');
        if (rows.length) seen.audited++;
        const actor =
          a.caller === 'anonymous' ? 'anonymous' : actorName(a.caller);
        if (!auditRowsMatch(res.status, rows, actor))
          throw new Error(
            `audit rows ${JSON.stringify(rows)} do not match: ${what}`,
          );
      }
      if (a.route.kind === 'audited') {
        const reached = !BEFORE_AUTHORIZATION.includes(res.status);
        await eventually(
          () => {
            const events = auditor.events.filter(
              e => e.requestId === requestId,
            );
            const fine = reached
              ? events.length === 1 &&
                events[0].status !== 'initiated' &&
                events[0].meta.actor ===
                  actorName(a.caller as Exclude<Caller, 'anonymous'>) &&
                (res.status === 403) === (events[0].meta.outcome === 'denied')
              : events.length === 0;
            if (!fine)
              throw new Error(
                `auditor events ${JSON.stringify(
                  events,
                )} do not match: ${what}`,
              );
          },
          { timeoutMs: 2000 },
        );
      }
    }

    it('answers every request below 500 and audits every attempt that reached authorization', async () => {
      // the fuzz table covers exactly the routes the router serves
      expect(ROUTES.map(r => `${r.method} ${r.path}`).sort()).toEqual(
        await servedRoutes(),
      );

      await fc.assert(
        fc.asyncProperty(
          fc.array(attempt, { minLength: BATCH, maxLength: BATCH }),
          async batch => {
            const answered = await Promise.all(batch.map(send));
            for (const one of answered) await check(one);
          },
        ),
        {
          numRuns: BATCHES,
          seed: Number(process.env.GF_FUZZ_SEED ?? Date.now() % 2 ** 31),
          endOnFailure: false,
        },
      );

      expect(sent).toBeGreaterThanOrEqual(1000);
      // every route and every caller was exercised
      for (const r of ROUTES)
        expect([
          r.path,
          (seen.routes.get(`${r.method} ${r.path}`) ?? 0) > 10,
        ]).toEqual([r.path, true]);
      // the chain holds every record, none left initiated
      const verify = await request(server)
        .get('/api/gloriousflywheel/audit/verify')
        .set('authorization', authHeader('admin'));
      expect(verify.body).toMatchObject({ ok: true });
      expect(
        Number(
          (await knex('gloriousflywheel_audit')
            .where({ outcome: 'initiated' })
            .count({ n: '*' })
            .first())!.n,
        ),
      ).toBe(0);
      // eslint-disable-next-line no-console
      console.log(
        `[${databaseId}] ${sent} requests, ${
          seen.audited
        } audited control attempts; statuses ${JSON.stringify(
          Object.fromEntries([...seen.statuses].sort()),
        )}`,
      );
    });
  },
);
