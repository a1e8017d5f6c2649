import express from 'express';
import type { AddressInfo } from 'node:net';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import {
  createFleetSeed,
  KubernetesSandbox,
  startKubernetesSandbox,
} from '@internal/fleet-sandbox';
import {
  DEFAULT_RUNNER_CLASSES,
  AutoscalingRunnerSetObject,
  toScaleSet,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { FleetService } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { createRouter } from '../plugins/gloriousflywheel-backend/src/service/router';
import { SourceStatusBoard } from '../plugins/gloriousflywheel-backend/src/service/sourceStatus';
import { FleetEntityProvider } from '../plugins/catalog-backend-module-gloriousflywheel/src/FleetEntityProvider';
import { ms, percentile, printTable, silentLogger, Target } from './report';

export const CLUSTERS = 50;
export const SCALE_SETS = 100; // per cluster: the seed's 5 and 95 generated
export const RUNNERS = 4; // EphemeralRunners per scale set
const LATENCY_MS = 20; // added by the sandbox to every Kubernetes request
const READS = 60; // fan-out reads: each takes hundreds of ms
/** The Runner classes page's scale-set table page size (ScaleSetTable). */
const RUNNER_CLASSES_PAGE_SIZE = 20;
const CACHE_READS = 210; // reads from the cache are cheap: more of them steady the p95
const WARM_UP = 20;
const CHANGES = 20;
const SYNC_TIMEOUT_MS = 180_000;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function timeReads(
  read: () => Promise<unknown>,
  n: number,
): Promise<number[]> {
  // each path starts from a collected heap, not from the garbage of the one before; the first
  // read after a collection also pays its lazy sweeping, so it is not timed
  (global as { gc?: () => void }).gc?.();
  await read();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await read();
    out.push(performance.now() - t);
  }
  return out;
}

/**
 * The 50 clusters, each a sandbox with 100 scale sets of 4 runners, started into `sandboxes` (the
 * caller closes them); returns the backend's cluster config for them.
 */
export async function startFleetSandboxes(
  sandboxes: KubernetesSandbox[],
  latencyMs: number,
) {
  const seed = createFleetSeed({ extraScaleSets: SCALE_SETS - 5 });
  for (const s of seed.scaleSets) {
    s.status = {
      ...s.status,
      currentRunners: RUNNERS,
      runningEphemeralRunners: RUNNERS - 1,
      pendingEphemeralRunners: 1,
      failedEphemeralRunners: 0,
    };
  }
  for (let i = 0; i < CLUSTERS; i++) {
    const k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      seed,
      historyLimit: 2000,
    });
    if (latencyMs) k8s.faults.set({ latencyMs });
    sandboxes.push(k8s);
  }
  return sandboxes.map((k8s, i) => ({
    name: `c${String(i).padStart(2, '0')}`,
    authProvider: 'serviceAccount' as const,
    url: k8s.url,
    serviceAccountToken: k8s.token,
    skipTLSVerify: true,
  }));
}

/**
 * The fleet at the platform team's target size: 50 clusters × 100 scale sets × 4 runners, each
 * cluster a sandbox adding 20 ms to every request (a network hop to a real API server). Compares
 * the API read from the informer caches with what a per-request fan-out to every cluster costs,
 * and measures change-to-visible, the catalog mutations and the memory the informers take.
 */
