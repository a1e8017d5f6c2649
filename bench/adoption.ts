import {
  createFleetSeed,
  GitHubRequestCounts,
  startGitHubSandbox,
} from '@internal/fleet-sandbox';
import { AdoptionScanner } from '../plugins/gloriousflywheel-backend/src/adoption/AdoptionScanner';
import { createGitHubClient } from '../plugins/gloriousflywheel-backend/src/adoption/GitHubClient';
import { repoKey } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { RepoScanRecord } from '../plugins/gloriousflywheel-backend/src/adoption/types';
import { printTable, silentLogger, Target } from './report';
import { ORG, scanConfig } from './scanConfig';

const LONG_TAIL = 1000;
/** Included repositories of the large org (the 10,000). */
const LARGE_ORG = 10_000;
/** Long-tail repositories generated for it: a few more, since forks and archived ones are left out. */
const LARGE_LONG_TAIL = 10_400;
const LARGE_BUDGET_MS = 240_000;
const NAIVE_CONCURRENCY = 16;
const BUDGET_MS = 110_000;

type Counts = GitHubRequestCounts;
const diff = (a: Counts, b: Counts) =>
  Object.fromEntries(
    Object.keys(b).map(k => [k, (b as any)[k] - ((a as any)[k] ?? 0)]),
  ) as Counts;

const measureOn =
  (gh: { requestCounts: Counts }) => async (run: () => Promise<unknown>) => {
    const before = gh.requestCounts;
    const t = performance.now();
    await run();
    return {
      counts: diff(before, gh.requestCounts),
      ms: performance.now() - t,
    };
  };

/**
 * A GitHub sandbox with the large org: the generated long tail trimmed (from its end) to
 * LARGE_ORG included repositories. The caller closes it.
 */
export async function startLargeOrg() {
  const seed = createFleetSeed({ longTailRepos: LARGE_LONG_TAIL });
  const gh = await startGitHubSandbox({
    host: '127.0.0.1',
    port: 0,
    seed,
    rateLimit: { limit: 1_000_000, graphqlLimit: 1_000_000 },
  });
  const included = () => gh.listRepos().filter(r => !r.isFork && !r.isArchived);
  const excess = included().length - LARGE_ORG;
  if (excess > 0)
    for (const r of included()
      .filter(x => x.tier === 'long-tail')
      .slice(-excess))
      gh.removeRepo(r.owner, r.name);
  const repos = included();
  if (repos.length !== LARGE_ORG) {
    await gh.close();
    throw new Error(
      `large org: ${repos.length} repositories, not ${LARGE_ORG}`,
    );
  }
  return { gh, repos };
}

/**
 * The adoption targets on an org of about 10,000 repositories (≈50,000 workflow files),
 * generated like the 977-repository one: a cold scan, a warm one with nothing changed (stopping at
 * the last scan's push mark, as a scheduled scan between full listings does), and a warm one after
 * 1% of the repositories were pushed.
 */
