import { ReactNode } from 'react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  BackstagePlugin,
  DiscoveryApi,
  FetchApi,
  useApp,
} from '@backstage/core-plugin-api';
import { FlatRoutes } from '@backstage/core-app-api';
import { Route } from 'react-router-dom';
import {
  CatalogEntityPage,
  DefaultEntityPresentationApi,
} from '@backstage/plugin-catalog';
import { Entity } from '@backstage/catalog-model';
import {
  catalogApiRef,
  entityPresentationApiRef,
  MockStarredEntitiesApi,
  starredEntitiesApiRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  ANNOTATION_RUNNER_CLASS,
  AuditPage,
  AuditVerifyResult,
  CacheHealth,
  CacheHistory,
  CacheList,
  ClusterStatus,
  DEFAULT_RUNNER_CLASSES,
  HealthResponse,
  RepoAdoptionList,
  RepoAdoptionResponse,
  RunnerClassDetail,
  RunnerClassList,
  ScaleSetList,
  summarizeRunnerClasses,
  toScaleSet,
  TrancheSummaryList,
  toRunnerClassListItem,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../api';
import { gloriousflywheelPlugin } from '../plugin';
import {
  repoAdoption,
  trancheSummary,
} from '../__testUtils__/adoptionFixtures';
import { repos, scan } from '../__testUtils__/renderTranchesPage';
import { routes } from './AppRoutes.example';
import { entityPage } from './EntityPage.example';
import { Root } from './Sidebar.example';

// The backend's answers, built with the common package's pure functions and sent as JSON, so the
// plugin's real client parses what the backend would send.
const synced: ClusterStatus = {
  name: 'honey',
  state: 'synced',
  since: '2026-11-25T10:00:00Z',
  lastSyncAt: '2026-11-25T10:00:00Z',
  message: null,
  scaleSets: 2,
};
const scaleSets = [
  {
    name: 'tinyland-nix',
    max: 8,
    status: {
      currentRunners: 3,
      pendingEphemeralRunners: 1,
      runningEphemeralRunners: 2,
    },
  },
  { name: 'tinyland-dind', max: 4, status: { currentRunners: 1 } },
].map(s =>
  toScaleSet(
    'honey',
    {
      metadata: { name: s.name, namespace: 'arc-runners' },
      spec: {
        githubConfigUrl: 'https://github.com/tinyland-inc',
        runnerScaleSetName: s.name,
        minRunners: 0,
        maxRunners: s.max,
      },
      status: s.status,
    },
    DEFAULT_RUNNER_CLASSES,
  ),
);
const classes = summarizeRunnerClasses(DEFAULT_RUNNER_CLASSES, scaleSets);
const attic: CacheHealth = {
  name: 'attic',
  kind: 'attic',
  endpoint: 'http://attic',
  cache: 'main',
  runnerClasses: ['tinyland-nix'],
  status: 'healthy',
  latencyMs: 12,
  checkedAt: '2026-11-25T10:00:00Z',
  errorKind: null,
  message: null,
  sizeBytes: null,
  capacityBytes: null,
  itemCount: null,
  remoteExecution: null,
  staleEndpoint: null,
};
const health: HealthResponse = {
  plugin: 'gloriousflywheel',
  version: '0.1.0',
  sources: [
    {
      source: 'fleet',
      state: 'ok',
      configured: 1,
      message: '1 cluster synced',
    },
  ],
};
const audit: AuditPage = {
  items: [
    {
      id: 'a1',
      seq: 1,
      time: '2026-11-25T10:00:00Z',
      completedAt: '2026-11-25T10:00:01Z',
      actor: 'user:default/ada-admin',
      action: 'pause',
      cluster: 'honey',
      namespace: 'arc-runners',
      name: 'tinyland-nix',
      runnerClass: 'tinyland-nix',
      reason: 'node drain',
      requestId: 'r1',
      outcome: 'succeeded',
      error: null,
      before: { minRunners: 0, maxRunners: 8 },
      after: { minRunners: 0, maxRunners: 0 },
      prevHash: null,
      hash: 'h1',
    },
  ],
  total: 1,
  limit: 25,
  offset: 0,
};

type Answer = (query: URLSearchParams) => unknown;
const answers: Record<string, Answer> = {
  '/health': () => health,
  '/fleet/classes': (): RunnerClassList => ({
    items: classes.map(toRunnerClassListItem),
    clusters: [synced],
  }),
  '/fleet/classes/tinyland-nix': (): RunnerClassDetail => ({
    item: classes.find(c => c.name === 'tinyland-nix')!,
    scaleSets: scaleSets.filter(s => s.runnerClass === 'tinyland-nix'),
    clusters: [synced],
  }),
  '/fleet/scale-sets': (): ScaleSetList => ({
    items: scaleSets,
    clusters: [synced],
  }),
  '/caches': (): CacheList => ({ items: [attic] }),
  '/caches/attic/history': (q): CacheHistory => ({
    cache: 'attic',
    since: q.get('since') ?? '',
    limit: Number(q.get('limit')),
    items: [],
    truncated: false,
  }),
  '/audit': () => audit,
  '/audit/verify': (): AuditVerifyResult => ({ ok: true, checked: 1 }),
  '/adoption/tranches': (): TrancheSummaryList => ({
    items: [trancheSummary()],
  }),
  '/adoption/repos': (q): RepoAdoptionList => ({
    items: repos,
    total: repos.length,
    limit: Number(q.get('limit')),
    offset: Number(q.get('offset')),
    scan,
  }),
  '/adoption/repos/tinyland-inc/tinyland.dev': (): RepoAdoptionResponse => ({
    item: repoAdoption(),
  }),
  '/adoption/scan': () => scan,
};

const BASE = 'http://example.com/api/gloriousflywheel';

/** A fetchApi answering the backend's routes from `answers`; every request is recorded. */
function cannedBackend() {
  const requests: string[] = [];
  const fetchApi: FetchApi = {
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const path = url.href.startsWith(BASE)
        ? url.pathname.slice(new URL(BASE).pathname.length)
        : url.href;
      requests.push(`${init?.method ?? 'GET'} ${path}`);
      const answer = answers[path];
      const [status, body] = answer
        ? [200, answer(url.searchParams)]
        : [
            404,
            { error: { name: 'NotFoundError', message: `no route ${path}` } },
          ];
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    },
  };
  return { fetchApi, requests };
}

