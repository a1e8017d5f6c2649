import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  createFleetSeed,
  eventually,
  GitHubSandbox,
  KubernetesSandbox,
  loadGitHubWebhooksMethods,
  startGitHubSandbox,
  startKubernetesSandbox,
} from '@internal/fleet-sandbox';
import type {
  JobDiagnosisResponse,
  QueueStatsList,
  RepoJobList,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  FleetReader,
  fleetServiceRef,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { createGloriousflywheelPlugin } from '../plugin';

jest.setTimeout(60_000);
const ORG = 'tinyland-inc';
// a secret of the test's own: the backend refuses the sandbox's published one outside development
const SECRET = `test-${randomUUID()}`;
const WEBHOOK = '/api/gloriousflywheel/adoption/webhook';
type Server = Parameters<typeof request>[0];

let k8s: KubernetesSandbox;
let gh: GitHubSandbox;
beforeAll(async () => {
  k8s = await startKubernetesSandbox({
    host: '127.0.0.1',
    port: 0,
    tls: true,
    seed: createFleetSeed(),
  });
  gh = await startGitHubSandbox({
    host: '127.0.0.1',
    port: 0,
    seed: createFleetSeed(),
  });
});
afterAll(async () => {
  await k8s?.close();
  await gh?.close();
});

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map(s => s()));
});

/**
 * The plugin as installed, with GitHub's own `verify` injected (see webhookSignature.ts: jest
 * cannot load the package the plugin uses). Scans and reconciliation passes only run when
 * triggered; a job the portal does not know is looked up in the GitHub sandbox.
 */
async function startPortal(
  decision:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  let fleetRef: FleetReader | undefined;
  // hands the test the fleet the plugin reads
  const fleetHandle = createBackendModule({
    pluginId: 'gloriousflywheel',
    moduleId: 'test-fleet-handle',
    register(reg) {
      reg.registerInit({
        deps: { fleet: fleetServiceRef },
        async init({ fleet }) {
          fleetRef = fleet;
        },
      });
    },
  });
  const manual = { frequency: { trigger: 'manual' }, timeout: { minutes: 5 } };
  const backend = await startTestBackend({
    features: [
      createGloriousflywheelPlugin({
        verifyWebhook: async (secret, payload, signature) =>
          (
            await loadGitHubWebhooksMethods()
          ).verify(secret, payload, signature),
      }),
      fleetHandle,
      mockServices.permissions.factory({ result: decision }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          integrations: {
            github: [
              {
                host: new URL(gh.url).host,
                apiBaseUrl: gh.url,
                token: gh.token,
              },
            ],
          },
          gloriousflywheel: {
            schedule: {
              adoptionScan: manual,
              queueReconcile: manual,
            },
            clusters: [
              {
                name: 'honey',
                url: k8s.url,
                serviceAccountToken: k8s.token,
                caData: k8s.caData,
              },
            ],
            github: {
              orgs: [ORG],
              host: new URL(gh.url).host,
              webhookSecret: SECRET,
            },
          },
        },
      }),
    ],
  });
  stops.push(() => backend.stop());
  // the diagnosis needs the fleet: wait for the cluster's first sync
  await eventually(async () => {
    expect(fleetRef!.clusters()[0].state).toBe('synced');
  });
  return backend.server;
}

const get = (server: Server, path: string) =>
  request(server)
    .get(`/api/gloriousflywheel${path}`)
    .set('authorization', mockCredentials.user.header());

let nextJob = 1000;
/** A `workflow_job` delivery body as GitHub sends it (the fields GitHub documents for the event). */
function workflowJob(
  action: string,
  job: Record<string, unknown> & { labels: string[] },
  repo = 'lab',
) {
  const id = (job.id as number | undefined) ?? nextJob++;
  const base = {
    id,
    run_id: 77,
    run_url: `https://api.github.com/repos/${ORG}/${repo}/actions/runs/77`,
    node_id: 'CR_kwDOA',
    head_sha: 'f'.repeat(40),
    url: `https://api.github.com/repos/${ORG}/${repo}/actions/jobs/${id}`,
    html_url: `https://github.com/${ORG}/${repo}/actions/runs/77/job/${id}`,
    status: action === 'in_progress' ? 'in_progress' : action,
    conclusion: null,
    created_at: new Date(Date.now() - 90_000).toISOString(),
    started_at: new Date(Date.now() - 90_000).toISOString(),
    completed_at: null,
    name: 'build',
    steps: [],
    check_run_url: `https://api.github.com/repos/${ORG}/${repo}/check-runs/${id}`,
    runner_id: null,
    runner_name: null,
    runner_group_id: null,
    runner_group_name: null,
    workflow_name: 'CI',
    head_branch: 'main',
  };
  return JSON.stringify({
    action,
    workflow_job: { ...base, ...job },
    repository: {
      id: 1,
      name: repo,
      full_name: `${ORG}/${repo}`,
      owner: { login: ORG, id: 2, type: 'Organization' },
    },
    organization: { login: ORG, id: 2 },
    sender: { login: 'octocat', id: 3, type: 'User' },
  });
}

