import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
// The real scheduler: its database lock is what keeps two replicas from scanning at once.
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  createFleetSeed,
  GitHubSandbox,
  loadGitHubWebhooksMethods,
  startGitHubSandbox,
  eventually,
} from '@internal/fleet-sandbox';
import {
  AdoptionScanStatus,
  readScorecardConfig,
  readTranches,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AdoptionStore } from '../database/AdoptionStore';
import { AdoptionRescanStore } from '../database/AdoptionRescanStore';
import { migrateDatabase } from '../database/migrateDatabase';
import { AdoptionHub } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { AccessGate } from '../service/access';
import { createAdoptionRouter } from './adoptionRouter';
import { AdoptionService } from './AdoptionService';
import { createGitHubClient, GitHubClient } from './GitHubClient';

jest.setTimeout(90_000);
// Only databases this machine provides without Docker (see CacheProbeStore.test.ts).
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const ORG = 'tinyland-inc';
const WEBHOOK = '/api/gloriousflywheel/adoption/webhook';
type Knex = Awaited<ReturnType<typeof databases.init>>;

let gh: GitHubSandbox;
beforeAll(async () => {
  gh = await startGitHubSandbox({
    host: '127.0.0.1',
    port: 0,
    seed: createFleetSeed({ longTailRepos: 5 }),
  });
});
afterAll(() => gh?.close());
beforeEach(() => gh.resetRequestCounts());
const backends: TestBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map(b => b.stop()));
});

/** Holds every GraphQL request of a scan while closed, so a test can act while the scan runs. */
class GitHubGate {
  waiting = 0;
  private opened: Promise<void> = Promise.resolve();
  private release = () => {};
  close() {
    this.opened = new Promise(resolve => {
      this.release = resolve;
    });
  }
  open() {
    this.release();
  }
  async pass() {
    this.waiting++;
    await this.opened;
    this.waiting--;
  }
}

/** One backend replica with the adoption routes and the real scheduler on `knex`. */
async function startReplica(
  knex: Knex,
  options: {
    decision?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    gate?: GitHubGate;
  } = {},
) {
  await migrateDatabase({ getClient: async () => knex });
  const logger = mockServices.logger.mock();
  const client = createGitHubClient({
    apiBaseUrl: gh.url,
    token: async () => gh.token,
    logger,
  });
  const gated: GitHubClient = {
    ...client,
    graphql: async <T>(query: string, variables?: Record<string, unknown>) => {
      await options.gate?.pass();
      return client.graphql<T>(query, variables);
    },
  };
  const adoption = new AdoptionService({
    config: {
      orgs: [ORG],
      host: '127.0.0.1',
      includeForks: false,
      includeArchived: false,
      emitComponents: false,
      migrationPullRequests: {
        labels: ['gloriousflywheel-migration'],
        headBranches: [],
        limit: 10,
      },
      webhookSecret: gh.webhookSecret,
      scorecard: readScorecardConfig({}),
      tranches: readTranches([{ name: 'first', repos: [`${ORG}/lab`] }]),
      // only requests start the scan task here, so every run in a test is one the test caused
      schedule: { frequency: { trigger: 'manual' }, timeout: { minutes: 5 } },
    },
    clientFor: () => gated,
    store: new AdoptionStore(knex),
    rescans: new AdoptionRescanStore(knex),
    hub: new AdoptionHub(),
    logger,
  });
  const permissions = mockServices.permissions.mock({
    authorize: async reqs =>
      reqs.map(() => ({ result: options.decision ?? AuthorizeResult.ALLOW })),
  });
  const plugin = createBackendPlugin({
    pluginId: 'gloriousflywheel',
    register(env) {
      env.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          auditor: coreServices.auditor,
          scheduler: coreServices.scheduler,
        },
        async init({ httpRouter, httpAuth, auditor, scheduler }) {
          await adoption.load();
          await adoption.schedule(scheduler);
          httpRouter.addAuthPolicy({
            path: '/adoption/webhook',
            allow: 'unauthenticated',
          });
          httpRouter.use(
            createAdoptionRouter({
              adoption,
              access: new AccessGate({
                config: {
                  permissionFrameworkEnabled: true,
                  servicePrincipals: new Map(),
                },
                permissions,
                httpAuth,
                auditor,
              }),
              webhookSecret: gh.webhookSecret,
              // GitHub's own verify; see webhookSignature.ts for why it is injected in tests.
              verifyWebhook: async (secret, payload, signature) =>
                (await loadGitHubWebhooksMethods()).verify(
                  secret,
                  payload,
                  signature,
                ),
            }),
          );
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      plugin,
      schedulerServiceFactory,
      mockServices.database.factory({ knex }),
    ],
  });
  backends.push(backend);
  return {
    backend,
    server: backend.server,
    adoption,
    permissions,
    rescans: new AdoptionRescanStore(knex),
  };
}