/** The client the legacy plugin's own API factory builds, as a legacy app's API registry does. */
function clientFromPluginFactory(deps: {
  discoveryApi: DiscoveryApi;
  fetchApi: FetchApi;
}) {
  const factory = Array.from(gloriousflywheelPlugin.getApis()).find(
    f => f.api.id === gloriousFlywheelApiRef.id,
  );
  if (!factory)
    throw new Error(
      'gloriousflywheelPlugin provides no factory for gloriousFlywheelApiRef',
    );
  return factory.factory(deps) as GloriousFlywheelApi;
}

const SLUG = 'github.com/project-slug';
const component = (
  name: string,
  type: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: { type, owner: 'group:default/platform-team', lifecycle: 'production' },
});
const resource = (
  name: string,
  type: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, annotations },
  spec: { type, owner: 'group:default/platform-team' },
});

/** The legacy app (sidebar + routes + entity page) at `path`, with the catalog holding `entities`. */
async function renderLegacyApp(path: string, entities: Entity[] = []) {
  const backend = cannedBackend();
  const client = clientFromPluginFactory({
    discoveryApi: mockApis.discovery(),
    fetchApi: backend.fetchApi,
  });
  const catalogApi = catalogApiMock({ entities });
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gloriousFlywheelApiRef, client],
        [catalogApiRef, catalogApi],
        [
          entityPresentationApiRef,
          DefaultEntityPresentationApi.create({ catalogApi }),
        ],
        [starredEntitiesApiRef, new MockStarredEntitiesApi()],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <Root>{routes}</Root>
    </TestApiProvider>,
    { routeEntries: [path] },
  );
  return backend;
}

/** The page header (`<header>`) carrying `title` as its heading. */
async function pageHeader(title: string) {
  const header = (await screen.findAllByRole('heading', { name: title }))
    .map(h => h.closest('header'))
    .find((h): h is HTMLElement => h !== null);
  if (!header) throw new Error(`no page header titled ${title}`);
  return header;
}

describe('legacy app: the plugin found in the routes', () => {
  // A legacy app registers the API factories of the plugins it finds in its element tree, so the
  // README's lines alone bring the plugin's client: no apis.ts entry.
  it.each([
    ['the pages and entity page', routes],
    [
      'only the entity page',
      <FlatRoutes>
        <Route
          path="/catalog/:namespace/:kind/:name"
          element={<CatalogEntityPage />}
        >
          {entityPage}
        </Route>
      </FlatRoutes>,
    ],
  ])(
    'an app with %s collects gloriousflywheelPlugin and its API factory',
    async (_what, tree) => {
      let collected: BackstagePlugin[] = [];
      const Probe = () => {
        collected = useApp().getPlugins();
        return null;
      };
      // The app finds plugins by walking its element tree, rendered or not; rendering none of it here
      // keeps the catalog's own APIs out of the test.
      const NotRendered = (_props: { children: ReactNode }) => null;
      await renderInTestApp(
        <>
          <NotRendered>{tree}</NotRendered>
          <Probe />
        </>,
      );
      expect(collected).toContain(gloriousflywheelPlugin);
      expect(
        Array.from(gloriousflywheelPlugin.getApis()).map(f => f.api.id),
      ).toEqual([gloriousFlywheelApiRef.id]);
    },
  );
});

