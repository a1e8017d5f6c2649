import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
// The scanner's own clients, hoisted in the workspace; not yet in this package's devDependencies
// (package.json is frozen for this change), hence the lint exception.
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { createFleetSeed } from '../seed/fleetSeed';
import {
  GitHubSandbox,
  loadGitHubWebhooksMethods,
  startGitHubSandbox,
} from '.';

// the real @octokit/webhooks-methods `verify` (loaded by path under jest, see loadGitHubWebhooksMethods)
const verify = async (secret: string, body: string, signature: string) =>
  (await loadGitHubWebhooksMethods()).verify(secret, body, signature);

const seed = createFleetSeed({ longTailRepos: 10 });
let gh: GitHubSandbox;
const log = { debug() {}, info() {}, warn() {}, error() {} };

beforeAll(async () => {
  gh = await startGitHubSandbox({
    host: '127.0.0.1',
    port: 0,
    seed,
    rateLimit: { windowMs: 1000 },
  });
});

afterAll(() => gh.close());

beforeEach(() => {
  gh.rateLimit.configure({
    limit: 5000,
    graphqlLimit: 5000,
    windowMs: 1000,
    secondary: null,
  });
});

const signJwt = (
  key: crypto.KeyObject | string,
  claims: Record<string, unknown>,
) => {
  const enc = (o: unknown) =>
    Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${unsigned}.${crypto
    .sign('RSA-SHA256', Buffer.from(unsigned), key)
    .toString('base64url')}`;
};

describe('GitHub sandbox App authentication', () => {
  it('works with @octokit/auth-app as the scanner configures it', async () => {
    // what Backstage's GithubAppManager does: an App client listing installations, then a token per owner
    const appClient = new Octokit({
      baseUrl: gh.url,
      log,
      authStrategy: createAppAuth,
      auth: { appId: gh.app.appId, privateKey: gh.app.privateKey },
    });
    const installations = await appClient.paginate(
      appClient.apps.listInstallations,
    );
    expect(installations).toHaveLength(1);
    expect(installations[0]).toMatchObject({
      id: gh.app.installationId,
      account: { login: 'tinyland-inc' },
      suspended_by: null,
    });
    const orgInstallation = await appClient.apps.getOrgInstallation({
      org: 'tinyland-inc',
    });
    expect(orgInstallation.data.id).toBe(gh.app.installationId);

    const created = await appClient.apps.createInstallationAccessToken({
      installation_id: gh.app.installationId,
    });
    expect(created.status).toBe(201);
    expect(created.data.token).toMatch(/^ghs_/);
    expect(Date.parse(created.data.expires_at) - Date.now()).toBeGreaterThan(
      50 * 60_000,
    );

    // an installation client (auth-app fetches and refreshes the token by itself)
    const installationClient = new Octokit({
      baseUrl: gh.url,
      log,
      authStrategy: createAppAuth,
      auth: {
        appId: gh.app.appId,
        privateKey: gh.app.privateKey,
        installationId: gh.app.installationId,
      },
    });
    const repo = await installationClient.repos.get({
      owner: 'tinyland-inc',
      repo: 'GloriousFlywheel',
    });
    expect(repo.data.full_name).toBe('tinyland-inc/GloriousFlywheel');
    const graphqlRes: any = await installationClient.graphql(
      `query($org: String!) { organization(login: $org) { repositories(first: 5) { totalCount } } rateLimit { remaining } }`,
      { org: 'tinyland-inc' },
    );
    expect(graphqlRes.organization.repositories.totalCount).toBe(
      seed.repos.length,
    );
    // installation tokens share the installation's budget, separate from the PAT's
    expect(gh.rateLimit.get('core', created.data.token).used).toBe(1);
    expect(gh.rateLimit.get('core').used).toBe(0);
  });

  it('accepts a fixed App key from the options', async () => {
    const pem = crypto
      .generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const fixed = await startGitHubSandbox({
      host: '127.0.0.1',
      port: 0,
      seed,
      app: { privateKey: pem },
    });
    try {
      const client = new Octokit({
        baseUrl: fixed.url,
        log,
        authStrategy: createAppAuth,
        auth: {
          appId: fixed.app.appId,
          privateKey: pem,
          installationId: fixed.app.installationId,
        },
      });
      expect(
        (await client.repos.get({ owner: 'tinyland-inc', repo: 'lab' })).status,
      ).toBe(200);
    } finally {
      await fixed.close();
    }
  });

  it('rejects JWTs that are not signed by the App key, expired, or used on other routes', async () => {
    const now = Math.floor(Date.now() / 1000);
    const stranger = crypto.generateKeyPairSync('rsa', {
      modulusLength: 2048,
    }).privateKey;
    const post = (jwt: string) =>
      fetch(
        `${gh.url}/app/installations/${gh.app.installationId}/access_tokens`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${jwt}`,
            accept: 'application/vnd.github+json',
          },
        },
      );
    const forged = await post(
      signJwt(stranger, { iss: gh.app.appId, iat: now - 30, exp: now + 540 }),
    );
    expect(forged.status).toBe(401);
    expect((await forged.json()).message).toBe(
      'A JSON web token could not be decoded',
    );
    const expired = await post(
      signJwt(gh.app.privateKey, {
        iss: gh.app.appId,
        iat: now - 700,
        exp: now - 100,
      }),
    );
    expect(expired.status).toBe(401);
    expect((await expired.json()).message).toMatch(/'Expiration time' claim/);
    const good = signJwt(gh.app.privateKey, {
      iss: gh.app.appId,
      iat: now - 30,
      exp: now + 540,
    });
    expect((await post(good)).status).toBe(201);
    const onRepo = await fetch(`${gh.url}/repos/tinyland-inc/lab`, {
      headers: { authorization: `Bearer ${good}` },
    });
    expect(onRepo.status).toBe(401);
    const patOnApp = await fetch(`${gh.url}/app/installations`, {
      headers: { authorization: `token ${gh.token}` },
    });
    expect(patOnApp.status).toBe(401);
  });

  it('lets @octokit/plugin-throttling wait out an exhausted budget and finish', async () => {
    gh.rateLimit.configure({ limit: 2, windowMs: 1000 });
    // plugin-throttling's types see the workspace's hoisted @octokit/core 4, @octokit/rest 22 its own
    // core 7: a type-only mismatch (the runtime plugin API is the same)
    const Throttled = Octokit.plugin(
      throttling as unknown as Parameters<typeof Octokit.plugin>[0],
    );
    let waits = 0;
    const octokit = new Throttled({
      baseUrl: gh.url,
      auth: gh.token,
      log,
      throttle: {
        // the plugin waits (reset - now + 1) × this many ms; halved to keep the test short
        retryAfterBaseValue: 500,
        onRateLimit: (
          _after: number,
          _opts: unknown,
          _o: unknown,
          retryCount: number,
        ) => {
          waits++;
          return retryCount < 3;
        },
        onSecondaryRateLimit: () => false,
      },
    });
    const started = Date.now();
    const names = ['lab', 'blahaj', 'XoxdWM'];
    for (const repo of names) {
      const res = await octokit.repos.get({ owner: 'tinyland-inc', repo });
      expect(res.data.name).toBe(repo);
    }
    // with the halved base value a retry may land just before the reset and wait once more
    expect(waits).toBeGreaterThanOrEqual(1);
    expect(waits).toBeLessThanOrEqual(3);
    // waited for the window (1 s) to reset, not for the whole budget to come back slowly
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  }, 15_000);
});

