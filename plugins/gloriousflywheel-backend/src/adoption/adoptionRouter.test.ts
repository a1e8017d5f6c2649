import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createFleetSeed, GitHubSandbox, loadGitHubWebhooksMethods, startGitHubSandbox, eventually } from '@internal/fleet-sandbox';
import { readScorecardConfig, readTranches } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AdoptionStore } from '../database/AdoptionStore';
import { migrateDatabase } from '../database/migrateDatabase';
import { AdoptionHub } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { createAdoptionRouter } from './adoptionRouter';
import { AdoptionService } from './AdoptionService';
import { createGitHubClient } from './GitHubClient';
import { AccessGate, readAccessConfig } from '../service/access';
import { ConfigReader } from '@backstage/config';

jest.setTimeout(60_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ORG = 'tinyland-inc';

let gh: GitHubSandbox;
beforeAll(async () => {
  gh = await startGitHubSandbox({ host: '127.0.0.1', port: 0, seed: createFleetSeed({ longTailRepos: 5 }) });
});
afterAll(() => gh?.close());

async function start(decision: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  const knex = await databases.init('SQLITE_3');
  await migrateDatabase({ getClient: async () => knex });
  const logger = mockServices.logger.mock();
  const adoption = new AdoptionService({
    config: {
      orgs: [ORG],
      host: '127.0.0.1',
      includeForks: false,
      includeArchived: false,
      emitComponents: false,
      scorecard: readScorecardConfig({}),
      tranches: readTranches([{ name: 'first', repos: [`${ORG}/lab`] }]),
      schedule: { frequency: { minutes: 30 }, timeout: { minutes: 5 } },
    },
    clientFor: () => createGitHubClient({ apiBaseUrl: gh.url, token: async () => gh.token, logger }),
    store: new AdoptionStore(knex),
    hub: new AdoptionHub(),
    logger,
  });
  const permissions = mockServices.permissions.mock({
    authorize: async reqs => reqs.map(() => ({ result: decision })),
  });
  const plugin = createBackendPlugin({
    pluginId: 'gloriousflywheel',
    register(env) {
      env.registerInit({
        deps: { httpRouter: coreServices.httpRouter, httpAuth: coreServices.httpAuth, auditor: coreServices.auditor },
        async init({ httpRouter, httpAuth, auditor }) {
          httpRouter.addAuthPolicy({ path: '/adoption/webhook', allow: 'unauthenticated' });
          httpRouter.use(
            createAdoptionRouter({
              adoption,
              permissions,
              httpAuth,
              access: new AccessGate({ config: readAccessConfig(new ConfigReader({}), []), permissions, httpAuth, auditor }),
              webhookSecret: gh.webhookSecret,
              // GitHub's own verify; see webhookSignature.ts for why it is injected in tests.
              verifyWebhook: async (secret, payload, signature) =>
                (await loadGitHubWebhooksMethods()).verify(secret, payload, signature),
            }),
          );
        },
      });
    },
  });
  const { server } = await startTestBackend({ features: [plugin] });
  return { server, adoption, permissions };
}

const user = mockCredentials.user.header('user:default/ada-admin');

describe('adoption router', () => {
  it('guards POST /adoption/scan with gloriousflywheel.adoption.scan', async () => {
    const { server, permissions } = await start(AuthorizeResult.DENY);
    const res = await request(server).post('/api/gloriousflywheel/adoption/scan').set('authorization', user);
    expect(res.status).toBe(403);
    expect(permissions.authorize).toHaveBeenCalledWith(
      [{ permission: expect.objectContaining({ name: 'gloriousflywheel.adoption.scan' }) }],
      expect.anything(),
    );
    expect((await request(server).get('/api/gloriousflywheel/adoption/scan').set('authorization', user)).body.state).not.toBe('running');
  });

  it('starts a scan (202), refuses a second one while it runs (409), then serves results', async () => {
    const { server, adoption } = await start(AuthorizeResult.ALLOW);
    const api = (path: string) => request(server).get(`/api/gloriousflywheel${path}`).set('authorization', user);
    const first = await request(server).post('/api/gloriousflywheel/adoption/scan').set('authorization', user);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ state: 'running', trigger: 'manual' });
    const second = await request(server).post('/api/gloriousflywheel/adoption/scan').set('authorization', user);
    expect(second.status).toBe(409);
    await eventually(async () => expect((await api('/adoption/scan')).body.state).toBe('idle'), { timeoutMs: 30_000 });
    expect(adoption.list().length).toBeGreaterThan(5);

    const lab = await api('/adoption/repos/tinyland-inc/lab');
    expect(lab.status).toBe(200);
    expect(lab.body.item).toMatchObject({ owner: ORG, name: 'lab', tranche: 'first' });
    expect((await api('/adoption/repos/tinyland-inc/nope')).status).toBe(404);

    const failing = await api('/adoption/repos?check=stale-cache-endpoints:fail&limit=1');
    // GloriousFlywheel (.gitlab-ci.yml), lab (ci.yml), XoxdWM (.bazelrc): by name, case-insensitive
    expect(failing.body).toMatchObject({ total: 3, limit: 1, items: [expect.objectContaining({ name: 'GloriousFlywheel' })] });
    const page2 = await api('/adoption/repos?check=stale-cache-endpoints:fail&limit=1&offset=2');
    expect(page2.body.items.map((r: { name: string }) => r.name)).toEqual(['XoxdWM']);
    const hosted = await api('/adoption/repos?hosted=true&sort=-hosted');
    expect(hosted.body.items[0].hostedJobs).toBeGreaterThanOrEqual(hosted.body.items.at(-1).hostedJobs);
    expect((await api('/adoption/repos?stage=done')).status).toBe(400);
    const tranches = await api('/adoption/tranches');
    expect(tranches.body.items[0]).toMatchObject({ name: 'first', repos: 1 });
  });

  it('rescans just the pushed repository on a signed webhook and refuses a bad signature', async () => {
    const { server, adoption } = await start(AuthorizeResult.ALLOW);
    await adoption.scan('manual');
    const { after } = gh.putFile(ORG, 'blahaj', 'README.md', '# blahaj\n\nmoved\n');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gloriousflywheel/adoption/webhook`;
    gh.resetRequestCounts();
    const delivery = await gh.deliverWebhook(url, 'push', gh.buildPushPayload(ORG, 'blahaj'));
    expect(delivery.status).toBe(202);
    await eventually(() => expect(adoption.get(ORG, 'blahaj')!.headOid).toBe(after), { timeoutMs: 10_000 });
    expect(gh.requestCounts.graphql).toBe(1); // that repository's content, nothing else

    const forged = await request(server)
      .post('/api/gloriousflywheel/adoption/webhook')
      .set('content-type', 'application/json')
      .set('x-github-event', 'push')
      .set('x-hub-signature-256', `sha256=${'0'.repeat(64)}`)
      .send(JSON.stringify(gh.buildPushPayload(ORG, 'lab')));
    expect(forged.status).toBe(401);
    const unsigned = await request(server)
      .post('/api/gloriousflywheel/adoption/webhook')
      .set('x-github-event', 'push')
      .send({});
    expect(unsigned.status).toBe(401);
  });
});
