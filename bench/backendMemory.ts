import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { KubernetesSandbox } from '@internal/fleet-sandbox';
import { CLUSTERS, SCALE_SETS, startFleetSandboxes } from './fleetScale';
import { startLargeOrg } from './adoption';
import type { BackendFigures, BackendInput, Memory } from './backendProcess';
import { printTable, Target } from './report';

// three rests of up to two minutes each, the sync and the scan
const BUDGET_MS = 720_000;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Runs backendProcess.ts as `yarn bench` runs this file: same node flags, same transform. */
function runBackend(input: BackendInput): Promise<BackendFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        join(__dirname, 'backendProcess.ts'),
      ],
      {
        env: { ...process.env, GF_BENCH_BACKEND: JSON.stringify(input) },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', d => {
      out += d;
    });
    const timer = setTimeout(() => child.kill(), BUDGET_MS);
    child.on('error', reject);
    child.on('exit', code => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()!));
      else reject(new Error(`backend process exited with ${code}`));
    });
  });
}

/**
 * Backend RSS growth with the fleet (50 clusters × 100 scale sets × 4 runners) synced and a cold
 * adoption scan of 10,000 repositories done, over the same backend idle, both at rest (after V8's
 * memory reducer ran in the otherwise idle process); the peak during the scan is printed beside it,
 * since that is what a container's memory limit must allow. The backend runs in a process of its
 * own, so the sandboxes serving it (here) are not in its figure.
 */
export async function benchBackendMemory(): Promise<Target[]> {
  const sandboxes: KubernetesSandbox[] = [];
  let gh: Awaited<ReturnType<typeof startLargeOrg>>['gh'] | undefined;
  try {
    // no added latency: it changes how long the sync takes, not what the backend holds
    const clusters = await startFleetSandboxes(sandboxes, 0);
    const org = await startLargeOrg();
    gh = org.gh;
    const f = await runBackend({
      clusters,
      scaleSets: CLUSTERS * SCALE_SETS,
      github: { url: gh.url, token: gh.token },
      repos: org.repos.length,
    });
    const growth = f.loaded.rss - f.idle.rss;
    const row = (name: string, of: (m: Memory) => number) => [
      name,
      mb(of(f.idle)),
      mb(of(f.fleet)),
      mb(of(f.loaded)),
      mb(of(f.loaded) - of(f.idle)),
    ];
    const rest = (m: Memory) =>
      m.restMs === null ? 'none in 120 s' : `${(m.restMs / 1000).toFixed(0)} s`;
    printTable(
      `Backend process (fleet API and adoption, database ${
        process.env.GF_BENCH_PG
          ? 'in PostgreSQL (GF_BENCH_PG)'
          : 'in a SQLite file'
      }) idle, with ${f.scaleSets} scale sets synced (${(
        f.syncMs / 1000
      ).toFixed(1)} s), then ${f.repos} repositories scanned cold too (${(
        f.scanMs / 1000
      ).toFixed(
        1,
      )} s); each at rest: collected, then left alone until V8's memory reducer ran`,
      ['', 'idle', '+ fleet', '+ adoption', 'growth'],
      [
        [
          'memory reducer ran after',
          rest(f.idle),
          rest(f.fleet),
          rest(f.loaded),
          '',
        ],
        row('RSS', m => m.rss),
        row('  of it anonymous (heaps)', m => m.rssAnon ?? NaN),
        row('  of it mapped files', m => m.rssFile ?? NaN),
        row('  of it V8 heap pages (256 KiB)', m => m.rssV8Pages ?? NaN),
        row('peak RSS so far', m => m.rssPeak ?? NaN),
        row('JS heap in use', m => m.heapUsed),
        row('JS heap reserved', m => m.heapTotal),
        row('  of it in memory', m => m.heapPhysical),
        row('V8 outside its heap (malloc)', m => m.v8Malloced),
        row('external (Buffers, ...)', m => m.external),
      ],
    );
    return [
      {
        target: `backend RSS growth, fleet and ${f.repos} repositories loaded`,
        goal: '<= 200 MB',
        measured: `${mb(growth)} at rest (fleet ${mb(
          f.fleet.rss - f.idle.rss,
        )}; ${mb(f.idle.rss)} idle; RSS peaked at ${mb(
          f.loaded.rssPeak ?? NaN,
        )} during the scan)${
          [f.idle, f.fleet, f.loaded].some(m => m.restMs === null)
            ? '; V8 memory reducer not seen'
            : ''
        }`,
        met: growth <= 200 * 1024 * 1024,
      },
    ];
  } finally {
    await gh?.close();
    for (const k8s of sandboxes) await k8s.close();
  }
}