describe('legacy app: pages mounted as routes', () => {
  it.each([
    [
      '/gloriousflywheel',
      'GloriousFlywheel',
      'Pooled CI substrate: runner classes, build caches, migration tranches',
      'Backend plugin v0.1.0',
      'GET /health',
    ],
    [
      '/gloriousflywheel/runner-classes',
      'Runner classes',
      'Capacity classes of the pooled ARC runners, per cluster and owner',
      'All scale sets',
      'GET /fleet/classes',
    ],
    [
      '/gloriousflywheel/caches',
      'Build caches',
      'Attic Nix cache and Bazel remote cache shared by every runner class',
      'History of attic',
      'GET /caches',
    ],
    [
      '/gloriousflywheel/tranches',
      'Tranches',
      'Where every repository is in the migration onto the shared runners, and what blocks it',
      'First tranche',
      'GET /adoption/tranches',
    ],
    [
      '/gloriousflywheel/audit',
      'Audit log',
      'Every pause and resume attempt, allowed or denied, hash-chained',
      'Hash chain intact: 1 records verified.',
      'GET /audit/verify',
    ],
  ])(
    '%s renders its page with its own header and the backend data',
    async (path, title, subtitle, content, request) => {
      const backend = await renderLegacyApp(path);
      const header = await pageHeader(title);
      expect(within(header).getByText(subtitle)).toBeInTheDocument();
      // The page draws the one shell on screen: a legacy app draws none around routes.
      expect(document.querySelectorAll('header')).toHaveLength(1);
      expect(await screen.findByText(content)).toBeInTheDocument();
      expect(backend.requests).toContain(request);
    },
  );

  it('links every page from the sidebar, and a sidebar link opens its page', async () => {
    await renderLegacyApp('/gloriousflywheel');
    await pageHeader('GloriousFlywheel');
    const expected = {
      GloriousFlywheel: '/gloriousflywheel',
      'Runner classes': '/gloriousflywheel/runner-classes',
      'Build caches': '/gloriousflywheel/caches',
      Tranches: '/gloriousflywheel/tranches',
      'Audit log': '/gloriousflywheel/audit',
    };
    for (const [text, href] of Object.entries(expected)) {
      expect(screen.getByRole('link', { name: text })).toHaveAttribute(
        'href',
        href,
      );
    }
    await userEvent.click(screen.getByRole('link', { name: 'Tranches' }));
    await pageHeader('Tranches');
    expect(await screen.findByText('First tranche')).toBeInTheDocument();
  });
});

describe('legacy app: entity page', () => {
  it.each(['service', 'website', 'library'])(
    'a %s Component with a GitHub project slug gets the Runners & dogfood tab and overview card',
    async type => {
      const backend = await renderLegacyApp(
        '/catalog/default/component/tinyland-dev',
        [
          component('tinyland-dev', type, {
            [SLUG]: 'tinyland-inc/tinyland.dev',
          }),
        ],
      );
      const tab = await screen.findByRole('tab', { name: 'Runners & dogfood' });
      // The overview card: the adoption summary of this repository.
      expect(
        await screen.findByText('Scorecard: 1 failing, 1 passing'),
      ).toBeInTheDocument();
      expect(
        screen.getByText('Runner classes: tinyland-nix'),
      ).toBeInTheDocument();
      await userEvent.click(tab);
      expect(
        await screen.findByText('Default-branch workflow jobs'),
      ).toBeInTheDocument();
      expect(backend.requests).toContain(
        'GET /adoption/repos/tinyland-inc/tinyland.dev',
      );
    },
  );

  it('a Component without the annotation shows neither the tab nor the card', async () => {
    const backend = await renderLegacyApp(
      '/catalog/default/component/legacy-tool',
      [component('legacy-tool', 'service')],
    );
    expect(
      await screen.findByRole('tab', { name: 'Overview' }),
    ).toBeInTheDocument();
    // The overview has rendered its cards, so a missing card is missing, not late.
    expect(
      await screen.findByRole('heading', { name: 'Links' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('tab', { name: 'Runners & dogfood' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('Runners & dogfood')).not.toBeInTheDocument();
    expect(backend.requests.filter(r => r.includes('/adoption'))).toEqual([]);
  });

  it('a runner-class Resource gets the Live state tab with the class from the backend', async () => {
    const backend = await renderLegacyApp(
      '/catalog/default/resource/tinyland-nix',
      [
        resource('tinyland-nix', 'runner-class', {
          [ANNOTATION_RUNNER_CLASS]: 'tinyland-nix',
        }),
      ],
    );
    await userEvent.click(
      await screen.findByRole('tab', { name: 'Live state' }),
    );
    expect(
      await screen.findByText('Runner class tinyland-nix'),
    ).toBeInTheDocument();
    expect(backend.requests).toContain('GET /fleet/classes/tinyland-nix');
    expect(
      screen.queryByRole('tab', { name: 'Runners & dogfood' }),
    ).not.toBeInTheDocument();
  });

  it('a Resource of another type gets no Live state tab', async () => {
    await renderLegacyApp('/catalog/default/resource/postgres', [
      resource('postgres', 'database'),
    ]);
    expect(
      await screen.findByRole('tab', { name: 'Overview' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('heading', { name: 'Links' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('tab', { name: 'Live state' }),
    ).not.toBeInTheDocument();
  });
});
