import { mockServices } from '@backstage/backend-test-utils';
import {
  createFleetSeed,
  GitHubSandbox,
  GITHUB_SEED_FACTS,
  startGitHubSandbox,
} from '@internal/fleet-sandbox';
import {
  readScorecardConfig,
  readTranches,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { repoKey } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import type { AdoptionConfig } from './AdoptionConfig';
import { AdoptionScanner, OrgScanResult } from './AdoptionScanner';
import { createGitHubClient, GitHubClient } from './GitHubClient';
import { RepoScanRecord } from './types';

// Octokit's throttling spaces GraphQL requests one second apart, as GitHub asks of integrators.
jest.setTimeout(120_000);
const ORG = 'tinyland-inc';
const seed = createFleetSeed({ longTailRepos: 230 });

const config: AdoptionConfig = {
  orgs: [ORG],
  host: '127.0.0.1',
  includeForks: false,
  includeArchived: false,
  emitComponents: false,
  migrationPullRequests: {
    labels: [GITHUB_SEED_FACTS.migrationLabel],
    headBranches: [],
    limit: 10,
  },
  scorecard: readScorecardConfig({}),
  tranches: readTranches([{ name: 'all', rest: true }]),
  schedule: { frequency: { minutes: 30 }, timeout: { minutes: 5 } },
};

let gh: GitHubSandbox;
let client: GitHubClient;
/** GraphQL operations sent, by name (AdoptionOrgHeads, AdoptionRepos, ...). */
let operations: string[] = [];
const scanner = new AdoptionScanner({
  config,
  logger: mockServices.logger.mock(),
});
const progress = { addTotal() {}, repoDone() {}, repoFetched() {} };
const known = new Map<string, RepoScanRecord>();
let mark: string | null = null;

beforeAll(async () => {
  gh = await startGitHubSandbox({
    host: '127.0.0.1',
    port: 0,
    seed,
    rateLimit: { limit: 100_000, graphqlLimit: 100_000 },
  });
  const base = createGitHubClient({
    apiBaseUrl: gh.url,
    token: async () => gh.token,
    logger: mockServices.logger.mock(),
  });
  client = {
    ...base,
    graphql: (async (query: string, variables?: Record<string, unknown>) => {
      operations.push(/query (\w+)/.exec(query)?.[1] ?? '?');
      return base.graphql(query, variables);
    }) as GitHubClient['graphql'],
  };
  const cold = await scanner.scanOrg(client, ORG, known, progress);
  remember(cold);
});
afterAll(() => gh?.close());
beforeEach(() => {
  gh.resetRequestCounts();
  operations = [];
});

function remember(out: OrgScanResult) {
  for (const r of out.records) known.set(repoKey(r.owner, r.name), r);
  mark = out.pushedMark;
}

/** A scheduled scan between full listings: stops at the last scan's push mark. */
async function warm() {
  const out = await scanner.scanOrg(client, ORG, known, progress, {
    pushedSince: mark,
  });
  remember(out);
  return out;
}

async function fullListing() {
  const out = await scanner.scanOrg(client, ORG, known, progress, {
    pushedSince: null,
  });
  remember(out);
  for (const key of [...known.keys()])
    if (!out.seen.has(key)) known.delete(key);
  return out;
}

const heads = () => operations.filter(o => o === 'AdoptionOrgHeads').length;
const included = () => gh.listRepos().filter(r => !r.isFork && !r.isArchived);
/** Long-tail repositories (no proof workflow, no variables) by name. */
const byName = () =>
  included()
    .filter(r => r.tier === 'long-tail')
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));

