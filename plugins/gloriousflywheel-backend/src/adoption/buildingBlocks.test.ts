import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  createFleetSeed,
  GitHubSandbox,
  startGitHubSandbox,
  validateGitHubGraphql,
} from '@internal/fleet-sandbox';
import {
  DEFAULT_RUNNER_CLASSES,
  readScorecardConfig,
  RepoAdoption,
  runScorecard,
  Scorecard,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { readAdoptionConfig } from './AdoptionConfig';
import { AdoptionScanner } from './AdoptionScanner';
import {
  BuildingBlockReader,
  MAX_REMOTE_FILES_PER_REPO,
  remoteBlocksQuery,
} from './buildingBlocks';
import { RepoInputs } from './types';
import { createGitHubClient } from './GitHubClient';

// Octokit's throttling spaces GraphQL requests one second apart.
jest.setTimeout(60_000);

const ORG = 'tinyland-inc';
const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const FIXTURE = join(
  REPO_ROOT,
  'plugins',
  'gloriousflywheel-common',
  'src',
  '__fixtures__',
  'following',
);
const REMOTE = join(FIXTURE, 'remote', ORG, 'ci-templates');
const GF_AUDIT = join(REPO_ROOT, 'packages', 'gf-audit', 'bin', 'gf-audit');

function filesOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else
        out[relative(root, path).split(sep).join('/')] = readFileSync(
          path,
          'utf8',
        );
    }
  };
  walk(root);
  return out;
}

let gh: GitHubSandbox;
beforeAll(async () => {
  gh = await startGitHubSandbox({
    host: '127.0.0.1',
    port: 0,
    seed: createFleetSeed({ longTailRepos: 0 }),
  });
  gh.removeRepo(ORG, 'ci-templates');
  gh.addRepo({
    owner: ORG,
    name: 'ci-templates',
    defaultBranch: 'main',
    files: filesOf(REMOTE),
  });
  for (const name of ['following', 'following-copy'])
    gh.addRepo({
      owner: ORG,
      name,
      defaultBranch: 'main',
      files: filesOf(join(FIXTURE, 'repo')),
    });
});
afterAll(() => gh?.close());

function scanner() {
  const config = readAdoptionConfig(
    new ConfigReader({
      gloriousflywheel: { github: { orgs: [ORG], host: '127.0.0.1' } },
    }),
    { runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })) },
  );
  return new AdoptionScanner({ config, logger: mockServices.logger.mock() });
}

const progress = { addTotal() {}, repoDone() {}, repoFetched() {} };

async function scan(names: string[]) {
  const client = createGitHubClient({
    apiBaseUrl: gh.url,
    token: async () => gh.token,
    logger: mockServices.logger.mock(),
  });
  const before = gh.requestCounts.graphql;
  const { records } = await scanner().scanRepos(
    client,
    names.map(name => ({ owner: ORG, name })),
    new Map(),
    progress,
  );
  return { records, graphql: gh.requestCounts.graphql - before };
}