export async function benchFleetScale(): Promise<Target[]> {
  const sandboxes: KubernetesSandbox[] = [];
  const classes = DEFAULT_RUNNER_CLASSES.map(c => ({ ...c }));
  let fleet: FleetService | undefined;
  let server: ReturnType<ReturnType<typeof express>['listen']> | undefined;
  try {
    const clusters = await startFleetSandboxes(sandboxes, LATENCY_MS);

    // What the backend holds for the fleet: measured from here, with the sandboxes already up.
    (global as { gc?: () => void }).gc?.();
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = process.memoryUsage().heapUsed;
    fleet = new FleetService({
      clusters,
      runnerClasses: classes,
      logger: silentLogger,
      debounceMs: 50,
    });
    const syncStarted = performance.now();
    fleet.start();
    const app = express();
    app.use(
      '/api/gloriousflywheel',
      await createRouter({
        version: 'bench',
        sources: new SourceStatusBoard([]),
        fleet,
      }),
    );
    server = app.listen(0, '127.0.0.1');
    await new Promise(r => server!.once('listening', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const base = `${origin}/api/gloriousflywheel`;

    const total = CLUSTERS * SCALE_SETS;
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    while (
      fleet.clusters().some(c => c.state !== 'synced') ||
      fleet.scaleSets().length < total
    ) {
      if (Date.now() > deadline)
        throw new Error(
          `fleet did not sync within ${SYNC_TIMEOUT_MS / 1000} s`,
        );
      await new Promise(r => setTimeout(r, 100));
    }
    const syncMs = performance.now() - syncStarted;

    // The catalog provider on the synced fleet: one full mutation, then only deltas.
    const mutations: { type: string; entities: number }[] = [];
    const connection: EntityProviderConnection = {
      async applyMutation(m) {
        mutations.push({
          type: m.type,
          entities:
            m.type === 'full'
              ? m.entities.length
              : m.added.length + m.removed.length,
        });
      },
      async refresh() {},
    };
    const provider = new FleetEntityProvider({
      fleet,
      owner: 'group:default/platform-team',
      logger: silentLogger,
    });
    await provider.connect(connection);
    // Loaded: informer caches, the API's view and the provider's emitted entities, nothing else yet.
    (global as { gc?: () => void }).gc?.();
    const rssLoaded = process.memoryUsage().rss;
    const heapLoaded = process.memoryUsage().heapUsed;

    // A fan-out read: every cluster listed on each request, as a plugin without informers does.
    const apis = sandboxes.map(k8s => {
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ name: 'c', server: k8s.url, skipTLSVerify: true }],
        users: [{ name: 'bench', token: k8s.token }],
        contexts: [{ name: 'c', cluster: 'c', user: 'bench' }],
        currentContext: 'c',
      });
      return kc.makeApiClient(CustomObjectsApi);
    });
    // Served by the same express app and read by the same client as the cache's route, with the
    // same body (a ScaleSetList): the two sides differ only in where the items come from. (The class
    // summaries' aggregation is left out of the fan-out: it would only add to it.)
    app.get('/fan-out/scale-sets', async (_req, res, next) => {
      try {
        const lists = await Promise.all(
          apis.map(api =>
            api.listClusterCustomObject({
              group: 'actions.github.com',
              version: 'v1alpha1',
              plural: 'autoscalingrunnersets',
            }),
          ),
        );
        const items = lists.flatMap((body: any, i) =>
          body.items.map((o: AutoscalingRunnerSetObject) =>
            toScaleSet(clusters[i].name, o, classes),
          ),
        );
        res.json({ items, clusters: fleet!.clusters() });
      } catch (e) {
        next(e);
      }
    });
    const read = (path: string) => async () =>
      (await fetch(`${base}${path}`)).text();
    const viaCache = read('/fleet/scale-sets');
    const classesViaCache = read('/fleet/classes');
    // what the pages ask for: the Runner classes page's first table page, the Overview's paused list
    const firstPagePath = `/fleet/scale-sets?limit=${RUNNER_CLASSES_PAGE_SIZE}&offset=0`;
    const pausedPath = '/fleet/scale-sets?paused=true';
    const pageViaCache = read(firstPagePath);
    const pausedViaCache = read(pausedPath);
    const fanOut = async () =>
      (await fetch(`${origin}/fan-out/scale-sets`)).text();

    const cacheBody = await viaCache();
    const fanOutBody = await fanOut();
    const served = JSON.parse(cacheBody).items.length;
    if (served !== total || JSON.parse(fanOutBody).items.length !== total)
      throw new Error(
        `expected ${total} scale sets from both routes, got ${served} and ${
          JSON.parse(fanOutBody).items.length
        }`,
      );
    // JIT and connection warm-up, the cheap side longer
    await timeReads(viaCache, WARM_UP);
    await timeReads(classesViaCache, WARM_UP);
    await timeReads(pageViaCache, WARM_UP);
    await timeReads(pausedViaCache, WARM_UP);
    await timeReads(fanOut, 3);
    // One side after the other: read in turns, the cache side paid for the fan-out's aftermath
    // (its sockets closing, background GC), tripling the cache side's p95 on this machine.
    const lists = () => sandboxes.reduce((n, k) => n + k.requestCounts.list, 0);
    const listsBefore = lists();
    const cache = await timeReads(viaCache, CACHE_READS);
    const classesCache = await timeReads(classesViaCache, CACHE_READS);
    const pageCache = await timeReads(pageViaCache, CACHE_READS);
    const pausedCache = await timeReads(pausedViaCache, CACHE_READS);
    const listsDuringCacheReads = lists() - listsBefore;
    const direct = await timeReads(fanOut, READS);
    const p95Cache = percentile(cache, 95);
    const p95Classes = percentile(classesCache, 95);
    const p95Direct = percentile(direct, 95);
    const p95Page = percentile(pageCache, 95);
    const p95Paused = percentile(pausedCache, 95);
    const pausedBody = await pausedViaCache();
    const kb = (text: string) =>
      `${(Buffer.byteLength(text) / 1024).toFixed(0)} KB`;
    printTable(
      `Fleet reads: ${CLUSTERS} clusters × ${SCALE_SETS} scale sets × ${RUNNERS} runners, +${LATENCY_MS} ms per Kubernetes request, sequential HTTP reads in one process (server and client share its cores)`,
      ['path', 'body', 'reads', 'median', 'p95', 'K8s list requests'],
      [
        [
          `GET /fleet/scale-sets, all ${total} (informer caches; no page polls it any more, informational)`,
          kb(cacheBody),
          CACHE_READS,
          ms(percentile(cache, 50)),
          ms(p95Cache),
          listsDuringCacheReads,
        ],
        [
          `GET ${firstPagePath} (the Runner classes page's first table page, of ${total})`,
          kb(await pageViaCache()),
          CACHE_READS,
          ms(percentile(pageCache, 50)),
          ms(p95Page),
          0,
        ],
        [
          `GET ${pausedPath} (the Overview's paused list: ${
            JSON.parse(pausedBody).items.length
          } paused)`,
          kb(pausedBody),
          CACHE_READS,
          ms(percentile(pausedCache, 50)),
          ms(p95Paused),
          0,
        ],
        [
          'GET /fleet/classes (informer caches)',
          kb(await classesViaCache()),
          CACHE_READS,
          ms(percentile(classesCache, 50)),
          ms(p95Classes),
          0,
        ],
        [
          `the same ScaleSetList by fan-out to all ${CLUSTERS} clusters`,
          kb(fanOutBody),
          READS,
          ms(percentile(direct, 50)),
          ms(p95Direct),
          READS * CLUSTERS,
        ],
      ],
    );

    // Change-to-visible: a patch in one cluster until the API serves it; clusters in turn.
    const latencies: number[] = [];
    const mutationsBefore = mutations.length;
    for (let i = 0; i < CHANGES; i++) {
      const c = i % CLUSTERS;
      const max = 100 + i;
      const t = performance.now();
      // maxRunners for the API; the config URL is in the scale set's catalog entity
      sandboxes[c].patchScaleSet('arc-runners', 'tinyland-docker', {
        spec: {
          maxRunners: max,
          githubConfigUrl: `https://github.com/bench-${i}`,
        },
      });
      for (;;) {
        const body = await (
          await fetch(
            `${base}/fleet/scale-sets/${clusters[c].name}/arc-runners/tinyland-docker`,
          )
        ).json();
        if (body.item.maxRunners === max) break;
        if (performance.now() - t > 10_000)
          throw new Error('change not visible within 10 s');
        await new Promise(r => setTimeout(r, 2));
      }
      latencies.push(performance.now() - t);
    }
    // the provider refreshes on the fleet's debounced change events: let the last one land
    await new Promise(r => setTimeout(r, 500));
    const p95Visible = percentile(latencies, 95);
    printTable(
      `Change-to-visible: ${CHANGES} patches, one cluster at a time, until GET /fleet/scale-sets/... serves them`,
      ['median', 'p95', 'max'],
      [
        [
          ms(percentile(latencies, 50)),
          ms(p95Visible),
          ms(Math.max(...latencies)),
        ],
      ],
    );

    const full = mutations.filter(m => m.type === 'full');
    const deltas = mutations.slice(mutationsBefore);
    const largestDelta = Math.max(0, ...deltas.map(m => m.entities));
    const entities = full[0]?.entities ?? 0;
    printTable(
      'Catalog mutations of the fleet provider',
      ['when', 'full', 'delta', 'entities in them', 'largest delta'],
      [
        [
          'after the sync',
          full.length,
          mutationsBefore - full.length,
          entities,
          '-',
        ],
        [
          `during ${CHANGES} patches`,
          deltas.filter(m => m.type === 'full').length,
          deltas.filter(m => m.type === 'delta').length,
          deltas.reduce((n, m) => n + m.entities, 0),
          largestDelta,
        ],
      ],
    );
    provider.disconnect();

    (global as { gc?: () => void }).gc?.();
    const rssGrowth = rssLoaded - rssBefore;
    process.stdout.write(
      `\nfleet sync of ${total} scale sets and ${total * RUNNERS} runners: ${(
        syncMs / 1000
      ).toFixed(1)} s\n` +
        `RSS: ${mb(rssBefore)} with the ${CLUSTERS} sandboxes up, ${mb(
          rssLoaded,
        )} with the fleet loaded (+${mb(rssGrowth)}), ` +
        `${mb(
          process.memoryUsage().rss,
        )} after the reads and patches; JS heap in use +${mb(
          heapLoaded - heapBefore,
        )} loaded. ` +
        `The sandboxes share this process: their allocations count, and their freed heap can hold the fleet's data; backend-memory measures a backend process of its own${
          (global as { gc?: unknown }).gc
            ? ''
            : ' (no --expose-gc: garbage included)'
        }\n`,
    );

    const pageRatio = p95Direct / p95Page;
    const pausedRatio = p95Direct / p95Paused;
    const classesRatio = p95Direct / p95Classes;
    const medianRatio = (reads: number[]) =>
      percentile(direct, 50) / percentile(reads, 50);
    // each patch changes one scale set's entity: deltas carry those, never the whole fleet again
    const deltaEntities = deltas.reduce((n, m) => n + m.entities, 0);
    const deltasOnly =
      full.length === 1 &&
      deltas.length > 0 &&
      deltas.every(m => m.type === 'delta') &&
      deltaEntities <= 2 * CHANGES;
    return [
      {
        target: 'fleet read p95, GET /fleet/classes: fan-out / cache',
        goal: '>= 50x',
        measured: `${classesRatio.toFixed(1)}x (${ms(p95Direct)} / ${ms(
          p95Classes,
        )}; medians ${medianRatio(classesCache).toFixed(0)}x)`,
        met: classesRatio >= 50,
      },
      {
        target: `fleet read p95, GET ${firstPagePath} (Runner classes page, first page): fan-out / cache`,
        goal: '>= 50x',
        measured: `${pageRatio.toFixed(1)}x (${ms(p95Direct)} / ${ms(
          p95Page,
        )}; medians ${medianRatio(pageCache).toFixed(0)}x)`,
        met: pageRatio >= 50,
      },
      {
        target: `fleet read p95, GET ${pausedPath} (Overview fleet glance): fan-out / cache`,
        goal: '>= 50x',
        measured: `${pausedRatio.toFixed(1)}x (${ms(p95Direct)} / ${ms(
          p95Paused,
        )}; medians ${medianRatio(pausedCache).toFixed(0)}x)`,
        met: pausedRatio >= 50,
      },
      {
        target: 'fleet change-to-visible p95',
        goal: '<= 1 s',
        measured: ms(p95Visible),
        met: p95Visible <= 1000,
      },
      {
        target: 'catalog updates as deltas only',
        goal: `1 full, then deltas of <= 2 entities per patch (${CHANGES} patches)`,
        measured: `${full.length} full (${entities}), then ${deltas.length} delta(s) of ${deltaEntities} entities (largest ${largestDelta})`,
        met: deltasOnly,
      },
    ];
  } finally {
    fleet?.stop();
    server?.close();
    server?.closeAllConnections();
    for (const k8s of sandboxes) await k8s.close();
  }
}
