import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  createFleetSeed,
  GitHubSandbox,
  githubLargeWorkflowRepos,
  githubMalformedWorkflowRepos,
  GITHUB_SEED_FACTS,
  startGitHubSandbox,
} from '@internal/fleet-sandbox';
import {
  readScorecardConfig,
  readTranches,
  RepoAdoption,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AdoptionStore } from '../database/AdoptionStore';
import {
  AdoptionRescanStore,
  WebhookDelivery,
} from '../database/AdoptionRescanStore';
import { migrateDatabase } from '../database/migrateDatabase';
import type { AdoptionConfig } from './AdoptionConfig';
import { AdoptionHub } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { ADOPTION_SCAN_TASK_ID, AdoptionService } from './AdoptionService';
import { createGitHubClient, GitHubClient } from './GitHubClient';

// Store behaviour on PostgreSQL is covered in AdoptionStore.test.ts; here SQLite is enough.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
// Octokit's throttling spaces GraphQL requests one second apart, as GitHub asks of integrators.
jest.setTimeout(60_000);
const ORG = 'tinyland-inc';
// After the expired exception's day (2026-05-31), before the valid ones' (2027-03-31).
const NOW = new Date('2026-11-25T12:00:00Z');
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
  // as app-config.yaml: the seeded org allows `hardware` exceptions (lab's GPU lane)
  scorecard: readScorecardConfig({
    staleEndpoints: ['*.attic-cache-dev.*'],
    exceptionCategories: ['control-plane', 'hardware'],
  }),
  tranches: readTranches([
    {
      name: 'first',
      repos: [
        'XoxdWM',
        'tinyland.dev',
        'lab',
        'blahaj',
        'GloriousFlywheel',
      ].map(r => `${ORG}/${r}`),
      blockers: [
        {
          repo: `${ORG}/tinyland.dev`,
          issue: `${ORG}/tinyland.dev#136`,
          kind: 'repo',
        },
      ],
    },
    { name: 'long-tail', rest: true },
  ]),
  schedule: { frequency: { minutes: 30 }, timeout: { minutes: 5 } },
  // every repository whose runs-on reads a variable has it read (the seeded toggle among them)
  variableReadsPerScan: 1000,
};

let gh: GitHubSandbox;
beforeAll(async () => {
  gh = await startGitHubSandbox({
    host: '127.0.0.1',
    port: 0,
    seed,
    rateLimit: { windowMs: 1000 },
  });
});
afterAll(() => gh?.close());
beforeEach(() => {
  gh.rateLimit.configure({
    limit: 5000,
    graphqlLimit: 5000,
    windowMs: 1000,
    secondary: null,
  });
  gh.resetRequestCounts();
});

async function setup(
  knex?: Awaited<ReturnType<typeof databases.init>>,
  options: {
    token?: () => string;
    now?: () => Date;
    config?: Partial<AdoptionConfig>;
  } = {},
) {
  const db = knex ?? (await databases.init('SQLITE_3'));
  await migrateDatabase({ getClient: async () => db });
  const logger = mockServices.logger.mock();
  const token = options.token ?? (() => gh.token);
  const client: GitHubClient = createGitHubClient({
    apiBaseUrl: gh.url,
    token: async () => token(),
    logger,
  });
  const hub = new AdoptionHub();
  const rescans = new AdoptionRescanStore(db);
  const service = new AdoptionService({
    config: { ...config, ...options.config },
    clientFor: () => client,
    store: new AdoptionStore(db),
    rescans,
    hub,
    logger,
    now: options.now ?? (() => NOW),
  });
  await service.load();
  return { service, hub, client, db, rescans };
}

let deliveries = 0;
/** A signed push delivery of `name` as the webhook route records it. */
const push = (name: string): WebhookDelivery => {
  deliveries++;
  return {
    deliveryId: `delivery-${deliveries}`,
    payloadSha256: String(deliveries).padStart(64, '0'),
    event: 'push',
    repo: { owner: ORG, name },
    receivedAt: NOW,
  };
};

const included = () => gh.listRepos().filter(r => !r.isFork && !r.isArchived);
const listed = () => gh.listRepos().filter(r => !r.isFork && !r.isArchived); // what the org query pages through
const pages = () => Math.ceil(listed().length / 100);
const check = (r: RepoAdoption, id: string) =>
  r.scorecard.checks.find(c => c.id === id)!;
const charged = () => gh.rateLimit.get('core').used;