export async function benchAdoptionLarge(): Promise<Target[]> {
  const deadline = Date.now() + LARGE_BUDGET_MS;
  const { gh, repos } = await startLargeOrg();
  try {
    const workflows = repos.reduce((n, r) => n + r.workflows.length, 0);
    const n = repos.length;
    process.stdout.write(
      `\n${n} repositories (${
        gh.listRepos().length - n
      } forks/archived left out), ${workflows} workflow files\n`,
    );
    const client = createGitHubClient({
      apiBaseUrl: gh.url,
      token: async () => gh.token,
      logger: silentLogger,
    });
    const scanner = new AdoptionScanner({
      config: scanConfig(),
      logger: silentLogger,
    });
    const progress = { addTotal() {}, repoDone() {}, repoFetched() {} };
    const measure = measureOn(gh);

    let known = new Map<string, RepoScanRecord>();
    let mark: string | null = null;
    const scan = async () => {
      const out = await scanner.scanOrg(client, ORG, known, progress, {
        pushedSince: mark,
      });
      for (const r of out.records) known.set(repoKey(r.owner, r.name), r);
      mark = out.pushedMark;
      if (Date.now() > deadline)
        throw new Error('large adoption bench over its time budget');
      return out;
    };
    const cold = await measure(scan);
    const unchanged = await measure(scan);
    // 1% of the repositories, spread over the org, each pushed once
    const pushed = repos.filter((_, i) => i % 100 === 0);
    for (const r of pushed)
      gh.putFile(
        r.owner,
        r.name,
        'README.md',
        `# ${r.name}\n\npushed for the bench\n`,
      );
    let read = 0;
    const onePercent = await measure(async () => {
      const out = await scan();
      read = out.dirty.filter(r =>
        pushed.some(
          p =>
            p.name === r.name &&
            r.headOid === gh.getRepo(p.owner, p.name)!.headOid,
        ),
      ).length;
    });
    if (read !== pushed.length)
      throw new Error(
        `warm scan read ${read} of ${pushed.length} pushed repositories`,
      );

    const row = (name: string, m: { counts: Counts; ms: number }) => [
      name,
      m.counts.total,
      (m.counts.total / n).toFixed(5),
      m.counts.graphql,
      m.counts.total - m.counts.graphql,
      m.counts['rest:304'],
      `${(m.ms / 1000).toFixed(1)} s`,
    ];
    printTable(
      `GitHub requests for ${n} repositories (${pushed.length} pushed before the last scan)`,
      ['scan', 'requests', 'req/repo', 'graphql', 'rest', 'rest 304', 'time'],
      [
        row('cold', cold),
        row('warm, nothing changed', unchanged),
        row('warm, 1% pushed', onePercent),
      ],
    );
    const perRepo = (m: { counts: Counts }) => m.counts.total / n;
    return [
      {
        target: `adoption cold scan, ${n} repositories`,
        goal: '<= 0.0105 req/repo',
        measured: `${perRepo(cold).toFixed(4)} (${cold.counts.total} requests)`,
        met: perRepo(cold) <= 0.0105,
      },
      {
        target: `adoption warm scan, nothing changed, ${n} repositories`,
        goal: '<= 2 requests',
        measured: `${unchanged.counts.total}`,
        met: unchanged.counts.total <= 2,
      },
      {
        target: `adoption warm scan, 1% pushed, ${n} repositories`,
        goal: '<= 0.002 req/repo',
        measured: `${perRepo(onePercent).toFixed(4)} (${
          onePercent.counts.total
        } requests)`,
        met: perRepo(onePercent) <= 0.002,
      },
    ];
  } finally {
    await gh.close();
  }
}

/**
 * Requests per repository: the adoption scanner (cold, then warm with nothing changed) against a
 * naive REST scan (list repos, then list .github/workflows and GET each file per repo), same
 * process, same sandbox, counted by the sandbox.
 */