const user = mockCredentials.user.header('user:default/ada-admin');
type Server = TestBackend['server'];
const api = (server: Server, path: string) =>
  request(server)
    .get(`/api/gloriousflywheel${path}`)
    .set('authorization', user);
const scanStatus = async (server: Server): Promise<AdoptionScanStatus> =>
  (await api(server, '/adoption/scan')).body;
const requestScan = (server: Server) =>
  request(server)
    .post('/api/gloriousflywheel/adoption/scan')
    .set('authorization', user);
const scanRuns = async (knex: Knex) =>
  (await knex('gloriousflywheel_adoption_scans').select(
    'trigger',
    'state',
  )) as { trigger: string; state: string }[];

/** Sends a delivery as GitHub does, with the given id (GitHub's redeliver keeps the id). */
async function deliver(
  server: Server,
  event: string,
  body: string,
  id: string = randomUUID(),
  contentType = 'application/json',
) {
  const signature = await (
    await loadGitHubWebhooksMethods()
  ).sign(gh.webhookSecret, body);
  return request(server)
    .post(WEBHOOK)
    .set('content-type', contentType)
    .set('x-github-event', event)
    .set('x-github-delivery', id)
    .set('x-hub-signature-256', signature)
    .send(body);
}

/** A POST whose body never ends: only an answer given before reading the body comes back. */
function postEndlessBody(
  server: Server,
  headers: Record<string, string>,
): Promise<http.IncomingMessage> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: WEBHOOK,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          ...headers,
        },
      },
      res => {
        resolve(res);
        res.resume();
        req.destroy();
      },
    );
    req.on('error', reject);
    req.write('{"repository": {"name": "');
  });
}

