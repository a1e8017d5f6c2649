import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Watch,
} from '@kubernetes/client-node';
import { createFleetSeed } from '../seed/fleetSeed';
import { KubernetesSandbox, startKubernetesSandbox } from '.';

const LISTENER_LABEL = 'app.kubernetes.io/component=runner-scale-set-listener';

describe('Kubernetes sandbox: core namespaces and pods, ARC listeners', () => {
  let sandbox: KubernetesSandbox;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;

  beforeAll(async () => {
    sandbox = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed(),
    });
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 's', server: sandbox.url, skipTLSVerify: true }],
      users: [{ name: 'sa', token: sandbox.token }],
      contexts: [{ name: 's', cluster: 's', user: 'sa' }],
      currentContext: 's',
    });
    core = kc.makeApiClient(CoreV1Api);
    custom = kc.makeApiClient(CustomObjectsApi);
  });
  afterAll(() => sandbox?.close());

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${sandbox.token}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  it('discovers and lists namespaces and pods', async () => {
    const v1 = await call('GET', '/api/v1');
    expect(v1.body.resources.map((r: any) => r.name)).toEqual(
      expect.arrayContaining(['namespaces', 'pods', 'pods/status']),
    );
    const ns = await core.listNamespace();
    const names = ns.items.map(n => n.metadata!.name);
    expect(names).toEqual(
      expect.arrayContaining(['arc-runners', 'arc-systems', 'default']),
    );
    const arcRunners = ns.items.find(n => n.metadata!.name === 'arc-runners')!;
    expect(arcRunners.metadata!.labels!['kubernetes.io/metadata.name']).toBe(
      'arc-runners',
    );
    expect(arcRunners.status!.phase).toBe('Active');

    const pods = await core.listPodForAllNamespaces({
      labelSelector: LISTENER_LABEL,
    });
    const scaleSets = sandbox.listScaleSets();
    expect(pods.items).toHaveLength(scaleSets.length);
    for (const s of scaleSets) {
      const pod = pods.items.find(
        p =>
          p.metadata!.labels!['actions.github.com/scale-set-name'] ===
          s.metadata.name,
      )!;
      expect(pod.metadata!.namespace).toBe('arc-systems');
      expect(pod.metadata!.labels).toMatchObject({
        'actions.github.com/scale-set-namespace': 'arc-runners',
        'app.kubernetes.io/part-of': 'gha-runner-scale-set',
        'actions.github.com/organization': new URL(
          s.spec.githubConfigUrl,
        ).pathname.split('/')[1],
      });
      expect(
        pod.status!.conditions!.find(c => c.type === 'Ready')!.status,
      ).toBe('True');
      expect(pod.metadata!.name).toMatch(
        new RegExp(`^${s.metadata.name}-[a-z0-9]{1,8}-listener$`),
      );
    }
  });

  it('serves one AutoscalingListener per scale set, owning its pod', async () => {
    const list: any = await custom.listNamespacedCustomObject({
      group: 'actions.github.com',
      version: 'v1alpha1',
      namespace: 'arc-systems',
      plural: 'autoscalinglisteners',
    });
    expect(list.items).toHaveLength(sandbox.listScaleSets().length);
    const docker = list.items.find(
      (l: any) => l.spec.autoscalingRunnerSetName === 'tinyland-docker',
    );
    expect(docker.spec).toMatchObject({
      autoscalingRunnerSetNamespace: 'arc-runners',
      maxRunners: 6,
      minRunners: 0,
    });
    const pod = await core.readNamespacedPod({
      namespace: 'arc-systems',
      name: docker.metadata.name,
    });
    expect(pod.metadata!.ownerReferences![0]).toMatchObject({
      kind: 'AutoscalingListener',
      uid: docker.metadata.uid,
    });
  });

  it("keeps the listener's spec in step with its scale set, also when changed through the API", async () => {
    const patch = await call(
      'PATCH',
      '/apis/actions.github.com/v1alpha1/namespaces/arc-runners/autoscalingrunnersets/tinyland-docker',
      { spec: { maxRunners: 0 } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(patch.status).toBe(200);
    expect(
      sandbox.getListener('arc-runners', 'tinyland-docker').listener!.spec
        .maxRunners,
    ).toBe(0);
    sandbox.patchScaleSet('arc-runners', 'tinyland-docker', {
      spec: { maxRunners: 6 },
    });
    expect(
      sandbox.getListener('arc-runners', 'tinyland-docker').listener!.spec
        .maxRunners,
    ).toBe(6);
  });

  it('words 404, 409 and 422 as the API server does', async () => {
    const missing = await call(
      'GET',
      '/api/v1/namespaces/arc-systems/pods/nope',
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'pods "nope" not found',
      details: { name: 'nope', kind: 'pods' },
    });
    const noNs = await call('GET', '/api/v1/namespaces/nope');
    expect(noNs.body.message).toBe('namespaces "nope" not found');
    const dup = await call('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'arc-runners' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      reason: 'AlreadyExists',
      message: 'namespaces "arc-runners" already exists',
    });
    const invalid = await call('POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'bad' },
      spec: {},
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({
      reason: 'Invalid',
      details: { kind: 'Pod' },
    });
    expect(invalid.body.message).toMatch(
      /^Pod "bad" is invalid: spec.containers: Required value/,
    );
    const inMissingNs = await call('POST', '/api/v1/namespaces/nope/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    expect(inMissingNs.status).toBe(404);
    expect(inMissingNs.body.message).toBe('namespaces "nope" not found');
  });

  it('creates and deletes a namespace with what is in it', async () => {
    const created = await core.createNamespace({
      body: { metadata: { name: 'scratch' } },
    });
    expect(created.status!.phase).toBe('Active');
    await core.createNamespacedPod({
      namespace: 'scratch',
      body: {
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    });
    expect(sandbox.listPods('scratch')).toHaveLength(1);
    await core.deleteNamespace({ name: 'scratch' });
    expect(sandbox.listPods('scratch')).toHaveLength(0);
    expect(sandbox.listNamespaces().map(n => n.metadata.name)).not.toContain(
      'scratch',
    );
  });

  it('a stopped listener shows as a pod that is not ready, then as no pod', async () => {
    const events: string[] = [];
    const watch = await new Watch(kc).watch(
      '/api/v1/namespaces/arc-systems/pods',
      { labelSelector: 'actions.github.com/scale-set-name=tinyland-dind' },
      (type, obj: any) =>
        events.push(
          `${type} ${
            obj.status?.conditions?.find((c: any) => c.type === 'Ready')?.status
          }`,
        ),
      () => {},
    );
    try {
      sandbox.stopListener('arc-runners', 'tinyland-dind');
      const { pod, state } = sandbox.getListener(
        'arc-runners',
        'tinyland-dind',
      );
      expect(state).toBe('not-ready');
      expect(pod!.status.containerStatuses[0]).toMatchObject({
        ready: false,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
      });
      sandbox.stopListener('arc-runners', 'tinyland-dind', 'gone');
      expect(
        sandbox.getListener('arc-runners', 'tinyland-dind').pod,
      ).toBeUndefined();
      sandbox.startListener('arc-runners', 'tinyland-dind');
      const deadline = Date.now() + 5000;
      while (events.length < 4 && Date.now() < deadline)
        await new Promise(r => setTimeout(r, 20));
      expect(events).toEqual([
        'ADDED True',
        'MODIFIED False',
        'DELETED False',
        'ADDED True',
      ]);
    } finally {
      watch.abort();
    }
    // over the admin API too
    const stop = await fetch(
      `${sandbox.url}/_sandbox/scale-sets/arc-runners/tinyland-dind/listener/stop`,
      { method: 'POST', body: '{"mode":"gone"}' },
    );
    expect((await stop.json()).state).toBe('gone');
    const bad = await fetch(
      `${sandbox.url}/_sandbox/scale-sets/arc-runners/tinyland-dind/listener/stop`,
      { method: 'POST', body: '{"mode":"sleepy"}' },
    );
    expect(bad.status).toBe(400);
    await fetch(
      `${sandbox.url}/_sandbox/scale-sets/arc-runners/tinyland-dind/listener/start`,
      { method: 'POST' },
    );
    expect(sandbox.getListener('arc-runners', 'tinyland-dind').state).toBe(
      'ready',
    );
    const unknown = await fetch(
      `${sandbox.url}/_sandbox/scale-sets/arc-runners/nope/listener`,
    );
    expect(unknown.status).toBe(404);
  });

  it('answers kubectl-style Table requests', async () => {
    const t = await call('GET', '/api/v1/pods', undefined, {
      accept:
        'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
    });
    expect(t.body.kind).toBe('Table');
    expect(t.body.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    expect(t.body.rows[0].cells.slice(1, 3)).toEqual(['1/1', 'Running']);
    expect(t.body.rows[0].object.metadata.namespace).toBe('arc-systems');
  });

  it('removes the listener and its pod with the scale set', async () => {
    sandbox.deleteScaleSet('arc-runners', 'tinyland-nix-heavy');
    const pods = sandbox
      .listPods('arc-systems')
      .filter(
        p =>
          p.metadata.labels?.['actions.github.com/scale-set-name'] ===
          'tinyland-nix-heavy',
      );
    expect(pods).toHaveLength(0);
  });
});