describe('GitHub sandbox webhooks', () => {
  let receiver: http.Server;
  let receiverUrl = '';
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(202).end('accepted');
      });
    });
    await new Promise<void>(r => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${
      (receiver.address() as AddressInfo).port
    }/webhook`;
  });

  afterAll(() => new Promise<void>(r => receiver.close(() => r())));

  it('delivers a signed push event that @octokit/webhooks-methods verifies', async () => {
    const change = gh.putFile(
      'tinyland-inc',
      'lab',
      '.github/workflows/ci.yml',
      'on: push\njobs:\n  nix:\n    runs-on: tinyland-nix\n    steps: []\n',
    );
    const payload = gh.buildPushPayload('tinyland-inc', 'lab');
    expect(payload).toMatchObject({
      ref: 'refs/heads/main',
      before: change.before,
      after: change.after,
      repository: { full_name: 'tinyland-inc/lab' },
      installation: { id: gh.app.installationId },
      head_commit: { modified: ['.github/workflows/ci.yml'] },
    });
    const delivery = await gh.deliverWebhook(receiverUrl, 'push', payload);
    expect(delivery.status).toBe(202);
    const got = received[received.length - 1];
    expect(got.headers['x-github-event']).toBe('push');
    expect(got.headers['x-github-delivery']).toBe(delivery.deliveryId);
    const signature = String(got.headers['x-hub-signature-256']);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await verify(gh.webhookSecret, got.body, signature)).toBe(true);
    expect(await verify('another-secret', got.body, signature)).toBe(false);
  });

  it('builds workflow_run payloads from the latest run', async () => {
    gh.setWorkflowRunConclusion(
      'tinyland-inc',
      'GloriousFlywheel',
      'platform-proof.yml',
      'failure',
    );
    const payload: any = gh.buildWorkflowRunPayload(
      'tinyland-inc',
      'GloriousFlywheel',
      'platform-proof.yml',
    );
    expect(payload.action).toBe('completed');
    expect(payload.workflow_run).toMatchObject({
      conclusion: 'failure',
      path: '.github/workflows/platform-proof.yml',
      name: 'Platform Proof',
    });
    expect(payload.workflow.path).toBe('.github/workflows/platform-proof.yml');
    const delivery = await gh.deliverWebhook(
      receiverUrl,
      'workflow_run',
      payload,
    );
    expect(delivery.status).toBe(202);
    const got = received[received.length - 1];
    expect(
      await verify(
        gh.webhookSecret,
        got.body,
        String(got.headers['x-hub-signature-256']),
      ),
    ).toBe(true);
  });
});