export async function benchAdoption() {
  const deadline = Date.now() + BUDGET_MS;
  const seed = createFleetSeed({ longTailRepos: LONG_TAIL });
  // A budget no run here can reach: the bench measures requests, not waits.
  const gh = await startGitHubSandbox({
    host: '127.0.0.1',
    port: 0,
    seed,
    rateLimit: { limit: 1_000_000, graphqlLimit: 1_000_000 },
  });
  try {
    const repos = gh.listRepos().filter(r => !r.isFork && !r.isArchived);
    const workflows = repos.reduce((n, r) => n + r.workflows.length, 0);
    process.stdout.write(
      `${repos.length} repositories (${
        gh.listRepos().length - repos.length
      } forks/archived left out), ${workflows} workflow files\n`,
    );

    const client = createGitHubClient({
      apiBaseUrl: gh.url,
      token: async () => gh.token,
      logger: silentLogger,
    });
    const scanner = new AdoptionScanner({
      config: scanConfig(),
      logger: silentLogger,
    });
    const progress = { addTotal() {}, repoDone() {}, repoFetched() {} };

    const measure = measureOn(gh);

    let known = new Map<string, RepoScanRecord>();
    let mark: string | null = null;
    const cold = await measure(async () => {
      const out = await scanner.scanOrg(client, ORG, known, progress);
      known = new Map(out.records.map(r => [repoKey(r.owner, r.name), r]));
      mark = out.pushedMark;
    });
    // as a scheduled scan between full listings: stops at the cold scan's push mark
    const warm = await measure(() =>
      scanner.scanOrg(client, ORG, known, progress, { pushedSince: mark }),
    );
    if (Date.now() > deadline)
      throw new Error(
        'adoption bench over its time budget before the naive scan',
      );

    const headers = {
      authorization: `token ${gh.token}`,
      accept: 'application/vnd.github+json',
    };
    const get = async (path: string) => {
      const res = await fetch(`${gh.url}${path}`, { headers });
      return res.ok ? res.json() : undefined;
    };
    let files = 0;
    const naive = await measure(async () => {
      const names: string[] = [];
      for (let page = 1; page < 100; page++) {
        const list: any[] = await get(
          `/orgs/${ORG}/repos?per_page=100&page=${page}`,
        );
        names.push(
          ...list.filter(r => !r.fork && !r.archived).map(r => r.name),
        );
        if (list.length < 100) break;
      }
      let next = 0;
      const worker = async () => {
        while (next < names.length && Date.now() < deadline) {
          const name = names[next++];
          const dir: any[] | undefined = await get(
            `/repos/${ORG}/${name}/contents/.github/workflows`,
          );
          for (const f of dir ?? []) {
            if (f.type !== 'file') continue;
            await get(`/repos/${ORG}/${name}/contents/${f.path}`);
            files++;
          }
        }
      };
      await Promise.all(Array.from({ length: NAIVE_CONCURRENCY }, worker));
    });
    if (Date.now() > deadline)
      throw new Error(
        'adoption bench over its time budget (naive scan cut short)',
      );

    const n = repos.length;
    const row = (
      name: string,
      m: { counts: Counts; ms: number },
      total: number,
      charged: number,
    ) => [
      name,
      total,
      (total / n).toFixed(4),
      charged,
      (charged / n).toFixed(4),
      m.counts.graphql,
      m.counts.total - m.counts.graphql,
      m.counts['rest:304'],
      `${(m.ms / 1000).toFixed(1)} s`,
    ];
    const coldTotal = cold.counts.total;
    const warmTotal = warm.counts.total;
    const naiveTotal = naive.counts.total;
    const charged = (c: Counts) => c.total - c['rest:304'];
    printTable(
      `GitHub requests for ${n} repositories (${files} workflow files read by the naive scan)`,
      [
        'scan',
        'requests',
        'req/repo',
        'charged',
        'charged/repo',
        'graphql',
        'rest',
        'rest 304',
        'time',
      ],
      [
        row('adoption cold', cold, coldTotal, charged(cold.counts)),
        row('adoption warm', warm, warmTotal, charged(warm.counts)),
        row('naive REST', naive, naiveTotal, charged(naive.counts)),
      ],
    );
    const ratio = (a: number, b: number) =>
      b ? `${(a / b).toFixed(0)}x` : 'inf';
    process.stdout.write(
      `\nnaive / cold: ${ratio(
        naiveTotal,
        coldTotal,
      )} fewer requests; naive / warm: ${ratio(naiveTotal, warmTotal)} (${ratio(
        charged(naive.counts),
        charged(warm.counts),
      )} counting only charged ones)\n` +
        `targets: cold <= 0.03 req/repo (${(coldTotal / n).toFixed(
          4,
        )}), warm <= 0.011 (${(warmTotal / n).toFixed(4)}; charged ${(
          charged(warm.counts) / n
        ).toFixed(4)}), >= 100x fewer than naive\n` +
        "GraphQL requests are spaced 1 s apart by @octokit/plugin-throttling (GitHub's guidance), which is most of the scan time.\n",
    );
  } finally {
    await gh.close();
  }
}
