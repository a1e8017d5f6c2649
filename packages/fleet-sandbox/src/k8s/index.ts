import type { IncomingMessage, ServerResponse } from 'node:http';
import { FleetSeed, SeedScaleSet } from '../seed/fleetSeed';
import { adminPathParts, isLoopback, listen, sendJson as json } from '../http';
import { loadResourceDefinitions } from './crds';
import { coreResourceDefinitions } from './core';
import { FleetObjects } from './fleet';
import { reapplyPatch } from './gitops';
import type { ListenerState } from './listeners';
import type { FleetScaleSetView, RunnerFleet } from '../jobs/simulator';
import {
  ApiContext,
  emptyCounts,
  K8sFaults,
  KubernetesApi,
  noFaults,
  RequestCounts,
  sendStatus,
} from './server';
import { ApiError, errors } from './status';
import { createSandboxCa, writeCaFile } from './tls';
import { ClusterStore, K8sObject } from './store';

// K8s-prefixed names: src/index.ts re-exports every part of the sandbox with `export *`
export type {
  K8sFaults,
  RequestCounts as K8sRequestCounts,
  RequestKind as K8sRequestKind,
} from './server';
export type { K8sObject } from './store';
export { ApiError as K8sApiError } from './status';
export type { K8sStatus, StatusCause as K8sStatusCause } from './status';
export type { ListenerState as K8sListenerState } from './listeners';
export {
  LISTENER_NAMESPACE as K8S_LISTENER_NAMESPACE,
  LISTENER_COMPONENT as K8S_LISTENER_COMPONENT,
} from './listeners';
export {
  LABEL_SCALE_SET_NAME,
  LABEL_SCALE_SET_NAMESPACE,
  ANNOTATION_SCALE_SET_ID,
} from './seedObjects';

export interface KubernetesSandboxOptions {
  host: string;
  /** 0 = a random free port */
  port: number;
  seed: FleetSeed;
  /** serve only the seed's scale sets of this cluster (default: all of them) */
  cluster?: string;
  /** read-write bearer token (default `sandbox-k8s-token`) */
  token?: string;
  /** read-only bearer token: get/list/watch only, writes → 403 (default `sandbox-k8s-readonly-token`) */
  readOnlyToken?: string;
  /** events kept for watches / continue tokens before older versions answer 410 (default 1000) */
  historyLimit?: number;
  /** server-side watch timeout when the client sends none, seconds (default 1800, ×1–2 like kube-apiserver) */
  watchTimeoutSeconds?: number;
  /** bookmark interval for watches with allowWatchBookmarks=true, ms (default 60000) */
  bookmarkIntervalMs?: number;
  /**
   * Serve the API over HTTPS with a CA generated at start, like a real API server (default false
   * here; the fleet sandbox and the CLI turn it on). Plain HTTP on the same port then reaches only
   * the loopback admin API (`adminUrl`); API requests get Go's "Client sent an HTTP request to an
   * HTTPS server."
   */
  tls?: boolean;
  /** with tls: also write the CA certificate (PEM) to this file */
  caFile?: string;
}

/** How the API goes down: `refuse` stops listening (ECONNREFUSED), `reset` destroys each socket. */
export type K8sDownMode = 'refuse' | 'reset';

/** The Kubernetes API stand-in: the ARC CRDs (actions.github.com/v1alpha1), strictly. */
export interface KubernetesSandbox {
  /** the API server URL (https:// with tls) */
  url: string;
  /** base URL of the admin API (`${adminUrl}/_sandbox/...`): plain HTTP on the same port */
  adminUrl: string;
  /** with tls: PEM of the CA certificate to trust (a cluster's `caData`) */
  caData?: string;
  /** with tls and `caFile`: where the CA certificate was written */
  caFile?: string;
  /** read-write bearer token the API accepts */
  token: string;
  /** read-only bearer token (writes → 403 Forbidden) */
  readOnlyToken: string;
  /** Stops the server and ends every open watch; safe to call twice. */
  close(): Promise<void>;