describe('adoption router', () => {
  it('guards POST /adoption/scan with gloriousflywheel.adoption.scan', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server, permissions, rescans } = await startReplica(knex, {
      decision: AuthorizeResult.DENY,
    });
    const res = await requestScan(server);
    expect(res.status).toBe(403);
    expect(permissions.authorize).toHaveBeenCalledWith(
      [
        {
          permission: expect.objectContaining({
            name: 'gloriousflywheel.adoption.scan',
          }),
        },
      ],
      expect.anything(),
    );
    expect(await rescans.hasPending()).toBe(false);
    expect(await scanRuns(knex)).toEqual([]);
  });

  it('queues a scan for the scan task (202), refuses one while a scan runs (409), then serves results', async () => {
    const knex = await databases.init('SQLITE_3');
    const gate = new GitHubGate();
    gate.close();
    const { server } = await startReplica(knex, { gate });
    const first = await requestScan(server);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ requestedAt: expect.any(String) });
    // a second request before the scan starts joins the first (or, if it has started, gets 409)
    expect([202, 409]).toContain((await requestScan(server)).status);

    await eventually(() => expect(gate.waiting).toBeGreaterThan(0), {
      timeoutMs: 20_000,
    });
    expect(await scanStatus(server)).toMatchObject({
      state: 'running',
      trigger: 'manual',
      requestedAt: null,
    });
    const during = await requestScan(server);
    expect(during.status).toBe(409);
    expect(during.body.error).toMatchObject({ name: 'ConflictError' });
    gate.open();
    await eventually(
      async () =>
        expect(await scanStatus(server)).toMatchObject({
          state: 'idle',
          finishedAt: expect.any(String),
        }),
      { timeoutMs: 30_000 },
    );
    expect(await scanRuns(knex)).toEqual([
      { trigger: 'manual', state: 'idle' },
    ]);

    const lab = await api(server, '/adoption/repos/tinyland-inc/lab');
    expect(lab.status).toBe(200);
    expect(lab.body.item).toMatchObject({
      owner: ORG,
      name: 'lab',
      tranche: 'first',
    });
    expect(
      (await api(server, '/adoption/repos/tinyland-inc/nope')).status,
    ).toBe(404);

    const failing = await api(
      server,
      '/adoption/repos?check=stale-cache-endpoints:fail&limit=1',
    );
    // GloriousFlywheel (.gitlab-ci.yml), XoxdWM (.bazelrc): by name, case-insensitive (lab moved off
    // the stale endpoint in lab#72)
    expect(failing.body).toMatchObject({
      total: 2,
      limit: 1,
      items: [expect.objectContaining({ name: 'GloriousFlywheel' })],
    });
    expect(failing.body.scan).toMatchObject({
      state: 'idle',
      webhook: { deliveries: 0, refused: 0, pendingRepos: 0 },
    });
    const page2 = await api(
      server,
      '/adoption/repos?check=stale-cache-endpoints:fail&limit=1&offset=1',
    );
    expect(page2.body.items.map((r: { name: string }) => r.name)).toEqual([
      'XoxdWM',
    ]);
    const hosted = await api(
      server,
      '/adoption/repos?hosted=true&sort=-hosted',
    );
    expect(hosted.body.items[0].hostedJobs).toBeGreaterThanOrEqual(
      hosted.body.items.at(-1).hostedJobs,
    );
    // failing: a failing check or none, the two together every repository
    const all = await api(server, '/adoption/repos?limit=1');
    const withFail = await api(server, '/adoption/repos?failing=true');
    const withoutFail = await api(server, '/adoption/repos?failing=false');
    expect(withFail.body.total).toBeGreaterThanOrEqual(2);
    expect(withoutFail.body.total).toBeGreaterThan(0);
    expect(withFail.body.total + withoutFail.body.total).toBe(all.body.total);
    for (const r of withFail.body.items)
      expect(r.scorecard.counts.fail).toBeGreaterThan(0);
    for (const r of withoutFail.body.items)
      expect(r.scorecard.counts.fail).toBe(0);
    expect((await api(server, '/adoption/repos?failing=yes')).status).toBe(400);
    expect((await api(server, '/adoption/repos?stage=done')).status).toBe(400);
    const tranches = await api(server, '/adoption/tranches');
    expect(tranches.body.items[0]).toMatchObject({ name: 'first', repos: 1 });
  });

  it('rescans a pushed repository once however often its delivery is replayed, also after a restart', async () => {
    const knex = await databases.init('SQLITE_3');
    const first = await startReplica(knex);
    await first.adoption.scan('manual');
    const { after } = gh.putFile(
      ORG,
      'blahaj',
      'README.md',
      '# blahaj\n\nmoved\n',
    );
    gh.resetRequestCounts();
    const body = JSON.stringify(gh.buildPushPayload(ORG, 'blahaj'));
    const id = randomUUID();
    const delivered = await deliver(first.server, 'push', body, id);
    expect(delivered.status).toBe(202);
    expect(delivered.body).toEqual({ accepted: true, repo: `${ORG}/blahaj` });
    await eventually(
      () => expect(first.adoption.get(ORG, 'blahaj')!.headOid).toBe(after),
      { timeoutMs: 20_000 },
    );
    expect(gh.requestCounts.graphql).toBe(1); // that repository's content, nothing else

    // GitHub's redeliver (same id), and the signed body replayed under a fresh id
    for (const replayId of [id, randomUUID()]) {
      const replay = await deliver(first.server, 'push', body, replayId);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ accepted: false, reason: 'duplicate' });
    }
    expect(await first.rescans.hasPending()).toBe(false);

    // a restarted backend on the same database still knows the delivery
    await first.backend.stop();
    const second = await startReplica(knex);
    expect((await deliver(second.server, 'push', body, id)).body).toEqual({
      accepted: false,
      reason: 'duplicate',
    });

    // A new push goes through the same task after the replays: had a replay queued anything, it
    // would have been served by now, and counted.
    const next = gh.putFile(
      ORG,
      'blahaj',
      'README.md',
      '# blahaj\n\nmoved again\n',
    );
    expect(
      (
        await deliver(
          second.server,
          'push',
          JSON.stringify(gh.buildPushPayload(ORG, 'blahaj')),
        )
      ).status,
    ).toBe(202);
    await eventually(
      () =>
        expect(second.adoption.get(ORG, 'blahaj')!.headOid).toBe(next.after),
      { timeoutMs: 20_000 },
    );
    expect(gh.requestCounts.graphql).toBe(2);
    expect((await scanStatus(second.server)).webhook).toEqual({
      deliveries: 2,
      duplicates: 3,
      pendingRepos: 0,
      refused: 0,
      lastError: null,
    });
    expect(await scanRuns(knex)).toHaveLength(1); // the initial scan; rescans are not full scans
  });

  it('answers deliveries that change nothing without queueing anything', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server, rescans } = await startReplica(knex);
    expect(
      (
        await deliver(
          server,
          'ping',
          JSON.stringify({ zen: 'Design for failure.', hook_id: 1 }),
        )
      ).body,
    ).toEqual({ accepted: false, reason: 'ping' });
    const issues = await deliver(
      server,
      'issues',
      JSON.stringify({
        action: 'opened',
        repository: { name: 'lab', owner: { login: ORG } },
      }),
    );
    expect(issues.status).toBe(202);
    expect(issues.body).toEqual({
      accepted: false,
      reason: 'event issues is not used',
    });
    const branch = {
      ...gh.buildPushPayload(ORG, 'lab'),
      ref: 'refs/heads/feature',
    };
    expect(
      (await deliver(server, 'push', JSON.stringify(branch))).body,
    ).toEqual({
      accepted: false,
      reason: 'branch feature is not the default branch',
    });
    const elsewhere = gh.buildPushPayload(ORG, 'lab') as {
      repository: { owner: Record<string, unknown> };
    };
    elsewhere.repository.owner = {
      ...elsewhere.repository.owner,
      login: 'someone-else',
      name: 'someone-else',
    };
    expect(
      (await deliver(server, 'push', JSON.stringify(elsewhere))).body,
    ).toEqual({
      accepted: false,
      reason: 'someone-else is not a scanned organisation',
    });
    expect(await rescans.hasPending()).toBe(false);
    expect(gh.requestCounts.graphql).toBe(0);
  });

  it('refuses bad deliveries with a clear status and counts them in the scan status', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server, rescans } = await startReplica(knex);
    const payload = JSON.stringify(gh.buildPushPayload(ORG, 'lab'));

    // signed, but form-encoded (a webhook configured with the other content type)
    const form = await deliver(
      server,
      'push',
      `payload=${encodeURIComponent(payload)}`,
      randomUUID(),
      'application/x-www-form-urlencoded',
    );
    expect(form.status).toBe(400);
    expect(form.body.error.message).toMatch(
      /not JSON .*application\/x-www-form-urlencoded.*set the webhook's content type to application\/json/,
    );
    const shapeless = await deliver(
      server,
      'push',
      JSON.stringify({ ref: 'refs/heads/main' }),
    );
    expect(shapeless.status).toBe(400);
    expect(shapeless.body.error.message).toBe(
      'push webhook payload without a repository',
    );

    const forged = await request(server)
      .post(WEBHOOK)
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .set('x-github-delivery', randomUUID())
      .set('x-hub-signature-256', `sha256=${'0'.repeat(64)}`)
      .send(payload);
    expect(forged.status).toBe(401);
    const unsigned = await request(server)
      .post(WEBHOOK)
      .set('x-github-event', 'push')
      .set('x-github-delivery', randomUUID())
      .send({});
    expect(unsigned.status).toBe(401);
    const noDelivery = await request(server)
      .post(WEBHOOK)
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .set(
        'x-hub-signature-256',
        await (
          await loadGitHubWebhooksMethods()
        ).sign(gh.webhookSecret, payload),
      )
      .send(payload);
    expect(noDelivery.status).toBe(400);
    expect(noDelivery.body.error.message).toMatch(/X-GitHub-Delivery/);
    const noEvent = await request(server)
      .post(WEBHOOK)
      .set('content-type', 'application/json')
      .set('x-github-delivery', randomUUID())
      .set(
        'x-hub-signature-256',
        await (
          await loadGitHubWebhooksMethods()
        ).sign(gh.webhookSecret, payload),
      )
      .send(payload);
    expect(noEvent.status).toBe(400);
    expect(noEvent.body.error.message).toMatch(/X-GitHub-Event/);
    // the body read stays bounded (5 MB)
    const tooLarge = await request(server)
      .post(WEBHOOK)
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .set('x-github-delivery', randomUUID())
      .set('x-hub-signature-256', `sha256=${'0'.repeat(64)}`)
      .send(`"${'x'.repeat(5 * 1024 * 1024)}"`);
    expect(tooLarge.status).toBe(413);

    // Refused before the body is read: a body that never ends still gets its answer.
    const endlessUnsigned = await postEndlessBody(server, {
      'x-github-delivery': randomUUID(),
    });
    expect(endlessUnsigned.statusCode).toBe(401);
    expect(endlessUnsigned.headers.connection).toBe('close');
    const endlessNoDelivery = await postEndlessBody(server, {
      'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
    });
    expect(endlessNoDelivery.statusCode).toBe(400);

    expect(await rescans.hasPending()).toBe(false);
    expect(await rescans.countDeliveries()).toBe(0);
    const { webhook } = await scanStatus(server);
    // Every refusal is counted, but requests that do not look like a delivery (no signature, id or
    // event) never become the last error: anyone can send them, and they must not hide a real one.
    expect(webhook).toMatchObject({
      deliveries: 0,
      refused: 9,
      lastError: { at: expect.any(String) },
    });
    expect(webhook!.lastError!.message).not.toMatch(/without (a valid|an) X-/);
  });
});

