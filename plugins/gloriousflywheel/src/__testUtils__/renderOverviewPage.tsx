import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  AuditRecord,
  CacheHealth,
  DEFAULT_RUNNER_CLASSES,
  HealthResponse,
  matchesScaleSetFilter,
  summarizeRunnerClasses,
  toScaleSet,
  toRunnerClassListItem,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../api';
import { OverviewPage } from '../components/OverviewPage';
import { repoAdoption, trancheSummary } from './adoptionFixtures';
import { scan } from './renderTranchesPage';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60e3).toISOString();

const ars = (
  name: string,
  max: number,
  status: [number, number, number, number],
  annotations: Record<string, string> = {},
) => ({
  metadata: { name, namespace: 'arc-runners', annotations },
  spec: {
    githubConfigUrl: 'https://github.com/tinyland-inc',
    runnerScaleSetName: name,
    minRunners: 0,
    maxRunners: max,
  },
  status: {
    currentRunners: status[0],
    pendingEphemeralRunners: status[1],
    runningEphemeralRunners: status[2],
    failedEphemeralRunners: status[3],
  },
});

export const pausedAt = minutesAgo(90);

const queueStats = (
  runnerClass: string,
  queued: number,
  p95Seconds1h: number,
) => ({
  runnerClass,
  queued,
  running: 1,
  p50Seconds1h: 30,
  p95Seconds1h,
  p50Seconds24h: 30,
  p95Seconds24h: p95Seconds1h,
  started24h: 10,
  trend: [],
});

// Built with the backend's own pure functions, so the page sees realistic shapes.
export const scaleSets = [
  ars('tinyland-nix', 8, [3, 1, 2, 0]),
  // paused: min = max = 0 on the spec, the prior values in the annotation
  ars('tinyland-docker', 0, [0, 0, 0, 2], {
    'gloriousflywheel.io/paused-from': JSON.stringify({
      minRunners: 1,
      maxRunners: 4,
      by: 'user:default/oscar-operator',
      at: pausedAt,
      reason: 'node pool drained for kernel upgrade',
    }),
  }),
].map(o => toScaleSet('honey', o, DEFAULT_RUNNER_CLASSES));

export const cache = (over: Partial<CacheHealth>): CacheHealth => ({
  name: 'attic',
  kind: 'attic',
  endpoint: 'http://attic',
  cache: 'main',
  runnerClasses: ['tinyland-nix'],
  status: 'healthy',
  latencyMs: 12,
  checkedAt: minutesAgo(1),
  errorKind: null,
  message: null,
  sizeBytes: null,
  capacityBytes: null,
  itemCount: null,
  remoteExecution: null,
  staleEndpoint: null,
  ...over,
});

export const health: HealthResponse = {
  plugin: 'gloriousflywheel',
  version: '0.1.0',
  sources: [
    {
      source: 'fleet',
      state: 'ok',
      configured: 1,
      message: '1 cluster synced',
    },
    {
      source: 'caches',
      state: 'degraded',
      configured: 2,
      message: 'bazel-cache slow',
    },
    {
      source: 'adoption',
      state: 'not-configured',
      configured: 0,
      message: 'no GitHub orgs configured',
    },
  ],
};

export const audit: AuditRecord = {
  id: 'a1',
  seq: 1,
  time: pausedAt,
  completedAt: pausedAt,
  actor: 'user:default/oscar-operator',
  action: 'pause',
  cluster: 'honey',
  namespace: 'arc-runners',
  name: 'tinyland-docker',
  runnerClass: 'tinyland-docker',
  reason: 'node pool drained for kernel upgrade',
  requestId: 'r1',
  outcome: 'succeeded',
  error: null,
  before: { minRunners: 1, maxRunners: 4 },
  after: { minRunners: 0, maxRunners: 0 },
  prevHash: null,
  hash: 'h',
};

export const repos = [
  repoAdoption(),
  repoAdoption({ name: 'lab', stage: 'adopted', tranche: 'first' }),
];

/** An API answering every call the overview makes; `over` replaces single calls. */
export function overviewApi(over: Partial<GloriousFlywheelApi> = {}) {
  const calls: string[] = [];
  const clusters = [
    {
      name: 'honey',
      state: 'synced' as const,
      since: minutesAgo(60),
      lastSyncAt: minutesAgo(0.2),
      message: null,
      scaleSets: 2,
    },
  ];
  const api: Partial<GloriousFlywheelApi> = {
    getHealth: async () => health,
    getRunnerClasses: async () => ({
      items: summarizeRunnerClasses(DEFAULT_RUNNER_CLASSES, scaleSets).map(
        toRunnerClassListItem,
      ),
      clusters,
    }),
    // as the backend filters: the glance asks for the paused ones only
    getScaleSets: async (query = {}) => ({
      items: scaleSets.filter(s => matchesScaleSetFilter(s, query)),
      clusters,
    }),
    getCaches: async () => ({
      items: [
        cache({}),
        cache({
          name: 'bazel-cache',
          kind: 'bazel-remote',
          status: 'down',
          latencyMs: null,
          message: 'connection refused',
        }),
      ],
    }),
    getCacheHistory: async name => ({
      cache: name,
      since: minutesAgo(60),
      limit: 720,
      truncated: false,
      items: [30, 20, 10].map(m => ({
        checkedAt: minutesAgo(m),
        status: 'healthy' as const,
        latencyMs: 10 + m,
        errorKind: null,
        message: null,
        sizeBytes: null,
      })),
    }),
    getTranches: async () => ({ items: [trancheSummary()] }),
    getAdoptionScan: async () => scan,
    getAdoptionRepos: async q => {
      const items = repos.filter(
        r => !q?.q || `${r.owner}/${r.name}`.includes(q.q),
      );
      return {
        items,
        total: items.length,
        limit: q?.limit ?? 50,
        offset: 0,
        scan,
      };
    },
    getAudit: async () => ({ items: [audit], total: 1, limit: 6, offset: 0 }),
    getQueueStats: async () => ({
      classes: [queueStats('tinyland-nix', 4, 95)],
      scaleSets: [],
      at: minutesAgo(0),
    }),
    getRepoJobs: async () => ({ items: [] }),
    ...over,
  };
  const recording = new Proxy(api, {
    get(target, prop: string) {
      const f = (target as any)[prop];
      if (typeof f !== 'function') return f;
      return (...args: unknown[]) => {
        calls.push(prop);
        return f(...args);
      };
    },
  });
  return { api: recording as GloriousFlywheelApi, calls };
}

/** Renders the overview for a user the permission framework allows `allowed` (by permission name). */
export function renderOverviewPage(options: {
  allowed: string[];
  api?: GloriousFlywheelApi;
  catalogEntities?: any[];
}) {
  const api = options.api ?? overviewApi().api;
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gloriousFlywheelApiRef, api],
        [
          catalogApiRef,
          catalogApiMock({ entities: options.catalogEntities ?? [] }),
        ],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: req =>
              options.allowed.includes(req.permission.name)
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          }),
        ],
      ]}
    >
      <OverviewPage />
    </TestApiProvider>,
  );
}