  /** Creates or replaces a scale set (with its EphemeralRunnerSet and runners per status counts). */
  upsertScaleSet(scaleSet: SeedScaleSet): K8sObject;
  /** RFC 7386 merge patch of a scale set as admin (status included); validated. */
  patchScaleSet(namespace: string, name: string, patch: unknown): K8sObject;
  /**
   * Plays a GitOps controller (or `tofu apply` of the Helm release) syncing the scale set: its
   * seeded (or last admin-PUT) minRunners/maxRunners are written back over live changes.
   */
  reapplyScaleSet(namespace: string, name: string): K8sObject;
  /** Deletes a scale set (its runners go with it); false if there was none. */
  deleteScaleSet(namespace: string, name: string): boolean;
  getScaleSet(namespace: string, name: string): K8sObject | undefined;
  listScaleSets(): K8sObject[];
  listEphemeralRunners(namespace?: string): K8sObject[];
  /** core Pods (listener pods), optionally of one namespace */
  listPods(namespace?: string): K8sObject[];
  listNamespaces(): K8sObject[];

  /** A scale set's AutoscalingListener, its pod and the state the sandbox keeps it in. */
  getListener(
    namespace: string,
    scaleSet: string,
  ): { listener?: K8sObject; pod?: K8sObject; state: ListenerState };
  /** Stops a scale set's listener: its pod not ready (crash-looping, default) or gone. */
  stopListener(
    namespace: string,
    scaleSet: string,
    mode?: 'not-ready' | 'gone',
  ): void;
  /** Starts it again (pod Running and Ready). */
  startListener(namespace: string, scaleSet: string): void;
  /**
   * Makes the scale set's new runners fail to start (EphemeralRunner phase Failed with this
   * message); null lets them start again.
   */
  failRunners(
    namespace: string,
    scaleSet: string,
    message: string | null,
  ): void;
  /** ARC's side for the job simulator (the GitHub sandbox's `jobs.fleet`). */
  readonly runnerFleet: RunnerFleet;

  faults: {
    get(): K8sFaults;
    /** merges into the current faults */
    set(faults: Partial<K8sFaults>): void;
    /** clears all faults (and brings the API up again) */
    clear(): Promise<void>;
  };
  /** Ends every open watch: cleanly (end of stream) or abruptly (socket destroyed). */
  dropWatches(opts?: { abrupt?: boolean }): number;
  /** Takes the API down; `forMs` brings it up again by itself. */
  down(mode?: K8sDownMode, forMs?: number): Promise<void>;
  up(): Promise<void>;
  /** Forgets the watch history: every older resourceVersion now answers 410 Expired. */
  compactHistory(): void;
  readonly resourceVersion: string;
  readonly openWatches: number;
  /** Requests by kind since start / last reset (admin requests not counted). */
  readonly requestCounts: RequestCounts;
  resetRequestCounts(): void;
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 10 * 1024 * 1024) throw errors.badRequest('body too large');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`invalid JSON: ${(e as Error).message}`);
  }
}

