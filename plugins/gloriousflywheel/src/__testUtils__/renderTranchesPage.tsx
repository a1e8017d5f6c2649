import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AdoptionQuery,
  AdoptionScanStatus,
  RepoAdoption,
  RepoAdoptionList,
  TrancheSummary,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../api';
import { repoAdoption, trancheSummary } from './adoptionFixtures';
import { TranchesPage } from '../components/TranchesPage/TranchesPage';

export const scan: AdoptionScanStatus = {
  state: 'idle',
  trigger: 'schedule',
  startedAt: null,
  finishedAt: new Date().toISOString(),
  reposDone: 3,
  reposTotal: 3,
  reposFetched: 3,
  requestsUsed: { graphql: 2, rest: 4, rest304: 3 },
  rateLimit: { remaining: 4990, resetAt: null },
  lastError: null,
};

export const repos = [
  repoAdoption(),
  repoAdoption({
    name: 'lab',
    stage: 'adopted',
    blockers: [],
    scorecard: {
      evaluatedAt: '',
      verdict: 'pass',
      checks: [],
      counts: { pass: 6, fail: 0, exempt: 0, unknown: 0 },
    },
  }),
  repoAdoption({
    name: 'svc-0001',
    tranche: 'long-tail',
    stage: 'not-started',
    runnerClasses: [],
  }),
];

const notUsed = (): never => {
  throw new Error('not used by the Tranches page');
};

/**
 * The client interface over results held in memory, answering the list like the backend does
 * (filters, name order, limit/offset windows), and recording every list request it is asked.
 */
export class FakeAdoptionApi implements GloriousFlywheelApi {
  readonly repoRequests: AdoptionQuery[] = [];

  constructor(
    private readonly all: RepoAdoption[] = repos,
    private readonly summaries: TrancheSummary[] = [
      trancheSummary({ repos: 2 }),
      trancheSummary({
        name: 'long-tail',
        title: 'Long tail',
        repos: 1,
        blockers: [],
        progress: 0,
      }),
    ],
    readonly startAdoptionScan: () => Promise<AdoptionScanStatus> = async () =>
      scan,
  ) {}

  async getAdoptionRepos(query: AdoptionQuery = {}): Promise<RepoAdoptionList> {
    this.repoRequests.push(query);
    const q = query.q?.toLowerCase();
    const matches = this.all
      .filter(
        r =>
          (!q || `${r.owner}/${r.name}`.toLowerCase().includes(q)) &&
          (!query.tranche || r.tranche === query.tranche) &&
          (!query.stage || r.stage === query.stage) &&
          (query.failing === undefined ||
            r.scorecard.counts.fail > 0 === query.failing),
      )
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    return {
      items: matches.slice(offset, offset + limit),
      total: matches.length,
      limit,
      offset,
      scan,
    };
  }

  async getTranches() {
    return { items: this.summaries };
  }

  async getAdoptionScan() {
    return scan;
  }

  getHealth = notUsed;
  getRunnerClasses = notUsed;
  getRunnerClass = notUsed;
  getScaleSets = notUsed;
  getScaleSet = notUsed;
  getCaches = notUsed;
  getCache = notUsed;
  getCacheHistory = notUsed;
  controlScaleSet = notUsed;
  getAudit = notUsed;
  getAuditCsv = notUsed;
  verifyAudit = notUsed;
  getRepoAdoption = notUsed;
  getQueueStats = notUsed;
  getRepoJobs = notUsed;
  diagnoseJob = notUsed;
}

export async function renderTranchesPage(
  startAdoptionScan = jest.fn().mockResolvedValue(scan),
  allowScan = true,
  api: FakeAdoptionApi = new FakeAdoptionApi(
    undefined,
    undefined,
    startAdoptionScan,
  ),
): Promise<FakeAdoptionApi> {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gloriousFlywheelApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: allowScan ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          }),
        ],
      ]}
    >
      <TranchesPage />
    </TestApiProvider>,
  );
  return api;
}