/** What a check says, without what only the backend has (run data, links to GitHub). */
const verdicts = (
  scorecard: Pick<Scorecard, 'checks'> | RepoAdoption['scorecard'],
) =>
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
    // The sandbox serves Actions variables: neither the org nor the repository sets the ones the
    // workflows read, so GitHub would evaluate them as ''. gf-audit is told the same.
    expect(record.inputs.blocks?.variables).toEqual({
      USE_SELFHOSTED: '',
      RUNNER_LABELS: '',
    });
    const vars = Object.entries(record.inputs.blocks!.variables!).flatMap(
      ([k, v]) => ['--var', `${k}=${v}`],
    );
    const cli = spawnSync(
      process.execPath,
      [
        GF_AUDIT,
        'repo',
        join(FIXTURE, 'repo'),
        '--json',
        `--remote=${ORG}/ci-templates=${REMOTE}`,
        ...vars,
      ],
      { encoding: 'utf8' },
    );
    expect(cli.stderr).toBe('');
    const audit = JSON.parse(cli.stdout) as Scorecard;
    expect(verdicts(record.result.scorecard)).toEqual(verdicts(audit));
    // What the portal shows per job comes from the same analysis.
    const job = (id: string) => record.result.jobs.find(j => j.jobId === id);
    expect(job('nested')?.via).toEqual([
      './.github/actions/outer',
      './.github/actions/setup',
    ]);
    // decided by the (unset) variable: the hosted branch
    expect(job('toggle')).toMatchObject({
      labels: ['ubuntu-latest'],
      hosted: true,
    });
    expect(job('toggle')?.candidates).toBeUndefined();
    expect(job('call-local')?.calledLabels).toEqual([
      'tinyland-nix',
      'self-hosted',
      'tinyland-docker',
    ]);
    expect(job('call-remote')?.via?.[0]).toBe(
      'tinyland-inc/ci-templates/.github/workflows/nix.yml@main',
    );
    expect(job('cycle')?.via).toBeUndefined();
    // The hosted-runner verdict sees the toggle's hosted branch in both.
    const hosted = audit.checks.find(c => c.id === 'hosted-runners')!;
    expect(
      hosted.evidence.find(e => e.note?.startsWith('Job toggle '))?.note,
    ).toBe('Job toggle runs on hosted ubuntu-latest with no exception');
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
    const steps = Array.from(
      { length: 250 },
      (_, i) => `      - uses: ${ORG}/ci-templates/actions/a${i}@main\n`,
    ).join('');
    gh.addRepo({
      owner: ORG,
      name: 'many-blocks',
      defaultBranch: 'main',
      files: {
        '.github/workflows/ci.yml': `on: push\njobs:\n  a:\n    runs-on: [self-hosted, tinyland-nix]\n    steps:\n${steps}`,
      },
    });
    const { records, graphql } = await scan(['many-blocks']);
    // content (1) + one query per round, each at most MAX_REMOTE_FILES_PER_REPO of the 500
    // action.yml/.yaml files: the request count follows the cap, not the workflow
    expect(graphql).toBe(1 + Math.ceil(500 / MAX_REMOTE_FILES_PER_REPO));
    expect(records[0].result.error).toBeNull();
  });

  it('builds a valid query, one alias per referenced repository', () => {
    const { query, aliases } = remoteBlocksQuery([
      {
        owner: ORG,
        repo: 'ci-templates',
        ref: 'v1',
        path: '.github/workflows/nix.yml',
      },
      {
        owner: ORG,
        repo: 'CI-Templates',
        ref: 'main',
        path: 'actions/setup-nix/action.yml',
      },
      { owner: 'other', repo: 'x', ref: 'a"b', path: 'action.yml' },
    ]);
    expect(validateGitHubGraphql(query)).toEqual([]);
    expect(query.match(/repository\(/g)).toHaveLength(2);
    expect([...aliases.keys()]).toEqual(['r0.f0', 'r0.f1', 'r1.f0']);
  });
});

describe('parsing in the adoption scan', () => {
  // The yaml package common's workflow analysis parses with: the spy counts its real calls.
  const yaml = jest.requireActual<typeof import('yaml')>('yaml');
  let parses: jest.SpyInstance;
  beforeEach(() => {
    parses = jest.spyOn(yaml, 'parseAllDocuments');
  });
  afterEach(() => parses.mockRestore());

  it('parses each workflow file once per scan', async () => {
    const workflow = (label: string) =>
      `on: push\njobs:\n  a:\n    runs-on: [self-hosted, ${label}]\n    steps: [{ run: echo }]\n`;
    gh.addRepo({
      owner: ORG,
      name: 'three-workflows',
      defaultBranch: 'main',
      files: {
        '.github/workflows/build.yml': workflow('tinyland-nix'),
        '.github/workflows/docker.yml': workflow('tinyland-docker'),
        '.github/workflows/proof.yml': workflow('tinyland-nix-heavy'),
      },
    });
    const { records } = await scan(['three-workflows']);
    expect(records[0].result.jobs).toHaveLength(3);
    expect(parses).toHaveBeenCalledTimes(3);
  });

  it('parses each followed building block once too, local and remote', async () => {
    const { records } = await scan(['following']);
    expect(records[0].result.error).toBeNull();
    // Every file of the fixture is a workflow or a block one of them follows.
    const files =
      Object.keys(filesOf(join(FIXTURE, 'repo'))).length +
      Object.keys(filesOf(REMOTE)).length;
    expect(parses).toHaveBeenCalledTimes(files);
  });
});

