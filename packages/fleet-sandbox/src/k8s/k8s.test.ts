import {
  ApisApi,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  PatchStrategy,
  VersionApi,
  Watch,
  makeInformer,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { createFleetSeed } from '../seed/fleetSeed';
import { KubernetesSandbox, startKubernetesSandbox } from '.';

const group = 'actions.github.com';
const version = 'v1alpha1';
const plural = 'autoscalingrunnersets';
const ns = 'arc-runners';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function kubeConfig(server: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sandbox', server, skipTLSVerify: true }],
    users: [{ name: 'sa', token }],
    contexts: [{ name: 'sandbox', cluster: 'sandbox', user: 'sa' }],
    currentContext: 'sandbox',
  });
  return kc;
}

/** Awaits a rejected client call and returns the Status object the sandbox sent. */
async function apiError(p: Promise<unknown>, code: number): Promise<any> {
  try {
    await p;
  } catch (e: any) {
    expect(e.code).toBe(code);
    return typeof e.body === 'string' && e.body ? JSON.parse(e.body) : e.body;
  }
  throw new Error(`expected HTTP ${code}`);
}

/** Polls until `check` passes (bounded: 5 s). */
async function eventually(check: () => void, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 20));
    }
  }
}

describe('Kubernetes sandbox with @kubernetes/client-node', () => {
  let sandbox: KubernetesSandbox;
  let api: CustomObjectsApi;
  let kc: KubeConfig;

  beforeAll(async () => {
    sandbox = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed(),
      bookmarkIntervalMs: 100,
    });
    kc = kubeConfig(sandbox.url, sandbox.token);
    api = kc.makeApiClient(CustomObjectsApi);
  });

  afterAll(async () => {
    await sandbox.close();
  });

  afterEach(async () => {
    await sandbox.faults.clear();
  });

  it('answers discovery like an API server serving the ARC CRDs', async () => {
    const v = await kc.makeApiClient(VersionApi).getCode();
    expect(v.major).toBe('1');
    const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
    expect(groups.groups.map(g => g.name)).toContain(group);
    const res = await fetch(`${sandbox.url}/apis/${group}/${version}`, {
      headers: { authorization: `Bearer ${sandbox.token}` },
    });
    const list = await res.json();
    expect(list.kind).toBe('APIResourceList');
    expect(list.resources.map((r: any) => r.name)).toEqual(
      expect.arrayContaining([plural, `${plural}/status`, 'ephemeralrunners']),
    );
  });

  it('lists the seeded scale sets cluster-wide with server-set metadata and seed status', async () => {
    const list: any = await api.listClusterCustomObject({
      group,
      version,
      plural,
    });
    expect(list.kind).toBe('AutoscalingRunnerSetList');
    expect(typeof list.metadata.resourceVersion).toBe('string');
    const names = list.items.map((o: any) => o.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'tinyland-nix',
        'tinyland-docker',
        'tinyland-dind',
        'tinyland-nix-heavy',
        'jess-tinyland-nix',
      ]),
    );
    const nix = list.items.find((o: any) => o.metadata.name === 'tinyland-nix');
    expect(nix.metadata).toMatchObject({ namespace: ns, generation: 1 });
    expect(nix.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(nix.metadata.creationTimestamp).toMatch(/Z$/);
    expect(nix.spec).toMatchObject({
      minRunners: 1,
      maxRunners: 8,
      runnerScaleSetLabels: ['tinyland-nix', 'nix'],
    });
    expect(nix.status).toEqual({
      currentRunners: 3,
      pendingEphemeralRunners: 1,
      runningEphemeralRunners: 2,
      failedEphemeralRunners: 0,
    });
    // heavy lane: maxRunners absent = unlimited
    const heavy = list.items.find(
      (o: any) => o.metadata.name === 'tinyland-nix-heavy',
    );
    expect(heavy.spec.maxRunners).toBeUndefined();
  });

  it('seeds EphemeralRunners per phase, linked to their scale set as ARC does', async () => {
    const runners: any = await api.listNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural: 'ephemeralrunners',
      labelSelector: 'actions.github.com/scale-set-name=tinyland-nix',
    });
    expect(runners.items.map((r: any) => r.status.phase).sort()).toEqual([
      'Pending',
      'Running',
      'Running',
    ]);
    const [r] = runners.items;
    expect(r.metadata.ownerReferences[0]).toMatchObject({
      kind: 'EphemeralRunnerSet',
      controller: true,
    });
    expect(r.metadata.labels['app.kubernetes.io/component']).toBe('runner');
    const sets: any = await api.listNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural: 'ephemeralrunnersets',
      fieldSelector: `metadata.name=${r.metadata.ownerReferences[0].name}`,
    });
    expect(sets.items[0].metadata.ownerReferences[0]).toMatchObject({
      kind: 'AutoscalingRunnerSet',
      name: 'tinyland-nix',
    });
    const failed: any = await api.listClusterCustomObject({
      group,
      version,
      plural: 'ephemeralrunners',
      labelSelector: 'actions.github.com/scale-set-name in (tinyland-dind)',
    });
    expect(failed.items.map((x: any) => x.status.phase)).toEqual(['Failed']);
  });

  it('supports field selectors on name/namespace only', async () => {
    const one: any = await api.listClusterCustomObject({
      group,
      version,
      plural,
      fieldSelector: 'metadata.name=tinyland-dind',
    });
    expect(one.items).toHaveLength(1);
    const status = await apiError(
      api.listClusterCustomObject({
        group,
        version,
        plural,
        fieldSelector: 'spec.minRunners=1',
      }),
      400,
    );
    expect(status).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  it('pages with limit/continue on one consistent snapshot; an expired token is 410', async () => {
    const first: any = await api.listClusterCustomObject({
      group,
      version,
      plural,
      limit: 2,
    });
    expect(first.items).toHaveLength(2);
    expect(first.metadata.continue).toBeTruthy();
    expect(first.metadata.remainingItemCount).toBe(3);
    // a change between pages doesn't show up in the paged list
    sandbox.patchScaleSet(ns, 'tinyland-docker', {
      status: { currentRunners: 5 },
    });
    const names = first.items.map((o: any) => o.metadata.name);
    let token = first.metadata.continue;
    let pagedDocker: any = first.items.find(
      (o: any) => o.metadata.name === 'tinyland-docker',
    );
    for (let i = 0; token && i < 10; i++) {
      const page: any = await api.listClusterCustomObject({
        group,
        version,
        plural,
        limit: 2,
        _continue: token,
      });
      expect(page.metadata.resourceVersion).toBe(
        first.metadata.resourceVersion,
      );
      names.push(...page.items.map((o: any) => o.metadata.name));
      pagedDocker ??= page.items.find(
        (o: any) => o.metadata.name === 'tinyland-docker',
      );
      token = page.metadata.continue;
    }
    expect(names).toHaveLength(5);
    expect(pagedDocker?.status.currentRunners).toBe(2);
    sandbox.compactHistory();
    const gone = await apiError(
      api.listClusterCustomObject({
        group,
        version,
        plural,
        limit: 2,
        _continue: first.metadata.continue,
      }),
      410,
    );
    expect(gone).toMatchObject({
      kind: 'Status',
      code: 410,
      reason: 'Expired',
    });
    sandbox.patchScaleSet(ns, 'tinyland-docker', {
      status: { currentRunners: 2 },
    });
  });

  it('gets one scale set and answers 404 NotFound for a missing one', async () => {
    const obj: any = await api.getNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      name: 'tinyland-dind',
    });
    expect(obj.kind).toBe('AutoscalingRunnerSet');
    const status = await apiError(
      api.getNamespacedCustomObject({
        group,
        version,
        namespace: ns,
        plural,
        name: 'nope',
      }),
      404,
    );
    expect(status).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      code: 404,
    });
  });

  it('merge-patches min/max and annotations with a resourceVersion precondition (409 when stale)', async () => {
    const before: any = await api.getNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      name: 'tinyland-dind',
    });
    const patched: any = await api.patchNamespacedCustomObject(
      {
        group,
        version,
        namespace: ns,
        plural,
        name: 'tinyland-dind',
        body: {
          metadata: {
            resourceVersion: before.metadata.resourceVersion,
            annotations: {
              'gloriousflywheel.io/paused-from':
                '{"minRunners":0,"maxRunners":4}',
            },
          },
          spec: { minRunners: 0, maxRunners: 0 },
        },
      },
      mergePatch,
    );
    expect(patched.spec).toMatchObject({ minRunners: 0, maxRunners: 0 });
    expect(
      patched.metadata.annotations['gloriousflywheel.io/paused-from'],
    ).toBeDefined();
    expect(patched.metadata.generation).toBe(before.metadata.generation + 1);
    expect(Number(patched.metadata.resourceVersion)).toBeGreaterThan(
      Number(before.metadata.resourceVersion),
    );
    // same precondition again: the object has moved on
    const conflict = await apiError(
      api.patchNamespacedCustomObject(
        {
          group,
          version,
          namespace: ns,
          plural,
          name: 'tinyland-dind',
          body: {
            metadata: { resourceVersion: before.metadata.resourceVersion },
            spec: { maxRunners: 4 },
          },
        },
        mergePatch,
      ),
      409,
    );
    expect(conflict).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
    });
    // resume: null removes the annotation (RFC 7386)
    const resumed: any = await api.patchNamespacedCustomObject(
      {
        group,
        version,
        namespace: ns,
        plural,
        name: 'tinyland-dind',
        body: {
          metadata: {
            resourceVersion: patched.metadata.resourceVersion,
            annotations: { 'gloriousflywheel.io/paused-from': null },
          },
          spec: { maxRunners: 4 },
        },
      },
      mergePatch,
    );
    expect(resumed.spec.maxRunners).toBe(4);
    expect(
      resumed.metadata.annotations['gloriousflywheel.io/paused-from'],
    ).toBeUndefined();
  });

  it("rejects a merge patch sent with the client's default JSON-patch content type", async () => {
    // client-node 1.x sends application/json-patch+json unless told otherwise
    const status = await apiError(
      api.patchNamespacedCustomObject({
        group,
        version,
        namespace: ns,
        plural,
        name: 'tinyland-dind',
        body: { spec: { maxRunners: 5 } },
      }),
      400,
    );
    expect(status.reason).toBe('BadRequest');
    const ok: any = await api.patchNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      name: 'tinyland-dind',
      body: [
        { op: 'test', path: '/spec/maxRunners', value: 4 },
        { op: 'replace', path: '/spec/maxRunners', value: 5 },
      ],
    });
    expect(ok.spec.maxRunners).toBe(5);
    sandbox.patchScaleSet(ns, 'tinyland-dind', { spec: { maxRunners: 4 } });
  });

  it('answers 422 Invalid naming the field for objects the CRD schema or ARC rules reject', async () => {
    const typeErr = await apiError(
      api.patchNamespacedCustomObject(
        {
          group,
          version,
          namespace: ns,
          plural,
          name: 'tinyland-nix',
          body: { spec: { minRunners: 'x' } },
        },
        mergePatch,
      ),
      422,
    );
    expect(typeErr).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      code: 422,
    });
    expect(typeErr.details.causes.map((c: any) => c.field)).toContain(
      'spec.minRunners',
    );
    const minMax = await apiError(
      api.patchNamespacedCustomObject(
        {
          group,
          version,
          namespace: ns,
          plural,
          name: 'tinyland-nix',
          body: { spec: { minRunners: 5, maxRunners: 2 } },
        },
        mergePatch,
      ),
      422,
    );
    expect(minMax.details.causes[0].field).toBe('spec.maxRunners');
    const negative = await apiError(
      api.patchNamespacedCustomObject(
        {
          group,
          version,
          namespace: ns,
          plural,
          name: 'tinyland-nix',
          body: { spec: { maxRunners: -1 } },
        },
        mergePatch,
      ),
      422,
    );
    expect(negative.message).toContain('greater than or equal to 0');
    // nothing changed
    expect(sandbox.getScaleSet(ns, 'tinyland-nix')!.spec).toMatchObject({
      minRunners: 1,
      maxRunners: 8,
    });
  });

  it('creates (201), refuses a duplicate (409 AlreadyExists), replaces with PUT (409 when stale, 422 without resourceVersion), deletes', async () => {
    const body = {
      apiVersion: `${group}/${version}`,
      kind: 'AutoscalingRunnerSet',
      metadata: { name: 'created-by-test', namespace: ns },
      spec: {
        githubConfigUrl: 'https://github.com/tinyland-inc',
        githubConfigSecret: 's',
        minRunners: 0,
        maxRunners: 1,
        unknownField: true,
        template: { spec: { containers: [{ name: 'runner', image: 'x' }] } },
      },
      status: { currentRunners: 99 },
    };
    const created: any = await api.createNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      body,
    });
    expect(created.spec.unknownField).toBeUndefined(); // pruned like the API server does
    expect(created.status).toBeUndefined(); // status subresource: create ignores status
    const dup = await apiError(
      api.createNamespacedCustomObject({
        group,
        version,
        namespace: ns,
        plural,
        body,
      }),
      409,
    );
    expect(dup.reason).toBe('AlreadyExists');
    const invalid = await apiError(
      api.createNamespacedCustomObject({
        group,
        version,
        namespace: ns,
        plural,
        body: {
          ...body,
          metadata: { name: 'bad-one' },
          spec: { ...body.spec, template: { spec: {} } },
        },
      }),
      422,
    );
    expect(invalid.details.causes.map((c: any) => c.field)).toContain(
      'spec.template.spec.containers',
    );

    const replaced: any = await api.replaceNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      name: 'created-by-test',
      body: { ...created, spec: { ...created.spec, maxRunners: 3 } },
    });
    expect(replaced.spec.maxRunners).toBe(3);
    const stale = await apiError(
      api.replaceNamespacedCustomObject({
        group,
        version,
        namespace: ns,
        plural,
        name: 'created-by-test',
        body: created,
      }),
      409,
    );
    expect(stale.reason).toBe('Conflict');
    const noRv = await apiError(
      api.replaceNamespacedCustomObject({
        group,
        version,
        namespace: ns,
        plural,
        name: 'created-by-test',
        body: {
          ...created,
          metadata: { ...created.metadata, resourceVersion: undefined },
        },
      }),
      422,
    );
    expect(noRv.details.causes[0].field).toBe('metadata.resourceVersion');
    await api.deleteNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      name: 'created-by-test',
    });
    await apiError(
      api.getNamespacedCustomObject({
        group,
        version,
        namespace: ns,
        plural,
        name: 'created-by-test',
      }),
      404,
    );
  });

  it('changes status only through the /status subresource', async () => {
    const cur: any = await api.getNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      name: 'jess-tinyland-nix',
    });
    const ignored: any = await api.patchNamespacedCustomObject(
      {
        group,
        version,
        namespace: ns,
        plural,
        name: 'jess-tinyland-nix',
        body: { status: { currentRunners: 7 } },
      },
      mergePatch,
    );
    expect(ignored.status.currentRunners).toBe(0);
    expect(ignored.metadata.resourceVersion).toBe(cur.metadata.resourceVersion); // no-op write
    const updated: any = await api.patchNamespacedCustomObjectStatus(
      {
        group,
        version,
        namespace: ns,
        plural,
        name: 'jess-tinyland-nix',
        body: {
          status: { currentRunners: 1, pendingEphemeralRunners: 1 },
          spec: { maxRunners: 9 },
        },
      },
      mergePatch,
    );
    expect(updated.status.currentRunners).toBe(1);
    expect(updated.spec.maxRunners).toBe(2); // spec untouched via /status
    expect(updated.metadata.generation).toBe(cur.metadata.generation);
    sandbox.patchScaleSet(ns, 'jess-tinyland-nix', {
      status: { currentRunners: 0, pendingEphemeralRunners: 0 },
    });
  });

  it('requires a bearer token (401) and refuses writes with the read-only token (403)', async () => {
    const anon = new KubeConfig();
    anon.loadFromOptions({
      clusters: [{ name: 's', server: sandbox.url, skipTLSVerify: true }],
      users: [{ name: 'nobody' }],
      contexts: [{ name: 's', cluster: 's', user: 'nobody' }],
      currentContext: 's',
    });
    await apiError(
      anon
        .makeApiClient(CustomObjectsApi)
        .listClusterCustomObject({ group, version, plural }),
      401,
    );
    await apiError(
      kubeConfig(sandbox.url, 'wrong')
        .makeApiClient(CustomObjectsApi)
        .listClusterCustomObject({ group, version, plural }),
      401,
    );
    const viewer = kubeConfig(sandbox.url, sandbox.readOnlyToken).makeApiClient(
      CustomObjectsApi,
    );
    const list: any = await viewer.listClusterCustomObject({
      group,
      version,
      plural,
    });
    expect(list.items.length).toBe(5);
    const res = await fetch(
      `${sandbox.url}/apis/${group}/${version}/namespaces/${ns}/${plural}/tinyland-nix`,
      {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${sandbox.readOnlyToken}`,
          'content-type': PatchStrategy.MergePatch,
        },
        body: JSON.stringify({ spec: { maxRunners: 1 } }),
      },
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
    });
  });

  it('feeds an informer add/update/delete for admin changes, and relists after 410', async () => {
    const path = `/apis/${group}/${version}/${plural}`;
    const informer = makeInformer<KubernetesObject>(
      kc,
      path,
      () => api.listClusterCustomObject({ group, version, plural }) as any,
    );
    const seen: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', o => seen.push(`add:${o.metadata!.name}`));
    informer.on('update', o => seen.push(`update:${o.metadata!.name}`));
    informer.on('delete', o => seen.push(`delete:${o.metadata!.name}`));
    informer.on('error', e => errors.push(e));
    await informer.start();
    try {
      await eventually(() => expect(informer.list()).toHaveLength(5));
      sandbox.upsertScaleSet({
        cluster: 'honey',
        namespace: ns,
        name: 'tinyland-test',
        runnerScaleSetName: 'tinyland-test',
        githubConfigUrl: 'https://github.com/tinyland-inc',
        maxRunners: 2,
        status: {
          currentRunners: 1,
          pendingEphemeralRunners: 0,
          runningEphemeralRunners: 1,
          failedEphemeralRunners: 0,
        },
      });
      await eventually(() => expect(seen).toContain('add:tinyland-test'));
      sandbox.patchScaleSet(ns, 'tinyland-test', { spec: { maxRunners: 3 } });
      await eventually(() => expect(seen).toContain('update:tinyland-test'));
      expect(informer.get('tinyland-test', ns)).toMatchObject({
        spec: { maxRunners: 3 },
      });
      sandbox.deleteScaleSet(ns, 'tinyland-test');
      await eventually(() => expect(seen).toContain('delete:tinyland-test'));

      // 410: the watch is dropped, history compacted meanwhile; the informer relists
      const listsBefore = sandbox.requestCounts.list;
      sandbox.compactHistory();
      sandbox.faults.set({ expireNextWatches: 1 });
      sandbox.dropWatches();
      await eventually(() =>
        expect(sandbox.requestCounts.list).toBeGreaterThan(listsBefore),
      );
      await eventually(() => expect(sandbox.openWatches).toBe(1));
      sandbox.upsertScaleSet({
        cluster: 'honey',
        namespace: ns,
        name: 'after-relist',
        runnerScaleSetName: 'after-relist',
        githubConfigUrl: 'https://github.com/tinyland-inc',
        status: {
          currentRunners: 0,
          pendingEphemeralRunners: 0,
          runningEphemeralRunners: 0,
          failedEphemeralRunners: 0,
        },
      });
      await eventually(() => expect(seen).toContain('add:after-relist'));
      sandbox.deleteScaleSet(ns, 'after-relist');
      await eventually(() => expect(informer.list()).toHaveLength(5));
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });

  it('streams a watch from a resourceVersion with bookmarks, and ends it at timeoutSeconds', async () => {
    const list: any = await api.listNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
    });
    const events: { type: string; name?: string; rv?: string }[] = [];
    let doneAt = 0;
    const started = Date.now();
    const doneErr = await new Promise<unknown>(resolve => {
      void new Watch(kc).watch(
        `/apis/${group}/${version}/namespaces/${ns}/${plural}`,
        {
          resourceVersion: list.metadata.resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: 1,
        },
        (type, obj) => {
          events.push({
            type,
            name: obj?.metadata?.name,
            rv: obj?.metadata?.resourceVersion,
          });
          if (events.length === 1)
            sandbox.patchScaleSet(ns, 'tinyland-docker', {
              metadata: { labels: { touched: 'yes' } },
            });
        },
        err => {
          doneAt = Date.now();
          resolve(err);
        },
      );
      setTimeout(
        () =>
          sandbox.patchScaleSet(ns, 'tinyland-docker', {
            metadata: { labels: { touched: 'first' } },
          }),
        50,
      );
    });
    expect(doneErr).toBeNull();
    expect(doneAt - started).toBeLessThan(3000);
    expect(events.filter(e => e.type === 'MODIFIED').map(e => e.name)).toEqual([
      'tinyland-docker',
      'tinyland-docker',
    ]);
    expect(events.some(e => e.type === 'BOOKMARK')).toBe(true);
    const rvs = events.map(e => Number(e.rv));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs); // monotonic
    sandbox.patchScaleSet(ns, 'tinyland-docker', {
      metadata: { labels: { touched: null } },
    });
  });

  it('sends ERROR 410 Expired for a too-old resourceVersion and ends the watch', async () => {
    const list: any = await api.listClusterCustomObject({
      group,
      version,
      plural,
    });
    sandbox.patchScaleSet(ns, 'tinyland-docker', {
      status: { currentRunners: 3 },
    });
    sandbox.compactHistory();
    const events: any[] = [];
    const err = await new Promise<unknown>(resolve => {
      void new Watch(kc).watch(
        `/apis/${group}/${version}/${plural}`,
        { resourceVersion: list.metadata.resourceVersion },
        (type, obj) => events.push({ type, obj }),
        resolve,
      );
    });
    expect(err).toBeNull();
    expect(events).toEqual([
      {
        type: 'ERROR',
        obj: expect.objectContaining({
          kind: 'Status',
          code: 410,
          reason: 'Expired',
        }),
      },
    ]);
    sandbox.patchScaleSet(ns, 'tinyland-docker', {
      status: { currentRunners: 2 },
    });
  });

  it('injects faults: next N → 500, latency, API down (reset and refused) and back up', async () => {
    sandbox.faults.set({ failNextRequests: 2 });
    await apiError(
      api.listClusterCustomObject({ group, version, plural }),
      500,
    );
    await apiError(
      api.listClusterCustomObject({ group, version, plural }),
      500,
    );
    await api.listClusterCustomObject({ group, version, plural });

    sandbox.faults.set({ latencyMs: 150 });
    const t0 = Date.now();
    await api.getNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      name: 'tinyland-nix',
    });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    sandbox.faults.set({ latencyMs: 0 });

    await sandbox.down('reset');
    await expect(
      api.listClusterCustomObject({ group, version, plural }),
    ).rejects.toThrow();
    await sandbox.down('refuse');
    await expect(fetch(`${sandbox.url}/version`)).rejects.toThrow();
    await sandbox.up();
    const list: any = await api.listClusterCustomObject({
      group,
      version,
      plural,
    });
    expect(list.items).toHaveLength(5);
  });

  it('refuses every watch with 403 Forbidden under forbidWatch, as RBAC without the watch verb, while list still works', async () => {
    sandbox.resetRequestCounts();
    sandbox.faults.set({ forbidWatch: true });
    const list: any = await api.listNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
    });
    expect(list.items).toHaveLength(5);
    const res = await fetch(
      `${sandbox.url}/apis/${group}/${version}/namespaces/${ns}/${plural}?watch=true&resourceVersion=${list.metadata.resourceVersion}`,
      { headers: { authorization: `Bearer ${sandbox.readOnlyToken}` } },
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `${plural}.${group} is forbidden: User "system:serviceaccount:fleet-sandbox:viewer" cannot watch resource "${plural}" in API group "${group}" in the namespace "${ns}"`,
      reason: 'Forbidden',
      details: { group, kind: plural },
      code: 403,
    });
    // client-node's Watch reports it through done() with the status code
    const done = await new Promise<any>(resolve => {
      void new Watch(kc).watch(
        `/apis/${group}/${version}/${plural}`,
        {},
        () => {},
        resolve,
      );
    });
    expect(done.statusCode).toBe(403);
    expect(sandbox.openWatches).toBe(0);
    expect(sandbox.requestCounts).toMatchObject({ list: 1, watch: 2 });

    const bad = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'PUT',
      body: JSON.stringify({ forbidWatch: 'yes' }),
    });
    expect(bad.status).toBe(400);
    const off = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'PUT',
      body: JSON.stringify({ forbidWatch: false }),
    });
    expect((await off.json()).forbidWatch).toBe(false);
    const ok = await fetch(
      `${sandbox.url}/apis/${group}/${version}/${plural}?watch=true&timeoutSeconds=0`,
      { headers: { authorization: `Bearer ${sandbox.token}` } },
    );
    expect(ok.status).toBe(200);
    await ok.text();
  });

  it('serves token-free loopback admin endpoints and counts requests by kind', async () => {
    sandbox.resetRequestCounts();
    const put = await fetch(
      `${sandbox.url}/_sandbox/scale-sets/${ns}/admin-made`,
      {
        method: 'PUT',
        body: JSON.stringify({
          maxRunners: 3,
          runnerScaleSetLabels: ['tinyland-nix'],
          status: { currentRunners: 2, runningEphemeralRunners: 2 },
        }),
      },
    );
    expect(put.status).toBe(200);
    expect(
      sandbox
        .listEphemeralRunners(ns)
        .filter(
          r =>
            r.metadata.labels?.['actions.github.com/scale-set-name'] ===
            'admin-made',
        ),
    ).toHaveLength(2);
    const bad = await fetch(
      `${sandbox.url}/_sandbox/scale-sets/${ns}/admin-made`,
      { method: 'PATCH', body: JSON.stringify({ spec: { minRunners: 'x' } }) },
    );
    expect(bad.status).toBe(422);
    await api.getNamespacedCustomObject({
      group,
      version,
      namespace: ns,
      plural,
      name: 'admin-made',
    });
    await api.listClusterCustomObject({ group, version, plural });
    const counts = await (
      await fetch(`${sandbox.url}/_sandbox/requests`)
    ).json();
    expect(counts).toMatchObject({ get: 1, list: 1, total: 2 });
    const faults = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ failNextRequests: 1 }),
    });
    expect((await faults.json()).failNextRequests).toBe(1);
    await apiError(
      api.listClusterCustomObject({ group, version, plural }),
      500,
    );
    const del = await fetch(
      `${sandbox.url}/_sandbox/scale-sets/${ns}/admin-made`,
      { method: 'DELETE' },
    );
    expect(del.status).toBe(200);
    // the garbage collector took its runners too
    expect(
      sandbox
        .listEphemeralRunners(ns)
        .filter(
          r =>
            r.metadata.labels?.['actions.github.com/scale-set-name'] ===
            'admin-made',
        ),
    ).toHaveLength(0);
  });
});

describe('Kubernetes sandbox lifecycle', () => {
  it('validates 500 generated bench scale sets at start and pages through them', async () => {
    const sandbox = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed({ extraScaleSets: 500 }),
    });
    try {
      const api = kubeConfig(sandbox.url, sandbox.token).makeApiClient(
        CustomObjectsApi,
      );
      let count = 0;
      let token: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page: any = await api.listClusterCustomObject({
          group,
          version,
          plural,
          limit: 100,
          _continue: token,
        });
        count += page.items.length;
        token = page.metadata.continue;
        if (!token) break;
      }
      expect(count).toBe(505);
    } finally {
      await sandbox.close();
    }
  });

  it('refuses to start with a seed that is not the real shape', async () => {
    const seed = createFleetSeed();
    seed.scaleSets[0] = { ...seed.scaleSets[0], minRunners: 5, maxRunners: 2 };
    await expect(
      startKubernetesSandbox({ host: '127.0.0.1', port: 0, seed }),
    ).rejects.toThrow(
      /AutoscalingRunnerSet.actions.github.com "tinyland-nix" is invalid: spec.maxRunners/,
    );
  });

  it('translates label-selector watches: leaving the selector is DELETED, entering is ADDED', async () => {
    const sandbox = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed(),
    });
    try {
      const kc = kubeConfig(sandbox.url, sandbox.token);
      const events: string[] = [];
      const watch = await new Watch(kc).watch(
        `/apis/${group}/${version}/namespaces/${ns}/${plural}`,
        {
          labelSelector: 'tier=gold',
          resourceVersion: sandbox.resourceVersion,
        },
        (type, obj) => events.push(`${type}:${obj.metadata.name}`),
        () => {},
      );
      sandbox.patchScaleSet(ns, 'tinyland-nix', {
        metadata: { labels: { tier: 'gold' } },
      });
      sandbox.patchScaleSet(ns, 'tinyland-nix', { spec: { maxRunners: 9 } });
      sandbox.patchScaleSet(ns, 'tinyland-nix', {
        metadata: { labels: { tier: 'silver' } },
      });
      sandbox.patchScaleSet(ns, 'tinyland-dind', { spec: { maxRunners: 3 } });
      await eventually(() =>
        expect(events).toEqual([
          'ADDED:tinyland-nix',
          'MODIFIED:tinyland-nix',
          'DELETED:tinyland-nix',
        ]),
      );
      watch.abort();
    } finally {
      await sandbox.close();
    }
  });

  it('close() ends open watches promptly', async () => {
    const sandbox = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed(),
    });
    const kc = kubeConfig(sandbox.url, sandbox.token);
    const ended = new Promise<unknown>(resolve => {
      void new Watch(kc).watch(
        `/apis/${group}/${version}/${plural}`,
        {},
        () => {},
        resolve,
      );
    });
    await eventually(() => expect(sandbox.openWatches).toBe(1));
    const t0 = Date.now();
    await sandbox.close();
    await ended;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(sandbox.openWatches).toBe(0);
  });
});