describe('a warm scan that stops at the push mark', () => {
  it('costs one heads page and no REST when nothing was pushed, and keeps every repository', async () => {
    const before = known.size;
    const out = await warm();
    expect(operations).toEqual(['AdoptionOrgHeads']);
    expect(gh.requestCounts.total).toBe(1);
    expect(out.listedAll).toBe(false);
    expect(out.dirty).toEqual([]);
    expect(out.records).toHaveLength(before);
    expect(out.seen.size).toBe(before);
  });

  it('reads a pushed repository whose name is on the last page of a listing by name', async () => {
    const last = byName()[byName().length - 1];
    const { after } = gh.putFile(
      ORG,
      last.name,
      'README.md',
      `# ${last.name}\n\npushed\n`,
    );
    const out = await warm();
    // the push put it first: one heads page, its content, nothing else of the org
    expect(heads()).toBe(1);
    expect(operations.filter(o => o === 'AdoptionRepos')).toHaveLength(1);
    expect(out.dirty.map(r => r.name)).toEqual([last.name]);
    expect(known.get(repoKey(ORG, last.name))!.headOid).toBe(after);
    expect(gh.requestCounts.total).toBe(operations.length); // no REST
  });

  it('sees a pull request whose branch was pushed, without reading content', async () => {
    const name = byName()[5].name;
    gh.addPullRequest(ORG, name, {
      number: 900,
      title: 'Move onto a runner class',
      state: 'OPEN',
      headRefName: 'gloriousflywheel/runners',
      labels: [GITHUB_SEED_FACTS.migrationLabel],
      author: 'jesssullivan',
      createdAt: new Date().toISOString(),
    });
    const out = await warm();
    expect(operations.filter(o => o !== 'AdoptionOrgHeads')).toEqual([]);
    expect(out.dirty.map(r => r.name)).toEqual([name]);
    expect(
      known
        .get(repoKey(ORG, name))!
        .result.migrationPullRequests.map(p => p.number),
    ).toContain(900);
  });

  it('keeps a deleted repository until a full listing, which drops it', async () => {
    const gone = byName()[10].name;
    expect(gh.removeRepo(ORG, gone)).toBe(true);
    const out = await warm();
    expect(operations).toEqual(['AdoptionOrgHeads']);
    expect(out.listedAll).toBe(false);
    expect(out.seen.has(repoKey(ORG, gone))).toBe(true); // not listed, not known to be gone

    gh.resetRequestCounts();
    operations = [];
    const full = await fullListing();
    expect(full.listedAll).toBe(true);
    expect(full.seen.has(repoKey(ORG, gone))).toBe(false);
    expect(heads()).toBe(
      Math.ceil(gh.listRepos().filter(r => !r.isFork).length / 100),
    );
    expect(operations.filter(o => o !== 'AdoptionOrgHeads')).toEqual([]);
  });

  it('finds a renamed repository (its pushedAt unchanged) at the next full listing', async () => {
    const old = byName()[20];
    const files = Object.fromEntries(
      gh
        .getRepo(ORG, old.name)!
        .files.map(p => [p, gh.readFile(ORG, old.name, p)!]),
    );
    gh.removeRepo(ORG, old.name);
    const renamed = `${old.name}-renamed`;
    gh.addRepo({
      name: renamed,
      pushedAt: old.pushedAt,
      files,
      defaultBranch: old.defaultBranch,
    });

    const out = await warm();
    expect(operations).toEqual(['AdoptionOrgHeads']);
    expect(out.seen.has(repoKey(ORG, renamed))).toBe(false);

    const full = await fullListing();
    expect(full.seen.has(repoKey(ORG, old.name))).toBe(false);
    expect(full.dirty.map(r => r.name)).toEqual([renamed]);
    expect(known.get(repoKey(ORG, renamed))!.headOid).toBe(
      gh.getRepo(ORG, renamed)!.headOid,
    );
  });

  it('drops an archived repository at the next full listing', async () => {
    const archived = byName()[30].name;
    gh.updateRepo(ORG, archived, { isArchived: true });
    expect((await warm()).seen.has(repoKey(ORG, archived))).toBe(true);
    expect((await fullListing()).seen.has(repoKey(ORG, archived))).toBe(false);
  });

  it('reads again a repository that failed last time, though it was not pushed', async () => {
    const name = byName()[40].name;
    const key = repoKey(ORG, name);
    const prev = known.get(key)!;
    known.set(key, {
      ...prev,
      result: { ...prev.result, stale: true, error: { message: 'timed out' } },
    });
    const out = await warm();
    expect(operations).toEqual(['AdoptionOrgHeads', 'AdoptionRepos']);
    expect(out.dirty.map(r => r.name)).toEqual([name]);
    expect(known.get(key)!.result.error).toBeNull();
  });

  it('pages on while every repository of a page was pushed, and stops at the first one not pushed', async () => {
    const pushed = byName().slice(0, 120);
    for (const r of pushed)
      gh.putFile(ORG, r.name, 'README.md', `# ${r.name}\n\npushed again\n`);
    const out = await warm();
    expect(heads()).toBe(2); // 120 pushed: a second page, which ends the listing at the 121st
    expect(new Set(out.dirty.map(r => r.name))).toEqual(
      new Set(pushed.map(r => r.name)),
    );
    for (const r of pushed)
      expect(known.get(repoKey(ORG, r.name))!.headOid).toBe(
        gh.getRepo(ORG, r.name)!.headOid,
      );
    // content in chunks of 50, nothing for the unpushed repositories
    expect(operations.filter(o => o === 'AdoptionRepos')).toHaveLength(3);
    // GitHub's pushedAt has second resolution: the repositories pushed in the mark's second are
    // listed again (one may have been pushed after the scan read it), but their content is not
    gh.resetRequestCounts();
    operations = [];
    const again = await warm();
    expect(operations.filter(o => o !== 'AdoptionOrgHeads')).toEqual([]);
    expect(again.dirty).toEqual([]);
  });
});
