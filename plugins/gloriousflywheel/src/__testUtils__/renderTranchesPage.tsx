import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { AdoptionScanStatus } from '@tinyland/backstage-plugin-gloriousflywheel-common';
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

export function renderTranchesPage(
  startAdoptionScan = jest.fn().mockResolvedValue(scan),
  allowScan = true,
) {
  const api: Partial<GloriousFlywheelApi> = {
    getTranches: async () => ({ items: [trancheSummary()] }),
    getAdoptionRepos: async () => ({
      items: repos,
      total: repos.length,
      limit: 500,
      offset: 0,
      scan,
    }),
    startAdoptionScan,
  };
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gloriousFlywheelApiRef, api as GloriousFlywheelApi],
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
}
