import { spawnSync } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { createFleetSeed, GitHubSandbox, startGitHubSandbox, validateGitHubGraphql } from '@internal/fleet-sandbox';
import {
  readScorecardConfig,
  RepoAdoption,
  runScorecard,
  Scorecard,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { readAdoptionConfig } from './AdoptionConfig';
import { AdoptionScanner } from './AdoptionScanner';
import { BuildingBlockReader, MAX_REMOTE_FILES_PER_REPO, remoteBlocksQuery } from './buildingBlocks';
import { RepoInputs } from './types';
import { createGitHubClient } from './GitHubClient';

// Octokit's throttling spaces GraphQL requests one second apart.
jest.setTimeout(60_000);

const ORG = 'tinyland-inc';
const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const FIXTURE = join(REPO_ROOT, 'plugins', 'gloriousflywheel-common', 'src', '__fixtures__', 'following');
const REMOTE = join(FIXTURE, 'remote', ORG, 'ci-templates');
const GF_AUDIT = join(REPO_ROOT, 'packages', 'gf-audit', 'bin', 'gf-audit');

function filesOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(root, path).split(sep).join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(root);
  return out;
}

let gh: GitHubSandbox;
beforeAll(async () => {
  gh = await startGitHubSandbox({ host: '127.0.0.1', port: 0, seed: createFleetSeed({ longTailRepos: 0 }) });
  gh.removeRepo(ORG, 'ci-templates');
  gh.addRepo({ owner: ORG, name: 'ci-templates', defaultBranch: 'main', files: filesOf(REMOTE) });
  for (const name of ['following', 'following-copy'])
    gh.addRepo({ owner: ORG, name, defaultBranch: 'main', files: filesOf(join(FIXTURE, 'repo')) });
});
afterAll(() => gh?.close());

function scanner() {
  const config = readAdoptionConfig(
    new ConfigReader({ gloriousflywheel: { github: { orgs: [ORG], host: '127.0.0.1' } } }),
  );
  return new AdoptionScanner({ config, logger: mockServices.logger.mock() });
}

const progress = { addTotal() {}, repoDone() {}, repoFetched() {} };

async function scan(names: string[]) {
  const client = createGitHubClient({ apiBaseUrl: gh.url, token: async () => gh.token, logger: mockServices.logger.mock() });
  const before = gh.requestCounts.graphql;
  const { records } = await scanner().scanRepos(client, names.map(name => ({ owner: ORG, name })), new Map(), progress);
  return { records, graphql: gh.requestCounts.graphql - before };
}

/** What a check says, without what only the backend has (run data, links to GitHub). */
const verdicts = (scorecard: Pick<Scorecard, 'checks'> | RepoAdoption['scorecard']) =>
  scorecard.checks
    .filter(c => c.id !== 'proof-workflows-green')
    .map(c => ({
      id: c.id,
      verdict: c.verdict,
      evidence: c.evidence.map(({ url: _url, ...e }) => e),
    }));

