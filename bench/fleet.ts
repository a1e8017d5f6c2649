import express from 'express';
import type { AddressInfo } from 'node:net';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import {
  createFleetSeed,
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
import { ms, percentile, printTable, silentLogger } from './report';

const SCALE_SETS = 500;
const READS = 200;
const CHANGES = 30;

async function timeReads(
  read: () => Promise<unknown>,
  n: number,
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await read();
    out.push(performance.now() - t);
  }
  return out;
}

/** GET /fleet/scale-sets from the informer cache vs a direct list against the K8s API, same run. */
export async function benchFleet() {
  const seed = createFleetSeed({ extraScaleSets: SCALE_SETS - 5 });
  const k8s = await startKubernetesSandbox({
    host: '127.0.0.1',
    port: 0,
    seed,
    historyLimit: 5000,
    tls: true,
  });
  const cluster = {
    name: 'honey',
    authProvider: 'serviceAccount' as const,
    url: k8s.url,
    serviceAccountToken: k8s.token,
    skipTLSVerify: false,
    caData: k8s.caData,
  };
  const classes = DEFAULT_RUNNER_CLASSES.map(c => ({ ...c }));
  const fleet = new FleetService({
    clusters: [cluster],
    runnerClasses: classes,
    logger: silentLogger,
    debounceMs: 1,
  });
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
  const server = app.listen(0, '127.0.0.1');
  await new Promise(r => server.once('listening', r));
  const base = `http://127.0.0.1:${
    (server.address() as AddressInfo).port
  }/api/gloriousflywheel`;

  try {
    const deadline = Date.now() + 30000;
    while (
      fleet.clusters()[0].state !== 'synced' ||
      fleet.scaleSets().length < SCALE_SETS
    ) {
      if (Date.now() > deadline)
        throw new Error('fleet did not sync within 30 s');
      await new Promise(r => setTimeout(r, 50));
    }

    // What the API would do without an informer: list from Kubernetes on every request.
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [
        {
          name: 'honey',
          server: k8s.url,
          caData: Buffer.from(k8s.caData!).toString('base64'),
        },
      ],
      users: [{ name: 'bench', token: k8s.token }],
      contexts: [{ name: 'honey', cluster: 'honey', user: 'bench' }],
      currentContext: 'honey',
    });
    const api = kc.makeApiClient(CustomObjectsApi);
    const directList = async () => {
      const body: any = await api.listClusterCustomObject({
        group: 'actions.github.com',
        version: 'v1alpha1',
        plural: 'autoscalingrunnersets',
      });
      return JSON.stringify(
        body.items.map((o: AutoscalingRunnerSetObject) =>
          toScaleSet('honey', o, classes),
        ),
      );
    };
    const viaInformer = async () =>
      (await fetch(`${base}/fleet/scale-sets`)).text();

    const check = JSON.parse(await viaInformer()).items.length;
    if (check !== SCALE_SETS)
      throw new Error(
        `expected ${SCALE_SETS} scale sets from the API, got ${check}`,
      );
    await timeReads(viaInformer, 10);
    await timeReads(directList, 10);
    const k8sRequestsBefore = k8s.requestCounts.list;
    const informer = await timeReads(viaInformer, READS);
    const k8sListsDuringInformerReads =
      k8s.requestCounts.list - k8sRequestsBefore;
    const direct = await timeReads(directList, READS);

    const medI = percentile(informer, 50);
    const medD = percentile(direct, 50);
    printTable(
      `Fleet reads: ${SCALE_SETS} scale sets, ${READS} sequential reads each (loopback)`,
      ['path', 'median', 'p95', 'K8s list requests'],
      [
        [
          'GET /fleet/scale-sets (informer cache)',
          ms(medI),
          ms(percentile(informer, 95)),
          k8sListsDuringInformerReads,
        ],
        [
          'direct list against the K8s API',
          ms(medD),
          ms(percentile(direct, 95)),
          READS,
        ],
      ],
    );
    process.stdout.write(
      `ratio direct / informer (median): ${(medD / medI).toFixed(1)}x\n`,
    );

    // Change-to-visible: a patch in the cluster until the API serves it.
    const latencies: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const max = 10 + i;
      const t = performance.now();
      k8s.patchScaleSet('arc-runners', 'tinyland-docker', {
        spec: { maxRunners: max },
      });
      for (;;) {
        const body = await (
          await fetch(
            `${base}/fleet/scale-sets/honey/arc-runners/tinyland-docker`,
          )
        ).json();
        if (body.item.maxRunners === max) break;
        if (performance.now() - t > 10000)
          throw new Error('change not visible within 10 s');
        await new Promise(r => setTimeout(r, 2));
      }
      latencies.push(performance.now() - t);
    }
    printTable(
      `Change-to-visible: ${CHANGES} patches in the sandbox until GET /fleet/scale-sets/... serves them`,
      ['median', 'p95', 'max'],
      [
        [
          ms(percentile(latencies, 50)),
          ms(percentile(latencies, 95)),
          ms(Math.max(...latencies)),
        ],
      ],
    );
    return { ratio: medD / medI };
  } finally {
    fleet.stop();
    server.close();
    server.closeAllConnections();
    await k8s.close();
  }
}