describe('AdoptionService against the GitHub sandbox', () => {
  let shared: Awaited<ReturnType<typeof setup>>;

  it('scans the seeded org: runner classes, failing checks with evidence, tranches, per-repo errors', async () => {
    shared = await setup();
    const status = await shared.service.scan('manual');
    expect(status).toMatchObject({
      state: 'idle',
      lastError: null,
      reposTotal: included().length,
      reposDone: included().length,
    });
    expect(shared.hub.list()).toHaveLength(included().length);
    // cold: one batch per 100 repos plus one query for files outside .github (few repos have any)
    // and one per level of the remote building blocks the seeds call, read once for the org (two:
    // the platform's template workflow and the actions it runs)
    expect(gh.requestCounts.graphql).toBeLessThanOrEqual(pages() + 3);
    expect(status.requestsUsed.graphql).toBe(gh.requestCounts.graphql);

    const get = (name: string) => shared.hub.get(`${ORG}/${name}`)!;
    // The seeds' two completed merges: blahaj#68 and lab#72. lab's GPU lane (a host pin) is off the
    // pool by a hardware exception the seeded org allows: exempt, shown, not a silent pass.
    const lab = get('lab');
    expect(lab.stage).toBe('adopted');
    const hosted = lab.scorecard.checks.find(c => c.id === 'hosted-runners')!;
    expect(
      hosted.evidence
        .filter(e => e.verdict !== 'pass')
        .map(e => [e.path, e.verdict, e.note]),
    ).toEqual([
      [
        `.github/workflows/${GITHUB_SEED_FACTS.legacyLane.workflow}`,
        'exempt',
        expect.stringMatching(/^Exempt as hardware until 2027-06-30/),
      ],
    ]);
    for (const name of GITHUB_SEED_FACTS.adopted) {
      expect(get(name)).toMatchObject({
        stage: 'adopted',
        scorecard: { counts: expect.objectContaining({ fail: 0 }) },
      });
      expect(get(name).runnerClasses.length).toBeGreaterThan(0);
    }
    expect(get('lab').migrationPullRequests).toEqual([
      {
        number: 72,
        title: 'Run lab CI on the tinyland-nix runner class',
        url: 'https://github.com/tinyland-inc/lab/pull/72',
        state: 'merged',
        draft: false,
        headRefName: 'gloriousflywheel/tinyland-nix',
        createdAt: '2026-04-12T08:00:00Z',
        mergedAt: '2026-04-14T16:20:00Z',
      },
    ]);
    expect(
      get('blahaj').migrationPullRequests.map(p => [p.number, p.state]),
    ).toEqual([[68, 'merged']]);
    // an open migration pull request: in progress, though no job has moved yet
    const tail = get(
      GITHUB_SEED_FACTS.migrationPullRequests.find(p =>
        p.repo.startsWith('svc-'),
      )!.repo,
    );
    expect(tail).toMatchObject({
      stage: 'in-progress',
      migrationPullRequests: [
        expect.objectContaining({ state: 'open', number: 4 }),
      ],
    });

    const xoxd = get('XoxdWM');
    // the opt-in toggle, decided by the repository's Actions variable the sandbox serves
    const toggle = GITHUB_SEED_FACTS.selfHostedToggle;
    expect(xoxd.jobs.find(j => j.jobId === toggle.job)).toMatchObject({
      labels: ['tinyland-nix'],
      runnerClass: 'tinyland-nix',
      hosted: false,
    });
    expect(
      check(xoxd, 'hosted-runners').evidence.filter(e =>
        e.note?.includes(toggle.variable.name),
      ),
    ).toEqual([]);
    // a caller pinning the template's tag: the template is read at the tag and followed
    const template = GITHUB_SEED_FACTS.templateWorkflow;
    expect(
      get(template.calledFrom.repo).jobs.find(
        j => j.jobId === template.calledFrom.job,
      )?.via?.[0],
    ).toBe(
      `${ORG}/${template.repo}/${template.path}@${GITHUB_SEED_FACTS.templateTag.tag}`,
    );
    const stale = check(xoxd, 'stale-cache-endpoints');
    expect(stale.verdict).toBe('fail');
    expect(stale.evidence).toContainEqual(
      expect.objectContaining({
        path: '.bazelrc',
        line: expect.any(Number),
        url: expect.stringMatching(/\.bazelrc#L\d+$/),
      }),
    );
    expect(stale.howToFix).toBeTruthy();
    const bazel = check(xoxd, 'bazel-cache-wrapper');
    expect(bazel.verdict).toBe('fail');
    expect(bazel.evidence[0]).toMatchObject({
      path: GITHUB_SEED_FACTS.directBazel.path,
      line: expect.any(Number),
    });
    expect(check(xoxd, 'nix-bootstrap-order').evidence[0].path).toBe(
      GITHUB_SEED_FACTS.flakeHubBeforeNix.path,
    );

    const gf = get('GloriousFlywheel');
    const gitleaks = gf.jobs.find(j => j.jobId === 'gitleaks')!;
    expect(gitleaks).toMatchObject({
      hosted: true,
      exception: { expired: true },
    });
    expect(gf.jobs.find(j => j.jobId === 'validate')!.exception).toMatchObject({
      expired: false,
    });
    expect(check(gf, 'hosted-runners').verdict).toBe('fail');
    expect(check(gf, 'remote-execution-claim').evidence[0].path).toBe(
      'README.md',
    );
    // proof runs came from REST (latest platform-proof run succeeded)
    expect(check(gf, 'proof-workflows-green').verdict).toBe('pass');
    expect(
      check(gf, 'stale-cache-endpoints').evidence.map(e => e.path),
    ).toContain('.gitlab-ci.yml');
    expect(gf.tranche).toBe('first');
    expect(get('tinyland.dev')).toMatchObject({
      stage: 'blocked',
      blockers: [expect.objectContaining({ issue: `${ORG}/tinyland.dev#136` })],
      migrationPullRequests: [
        expect.objectContaining({ number: 137, state: 'open', draft: true }),
      ],
    });

    const [broken] = githubMalformedWorkflowRepos(seed);
    expect(get(broken).fileErrors).toContainEqual(
      expect.objectContaining({
        path: GITHUB_SEED_FACTS.malformedPath,
        line: expect.any(Number),
        column: expect.any(Number),
      }),
    );
    expect(get(broken).jobs.length).toBeGreaterThan(0); // the other workflows still count
    const [large] = githubLargeWorkflowRepos(seed);
    expect(get(large).fileErrors).toContainEqual(
      expect.objectContaining({
        path: GITHUB_SEED_FACTS.largePath,
        message: expect.stringMatching(/text size limit/),
      }),
    );
    const withErrors = new Set([
      ...githubMalformedWorkflowRepos(seed),
      ...githubLargeWorkflowRepos(seed),
    ]);
    const clean = shared.hub
      .list()
      .filter(r => !withErrors.has(r.name) && r.tranche === 'long-tail');
    expect(clean.length).toBeGreaterThan(200);
    expect(
      clean
        .filter(r => r.fileErrors.length || r.error)
        .map(r => [r.name, r.fileErrors, r.error]),
    ).toEqual([]);
    expect(shared.hub.list().some(r => r.archived)).toBe(false);

    const [first] = await shared.service.tranches();
    expect(first).toMatchObject({
      name: 'first',
      repos: 5,
      stages: expect.objectContaining({
        blocked: 1,
        adopted: 2,
        'in-progress': 2,
      }),
    });
    expect(first.trend).toHaveLength(1);
  });

  it('rescans warm with one heads page when nothing was pushed since the last scan, and no REST', async () => {
    const before = charged();
    const status = await shared.service.scan('schedule');
    expect(status.state).toBe('idle');
    expect(gh.requestCounts.graphql).toBe(1);
    expect(gh.requestCounts['graphql-cost']).toBe(1);
    expect(gh.requestCounts.total).toBe(1);
    expect(charged()).toBe(before);
    expect(status.requestsUsed.rest).toBe(0);
    expect(status.requestsUsed.rest304).toBe(gh.requestCounts['rest:304']);
    expect(status.reposFetched).toBe(0);
  });

  it('keeps the latest finished proof run when a newer one is still running', async () => {
    gh.setWorkflowRunConclusion(
      ORG,
      'GloriousFlywheel',
      'platform-proof.yml',
      null,
    );
    // a full listing (manual) re-checks unchanged repositories' proof runs over REST; the cold
    // scan took them from the head's check suites, so the first re-check has no ETag yet
    const status = await shared.service.scan('manual');
    const rechecks = gh.requestCounts['rest:runs'];
    expect(rechecks).toBeGreaterThan(0);
    expect(status.reposFetched).toBe(0);
    expect(
      check(shared.hub.get(`${ORG}/GloriousFlywheel`)!, 'proof-workflows-green')
        .verdict,
    ).toBe('pass');
    // the running run does not change the completed list: GitHub answers 304, uncharged
    gh.resetRequestCounts();
    const again = await shared.service.scan('manual');
    expect(gh.requestCounts['rest:304']).toBe(rechecks);
    expect(again.requestsUsed.rest).toBe(0);
    expect(
      check(shared.hub.get(`${ORG}/GloriousFlywheel`)!, 'proof-workflows-green')
        .verdict,
    ).toBe('pass');
  });

  it('sees a newly opened migration pull request in the warm heads pages: in progress, no content read', async () => {
    gh.addPullRequest(ORG, 'lab', {
      number: 80,
      title: 'Move the GPU smoke onto a runner class',
      state: 'OPEN',
      headRefName: 'gloriousflywheel/gpu',
      labels: [GITHUB_SEED_FACTS.migrationLabel],
      author: 'jesssullivan',
      createdAt: '2026-11-25T10:00:00Z',
    });
    const status = await shared.service.scan('schedule');
    expect(status.reposFetched).toBe(0);
    // its branch push moved the repository's pushedAt: first in the one heads page
    expect(gh.requestCounts.graphql).toBe(1);
    expect(gh.requestCounts['graphql-cost']).toBe(1);
    const lab = shared.hub.get(`${ORG}/lab`)!;
    expect(lab.stage).toBe('in-progress');
    expect(lab.migrationPullRequests.map(p => [p.number, p.state])).toEqual([
      [80, 'open'],
      [72, 'merged'],
    ]);
  });

  it('reads a changed repository alone, including a new input outside .github', async () => {
    gh.putFile(
      ORG,
      'lab',
      'nix/ci.nix',
      `{ substituters = [ "${GITHUB_SEED_FACTS.staleEndpoint}" ]; }\n`,
    );
    const status = await shared.service.scan('schedule');
    expect(status.reposFetched).toBe(1);
    // one heads page (pushed first) + the changed repo's content + its extra file
    expect(gh.requestCounts.graphql).toBe(3);
    const lab = shared.hub.get(`${ORG}/lab`)!;
    expect(lab.headOid).toBe(gh.getRepo(ORG, 'lab')!.headOid);
    expect(
      check(lab, 'stale-cache-endpoints').evidence.map(e => e.path),
    ).toContain('nix/ci.nix');
  });

  it('keeps results across a restart and starts warm', async () => {
    const again = await setup(shared.db);
    expect(again.hub.list()).toHaveLength(included().length);
    await again.service.scan('startup');
    // the push mark was stored with the results
    expect(gh.requestCounts.graphql).toBe(1);
  });

  it('lists every repository once the full-listing interval has passed, dropping deleted ones', async () => {
    let now = NOW;
    const again = await setup(shared.db, {
      now: () => now,
      config: { fullListingMs: 24 * 3600_000 },
    });
    const gone = included().find(r => r.tier === 'long-tail')!.name;
    gh.removeRepo(ORG, gone);
    await again.service.scan('schedule');
    expect(gh.requestCounts.graphql).toBe(1);
    expect(again.hub.get(`${ORG}/${gone}`)).toBeDefined(); // not listed: not known to be gone yet

    gh.resetRequestCounts();
    now = new Date(NOW.getTime() + 24 * 3600_000);
    await again.service.scan('schedule');
    expect(gh.requestCounts.graphql).toBe(pages());
    expect(again.hub.get(`${ORG}/${gone}`)).toBeUndefined();
    expect(again.hub.list()).toHaveLength(included().length);

    // the listing is recorded: the next scheduled scan stops at the mark again
    gh.resetRequestCounts();
    now = new Date(NOW.getTime() + 25 * 3600_000);
    await again.service.scan('schedule');
    expect(gh.requestCounts.graphql).toBe(1);
    // a manual scan always lists every repository
    gh.resetRequestCounts();
    await again.service.scan('manual');
    expect(gh.requestCounts.graphql).toBe(pages());
  });

  it('waits out an exhausted rate limit and completes', async () => {
    const { service, hub } = await setup();
    gh.rateLimit.configure({ limit: 10, graphqlLimit: 10, windowMs: 1000 });
    const status = await service.scan('manual');
    expect(status).toMatchObject({ state: 'idle', lastError: null });
    expect(gh.requestCounts['rate-limited']).toBeGreaterThan(0);
    expect(hub.list()).toHaveLength(included().length);
  });

  it('records a repository GitHub refuses on that repository and goes on', async () => {
    const { service, hub } = await setup();
    await service.scan('manual');
    gh.removeRepo(ORG, 'blahaj');
    const result = await service.scanRepo(ORG, 'blahaj');
    expect(result?.error).toMatchObject({ status: 404 });
    expect(hub.get(`${ORG}/blahaj`)).toBeDefined(); // kept with an error, never silently dropped
    expect(hub.get(`${ORG}/blahaj`)!.error).toMatchObject({ status: 404 });
    expect(hub.get(`${ORG}/blahaj`)!.stale).toBe(true);
    expect(hub.get(`${ORG}/lab`)!.error).toBeNull();
  });
});

describe('the scan task', () => {
  // Backstage's mock scheduler runs a triggered task inline, so each trigger below is one whole run.
  it('serves queued rescans in one batch, and a full scan once the schedule interval has passed', async () => {
    let now = NOW;
    const { service, db, rescans, hub } = await setup(undefined, {
      now: () => now,
    });
    const scheduler = mockServices.scheduler();
    await service.schedule(scheduler);
    await service.scan('schedule');
    const scans = async () =>
      (await db('gloriousflywheel_adoption_scans').select('trigger')).map(
        r => r.trigger,
      );
    expect(await scans()).toEqual(['schedule']);

    const heads = ['GloriousFlywheel', 'XoxdWM'].map(
      name => gh.putFile(ORG, name, 'README.md', `# ${name}\n\nnew\n`).after,
    );
    await rescans.recordDelivery(push('GloriousFlywheel'));
    await rescans.recordDelivery(push('XoxdWM'));
    gh.resetRequestCounts();
    now = new Date(NOW.getTime() + 60_000);
    await scheduler.triggerTask(ADOPTION_SCAN_TASK_ID);
    // both repositories' content in one query, the files found in their listings (scripts) in one more
    expect(gh.requestCounts.graphql).toBe(2);
    expect(hub.get(`${ORG}/GloriousFlywheel`)!.headOid).toBe(heads[0]);
    expect(hub.get(`${ORG}/XoxdWM`)!.headOid).toBe(heads[1]);
    expect(await rescans.hasPending()).toBe(false);
    expect(await scans()).toEqual(['schedule']); // rescans are not full scans

    // Triggers move the next scheduled run, so under steady webhook traffic the task itself runs
    // the full scan once the interval (30 minutes) has passed since the last one.
    now = new Date(NOW.getTime() + 31 * 60_000);
    await rescans.recordDelivery(push('tinyland.dev'));
    await scheduler.triggerTask(ADOPTION_SCAN_TASK_ID);
    expect(await scans()).toEqual(['schedule', 'schedule']);
    expect(await rescans.hasPending()).toBe(false); // served by the full scan

    // a run with nothing queued is a scheduled run: a full scan
    await scheduler.triggerTask(ADOPTION_SCAN_TASK_ID);
    expect(await scans()).toEqual(['schedule', 'schedule', 'schedule']);
    // a requested full scan is one, and is taken when it starts
    expect(await service.requestScan()).toBe('queued');
    expect(await scans()).toEqual([
      'schedule',
      'schedule',
      'schedule',
      'manual',
    ]);
    expect((await service.scanStatus()).requestedAt).toBeNull();
  });

  it('keeps a rescan GitHub refused queued, shows why, and serves it on the next run', async () => {
    let token = 'not-a-token';
    const { service, rescans, hub } = await setup(undefined, {
      token: () => token,
      config: {
        webhookSecret: 'a-webhook-secret-of-twenty-chars',
        schedule: { frequency: { trigger: 'manual' }, timeout: { minutes: 5 } },
      },
    });
    const scheduler = mockServices.scheduler();
    await service.schedule(scheduler);
    expect(await service.receiveDelivery(push('lab'))).toBe('queued'); // the mock scheduler ran the task inline
    expect(await rescans.pending()).toEqual([
      expect.objectContaining({
        repoKey: `${ORG.toLowerCase()}/lab`,
        lastError: expect.stringMatching(/credentials/i),
      }),
    ]);
    expect((await service.scanStatus()).webhook).toMatchObject({
      pendingRepos: 1,
      lastError: {
        message: expect.stringMatching(
          /^rescan of tinyland-inc\/lab failed: .*credentials/i,
        ),
      },
    });
    expect(hub.get(`${ORG}/lab`)).toBeUndefined();

    token = gh.token;
    await scheduler.triggerTask(ADOPTION_SCAN_TASK_ID);
    expect(hub.get(`${ORG}/lab`)!.headOid).toBe(
      gh.getRepo(ORG, 'lab')!.headOid,
    );
    expect((await service.scanStatus()).webhook).toMatchObject({
      pendingRepos: 0,
      lastError: null,
      deliveries: 1,
    });
  });
});
