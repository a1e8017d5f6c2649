/*
 * The backend of the memory bench, in a process of its own (started by backendMemory.ts, which
 * hosts the sandboxes): its RSS is the backend's alone. Prints one JSON line with the figures.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import knexFactory from 'knex';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import { DEFAULT_RUNNER_CLASSES } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  AdoptionHub,
  FleetService,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { createRouter } from '../plugins/gloriousflywheel-backend/src/service/router';
import { SourceStatusBoard } from '../plugins/gloriousflywheel-backend/src/service/sourceStatus';
import { migrateDatabase } from '../plugins/gloriousflywheel-backend/src/database/migrateDatabase';
import { AdoptionStore } from '../plugins/gloriousflywheel-backend/src/database/AdoptionStore';
import { AdoptionRescanStore } from '../plugins/gloriousflywheel-backend/src/database/AdoptionRescanStore';
import { AdoptionService } from '../plugins/gloriousflywheel-backend/src/adoption/AdoptionService';
import { createGitHubClient } from '../plugins/gloriousflywheel-backend/src/adoption/GitHubClient';
import { scanConfig } from './scanConfig';
import { silentLogger } from './report';

/** What backendMemory.ts passes in GF_BENCH_BACKEND. */
export interface BackendInput {
  clusters: {
    name: string;
    authProvider: 'serviceAccount';
    url: string;
    serviceAccountToken: string;
    skipTLSVerify: boolean;
  }[];
  scaleSets: number;
  github: { url: string; token: string };
  repos: number;
}

/** The JSON line this process prints. */
export interface BackendFigures {
  idle: Memory;
  /** the fleet synced, before the scan */
  fleet: Memory;
  /** the fleet and the scan's results */
  loaded: Memory;
  syncMs: number;
  scanMs: number;
  scaleSets: number;
  repos: number;
}

const SYNC_TIMEOUT_MS = 180_000;

/** process.memoryUsage() figures, in bytes. */
export interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** C++ objects bound to JS ones: Buffers, sockets, ... */
  external: number;
  /** V8's heap pages in memory, and what V8 holds outside them (compiler zones, ...) */
  heapPhysical: number;
  v8Malloced: number;
  /** of the RSS: anonymous memory (heaps) and mapped files (code, libraries), from /proc (Linux) */
  rssAnon?: number;
  rssFile?: number;
  /** the highest RSS so far (VmHWM) */
  rssPeak?: number;
  /** resident anonymous 256 KiB mappings: V8's heap pages, also those it keeps free for reuse */
  rssV8Pages?: number;
  /** ms from the last forced gc to V8's memory reducer GC; null: none came in REST_TIMEOUT_MS */
  restMs: number | null;
}

/** RssAnon, RssFile and VmHWM of /proc/self/status, in bytes; empty where there is no /proc. */
function rssParts(): Pick<
  Memory,
  'rssAnon' | 'rssFile' | 'rssPeak' | 'rssV8Pages'
> {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : undefined;
    };
    return {
      rssAnon: kb('RssAnon'),
      rssFile: kb('RssFile'),
      rssPeak: kb('VmHWM'),
      rssV8Pages: v8PagesRss(),
    };
  } catch {
    return {};
  }
}

/** Resident bytes of the anonymous mappings of exactly 256 KiB (V8 maps its heap pages so). */
function v8PagesRss(): number | undefined {
  const smaps = readFileSync('/proc/self/smaps', 'utf8');
  let total = 0;
  for (const m of smaps.matchAll(
    /^([0-9a-f]+)-([0-9a-f]+) rw-p 00000000 00:00 0 *\n(?:.*\n)*?Rss:\s+(\d+) kB/gm,
  )) {
    if (parseInt(m[2], 16) - parseInt(m[1], 16) === 256 * 1024)
      total += Number(m[3]) * 1024;
  }
  return total;
}

/** The longest wait for V8's memory reducer before the figures are taken without it. */
const REST_TIMEOUT_MS = 120_000;
/** after the reducer's GC: V8 unmaps the pages it freed on a background thread */
const UNMAP_MS = 2_000;

/**
 * Memory once the process is at rest: collected (twice: weak
 * references and finalizers free more on the second), then left alone until V8's memory reducer
 * has run by itself. V8 starts it some seconds after allocation stops; its compacting GC is what
 * gives freed heap pages back to the system (a forced gc() keeps them for reuse). `restMs` is how
 * long it took to come. Seen here in a process doing nothing else; a backend serving requests
 * meanwhile was not measured.
 */