async function deliver(
  server: Server,
  body: string,
  id: string = randomUUID(),
  event = 'workflow_job',
) {
  const signature = await (
    await loadGitHubWebhooksMethods()
  ).sign(SECRET, body);
  return request(server)
    .post(WEBHOOK)
    .set('content-type', 'application/json')
    .set('x-github-event', event)
    .set('x-github-delivery', id)
    .set('x-hub-signature-256', signature)
    .send(body);
}

describe('queue', () => {
  it('stores signed workflow_job deliveries once and diagnoses the queued ones', async () => {
    const server = await startPortal();
    const typo = workflowJob('queued', { id: 501, labels: ['tinyland-nixx'] });
    const res = await deliver(server, typo, 'delivery-501');
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: true, job: 501, repo: `${ORG}/lab` });
    // GitHub's redeliver keeps the id: answered, stored once
    expect((await deliver(server, typo, 'delivery-501')).body).toEqual({
      accepted: false,
      reason: 'duplicate',
    });
    expect(
      (
        await deliver(
          server,
          workflowJob('queued', { id: 502, labels: ['tinyland-nix'] }),
        )
      ).status,
    ).toBe(202);
    // two copies at once (most likely one batch, one transaction): one stored, one duplicate
    const twice = workflowJob('queued', { id: 503, labels: ['tinyland-nix'] });
    const both = await Promise.all([
      deliver(server, twice, 'delivery-503'),
      deliver(server, twice, 'delivery-503'),
    ]);
    expect(both.map(r => r.body.reason ?? 'accepted').sort()).toEqual([
      'accepted',
      'duplicate',
    ]);
    expect((await get(server, '/adoption/scan')).body.webhook).toMatchObject({
      deliveries: 3,
      duplicates: 2,
    });

    const list = await get(server, `/queue/repos/${ORG}/lab/jobs`);
    expect(list.status).toBe(200);
    const items = (list.body as RepoJobList).items;
    expect(items.map(i => i.job.id).sort()).toEqual([501, 502, 503]);
    const stuck = items.find(i => i.job.id === 501)!;
    expect(stuck.job).toMatchObject({
      status: 'queued',
      startedAt: null,
      runnerClass: null,
      labels: ['tinyland-nixx'],
    });
    expect(stuck.diagnosis!.reasons[0]).toMatchObject({
      kind: 'no-match',
      summary: 'no runner class matches; did you mean tinyland-nix?',
    });
    const fine = items.find(i => i.job.id === 502)!;
    expect(fine.job.runnerClass).toBe('tinyland-nix');
    expect(fine.diagnosis!.scaleSets).toContain(
      'honey/arc-runners/tinyland-nix',
    );

    const byUrl = await get(
      server,
      `/queue/diagnose?url=${encodeURIComponent(
        `https://github.com/${ORG}/lab/actions/runs/77/job/501`,
      )}`,
    );
    expect(byUrl.status).toBe(200);
    expect((byUrl.body as JobDiagnosisResponse).diagnosis.reasons[0].kind).toBe(
      'no-match',
    );
  });

  it('keeps the latest state whatever order deliveries arrive in, and counts queue time per class', async () => {
    const server = await startPortal();
    const started = new Date(Date.now() - 30_000).toISOString();
    const runner = {
      runner_name: 'tinyland-docker-x7k2p-runner-9qz4m',
      runner_group_name: 'Default',
      started_at: started,
    };
    await deliver(
      server,
      workflowJob('completed', {
        id: 601,
        labels: ['tinyland-docker'],
        status: 'completed',
        conclusion: 'success',
        completed_at: new Date().toISOString(),
        ...runner,
      }),
    );
    await deliver(
      server,
      workflowJob('in_progress', {
        id: 601,
        labels: ['tinyland-docker'],
        ...runner,
      }),
    );
    await deliver(
      server,
      workflowJob('queued', { id: 601, labels: ['tinyland-docker'] }),
    );
    await deliver(
      server,
      workflowJob('queued', { id: 602, labels: ['tinyland-docker'] }),
    );

    const job = await get(server, `/queue/jobs/${ORG}/lab/601`);
    expect(job.body.job).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      scaleSet: 'honey/arc-runners/tinyland-docker',
    });
    expect(job.body.diagnosis.reasons).toEqual([]);

    const stats = (await get(server, '/queue/stats')).body as QueueStatsList;
    const docker = stats.classes.find(
      c => c.runnerClass === 'tinyland-docker',
    )!;
    expect(docker).toMatchObject({
      queued: 1,
      running: 0,
      started24h: 1,
      p50Seconds1h: 60,
      p95Seconds24h: 60,
    });
    const set = stats.scaleSets.find(
      s => s.scaleSet === 'honey/arc-runners/tinyland-docker',
    )!;
    expect(set).toMatchObject({ queued: 1, started24h: 1 });
  });

  it('refuses invalid and oversized workflow_job bodies and stores nothing', async () => {
    const server = await startPortal();
    const bad = await deliver(
      server,
      JSON.stringify({
        action: 'queued',
        workflow_job: { id: 'x' },
        repository: { name: 'lab', owner: { login: ORG } },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /workflow_job webhook payload invalid at workflow_job\.id/,
    );
    const huge = workflowJob('queued', {
      id: 701,
      labels: ['tinyland-nix'],
      steps: [{ name: 'x'.repeat(300_000) }],
    });
    expect((await deliver(server, huge)).status).toBe(413);
    expect(
      (await get(server, `/queue/repos/${ORG}/lab/jobs`)).body.items,
    ).toEqual([]);
    const other = workflowJob('queued', {
      id: 702,
      labels: ['tinyland-nix'],
    }).replace(/tinyland-inc/g, 'someone-else');
    expect((await deliver(server, other)).body).toEqual({
      accepted: false,
      reason: 'someone-else is not a scanned organisation',
    });
  });

  it('answers 400 for bad input, 404 for unknown jobs, 403 without gloriousflywheel.queue.read', async () => {
    const server = await startPortal();
    expect(
      (await get(server, '/queue/diagnose?url=https://example.com/x')).status,
    ).toBe(400);
    expect((await get(server, `/queue/jobs/${ORG}/lab/abc`)).status).toBe(400);
    expect(
      (await get(server, `/queue/repos/${ORG}/lab/jobs?limit=1000`)).status,
    ).toBe(400);
    expect((await get(server, `/queue/jobs/${ORG}/lab/987654`)).status).toBe(
      404,
    );

    const denied = await startPortal(AuthorizeResult.DENY);
    expect((await get(denied, `/queue/repos/${ORG}/lab/jobs`)).status).toBe(
      403,
    );
    expect((await get(denied, `/queue/jobs/${ORG}/lab/1`)).status).toBe(403);
    // aggregate counts stay readable, like the fleet's
    expect((await get(denied, '/queue/stats')).status).toBe(200);
  });

  it('gives anonymous callers nothing, and a service token no job unless servicePrincipals names it', async () => {
    const server = await startPortal();
    const routes = [
      '/queue/stats',
      `/queue/repos/${ORG}/lab/jobs`,
      `/queue/jobs/${ORG}/lab/1`,
      `/queue/diagnose?url=https://github.com/${ORG}/lab/actions/runs/1/job/1`,
    ];
    for (const path of routes) {
      // no valid Backstage token (the test backend reads a missing header as a user, so send a bad one)
      const anonymous = await request(server)
        .get(`/api/gloriousflywheel${path}`)
        .set('authorization', 'Bearer not-a-token');
      expect([path, anonymous.status]).toEqual([path, 401]);
    }
    const asService = (path: string) =>
      request(server)
        .get(`/api/gloriousflywheel${path}`)
        .set('authorization', mockCredentials.service.header());
    expect((await asService('/queue/stats')).status).toBe(200);
    for (const path of routes.slice(1))
      expect([path, (await asService(path)).status]).toEqual([path, 403]);
  });
});
