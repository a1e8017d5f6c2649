import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  ClusterStatus,
  DEFAULT_RUNNER_CLASSES,
  matchesScaleSetFilter,
  ScaleSet,
  ScaleSetQuery,
  summarizeRunnerClasses,
  toScaleSet,
  toRunnerClassListItem,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../../api';
import { RunnerClassesPage } from './RunnerClassesPage';

const ars = (
  name: string,
  runnerScaleSetName: string,
  max: number | undefined,
  status: [number, number, number, number],
) => ({
  metadata: { name, namespace: 'arc-runners' },
  spec: {
    githubConfigUrl: 'https://github.com/tinyland-inc',
    runnerScaleSetName,
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

// Built with the same pure functions the backend uses, so the page sees realistic shapes.
const scaleSets: ScaleSet[] = [
  ars('tinyland-nix', 'tinyland-nix', 8, [3, 1, 2, 0]),
  ars('tinyland-dind', 'tinyland-dind', 4, [1, 0, 0, 1]),
  ars('gpu-pool', 'gpu-pool', 2, [0, 0, 0, 0]),
].map(o => toScaleSet('honey', o, DEFAULT_RUNNER_CLASSES));

/** `GET /fleet/scale-sets` over `all`, filtering and paging as the backend does; records each query */
function serverList(
  all: ScaleSet[],
  clusters: ClusterStatus[],
  queries: ScaleSetQuery[] = [],
) {
  return async (query: ScaleSetQuery = {}) => {
    queries.push(query);
    const matches = all.filter(s => matchesScaleSetFilter(s, query));
    if (query.limit === undefined) return { items: matches, clusters };
    const offset = query.offset ?? 0;
    return {
      items: matches.slice(offset, offset + query.limit),
      total: matches.length,
      offset,
      limit: query.limit,
      clusters,
    };
  };
}

function fakeApi(clusters: ClusterStatus[]): Partial<GloriousFlywheelApi> {
  return {
    getRunnerClasses: async () => ({
      items: summarizeRunnerClasses(DEFAULT_RUNNER_CLASSES, scaleSets).map(
        toRunnerClassListItem,
      ),
      clusters,
    }),
    getScaleSets: serverList(scaleSets, clusters),
    getCaches: async () => ({
      items: [
        {
          name: 'attic',
          kind: 'attic',
          endpoint: 'http://attic',
          cache: 'main',
          runnerClasses: ['tinyland-nix'],
          status: 'degraded',
          latencyMs: 1500,
          checkedAt: '2026-11-25T10:00:00Z',
          errorKind: null,
          message: 'slow',
          sizeBytes: null,
          capacityBytes: null,
          itemCount: null,
          remoteExecution: null,
          staleEndpoint: null,
        },
      ],
    }),
    getQueueStats: async () => ({
      classes: [
        {
          runnerClass: 'tinyland-nix',
          queued: 4,
          running: 2,
          p50Seconds1h: 30,
          p95Seconds1h: 240,
          p50Seconds24h: 40,
          p95Seconds24h: 300,
          started24h: 50,
          trend: [],
        },
      ],
      scaleSets: [
        {
          scaleSet: 'honey/arc-runners/tinyland-nix',
          runnerClass: 'tinyland-nix',
          queued: 3,
          running: 2,
          p50Seconds1h: 30,
          p95Seconds1h: 240,
          p50Seconds24h: 40,
          p95Seconds24h: 300,
          started24h: 50,
          trend: [],
        },
      ],
      at: '2026-11-25T10:00:00Z',
    }),
  };
}

const synced: ClusterStatus = {
  name: 'honey',
  state: 'synced',
  since: '2026-11-25T10:00:00Z',
  lastSyncAt: '2026-11-25T10:00:00Z',
  message: null,
  scaleSets: 3,
};

// the search waits 300 ms for typing to pause: a loaded machine needs more than findBy's 1 s
const LOADED = { timeout: 10_000 };

async function render(api: Partial<GloriousFlywheelApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gloriousFlywheelApiRef, api as GloriousFlywheelApi],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <RunnerClassesPage />
    </TestApiProvider>,
  );
}

describe('RunnerClassesPage', () => {
  it('shows one card per class with its counts, and unclassified scale sets', async () => {
    await render(fakeApi([synced]));
    const nix = await screen.findByTestId('runner-class-tinyland-nix');
    expect(within(nix).getByTestId('figure-runners')).toHaveTextContent(
      '3 / 8',
    );
    expect(within(nix).getByTestId('figure-pending')).toHaveTextContent('1');
    const dind = screen.getByTestId('runner-class-tinyland-dind');
    expect(within(dind).getByTestId('figure-failed')).toHaveTextContent('1');
    expect(
      within(screen.getByTestId('runner-class-tinyland-docker')).getByText(
        'No scale set serves this class.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Unclassified scale sets')).toBeInTheDocument();
    expect(await within(nix).findByText('attic: degraded')).toBeInTheDocument();
    expect(within(dind).queryByText(/attic/)).not.toBeInTheDocument();
    // the queue of the class: jobs waiting and running now, queue-time percentiles
    const queue = await within(nix).findByTestId('queue-tinyland-nix');
    expect(within(queue).getByText('4')).toBeInTheDocument();
    expect(within(queue).getByText('4 min')).toBeInTheDocument();
    expect(
      within(dind).queryByTestId('queue-tinyland-dind'),
    ).not.toBeInTheDocument();
    // and per scale set in the table
    const row = screen
      .getAllByRole('row')
      .find(r => within(r).queryByRole('link', { name: 'tinyland-nix' }));
    expect(within(row!).getByText('3 (5 min)')).toBeInTheDocument();
  });

  it('filters the scale-set table by the selected class', async () => {
    await render(fakeApi([synced]));
    await screen.findByText('All scale sets');
    expect(screen.getByText('gpu-pool')).toBeInTheDocument();
    fireEvent.click(
      within(screen.getByTestId('runner-class-tinyland-nix')).getByRole(
        'button',
      ),
    );
    expect(
      await screen.findByText('Scale sets of tinyland-nix'),
    ).toBeInTheDocument();
    expect(screen.queryByText('gpu-pool')).not.toBeInTheDocument();
    // The permission API allows here, so the scale sets can be paused from the table.
    expect(
      await screen.findByRole('button', { name: 'pause tinyland-nix' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'tinyland-nix' })).toHaveAttribute(
      'href',
      '/catalog/default/resource/honey.arc-runners.tinyland-nix',
    );
  });

  it('asks the server for one page of the filtered scale sets at a time', async () => {
    // 45 scale sets: three pages of 20
    const many = Array.from({ length: 45 }, (_, i) =>
      toScaleSet(
        'honey',
        ars(
          `pool-${String(i).padStart(2, '0')}`,
          i % 2 ? 'tinyland-nix' : 'gpu-pool',
          2,
          [0, 0, 0, 0],
        ),
        DEFAULT_RUNNER_CLASSES,
      ),
    );
    const queries: ScaleSetQuery[] = [];
    await render({
      ...fakeApi([synced]),
      getScaleSets: serverList(many, [synced], queries),
    });
    await screen.findByRole('link', { name: 'pool-00' }, LOADED);
    expect(screen.getByRole('link', { name: 'pool-19' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'pool-20' })).toBeNull();
    expect(queries.at(-1)).toMatchObject({ limit: 20, offset: 0 });
    expect(screen.getByText('1–20 of 45')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Go to next page' }));
    await screen.findByRole('link', { name: 'pool-20' }, LOADED);
    expect(screen.queryByRole('link', { name: 'pool-00' })).toBeNull();
    expect(queries.at(-1)).toMatchObject({ limit: 20, offset: 20 });

    // a search goes to the server and starts again at its first page
    fireEvent.change(screen.getByLabelText('Search scale sets'), {
      target: { value: 'POOL-1' },
    });
    await screen.findByRole('link', { name: 'pool-10' }, LOADED);
    expect(queries.at(-1)).toMatchObject({ q: 'POOL-1', offset: 0 });
    expect(screen.queryByRole('link', { name: 'pool-20' })).toBeNull();
    // ten matches: no page controls
    expect(screen.queryByTestId('scale-set-pages')).toBeNull();

    // a selected class too
    fireEvent.click(
      within(screen.getByTestId('runner-class-tinyland-nix')).getByRole(
        'button',
      ),
    );
    await screen.findByText('Scale sets of tinyland-nix', {}, LOADED);
    expect(queries.at(-1)).toMatchObject({
      runnerClass: 'tinyland-nix',
      q: 'POOL-1',
    });
    await waitFor(
      () => expect(screen.queryByRole('link', { name: 'pool-10' })).toBeNull(),
      LOADED,
    );
    expect(screen.getByRole('link', { name: 'pool-11' })).toBeInTheDocument();
  });

  it('shows a named progress bar until the first page of scale sets arrives', async () => {
    const list = serverList(scaleSets, [synced]);
    let release: () => void = () => {};
    await render({
      ...fakeApi([synced]),
      // the list waits until the test lets it through
      getScaleSets: async query => {
        await new Promise<void>(r => {
          release = r;
        });
        return list(query);
      },
    });
    // Backstage's Progress appears after a short delay, named (the table's overlay had no name)
    expect(
      await screen.findByRole(
        'progressbar',
        { name: 'Loading all scale sets' },
        LOADED,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText('No scale sets match.')).toBeNull();

    release();
    await screen.findByRole('link', { name: 'gpu-pool' }, LOADED);
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('marks a stale cluster as stale, with since when', async () => {
    await render(
      fakeApi([
        {
          ...synced,
          state: 'stale',
          since: '2026-11-25T09:00:00Z',
          message: 'connect ECONNREFUSED',
        },
      ]),
    );
    const banner = await screen.findByTestId('cluster-honey-stale');
    expect(banner).toHaveTextContent(/stale since/);
    expect(banner).toHaveTextContent('ECONNREFUSED');
  });

  it('shows the error when the backend fails', async () => {
    await render({
      getRunnerClasses: async () => {
        throw new Error('Request failed with 503 Service Unavailable');
      },
      getScaleSets: async () => ({ items: [], clusters: [] }),
      getCaches: async () => ({ items: [] }),
      getQueueStats: async () => ({
        classes: [],
        scaleSets: [],
        at: '2026-11-25T10:00:00Z',
      }),
    });
    expect(
      (await screen.findAllByText(/503 Service Unavailable/)).length,
    ).toBeGreaterThan(0);
  });

  it('explains what to configure when there are no classes', async () => {
    await render({
      getRunnerClasses: async () => ({ items: [], clusters: [] }),
      getScaleSets: async () => ({ items: [], clusters: [] }),
      getCaches: async () => ({ items: [] }),
      getQueueStats: async () => ({
        classes: [],
        scaleSets: [],
        at: '2026-11-25T10:00:00Z',
      }),
    });
    expect(await screen.findByText('No runner classes')).toBeInTheDocument();
  });
});