describe('Actions variables in the adoption scan', () => {
  // Against the sandbox's Actions variables API (GitHub's paths, ETags, 403/404).
  const TOGGLE = `on: push
jobs:
  build:
    runs-on: \${{ vars.USE_SELFHOSTED == 'true' && 'tinyland-nix' || 'ubuntu-latest' }}
    steps: [{ run: echo }]
`;
  const PLAIN =
    'on: push\njobs:\n  a:\n    runs-on: [self-hosted, tinyland-nix]\n    steps: [{ run: echo }]\n';
  beforeAll(() => {
    for (const [name, text] of [
      ['toggled', TOGGLE],
      ['unset', TOGGLE],
      ['plain', PLAIN],
    ])
      gh.addRepo({
        owner: ORG,
        name,
        defaultBranch: 'main',
        files: { '.github/workflows/ci.yml': text },
      });
    gh.setVariable(ORG, null, 'OTHER', 'x');
    // GitHub stores the name upper-cased
    gh.setVariable(ORG, 'toggled', 'use_selfhosted', 'true');
  });
  beforeEach(() => gh.resetRequestCounts());

  const reader = (variableReadsPerScan = 10) =>
    new BuildingBlockReader({
      owners: [ORG],
      scorecard: readScorecardConfig({}),
      logger: mockServices.logger.mock(),
      variableReadsPerScan,
    });
  const client = (token: string = gh.token) =>
    createGitHubClient({
      apiBaseUrl: gh.url,
      token: async () => token,
      logger: mockServices.logger.mock(),
    });
  const repo = (name: string) => ({
    owner: ORG,
    name,
    inputs: {
      defaultBranch: 'main',
      files: {
        '.github/workflows/ci.yml': gh.readFile(
          ORG,
          name,
          '.github/workflows/ci.yml',
        )!,
      },
      fileErrors: [],
    } as RepoInputs,
  });
  const hostedVerdict = (r: ReturnType<typeof repo>) =>
    runScorecard(
      { defaultBranch: 'main', files: r.inputs.files, blocks: r.inputs.blocks },
      { now: new Date('2026-12-01T00:00:00Z') },
    ).checks.find(c => c.id === 'hosted-runners')!.verdict;

  it('reads variables only where runs-on mentions them, decides the runner, and re-reads with ETags', async () => {
    const toggled = repo('toggled');
    const unset = repo('unset');
    const plain = repo('plain');
    const blocks = reader();
    blocks.startScan();
    await blocks.complete(client(), [toggled, unset, plain]);
    // the org's list once, then each repository that mentions vars.
    expect(gh.requestCounts['rest:variables']).toBe(3);
    // Repository values over the org's; a variable in neither list is unset.
    expect(toggled.inputs.blocks?.variables).toEqual({
      OTHER: 'x',
      USE_SELFHOSTED: 'true',
    });
    expect(unset.inputs.blocks?.variables).toEqual({
      OTHER: 'x',
      USE_SELFHOSTED: '',
    });
    expect(hostedVerdict(toggled)).toBe('pass');
    expect(hostedVerdict(unset)).toBe('fail');
    expect(plain.inputs.blocks).toBeUndefined();

    gh.resetRequestCounts();
    blocks.startScan();
    await blocks.complete(client(), [toggled]);
    // unchanged: both answered 304 to the stored ETags
    expect(gh.requestCounts).toMatchObject({
      'rest:variables': 2,
      'rest:304': 2,
    });
    expect(hostedVerdict(toggled)).toBe('pass');

    // the variable changes: the next scan sees it
    gh.setVariable(ORG, 'toggled', 'USE_SELFHOSTED', 'false');
    gh.resetRequestCounts();
    blocks.startScan();
    await blocks.complete(client(), [toggled]);
    expect(gh.requestCounts).toMatchObject({
      'rest:variables': 2,
      'rest:304': 1,
    });
    expect(hostedVerdict(toggled)).toBe('fail');
    gh.setVariable(ORG, 'toggled', 'USE_SELFHOSTED', 'true');
  });

  it('stops at the per-scan budget: a repository over it keeps its last read, or has its variables unread', async () => {
    const toggled = repo('toggled');
    const unset = repo('unset');
    const blocks = reader(2);
    blocks.startScan();
    await blocks.complete(client(), [toggled, unset]);
    // the org's list and the first repository's; the second is over the budget
    expect(gh.requestCounts['rest:variables']).toBe(2);
    expect(toggled.inputs.blocks?.variables).toEqual({
      OTHER: 'x',
      USE_SELFHOSTED: 'true',
    });
    expect(unset.inputs.variables).toEqual({ etag: null, values: null });
    expect(unset.inputs.blocks?.variables).toEqual({ OTHER: 'x' }); // USE_SELFHOSTED not known
    // not decided on a guess: every candidate is checked
    expect(hostedVerdict(unset)).not.toBe('fail');
    expect(hostedVerdict(toggled)).toBe('pass');

    // the next scan's budget reads the second; the first, over it now, keeps what it read
    gh.resetRequestCounts();
    blocks.startScan();
    await blocks.complete(client(), [unset, toggled]);
    expect(gh.requestCounts['rest:variables']).toBe(2);
    expect(unset.inputs.blocks?.variables).toEqual({
      OTHER: 'x',
      USE_SELFHOSTED: '',
    });
    expect(toggled.inputs.blocks?.variables).toEqual({
      OTHER: 'x',
      USE_SELFHOSTED: 'true',
    });
  });

  it('asks once per org when the credentials cannot read variables, and checks every candidate', async () => {
    // an installation token that asked only for contents: GitHub answers 403
    const { token } = gh.createInstallationToken({
      contents: 'read',
      metadata: 'read',
    });
    const a = repo('toggled');
    const b = repo('unset');
    const blocks = reader();
    blocks.startScan();
    await blocks.complete(client(token), [a, b]);
    expect(gh.requestCounts['rest:variables']).toBe(2);
    expect(a.inputs.blocks).toBeUndefined();
    expect(hostedVerdict(a)).not.toBe('pass');
  });
});
