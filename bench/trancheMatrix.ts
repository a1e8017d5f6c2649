import express from 'express';
import type { AddressInfo } from 'node:net';
import {
  ADOPTION_STAGES,
  AdoptionScanStatus,
  AdoptionStage,
  RepoAdoption,
  TrancheSummary,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { createAdoptionRouter } from '../plugins/gloriousflywheel-backend/src/adoption/adoptionRouter';
import type { AdoptionService } from '../plugins/gloriousflywheel-backend/src/adoption/AdoptionService';
import type { AccessGate } from '../plugins/gloriousflywheel-backend/src/service/access';
import { ms, percentile, printTable, Target } from './report';

/** Repositories in the matrix: the small and large org. */
const SMALL = 10;
const LARGE = 1000;
/** The org the server pages and filters. */
const HUGE = 10_000;
/** Page loads per size (the median is reported). */
const LOADS = 5;
/** Requests per server query (the p95 is reported). */
const REQUESTS = 40;
const BUDGET_MS = 60_000;
const RENDER_RATIO_GOAL = 3;
/** One page of a 10,000-repository query, p95: an interactive page turn. */
const SERVER_PAGE_GOAL_MS = 100;
const TRANCHES = ['first', 'second', 'rest'];
const CHECKS = [
  'hosted-runners',
  'stale-cache-endpoints',
  'proof-workflows-green',
  'nix-cache',
  'bazel-cache',
  'pinned-actions',
];
const VERDICTS = ['pass', 'fail', 'exempt', 'unknown'] as const;

/** A repository result in the backend's wire shape, varied by index (deterministic). */
function seededRepo(i: number, scannedAt: string): RepoAdoption {
  const name = `repo-${String(i).padStart(5, '0')}`;
  const checks = CHECKS.map((id, c) => ({
    id,
    title: id.replace(/-/g, ' '),
    severity: 'error' as const,
    verdict: VERDICTS[(i * 7 + c * 3) % VERDICTS.length],
    summary: `${id} on ${name}`,
    evidence: [],
    howToFix: '',
  }));
  const counts = { pass: 0, fail: 0, exempt: 0, unknown: 0 };
  for (const c of checks) counts[c.verdict]++;
  const stage = ADOPTION_STAGES[i % ADOPTION_STAGES.length];
  return {
    owner: 'tinyland-inc',
    name,
    url: `https://github.com/tinyland-inc/${name}`,
    defaultBranch: 'main',
    headOid: i.toString(16).padStart(40, '0'),
    scannedAt,
    stale: i % 50 === 0,
    archived: false,
    fork: false,
    tranche: TRANCHES[i % TRANCHES.length],
    stage,
    blockers: [],
    migrationPullRequests: [],
    jobs: [],
    runnerClasses: i % 3 === 0 ? [] : ['tinyland-nix'],
    hostedJobs: i % 3 === 0 ? 2 : 0,
    scorecard: {
      evaluatedAt: scannedAt,
      verdict: counts.fail ? 'fail' : 'pass',
      checks,
      counts,
    },
    fileErrors: [],
    error: null,
  };
}

function trancheSummaries(repos: RepoAdoption[]): TrancheSummary[] {
  return TRANCHES.map(name => {
    const members = repos.filter(r => r.tranche === name);
    const stages = Object.fromEntries(
      ADOPTION_STAGES.map(s => [s, members.filter(r => r.stage === s).length]),
    ) as Record<AdoptionStage, number>;
    return {
      name,
      title: `Tranche ${name}`,
      repos: members.length,
      stages,
      blockers: [],
      progress: members.length
        ? Math.round((100 * stages.adopted) / members.length)
        : 0,
      trend: [],
    };
  });
}

/**
 * The real adoption router over a seeded result set: the service is reduced to the reads the list
 * and tranche routes make, so the figures are the router's parsing, filtering, sorting and paging.
 */
async function startAdoptionServer(
  repos: RepoAdoption[],
  scan: AdoptionScanStatus,
) {
  const adoption = {
    list: () => repos,
    get: (owner: string, name: string) =>
      repos.find(r => r.owner === owner && r.name === name),
    tranches: async () => trancheSummaries(repos),
    scanStatus: async () => scan,
  } as unknown as AdoptionService;
  const app = express().use(
    createAdoptionRouter({ adoption, access: {} as AccessGate }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise(r => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise(r => server.close(r)) };
}

const median = (v: number[]) => percentile(v, 50);

/**
 * The tranche matrix in Chromium with 10 and with 1,000 repositories: the built app on the real
 * portal, its adoption reads answered by the adoption router over seeded results. Render time is
 * measured in the page: from the end of the last adoption response (Resource Timing) to the frame
 * after the matrix's first row is in the DOM. Then one page of list queries over 10,000 repositories.
 */
export async function benchTrancheMatrix(): Promise<Target[]> {
  const deadline = Date.now() + BUDGET_MS;
  const scannedAt = new Date().toISOString();
  // e2e/portal.mjs is plain ESM shared with the browser tests
  const { startPortal, launchBrowser, signInAsGuest, guestToken } =
    await import('../e2e/portal.mjs' as string);
  const portal = await startPortal();
  const servers: { url: string; close: () => Promise<unknown> }[] = [];
  let browser: any;
  try {
    const scanRes = await fetch(
      `${portal.baseUrl}/api/gloriousflywheel/adoption/scan`,
      {
        headers: {
          authorization: `Bearer ${await guestToken(portal.baseUrl)}`,
        },
      },
    );
    const scan = (await scanRes.json()) as AdoptionScanStatus;
    browser = await launchBrowser();
    const renders: Record<number, number[]> = {};
    const pages: Record<number, number[]> = {};
    // 10,000 too, fewer loads: the page asks the server for the first page of 100 rows only
    for (const [size, loads] of [
      [SMALL, LOADS],
      [LARGE, LOADS],
      [HUGE, 2],
    ]) {
      const server = await startAdoptionServer(
        Array.from({ length: size }, (_, i) => seededRepo(i, scannedAt)),
        scan,
      );
      servers.push(server);
      const context = await browser.newContext({
        viewport: { width: 1400, height: 1000 },
      });
      const page = await context.newPage();
      await page.route(
        /\/api\/gloriousflywheel\/adoption\/(repos|tranches)(\?|$)/,
        async (route: any) => {
          const u = new URL(route.request().url());
          const res = await fetch(
            `${server.url}${u.pathname.replace('/api/gloriousflywheel', '')}${
              u.search
            }`,
          );
          await route.fulfill({
            status: res.status,
            contentType: 'application/json',
            body: await res.text(),
          });
        },
      );
      // Records when the matrix's first row exists and the frame after it was painted.
      await context.addInitScript(() => {
        const w = window as any;
        new MutationObserver((_m, obs) => {
          if (!document.querySelector('[data-testid^="matrix-row-"]')) return;
          obs.disconnect();
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              w.__gfMatrixPainted = performance.now();
            }),
          );
        }).observe(document, { childList: true, subtree: true });
      });
      await signInAsGuest(page, portal.baseUrl);
      await page
        .getByRole('button', { name: /^Sign in as/ })
        .first()
        .waitFor({ state: 'detached', timeout: 60000 });
      renders[size] = [];
      pages[size] = [];
      for (let i = 0; i < loads && Date.now() < deadline; i++) {
        await page.goto(`${portal.baseUrl}/gloriousflywheel/tranches`);
        await page
          .waitForFunction(
            () => (window as any).__gfMatrixPainted !== undefined,
            null,
            { timeout: 60000 },
          )
          .catch(async (e: Error) => {
            await page.screenshot({ path: `${portal.tmp}/tranche-matrix.png` });
            throw new Error(
              `${e.message} (screenshot: ${portal.tmp}/tranche-matrix.png)`,
            );
          });
        const rows = await page.locator('[data-testid^="matrix-row-"]').count();
        const caption = await page
          .getByText(new RegExp(`of ${size} repositories`))
          .count();
        if (caption !== 1)
          throw new Error(`the matrix does not show ${size} repositories`);
        const ms_ = await page.evaluate(() => {
          const dataEnd = Math.max(
            ...performance
              .getEntriesByType('resource')
              .filter(e => /\/adoption\/(repos|tranches)/.test(e.name))
              .map(e => (e as PerformanceResourceTiming).responseEnd),
          );
          // performance.now() counts from the navigation's start
          return {
            render: (window as any).__gfMatrixPainted - dataEnd,
            page: (window as any).__gfMatrixPainted as number,
          };
        });
        renders[size].push(ms_.render);
        pages[size].push(ms_.page);
        if (i === 0)
          process.stdout.write(
            `${size} repositories: ${rows} rows in the DOM\n`,
          );
      }
      await context.close();
    }
    const small = median(renders[SMALL]);
    const large = median(renders[LARGE]);
    const row = (size: number) =>
      renders[size].length
        ? [
            size,
            ms(median(renders[size])),
            ms(median(pages[size])),
            renders[size].length,
          ]
        : [size, '-', '-', 0];
    printTable(
      'Tranche matrix in Chromium, built app, median of the loads',
      [
        'repositories',
        'data received -> rows painted',
        'navigation -> rows painted',
        'loads',
      ],
      [row(SMALL), row(LARGE), row(HUGE)],
    );

    // The server over 10,000: one page each of the queries the page and the API's users make.
    const huge = await startAdoptionServer(
      Array.from({ length: HUGE }, (_, i) => seededRepo(i, scannedAt)),
      scan,
    );
    servers.push(huge);
    const queries: [string, string][] = [
      ['first page by name', 'limit=100&offset=0&sort=name'],
      ['page 50, most failing first', 'limit=100&offset=5000&sort=-fail'],
      [
        'tranche + stage filter',
        'tranche=second&stage=blocked&limit=100&sort=stage',
      ],
      ['text filter', 'q=repo-09&limit=100&sort=-scannedAt'],
      [
        'check verdict filter',
        'check=stale-cache-endpoints:fail&hosted=false&limit=100&offset=500',
      ],
    ];
    const rows: (string | number)[][] = [];
    let worst = 0;
    for (const [label, query] of queries) {
      const times: number[] = [];
      let total = 0;
      // unmeasured: the first requests of a query pay for the JIT, not for the paging
      for (let i = 0; i < 5; i++)
        await (
          await fetch(`${huge.url}/adoption/repos?${query}`)
        ).arrayBuffer();
      for (let i = 0; i < REQUESTS && Date.now() < deadline + 30_000; i++) {
        const t = performance.now();
        const res = await fetch(`${huge.url}/adoption/repos?${query}`);
        const body = (await res.json()) as { total: number; items: unknown[] };
        times.push(performance.now() - t);
        if (!res.ok || body.items.length === 0)
          throw new Error(
            `${label}: ${res.status}, ${body.items?.length} items`,
          );
        total = body.total;
      }
      const p95 = percentile(times, 95);
      worst = Math.max(worst, p95);
      rows.push([label, total, ms(percentile(times, 50)), ms(p95)]);
    }
    printTable(
      `GET /adoption/repos over ${HUGE.toLocaleString(
        'en',
      )} repositories, ${REQUESTS} requests each`,
      ['query', 'matches', 'p50', 'p95'],
      rows,
    );
    return [
      {
        target: 'tranche matrix render, 1,000 vs 10 repositories (Chromium)',
        goal: `<= ${RENDER_RATIO_GOAL}x`,
        measured: `${(large / small).toFixed(2)}x (${ms(large)} vs ${ms(
          small,
        )})`,
        met: large / small <= RENDER_RATIO_GOAL,
      },
      {
        target: 'server pages/filters 10,000 repositories, p95 per page',
        goal: `<= ${SERVER_PAGE_GOAL_MS} ms`,
        measured: ms(worst),
        met: worst <= SERVER_PAGE_GOAL_MS,
      },
    ];
  } finally {
    await browser?.close();
    for (const s of servers) await s.close();
    await portal.stop();
  }
}