export async function startKubernetesSandbox(
  options: KubernetesSandboxOptions,
): Promise<KubernetesSandbox> {
  const token = options.token ?? 'sandbox-k8s-token';
  const readOnlyToken = options.readOnlyToken ?? 'sandbox-k8s-readonly-token';
  const store = new ClusterStore(
    [...loadResourceDefinitions(), ...coreResourceDefinitions()],
    options.historyLimit ?? 1000,
  );
  const fleet = new FleetObjects(store);
  const runnerFailures = new Map<string, string>();

  // Seed: every object passes the CRD schema, so the seed is proven to be the real shape.
  for (const ns of ['default', 'kube-system']) store.ensureNamespace(ns);
  for (const c of options.seed.clusters) {
    if (!options.cluster || c.name === options.cluster)
      c.namespaces.forEach(n => store.ensureNamespace(n));
  }
  // what a GitOps controller would re-apply, per scale set (`namespace/name`)
  const desired = new Map<string, SeedScaleSet>();
  for (const s of options.seed.scaleSets) {
    if (!options.cluster || s.cluster === options.cluster) {
      fleet.upsertScaleSet(s);
      desired.set(`${s.namespace}/${s.name}`, s);
    }
  }
  store.compact(); // a fresh cluster: history starts now
  // ARC's listener controller follows the scale set (e.g. maxRunners 0 when paused through the API)
  store.subscribe(e => {
    if (e.def.plural === 'autoscalingrunnersets' && e.type === 'MODIFIED')
      fleet.syncListener(e.object);
  });

  let faults = noFaults();
  let counts = emptyCounts();
  let downMode: K8sDownMode | undefined;
  let upTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const sleeping = new Map<() => void, NodeJS.Timeout>();
  let serverAddress = '';

  const ctx: ApiContext = {
    store,
    tokens: new Map([
      [
        token,
        {
          user: 'system:serviceaccount:fleet-sandbox:gloriousflywheel',
          access: 'read-write' as const,
        },
      ],
      [
        readOnlyToken,
        {
          user: 'system:serviceaccount:fleet-sandbox:viewer',
          access: 'read-only' as const,
        },
      ],
    ]),
    get faults() {
      return faults;
    },
    get counts() {
      return counts;
    },
    watchTimeoutSeconds: options.watchTimeoutSeconds ?? 1800,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    serverAddress: () => serverAddress,
    sleep: ms =>
      new Promise<void>(resolve => {
        const wake = () => {
          sleeping.delete(wake);
          resolve();
        };
        sleeping.set(wake, setTimeout(wake, ms));
      }),
  };
  const api = new KubernetesApi(ctx);

  const dropWatches = (abrupt = false) => {
    const open = [...api.watches];
    open.forEach(w => (abrupt ? w.destroy() : w.end()));
    return open.length;
  };

  // assigned once the server listens; the admin routes below call into it
  // eslint-disable-next-line prefer-const
  let sandbox: KubernetesSandbox;

  const mustScaleSet = (ns: string, name: string) => {
    const ars = store.get('autoscalingrunnersets', ns, name);
    if (!ars)
      throw errors.notFound({
        group: 'actions.github.com',
        plural: 'autoscalingrunnersets',
        kind: 'AutoscalingRunnerSet',
        name,
      });
    return ars;
  };

  const admin = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (!isLoopback(req.socket.remoteAddress)) {
      json(res, 403, { error: 'the sandbox admin API is loopback only' });
      return;
    }
    const parts = adminPathParts(url, 1);
    const m = req.method ?? 'GET';
    const route = `${m} ${parts[0] ?? ''}`;
    if (
      parts[0] === 'scale-sets' &&
      parts.length === 4 &&
      parts[3] === 'reapply' &&
      m === 'POST'
    ) {
      json(res, 200, sandbox.reapplyScaleSet(parts[1], parts[2]));
      return;
    }
    if (parts[0] === 'scale-sets' && parts.length >= 4) {
      const [, ns, name, sub, action] = parts;
      if (sub === 'listener' && m === 'GET' && !action) {
        json(res, 200, sandbox.getListener(ns, name));
        return;
      }
      if (sub === 'listener' && m === 'POST' && action === 'stop') {
        const body = await readJson(req);
        if (
          body.mode !== undefined &&
          body.mode !== 'not-ready' &&
          body.mode !== 'gone'
        )
          throw errors.badRequest('mode must be "not-ready" or "gone"');
        sandbox.stopListener(ns, name, body.mode);
        json(res, 200, sandbox.getListener(ns, name));
        return;
      }
      if (sub === 'listener' && m === 'POST' && action === 'start') {
        sandbox.startListener(ns, name);
        json(res, 200, sandbox.getListener(ns, name));
        return;
      }
      if (
        sub === 'runner-failure' &&
        !action &&
        (m === 'PUT' || m === 'DELETE')
      ) {
        const body = m === 'PUT' ? await readJson(req) : {};
        if (m === 'PUT' && (typeof body.message !== 'string' || !body.message))
          throw errors.badRequest(
            'message (the EphemeralRunner status message) is required',
          );
        sandbox.failRunners(ns, name, m === 'PUT' ? body.message : null);
        json(res, 200, {
          failing: runnerFailures.get(`${ns}/${name}`) ?? null,
        });
        return;
      }
      json(res, 404, { error: `no admin endpoint ${m} ${url.pathname}` });
      return;
    }
    if (parts[0] === 'scale-sets' && parts.length === 3) {
      const [, ns, name] = parts;
      if (m === 'GET') {
        json(res, 200, mustScaleSet(ns, name));
      } else if (m === 'PUT') {
        const body = await readJson(req);
        const seed: SeedScaleSet = {
          cluster: options.cluster ?? 'sandbox',
          runnerScaleSetName: name,
          githubConfigUrl: `https://github.com/${options.seed.org}`,
          runnerGroup: 'default',
          ...body,
          namespace: ns,
          name,
          status: {
            currentRunners: 0,
            pendingEphemeralRunners: 0,
            runningEphemeralRunners: 0,
            failedEphemeralRunners: 0,
            ...body.status,
          },
        };
        json(res, 200, sandbox.upsertScaleSet(seed));
      } else if (m === 'PATCH') {
        json(res, 200, sandbox.patchScaleSet(ns, name, await readJson(req)));
      } else if (m === 'DELETE') {
        json(res, sandbox.deleteScaleSet(ns, name) ? 200 : 404, {
          deleted: `${ns}/${name}`,
        });
      } else json(res, 405, { error: 'method not allowed' });
      return;
    }
    switch (route) {
      case 'GET scale-sets':
        json(res, 200, { items: sandbox.listScaleSets() });
        return;
      case 'GET faults':
        json(res, 200, faults);
        return;
      case 'PUT faults':
      case 'POST faults':
        sandbox.faults.set(await readJson(req));
        json(res, 200, faults);
        return;
      case 'DELETE faults':
        await sandbox.faults.clear();
        json(res, 200, faults);
        return;
      case 'POST watches':
        if (parts[1] === 'drop') {
          const body = await readJson(req);
          json(res, 200, { dropped: dropWatches(Boolean(body.abrupt)) });
          return;
        }
        break;
      case 'POST history':
        if (parts[1] === 'compact') {
          store.compact();
          json(res, 200, {
            compactedResourceVersion: String(store.compactedResourceVersion),
          });
          return;
        }
        break;
      case 'GET requests':
        json(res, 200, counts);
        return;
      case 'DELETE requests':
        counts = emptyCounts();
        json(res, 200, counts);
        return;
      case 'POST down': {
        const body = await readJson(req);
        const mode: K8sDownMode = body.mode === 'refuse' ? 'refuse' : 'reset';
        const forMs = body.forMs === undefined ? undefined : Number(body.forMs);
        if (mode === 'refuse' && !(forMs! > 0)) {
          // once the port is closed this endpoint is unreachable too
          throw errors.badRequest('mode "refuse" over HTTP needs forMs (> 0)');
        }
        json(res, 200, { down: mode, forMs });
        await sandbox.down(mode, forMs);
        return;
      }
      case 'POST up':
        await sandbox.up();
        json(res, 200, { down: false });
        return;
      case 'GET state':
        json(res, 200, {
          resourceVersion: String(store.resourceVersion),
          compactedResourceVersion: String(store.compactedResourceVersion),
          historySize: store.historySize,
          openWatches: api.watches.size,
          down: downMode ?? false,
          faults,
        });
        return;
      default:
    }
    json(res, 404, { error: `no admin endpoint ${m} ${url.pathname}` });
  };

  const handleAdmin = (req: IncomingMessage, res: ServerResponse, url: URL) =>
    admin(req, res, url).catch(e => {
      if (e instanceof ApiError) sendStatus(res, e.status);
      else json(res, 500, { error: String((e as Error)?.message ?? e) });
    });
  const ca = options.tls ? createSandboxCa(options.host) : undefined;
  if (ca && options.caFile) writeCaFile(ca, options.caFile);
  const server = await listen(
    (req, res) => {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      if (url.pathname.startsWith('/_sandbox/')) {
        void handleAdmin(req, res, url);
        return;
      }
      if (downMode === 'reset') {
        req.socket.destroy();
        return;
      }
      void api.handle(req, res, url);
    },
    options.host,
    options.port,
    ca && {
      key: ca.key,
      cert: ca.cert,
      plainHandler: (req, res) => {
        const url = new URL(req.url ?? '/', 'http://sandbox');
        if (url.pathname.startsWith('/_sandbox/')) {
          void handleAdmin(req, res, url);
          return;
        }
        // what Go's net/http answers plain HTTP on a TLS port (kube-apiserver included)
        res.writeHead(400, {
          'content-type': 'text/plain; charset=utf-8',
          connection: 'close',
        });
        res.end('Client sent an HTTP request to an HTTPS server.\n');
      },
    },
  );
  serverAddress = `${options.host}:${server.port}`;

  const listenAgain = () => server.listenAgain();

  const scaleSetOfRunner = (runner: K8sObject) => {
    const name = runner.metadata.labels?.['actions.github.com/scale-set-name'];
    return name
      ? store.get('autoscalingrunnersets', runner.metadata.namespace, name)
      : undefined;
  };
  const runnerFleet: RunnerFleet = {
    scaleSets: () =>
      store.list('autoscalingrunnersets').map(
        (ars): FleetScaleSetView => ({
          namespace: ars.metadata.namespace!,
          name: ars.metadata.name,
          runnerScaleSetName: ars.spec.runnerScaleSetName ?? ars.metadata.name,
          runnerScaleSetLabels: ars.spec.runnerScaleSetLabels ?? [],
          runnerGroup: ars.spec.runnerGroup ?? 'default',
          githubConfigUrl: ars.spec.githubConfigUrl,
          maxRunners: ars.spec.maxRunners,
          activeRunners: fleet
            .runnersOf(ars)
            .filter(r => r.status?.phase !== 'Failed').length,
          listenerReady: fleet.listenerReady(ars),
        }),
      ),
    startRunner: (ns, name) => {
      const ars = mustScaleSet(ns, name);
      const failure = runnerFailures.get(`${ns}/${name}`);
      if (failure) {
        fleet.addRunner(ars, {
          phase: 'Failed',
          ready: false,
          reason: 'TooManyPodFailures',
          message: failure,
          failures: {
            [`failure-${Date.now()}`]: new Date()
              .toISOString()
              .replace(/\.\d{3}Z$/, 'Z'),
          },
        });
        return { failed: failure };
      }
      const runner = fleet.addRunner(ars, { phase: 'Pending', ready: false });
      return {
        runnerName: runner.metadata.name,
        runnerId: runner.status.runnerId,
      };
    },
    adoptRunner: (ns, name, job) => {
      const ars = mustScaleSet(ns, name);
      const free = fleet
        .runnersOf(ars)
        .find(r => r.status?.phase === 'Running' && !r.status?.jobId);
      if (!free) return undefined;
      runnerFleet.runnerRunning(ns, free.metadata.name, job);
      return { runnerName: free.metadata.name, runnerId: free.status.runnerId };
    },
    runnerRunning: (ns, runnerName, job) => {
      const runner = store.get('ephemeralrunners', ns, runnerName);
      const ars = runner && scaleSetOfRunner(runner);
      if (!runner || !ars) return;
      fleet.setRunnerStatus(ars, runnerName, {
        ...runner.status,
        phase: 'Running',
        ready: true,
        jobRepositoryName: job.repository,
        jobWorkflowRef: job.workflowRef,
        jobDisplayName: job.jobName,
        workflowRunId: job.runId,
        jobId: String(job.jobId),
      });
    },
    finishRunner: (ns, runnerName) => {
      const runner = store.get('ephemeralrunners', ns, runnerName);
      const ars = runner && scaleSetOfRunner(runner);
      if (ars) fleet.removeRunner(ars, runnerName);
    },
  };

  sandbox = {
    url: server.url,
    adminUrl: server.url.replace(/^https:/, 'http:'),
    caData: ca?.cert,
    caFile: ca && options.caFile,
    token,
    readOnlyToken,
    async close() {
      closed = true;
      clearTimeout(upTimer);
      for (const [wake, timer] of sleeping) {
        clearTimeout(timer);
        wake();
      }
      dropWatches();
      await server.close();
    },
    upsertScaleSet: s => {
      desired.set(`${s.namespace}/${s.name}`, s);
      return structuredClone(fleet.upsertScaleSet(s));
    },
    reapplyScaleSet: (ns, name) => {
      const seed = desired.get(`${ns}/${name}`);
      if (!seed)
        throw errors.badRequest(
          `scale set ${ns}/${name} has no desired state (not seeded or PUT through the admin API)`,
        );
      return sandbox.patchScaleSet(ns, name, reapplyPatch(seed));
    },
    patchScaleSet: (ns, name, patch) => {
      if (!store.get('autoscalingrunnersets', ns, name)) {
        throw errors.notFound({
          group: 'actions.github.com',
          plural: 'autoscalingrunnersets',
          kind: 'AutoscalingRunnerSet',
          name,
        });
      }
      return structuredClone(fleet.patchScaleSet(ns, name, patch));
    },
    deleteScaleSet: (ns, name) => fleet.deleteScaleSet(ns, name),
    getScaleSet: (ns, name) => {
      const o = store.get('autoscalingrunnersets', ns, name);
      return o && structuredClone(o);
    },
    listScaleSets: () => structuredClone(store.list('autoscalingrunnersets')),
    listPods: ns =>
      structuredClone(
        store.list('pods').filter(o => !ns || o.metadata.namespace === ns),
      ),
    listNamespaces: () => structuredClone(store.list('namespaces')),
    getListener: (ns, name) => {
      const ars = mustScaleSet(ns, name);
      const listener = fleet.listenerOf(ars);
      const pod =
        listener &&
        store.get('pods', listener.metadata.namespace, listener.metadata.name);
      return {
        listener: listener && structuredClone(listener),
        pod: pod && structuredClone(pod),
        state: fleet.listenerState(ars),
      };
    },
    stopListener: (ns, name, mode = 'not-ready') =>
      fleet.setListenerState(mustScaleSet(ns, name), mode),
    startListener: (ns, name) =>
      fleet.setListenerState(mustScaleSet(ns, name), 'ready'),
    failRunners: (ns, name, message) => {
      mustScaleSet(ns, name);
      if (message) runnerFailures.set(`${ns}/${name}`, message);
      else runnerFailures.delete(`${ns}/${name}`);
    },
    runnerFleet,
    listEphemeralRunners: ns =>
      structuredClone(
        store
          .list('ephemeralrunners')
          .filter(o => !ns || o.metadata.namespace === ns),
      ),
    faults: {
      get: () => ({ ...faults }),
      set(f) {
        const next = { ...faults };
        const defaults = noFaults();
        for (const k of Object.keys(defaults) as (keyof K8sFaults)[]) {
          if (f[k] === undefined) continue;
          if (typeof defaults[k] === 'boolean') {
            if (typeof f[k] !== 'boolean')
              throw errors.badRequest(
                `invalid fault ${k}: ${f[k]} (true or false)`,
              );
            (next as Record<keyof K8sFaults, unknown>)[k] = f[k];
            continue;
          }
          const v = Number(f[k]);
          if (!Number.isFinite(v) || v < 0)
            throw errors.badRequest(`invalid fault ${k}: ${f[k]}`);
          (next as Record<keyof K8sFaults, unknown>)[k] = v;
        }
        faults = next;
      },
      async clear() {
        faults = noFaults();
        await sandbox.up();
      },
    },
    dropWatches: opts => dropWatches(opts?.abrupt),
    async down(mode = 'reset', forMs) {
      if (closed) return;
      clearTimeout(upTimer);
      if (forMs !== undefined)
        upTimer = setTimeout(() => void sandbox.up(), Math.min(forMs, 600_000));
      if (downMode === mode) return;
      const wasRefusing = downMode === 'refuse';
      downMode = mode;
      dropWatches(true);
      if (mode === 'refuse') {
        await server.stopListening();
      } else if (wasRefusing) {
        await listenAgain();
      }
    },
    async up() {
      clearTimeout(upTimer);
      if (closed || !downMode) return;
      const wasRefusing = downMode === 'refuse';
      downMode = undefined;
      if (wasRefusing) await listenAgain();
    },
    compactHistory: () => store.compact(),
    get resourceVersion() {
      return String(store.resourceVersion);
    },
    get openWatches() {
      return api.watches.size;
    },
    get requestCounts() {
      return { ...counts };
    },
    resetRequestCounts() {
      counts = emptyCounts();
    },
  };
  return sandbox;
}
