import { createFleetSeed, GitHubRequestCounts, startGitHubSandbox } from '@internal/fleet-sandbox';
import { readScorecardConfig, readTranches } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AdoptionScanner } from '../plugins/gloriousflywheel-backend/src/adoption/AdoptionScanner';
import { DEFAULT_MIGRATION_LABEL } from '../plugins/gloriousflywheel-backend/src/adoption/AdoptionConfig';
import { createGitHubClient } from '../plugins/gloriousflywheel-backend/src/adoption/GitHubClient';
import { repoKey } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { RepoScanRecord } from '../plugins/gloriousflywheel-backend/src/adoption/types';
import { printTable, silentLogger } from './report';

const LONG_TAIL = 1000;
const ORG = 'tinyland-inc';
const NAIVE_CONCURRENCY = 16;
const BUDGET_MS = 110_000;

type Counts = GitHubRequestCounts;
const diff = (a: Counts, b: Counts) =>
  Object.fromEntries(Object.keys(b).map(k => [k, (b as any)[k] - ((a as any)[k] ?? 0)])) as Counts;

/**
 * Requests per repository: the adoption scanner (cold, then warm with nothing changed) against a
 * naive REST scan (list repos, then list .github/workflows and GET each file per repo), same
 * process, same sandbox, counted by the sandbox.
 */
export async function benchAdoption() {
  const deadline = Date.now() + BUDGET_MS;
  const seed = createFleetSeed({ longTailRepos: LONG_TAIL });
  // A budget no run here can reach: the bench measures requests, not waits.
  const gh = await startGitHubSandbox({ host: '127.0.0.1', port: 0, seed, rateLimit: { limit: 1_000_000, graphqlLimit: 1_000_000 } });
  try {
    const repos = gh.listRepos().filter(r => !r.isFork && !r.isArchived);
    const workflows = repos.reduce((n, r) => n + r.workflows.length, 0);
    process.stdout.write(`${repos.length} repositories (${gh.listRepos().length - repos.length} forks/archived left out), ${workflows} workflow files\n`);

    const client = createGitHubClient({ apiBaseUrl: gh.url, token: async () => gh.token, logger: silentLogger });
    const scanner = new AdoptionScanner({
      config: {
        orgs: [ORG],
        host: '127.0.0.1',
        includeForks: false,
        includeArchived: false,
        emitComponents: false,
        // as configured by default: the migration pull requests ride along in every batch
        migrationPullRequests: { labels: [DEFAULT_MIGRATION_LABEL], headBranches: [], limit: 10 },
        scorecard: readScorecardConfig({}),
        tranches: readTranches([{ name: 'rest', rest: true }]),
        schedule: { frequency: { minutes: 30 }, timeout: { minutes: 20 } },
      },
      logger: silentLogger,
    });
    const progress = { addTotal() {}, repoDone() {}, repoFetched() {} };

    const measure = async (run: () => Promise<unknown>) => {
      const before = gh.requestCounts;
      const t = performance.now();
      await run();
      return { counts: diff(before, gh.requestCounts), ms: performance.now() - t };
    };

    let known = new Map<string, RepoScanRecord>();
    const cold = await measure(async () => {
      const out = await scanner.scanOrg(client, ORG, known, progress);
      known = new Map(out.records.map(r => [repoKey(r.owner, r.name), r]));
    });
    const warm = await measure(() => scanner.scanOrg(client, ORG, known, progress));
    if (Date.now() > deadline) throw new Error('adoption bench over its time budget before the naive scan');

    const headers = { authorization: `token ${gh.token}`, accept: 'application/vnd.github+json' };
    const get = async (path: string) => {
      const res = await fetch(`${gh.url}${path}`, { headers });
      return res.ok ? res.json() : undefined;
    };
    let files = 0;
    const naive = await measure(async () => {
      const names: string[] = [];
      for (let page = 1; page < 100; page++) {
        const list: any[] = await get(`/orgs/${ORG}/repos?per_page=100&page=${page}`);
        names.push(...list.filter(r => !r.fork && !r.archived).map(r => r.name));
        if (list.length < 100) break;
      }
      let next = 0;
      const worker = async () => {
        while (next < names.length && Date.now() < deadline) {
          const name = names[next++];
          const dir: any[] | undefined = await get(`/repos/${ORG}/${name}/contents/.github/workflows`);
          for (const f of dir ?? []) {
            if (f.type !== 'file') continue;
            await get(`/repos/${ORG}/${name}/contents/${f.path}`);
            files++;
          }
        }
      };
      await Promise.all(Array.from({ length: NAIVE_CONCURRENCY }, worker));
    });
    if (Date.now() > deadline) throw new Error('adoption bench over its time budget (naive scan cut short)');

    const n = repos.length;
    const row = (name: string, m: { counts: Counts; ms: number }, total: number, charged: number) => [
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
      ['scan', 'requests', 'req/repo', 'charged', 'charged/repo', 'graphql', 'rest', 'rest 304', 'time'],
      [
        row('adoption cold', cold, coldTotal, charged(cold.counts)),
        row('adoption warm', warm, warmTotal, charged(warm.counts)),
        row('naive REST', naive, naiveTotal, charged(naive.counts)),
      ],
    );
    const ratio = (a: number, b: number) => (b ? `${(a / b).toFixed(0)}x` : 'inf');
    process.stdout.write(
      `\nnaive / cold: ${ratio(naiveTotal, coldTotal)} fewer requests; naive / warm: ${ratio(naiveTotal, warmTotal)} (${ratio(
        charged(naive.counts),
        charged(warm.counts),
      )} counting only charged ones)\n` +
        `targets: cold <= 0.03 req/repo (${(coldTotal / n).toFixed(4)}), warm <= 0.011 (${(warmTotal / n).toFixed(4)}; charged ${(
          charged(warm.counts) / n
        ).toFixed(4)}), >= 100x fewer than naive\n` +
        'GraphQL requests are spaced 1 s apart by @octokit/plugin-throttling (GitHub\'s guidance), which is most of the scan time.\n',
    );
  } finally {
    await gh.close();
  }
}