describe.each(databases.eachSupportedId())(
  'two replicas on one %p database',
  (id: TestDatabaseId) => {
    it('run one scan for a manual request to each, and one rescan for a delivery sent to both', async () => {
      const knex = await databases.init(id);
      const gate = new GitHubGate();
      gate.close();
      const a = await startReplica(knex, { gate });
      const b = await startReplica(knex, { gate });
      const answers = await Promise.all([
        requestScan(a.server),
        requestScan(b.server),
      ]);
      expect(answers.map(r => r.status)).toContain(202);
      for (const r of answers) expect([202, 409]).toContain(r.status);
      await eventually(() => expect(gate.waiting).toBeGreaterThan(0), {
        timeoutMs: 20_000,
      });
      gate.open();
      await eventually(
        async () =>
          expect(await scanRuns(knex)).toEqual([
            { trigger: 'manual', state: 'idle' },
          ]),
        { timeoutMs: 30_000 },
      );
      // nothing left that could start a second scan (the claim ends just after the scan is recorded)
      await eventually(async () =>
        expect(await a.rescans.hasPending()).toBe(false),
      );
      const statuses = [await scanStatus(a.server), await scanStatus(b.server)];
      // whichever replica scanned made every GitHub request
      const scanned = statuses.find(s => s.finishedAt)!;
      expect(scanned.requestsUsed.graphql).toBe(gh.requestCounts.graphql);

      const { after } = gh.putFile(
        ORG,
        'blahaj',
        'README.md',
        '# blahaj\n\nboth replicas\n',
      );
      gh.resetRequestCounts();
      const body = JSON.stringify(gh.buildPushPayload(ORG, 'blahaj'));
      const delivery = randomUUID();
      const both = await Promise.all([
        deliver(a.server, 'push', body, delivery),
        deliver(b.server, 'push', body, delivery),
      ]);
      expect(both.map(r => r.body.reason ?? 'accepted').sort()).toEqual([
        'accepted',
        'duplicate',
      ]);
      await eventually(
        async () => {
          expect(await a.rescans.hasPending()).toBe(false);
          await Promise.all([a.adoption.load(), b.adoption.load()]);
          expect(a.adoption.get(ORG, 'blahaj')!.headOid).toBe(after);
        },
        { timeoutMs: 20_000 },
      );
      expect(gh.requestCounts.graphql).toBe(1);
      expect(await scanRuns(knex)).toHaveLength(1);
    });
  },
);
