import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createFleetSeed } from '../seed/fleetSeed';
import { KubernetesSandbox, startKubernetesSandbox } from '.';

const run = promisify(execFile);
const KUBECTL = '/usr/bin/kubectl';

describe('Kubernetes sandbox over TLS with a throw-away CA', () => {
  let sandbox: KubernetesSandbox;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-sandbox-tls-'));
    sandbox = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed(),
      tls: true,
      caFile: path.join(dir, 'ca.pem'),
    });
  }, 30_000);
  afterAll(async () => {
    await sandbox?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const client = (caData: string | undefined) => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 's',
          server: sandbox.url,
          caData: caData && Buffer.from(caData).toString('base64'),
        },
      ],
      users: [{ name: 'sa', token: sandbox.token }],
      contexts: [{ name: 's', cluster: 's', user: 'sa' }],
      currentContext: 's',
    });
    return kc.makeApiClient(CoreV1Api);
  };

  it('serves https, trusted through caData, and the CA file holds the same certificate', async () => {
    expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(fs.readFileSync(sandbox.caFile!, 'utf8')).toBe(sandbox.caData);
    const ns = await client(sandbox.caData).listNamespace();
    expect(ns.items.map(n => n.metadata!.name)).toContain('arc-runners');
    // without the CA the client refuses the server
    await expect(client(undefined).listNamespace()).rejects.toThrow(
      /self[- ]signed|certificate/i,
    );
  });

  it('answers plain HTTP like a TLS-only API server, except the loopback admin API', async () => {
    const api = await fetch(`${sandbox.adminUrl}/api/v1/namespaces`, {
      headers: { authorization: `Bearer ${sandbox.token}` },
    });
    expect(api.status).toBe(400);
    expect(await api.text()).toBe(
      'Client sent an HTTP request to an HTTPS server.\n',
    );
    const admin = await fetch(`${sandbox.adminUrl}/_sandbox/scale-sets`);
    expect(admin.status).toBe(200);
    expect((await admin.json()).items.length).toBe(
      sandbox.listScaleSets().length,
    );
  });

  it('works with kubectl and a token', async () => {
    if (!fs.existsSync(KUBECTL)) {
      // eslint-disable-next-line no-console
      console.warn(`skipped: no kubectl at ${KUBECTL}`);
      return;
    }
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'sandbox',
            cluster: {
              server: sandbox.url,
              'certificate-authority': sandbox.caFile,
            },
          },
        ],
        users: [{ name: 'sa', user: { token: sandbox.token } }],
        contexts: [
          { name: 'sandbox', context: { cluster: 'sandbox', user: 'sa' } },
        ],
        'current-context': 'sandbox',
      }),
    );
    const kubectl = (...args: string[]) =>
      run(
        KUBECTL,
        [
          '--kubeconfig',
          kubeconfig,
          '--cache-dir',
          path.join(dir, 'cache'),
          ...args,
        ],
        {
          timeout: 30_000,
        },
      );
    const pods = await kubectl('get', 'pods', '-A');
    const podLines = pods.stdout.trim().split('\n');
    expect(podLines[0]).toMatch(
      /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/,
    );
    expect(
      podLines
        .slice(1)
        .filter(l => /^arc-systems\s+\S+-listener\s+1\/1\s+Running/.test(l)),
    ).toHaveLength(sandbox.listScaleSets().length);
    const ns = await kubectl('get', 'ns');
    expect(ns.stdout).toMatch(/^arc-runners\s+Active\s+/m);
    const listeners = await kubectl(
      'get',
      'autoscalinglisteners',
      '-n',
      'arc-systems',
      '-o',
      'json',
    );
    expect(JSON.parse(listeners.stdout).items).toHaveLength(
      sandbox.listScaleSets().length,
    );
    // the wrong token: kubectl reports the API server's 401
    await expect(
      run(
        KUBECTL,
        ['--kubeconfig', kubeconfig, '--token', 'wrong', 'get', 'ns'],
        { timeout: 30_000 },
      ),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/Unauthorized|must be logged in/),
    });
  }, 60_000);
});
