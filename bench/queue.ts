import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import knexFactory from 'knex';
import { ConfigReader } from '@backstage/config';
import {
  createFleetSeed,
  loadGitHubWebhooksMethods,
  startKubernetesSandbox,
} from '@internal/fleet-sandbox';
import { DEFAULT_RUNNER_CLASSES } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  AdoptionHub,
  FleetService,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { migrateDatabase } from '../plugins/gloriousflywheel-backend/src/database/migrateDatabase';
import { AdoptionStore } from '../plugins/gloriousflywheel-backend/src/database/AdoptionStore';
import { AdoptionRescanStore } from '../plugins/gloriousflywheel-backend/src/database/AdoptionRescanStore';
import { ActionsJobStore } from '../plugins/gloriousflywheel-backend/src/database/ActionsJobStore';
import { readAdoptionConfig } from '../plugins/gloriousflywheel-backend/src/adoption/AdoptionConfig';
import { AdoptionService } from '../plugins/gloriousflywheel-backend/src/adoption/AdoptionService';
import { createAdoptionRouter } from '../plugins/gloriousflywheel-backend/src/adoption/adoptionRouter';
import { AccessGate } from '../plugins/gloriousflywheel-backend/src/service/access';
import { QueueService } from '../plugins/gloriousflywheel-backend/src/queue/QueueService';
import { queueFleetOf } from '../plugins/gloriousflywheel-backend/src/queue/createQueue';
import { createQueueRouter } from '../plugins/gloriousflywheel-backend/src/queue/queueRouter';
import { ms, percentile, printTable, silentLogger, Target } from './report';

const ORG = 'tinyland-inc';
const SECRET = `bench-${process.pid}-${Date.now()}`;
/** The rate: 10,000 workflow_job events per minute. */
const EVENTS = Number(process.env.GF_BENCH_QUEUE_EVENTS ?? 10_000);
const MINUTE_MS = 60_000;
const CONCURRENCY = 8;
const STATS_P95_GOAL_MS = 250;
const LABELS = [
  ['tinyland-nix'],
  ['tinyland-docker'],
  ['self-hosted', 'tinyland-dind'],
  ['tinyland-nix-heavy'],
  ['ubuntu-latest'],
];
const REPOS = Array.from({ length: 50 }, (_, i) => `repo-${i}`);

/** The events of one job's life: queued, in_progress, completed, as GitHub delivers them. */
function jobEvents(id: number, t0: number) {
  const repo = REPOS[id % REPOS.length];
  const labels = LABELS[id % LABELS.length];
  const created = new Date(t0 - (id % 600) * 1000).toISOString();
  const started = new Date(
    t0 - (id % 600) * 1000 + 5000 + (id % 90) * 1000,
  ).toISOString();
  const base = {
    id,
    run_id: 1_000_000 + Math.floor(id / 3),
    run_url: `https://api.github.com/repos/${ORG}/${repo}/actions/runs/${
      1_000_000 + Math.floor(id / 3)
    }`,
    html_url: `https://github.com/${ORG}/${repo}/actions/runs/${
      1_000_000 + Math.floor(id / 3)
    }/job/${id}`,
    name: 'build',
    workflow_name: 'CI',
    head_branch: 'main',
    labels,
    created_at: created,
    steps: [],
  };
  const runner = {
    runner_name: `${labels[labels.length - 1]}-abcde-runner-${id.toString(36)}`,
    runner_group_name: 'Default',
  };
  const states = [
    {
      action: 'queued',
      status: 'queued',
      conclusion: null,
      started_at: created,
      completed_at: null,
      runner_name: null,
      runner_group_name: null,
    },
    {
      action: 'in_progress',
      status: 'in_progress',
      conclusion: null,
      started_at: started,
      completed_at: null,
      ...runner,
    },
    {
      action: 'completed',
      status: 'completed',
      conclusion: 'success',
      started_at: started,
      completed_at: new Date(t0).toISOString(),
      ...runner,
    },
  ];
  return states.map(({ action, ...s }) =>
    JSON.stringify({
      action,
      workflow_job: { ...base, ...s },
      repository: {
        id: 1,
        name: repo,
        full_name: `${ORG}/${repo}`,
        owner: { login: ORG, id: 2 },
      },
      organization: { login: ORG, id: 2 },
      sender: { login: 'octocat', id: 3 },
    }),
  );
}