describe('building blocks in the adoption scan', () => {
  it('gives the same verdicts as gf-audit on the same fixture', async () => {
    const { records } = await scan(['following']);
    const [record] = records;
    expect(record.result.error).toBeNull();
    // The remote template was read and stored with the inputs, so a re-evaluation needs no request.
    expect(Object.keys(record.inputs.blocks?.remoteFiles ?? {})).toEqual(
      expect.arrayContaining([
        'tinyland-inc/ci-templates/.github/workflows/nix.yml@main',
        'tinyland-inc/ci-templates/actions/setup-nix/action.yml@main',
      ]),
    );
    const cli = spawnSync(
      process.execPath,
      [GF_AUDIT, 'repo', join(FIXTURE, 'repo'), '--json', `--remote=${ORG}/ci-templates=${REMOTE}`],
      { encoding: 'utf8' },
    );
    expect(cli.stderr).toBe('');
    const audit = JSON.parse(cli.stdout) as Scorecard;
    expect(verdicts(record.result.scorecard)).toEqual(verdicts(audit));
    // What the portal shows per job comes from the same analysis.
    const job = (id: string) => record.result.jobs.find(j => j.jobId === id);
    expect(job('nested')?.via).toEqual(['./.github/actions/outer', './.github/actions/setup']);
    expect(job('toggle')?.candidates).toEqual(['ubuntu-latest', 'tinyland-nix']);
    expect(job('call-local')?.calledLabels).toEqual(['tinyland-nix', 'self-hosted', 'tinyland-docker']);
    expect(job('call-remote')?.via?.[0]).toBe('tinyland-inc/ci-templates/.github/workflows/nix.yml@main');
    expect(job('cycle')?.via).toBeUndefined();
    // The hosted-runner verdict sees the toggle's hosted branch in both.
    const hosted = audit.checks.find(c => c.id === 'hosted-runners')!;
    expect(hosted.evidence.some(e => e.note?.startsWith('Job toggle ') && e.note.includes('ubuntu-latest'))).toBe(true);
  });

  it('reads each referenced file once for the whole scan, not once per caller', async () => {
    const one = await scan(['following']);
    const two = await scan(['following', 'following-copy']);
    expect(two.graphql).toBe(one.graphql);
    expect(two.records.map(r => r.result.scorecard.verdict)).toEqual([
      one.records[0].result.scorecard.verdict,
      one.records[0].result.scorecard.verdict,
    ]);
  });

  it('reads at most MAX_REMOTE_FILES_PER_REPO per repository and round, however many it references', async () => {
    const steps = Array.from({ length: 250 }, (_, i) => `      - uses: ${ORG}/ci-templates/actions/a${i}@main\n`).join('');
    gh.addRepo({
      owner: ORG,
      name: 'many-blocks',
      defaultBranch: 'main',
      files: { '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: [self-hosted, tinyland-nix]\n    steps:\n${steps}` },
    });
    const { records, graphql } = await scan(['many-blocks']);
    // content (1) + one query per round, each at most MAX_REMOTE_FILES_PER_REPO of the 500
    // action.yml/.yaml files: the request count follows the cap, not the workflow
    expect(graphql).toBe(1 + Math.ceil(500 / MAX_REMOTE_FILES_PER_REPO));
    expect(records[0].result.error).toBeNull();
  });

  it('builds a valid query, one alias per referenced repository', () => {
    const { query, aliases } = remoteBlocksQuery([
      { owner: ORG, repo: 'ci-templates', ref: 'v1', path: '.github/workflows/nix.yml' },
      { owner: ORG, repo: 'CI-Templates', ref: 'main', path: 'actions/setup-nix/action.yml' },
      { owner: 'other', repo: 'x', ref: 'a"b', path: 'action.yml' },
    ]);
    expect(validateGitHubGraphql(query)).toEqual([]);
    expect(query.match(/repository\(/g)).toHaveLength(2);
    expect([...aliases.keys()]).toEqual(['r0.f0', 'r0.f1', 'r1.f0']);
  });
});

describe('Actions variables in the adoption scan', () => {
  // The sandbox does not serve Actions variables yet: a loopback server speaking GitHub's REST shape.
  const TOGGLE = `on: push
jobs:
  build:
    runs-on: \${{ vars.USE_SELFHOSTED == 'true' && 'tinyland-nix' || 'ubuntu-latest' }}
    steps: [{ run: echo }]
`;
  let server: Server;
  let url: string;
  const seen: string[] = [];
  let refuse = false;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.url?.split('?')[0]} ${req.headers['if-none-match'] ?? ''}`.trim());
      const answer = (etag: string, variables: { name: string; value: string }[]) => {
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { etag });
          res.end();
          return;
        }
        res.writeHead(200, { etag, 'content-type': 'application/json' });
        res.end(JSON.stringify({ total_count: variables.length, variables }));
      };
      if (refuse) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Resource not accessible by integration' }));
      } else if (req.url?.startsWith(`/orgs/${ORG}/actions/variables`)) answer('"o1"', [{ name: 'OTHER', value: 'x' }]);
      else if (req.url?.startsWith(`/repos/${ORG}/toggled/actions/variables`)) answer('"r1"', [{ name: 'use_selfhosted', value: 'true' }]);
      else answer('"r2"', []);
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(r => server.close(r)));
  beforeEach(() => {
    seen.length = 0;
    refuse = false;
  });

  const reader = () =>
    new BuildingBlockReader({ owners: [ORG], scorecard: readScorecardConfig({}), logger: mockServices.logger.mock() });
  const client = () => createGitHubClient({ apiBaseUrl: url, token: async () => 't', logger: mockServices.logger.mock() });
  const repo = (name: string, text = TOGGLE) => ({
    owner: ORG,
    name,
    inputs: { defaultBranch: 'main', files: { '.github/workflows/ci.yml': text }, fileErrors: [] } as RepoInputs,
  });
  const hostedVerdict = (r: ReturnType<typeof repo>) =>
    runScorecard(
      { defaultBranch: 'main', files: r.inputs.files, blocks: r.inputs.blocks },
      { now: new Date('2026-12-01T00:00:00Z') },
    ).checks.find(c => c.id === 'hosted-runners')!.verdict;

  it('reads variables only where runs-on mentions them, decides the runner, and re-reads with ETags', async () => {
    const toggled = repo('toggled');
    const unset = repo('unset');
    const plain = repo('plain', 'on: push\njobs:\n  a:\n    runs-on: [self-hosted, tinyland-nix]\n    steps: [{ run: echo }]\n');
    const blocks = reader();
    blocks.startScan();
    await blocks.complete(client(), [toggled, unset, plain]);
    expect(seen).toEqual([
      `/orgs/${ORG}/actions/variables`,
      `/repos/${ORG}/toggled/actions/variables`,
      `/repos/${ORG}/unset/actions/variables`,
    ]);
    // Repository values over the org's; a variable in neither list is unset.
    expect(toggled.inputs.blocks?.variables).toEqual({ OTHER: 'x', use_selfhosted: 'true' });
    expect(unset.inputs.blocks?.variables).toEqual({ OTHER: 'x', USE_SELFHOSTED: '' });
    expect(hostedVerdict(toggled)).toBe('pass');
    expect(hostedVerdict(unset)).toBe('fail');
    expect(plain.inputs.blocks).toBeUndefined();

    seen.length = 0;
    blocks.startScan();
    await blocks.complete(client(), [toggled]);
    expect(seen).toEqual([`/orgs/${ORG}/actions/variables "o1"`, `/repos/${ORG}/toggled/actions/variables "r1"`]);
    expect(hostedVerdict(toggled)).toBe('pass');
  });

  it('asks once per org when the credentials cannot read variables, and checks every candidate', async () => {
    refuse = true;
    const a = repo('toggled');
    const b = repo('unset');
    const blocks = reader();
    blocks.startScan();
    await blocks.complete(client(), [a, b]);
    expect(seen).toEqual([`/orgs/${ORG}/actions/variables`, `/repos/${ORG}/toggled/actions/variables`]);
    expect(a.inputs.blocks).toBeUndefined();
    expect(hostedVerdict(a)).not.toBe('pass');
  });
});