async function restingMemory(): Promise<Memory> {
  const gc = (global as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  await new Promise(r => setTimeout(r, 1000));
  gc();
  const started = performance.now();
  const collected = process.memoryUsage().heapTotal;
  let restedAt: number | undefined;
  let rested: () => void = () => {};
  const reduced = new Promise<void>(r => {
    rested = r;
  });
  // The reducer's GC carries no flag of its own: it is a major GC nobody forced after which V8's
  // heap is smaller than the forced collections left it (an allocation-driven one would not be).
  const observer = new PerformanceObserver(list => {
    for (const e of list.getEntries()) {
      const { kind, flags } = (
        e as { detail?: { kind: number; flags: number } }
      ).detail ?? { kind: 0, flags: 0 };
      if (
        kind === constants.NODE_PERFORMANCE_GC_MAJOR &&
        !(flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) &&
        process.memoryUsage().heapTotal < collected
      ) {
        restedAt ??= e.startTime;
        rested();
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    reduced,
    new Promise<void>(r => {
      timer = setTimeout(r, REST_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  observer.disconnect();
  const restMs = restedAt === undefined ? null : restedAt - started;
  await new Promise(r => setTimeout(r, UNMAP_MS));
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  const v8Heap = getHeapStatistics();
  return {
    rss,
    heapUsed,
    heapTotal,
    external,
    heapPhysical: v8Heap.total_physical_size,
    v8Malloced: v8Heap.malloced_memory,
    restMs,
    ...rssParts(),
  };
}

async function main() {
  const input: BackendInput = JSON.parse(process.env.GF_BENCH_BACKEND ?? '');
  // A database file, not :memory:: in production the rows live in PostgreSQL, outside the backend;
  // GF_BENCH_PG=<connection string of an empty database> measures with PostgreSQL itself (same
  // growth on this machine, 468 MB: the database is not where the memory goes).
  const dir = mkdtempSync(join(tmpdir(), 'gf-bench-'));
  const knex = process.env.GF_BENCH_PG
    ? knexFactory({ client: 'pg', connection: process.env.GF_BENCH_PG })
    : knexFactory({
        client: 'better-sqlite3',
        connection: { filename: join(dir, 'backend.sqlite') },
        useNullAsDefault: true,
      });
  let fleet: FleetService | undefined;
  let server: ReturnType<ReturnType<typeof express>['listen']> | undefined;
  try {
    // The plugin as plugin.ts wires the fleet and adoption, everything started but nothing loaded.
    await migrateDatabase({
      getClient: async () => knex,
    } as unknown as DatabaseService);
    fleet = new FleetService({
      clusters: input.clusters,
      runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })),
      logger: silentLogger,
    });
    const client = createGitHubClient({
      apiBaseUrl: input.github.url,
      token: async () => input.github.token,
      logger: silentLogger,
    });
    const hub = new AdoptionHub();
    const adoption = new AdoptionService({
      config: scanConfig(),
      clientFor: () => client,
      store: new AdoptionStore(knex),
      rescans: new AdoptionRescanStore(knex),
      hub,
      logger: silentLogger,
    });
    await adoption.load();
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
    const base = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/gloriousflywheel`;
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`);
      if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
      return JSON.parse(await res.text());
    };
    // What the portal's pages ask for (the Runner classes page: the classes and a first page of 20;
    // the Overview's glance: paused ones); the scale sets the API counts. No page asks for the whole
    // list: a client that does adds its JSON (about 4 MB here) until the next fleet change.
    const pageViews = async () => {
      await get('/fleet/classes');
      await get('/fleet/scale-sets?paused=true');
      const first = await get('/fleet/scale-sets?limit=20&offset=0');
      return first.total as number;
    };
    // requests served, so the idle figure has the HTTP path's code and buffers in it too
    await pageViews();
    const idle = await restingMemory();

    const syncStarted = performance.now();
    fleet.start();
    const deadline = Date.now() + SYNC_TIMEOUT_MS;
    while (
      fleet.clusters().some(c => c.state !== 'synced') ||
      fleet.scaleSets().length < input.scaleSets
    ) {
      if (Date.now() > deadline)
        throw new Error(
          `fleet did not sync within ${SYNC_TIMEOUT_MS / 1000} s`,
        );
      await new Promise(r => setTimeout(r, 100));
    }
    const syncMs = performance.now() - syncStarted;
    const fleetLoaded = await restingMemory();

    const scanStarted = performance.now();
    const status = await adoption.scan('manual');
    const scanMs = performance.now() - scanStarted;
    if (status.state !== 'idle')
      throw new Error(
        `adoption scan ended ${status.state}: ${status.lastError}`,
      );
    const repos = adoption.list().length;
    if (repos !== input.repos)
      throw new Error(
        `adoption holds ${repos} repositories, not ${input.repos}`,
      );
    // the fleet API's prepared bodies are part of a backend that has served page views
    const served = await pageViews();
    if (served !== input.scaleSets)
      throw new Error(
        `API served ${served} scale sets, not ${input.scaleSets}`,
      );
    const loaded = await restingMemory();

    const figures: BackendFigures = {
      idle,
      fleet: fleetLoaded,
      loaded,
      syncMs,
      scanMs,
      scaleSets: served,
      repos,
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    fleet?.stop();
    server?.close();
    server?.closeAllConnections();
    await knex.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  e => {
    process.stderr.write(`backend process failed: ${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