/** GitHub's side: posts the signed deliveries, `concurrency` at a time, and times them. */
const SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, deliveries, concurrency } = workerData;
let next = 0;
let accepted = 0;
const start = performance.now();
Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < deliveries.length) {
      const d = deliveries[next++];
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'workflow_job',
          'x-github-delivery': d.id,
          'x-hub-signature-256': d.signature,
        },
        body: d.body,
      });
      if (res.status !== 202) throw new Error('delivery ' + d.id + ' answered ' + res.status + ': ' + (await res.text()));
      await res.arrayBuffer();
      accepted++;
    }
  }),
).then(() => parentPort.postMessage({ accepted, wallMs: performance.now() - start }));
`;

/** Nothing here asks for a permission: the webhook is signed and the statistics are public reads. */
const refuse = () => {
  throw new Error('the bench makes no authorized request');
};

/**
 * `workflow_job` ingestion through the signed webhook at the rate, with the per-class queue
 * endpoint read all along: wall time of 10,000 events against one minute, and the endpoint's p95.
 */
export async function benchQueue(): Promise<Target[]> {
  const k8s = await startKubernetesSandbox({
    host: '127.0.0.1',
    port: 0,
    seed: createFleetSeed(),
    tls: true,
  });
  const fleet = new FleetService({
    clusters: [
      {
        name: 'honey',
        authProvider: 'serviceAccount',
        url: k8s.url,
        serviceAccountToken: k8s.token,
        skipTLSVerify: false,
        caData: k8s.caData,
        namespaces: ['arc-runners'],
      },
    ],
    runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })),
    logger: silentLogger,
    debounceMs: 1,
  });
  fleet.start();
  // The portal's local default, SQLite in a file; or PostgreSQL (production) when
  // GF_BENCH_QUEUE_PG is a connection string: a database of its own is made and dropped.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gf-bench-queue-'));
  const pgUrl = process.env.GF_BENCH_QUEUE_PG;
  const pgDatabase = `gf_bench_queue_${process.pid}`;
  let pgAdmin: ReturnType<typeof knexFactory> | undefined;
  if (pgUrl) {
    pgAdmin = knexFactory({ client: 'pg', connection: pgUrl });
    await pgAdmin.raw(`CREATE DATABASE ${pgDatabase}`);
  }
  const dbName = pgUrl ? 'PostgreSQL' : 'SQLite file';
  const knex = pgUrl
    ? knexFactory({
        client: 'pg',
        connection: { connectionString: pgUrl, database: pgDatabase },
      })
    : knexFactory({
        client: 'better-sqlite3',
        connection: { filename: path.join(dir, 'gloriousflywheel.sqlite') },
        useNullAsDefault: true,
      });
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  try {
    await migrateDatabase({ getClient: async () => knex });
    const config = new ConfigReader({
      gloriousflywheel: { github: { orgs: [ORG], webhookSecret: SECRET } },
    });
    const adoption = new AdoptionService({
      config: readAdoptionConfig(config, {
        runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })),
      }),
      store: new AdoptionStore(knex),
      rescans: new AdoptionRescanStore(knex),
      hub: new AdoptionHub(),
      logger: silentLogger,
    });
    const queue = new QueueService({
      store: new ActionsJobStore(knex),
      deliveries: new AdoptionRescanStore(knex),
      fleet: queueFleetOf(fleet),
      retentionDays: 7,
      logger: silentLogger,
    });
    const access = new AccessGate({
      config: {
        permissionFrameworkEnabled: true,
        servicePrincipals: new Map(),
      },
      permissions: { authorize: refuse, authorizeConditional: refuse } as any,
      httpAuth: { credentials: refuse } as any,
      auditor: { createEvent: refuse } as any,
    });
    app.use(
      '/api/gloriousflywheel',
      createAdoptionRouter({ adoption, access, webhookSecret: SECRET, queue }),
    );
    app.use('/api/gloriousflywheel', createQueueRouter({ queue, access }));
    await new Promise(r =>
      server.listening ? r(undefined) : server.once('listening', r),
    );
    const base = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/gloriousflywheel`;

    const deadline = Date.now() + 30000;
    while (fleet.clusters()[0].state !== 'synced') {
      if (Date.now() > deadline)
        throw new Error('fleet did not sync within 30 s');
      await new Promise(r => setTimeout(r, 50));
    }

    // Signed before the clock starts: GitHub signs, the portal verifies.
    const { sign } = await loadGitHubWebhooksMethods();
    const t0 = Date.now();
    const bodies = Array.from({ length: Math.ceil(EVENTS / 3) }, (_, i) =>
      jobEvents(i + 1, t0),
    )
      .flat()
      .slice(0, EVENTS);
    const deliveries = await Promise.all(
      bodies.map(async (body, i) => ({
        body,
        id: `bench-${i}`,
        signature: await sign(SECRET, body),
      })),
    );

    const statsLatencies: number[] = [];
    let ingesting = true;
    const reader = (async () => {
      while (ingesting) {
        const t = performance.now();
        const res = await fetch(`${base}/queue/stats`);
        if (!res.ok) throw new Error(`GET /queue/stats answered ${res.status}`);
        await res.json();
        statsLatencies.push(performance.now() - t);
        await new Promise(r => setTimeout(r, 50));
      }
    })();

    // The sender runs on a thread of its own, so the wall time is the server's (signature check,
    // schema parse, dedupe, store), not the sender's request handling on the same event loop.
    const sender = new Worker(SENDER, {
      eval: true,
      workerData: {
        url: `${base}/adoption/webhook`,
        deliveries,
        concurrency: CONCURRENCY,
      },
    });
    const { accepted, wallMs } = await new Promise<{
      accepted: number;
      wallMs: number;
    }>((resolve, reject) => {
      sender.once('message', resolve);
      sender.once('error', reject);
      sender.once('exit', code =>
        reject(new Error(`the sender stopped (exit code ${code})`)),
      );
    });
    await sender.terminate();
    ingesting = false;
    await reader;

    const stored = await new ActionsJobStore(knex).count();
    const stats = await queue.stats();
    const ratio = wallMs / MINUTE_MS;
    const p95 = percentile(statsLatencies, 95);
    printTable(
      `workflow_job ingestion: ${EVENTS} signed deliveries (${stored} jobs, queued → in_progress → completed), ${CONCURRENCY} at a time, ${dbName}`,
      ['measure', 'value'],
      [
        ['deliveries accepted', accepted],
        ['wall time', ms(wallMs)],
        [
          'events per minute at this pace',
          Math.round((EVENTS / wallMs) * MINUTE_MS),
        ],
        ['wall time / one minute', ratio.toFixed(3)],
        [
          `GET /queue/stats while ingesting (n=${statsLatencies.length}) p50`,
          ms(percentile(statsLatencies, 50)),
        ],
        ['GET /queue/stats while ingesting p95', ms(p95)],
        [
          'jobs started in 24 h (stats)',
          stats.classes.reduce((n, c) => n + c.started24h, 0),
        ],
      ],
    );
    return [
      {
        target: `ingest 10,000 workflow_job events per minute (${dbName})`,
        goal: 'wall time / 1 min <= 1',
        measured: ratio.toFixed(3),
        met: ratio <= 1 && accepted === EVENTS,
      },
      {
        target: 'per-class queue endpoint while ingesting',
        goal: `p95 <= ${STATS_P95_GOAL_MS} ms`,
        measured: ms(p95),
        met: p95 <= STATS_P95_GOAL_MS,
      },
    ];
  } finally {
    fleet.stop();
    server.close();
    await knex.destroy();
    if (pgAdmin) {
      await pgAdmin.raw(`DROP DATABASE IF EXISTS ${pgDatabase}`);
      await pgAdmin.destroy();
    }
    await k8s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
