import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  overviewApi,
  pausedAt,
  renderOverviewPage,
} from '../../__testUtils__/renderOverviewPage';
import { trancheSummary } from '../../__testUtils__/adoptionFixtures';

// A viewer: no permission allowed (operator and admin: the *.permissions.test.tsx files).
const viewer = { allowed: [] };

describe('OverviewPage as a viewer', () => {
  it('shows the fleet: capacity per class, failures, what is paused by whom and why, cluster sync', async () => {
    await renderOverviewPage(viewer);
    const fleet = await screen.findByTestId('overview-fleet');
    const nix = await within(fleet).findByTestId('overview-class-tinyland-nix');
    expect(
      within(nix).getByRole('link', { name: 'tinyland-nix' }),
    ).toHaveAttribute('href', '/catalog/default/resource/tinyland-nix');
    expect(within(nix).getByText('3 / 8')).toBeInTheDocument();
    const docker = within(fleet).getByTestId('overview-class-tinyland-docker');
    // paused: max 0; two failed runners
    // no queue figures for tinyland-docker: dashes, not zeros
    expect(
      within(docker)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['tinyland-docker', '0 / 0', '0', '—', '—', '2', '1']);
    expect(
      within(nix)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['tinyland-nix', '3 / 8', '1', '4', '2 min', '0', '0']);
    const paused = within(fleet).getByTestId('overview-paused');
    expect(
      within(paused).getByText('honey/arc-runners/tinyland-docker'),
    ).toBeInTheDocument();
    expect(
      within(paused).getByText('user:default/oscar-operator'),
    ).toBeInTheDocument();
    expect(
      within(paused).getByText('node pool drained for kernel upgrade'),
    ).toBeInTheDocument();
    // only the paused ones: the glance asks the server for them
    expect(
      within(paused).queryByText('honey/arc-runners/tinyland-nix'),
    ).not.toBeInTheDocument();
    expect(within(paused).getByText('2 h ago').closest('time')).toHaveAttribute(
      'dateTime',
      pausedAt,
    );
    expect(within(fleet).getByText('honey: synced')).toBeInTheDocument();
  });

  it('shows the fleet without queue figures when the queue cannot be read', async () => {
    const { api } = overviewApi({
      getQueueStats: async () => {
        throw new Error('Request failed with 500 Internal Server Error');
      },
    });
    await renderOverviewPage({ ...viewer, api });
    const nix = await screen.findByTestId('overview-class-tinyland-nix');
    expect(
      within(nix)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['tinyland-nix', '3 / 8', '1', '—', '—', '0', '0']);
  });

  it('marks a stale cluster with since when', async () => {
    const since = new Date(Date.now() - 5 * 60e3).toISOString();
    const clusters = [
      {
        name: 'honey',
        state: 'stale' as const,
        since,
        lastSyncAt: since,
        message: 'watch failed',
        scaleSets: 2,
      },
    ];
    const { api } = overviewApi({
      getRunnerClasses: async () => ({ items: [], clusters }),
      getScaleSets: async () => ({ items: [], clusters }),
    });
    await renderOverviewPage({ ...viewer, api });
    const fleet = await screen.findByTestId('overview-fleet');
    expect(await within(fleet).findByText('honey: stale')).toBeInTheDocument();
    expect(
      within(fleet).getByText('stale since 5 min ago'),
    ).toBeInTheDocument();
  });

  it('shows each cache with its status and an hour of probes', async () => {
    await renderOverviewPage(viewer);
    const caches = await screen.findByTestId('overview-caches');
    expect(
      await within(caches).findByText('attic: healthy'),
    ).toBeInTheDocument();
    expect(within(caches).getByText('bazel-cache: down')).toBeInTheDocument();
    expect(
      within(caches).getByRole('img', {
        name: 'attic, last hour: 100% available, latency 20–40 ms over 3 probes',
      }),
    ).toBeInTheDocument();
  });

  it('shows each tranche with adopted / total, stage counts, blockers and says when there is no week of trend', async () => {
    await renderOverviewPage(viewer);
    const tranche = await screen.findByTestId('overview-tranche-first');
    expect(
      within(tranche).getByText('1 / 5 adopted (20%)'),
    ).toBeInTheDocument();
    expect(
      within(tranche).getByRole('progressbar', {
        name: 'First tranche: 1 of 5 repositories adopted',
      }),
    ).toHaveAttribute('aria-valuenow', '20');
    expect(within(tranche).getByText('1 open blocker')).toBeInTheDocument();
    expect(within(tranche).getByTestId('trend-first')).toHaveTextContent(
      'No trend yet: no daily history recorded',
    );
  });

  it('compares adopted repositories with a week ago when the history reaches back that far', async () => {
    const day = (d: number) =>
      new Date(Date.now() - d * 86400e3).toISOString().slice(0, 10);
    const point = (d: number, adopted: number) => ({
      day: day(d),
      stages: { adopted, 'in-progress': 0, blocked: 0, 'not-started': 0 },
    });
    const { api } = overviewApi({
      getTranches: async () => ({
        items: [
          trancheSummary({ trend: [point(9, 0), point(8, 0), point(3, 1)] }),
        ],
      }),
    });
    await renderOverviewPage({ ...viewer, api });
    expect(await screen.findByTestId('trend-first')).toHaveTextContent(
      `+1 adopted since ${day(8)} (0 → 1)`,
    );
  });

  it('looks a repository up by name: runner class per job, verdict, stage, tranche and its tab', async () => {
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'tinyland-dev',
        namespace: 'default',
        annotations: { 'github.com/project-slug': 'tinyland-inc/tinyland.dev' },
      },
      spec: {},
    };
    const { api, calls } = overviewApi();
    await renderOverviewPage({ ...viewer, api, catalogEntities: [entity] });
    const input = await screen.findByRole('combobox', { name: 'Repository' });
    fireEvent.change(input, { target: { value: 'tinyland.d' } });
    const option = await screen.findByRole('option', {
      name: /tinyland-inc\/tinyland\.dev/,
    });
    fireEvent.click(option);
    const result = await screen.findByTestId('lookup-result');
    expect(
      within(result).getByRole('link', {
        name: /^tinyland-inc\/tinyland\.dev/,
      }),
    ).toHaveAttribute('href', 'https://github.com/tinyland-inc/tinyland.dev');
    expect(
      within(result).getByText('fail').closest('[data-verdict]'),
    ).toHaveAttribute('data-verdict', 'fail');
    expect(
      within(result).getByText('blocked').closest('[data-stage]'),
    ).toHaveAttribute('data-stage', 'blocked');
    expect(within(result).getByText('tranche: first')).toBeInTheDocument();
    const jobs = within(result).getByRole('table', {
      name: 'Jobs of tinyland-inc/tinyland.dev',
    });
    expect(
      within(jobs).getByRole('link', { name: 'tinyland-nix' }),
    ).toBeInTheDocument();
    expect(
      within(jobs).getByText('GitHub-hosted').closest('[data-covered]'),
    ).toHaveAttribute('data-covered', 'false');
    expect(
      within(jobs).getByText(/\(exception: expired\)/),
    ).toBeInTheDocument();
    expect(
      await within(result).findByRole('link', {
        name: 'Open the Runners & dogfood tab',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/tinyland-dev/runners',
    );
    // the repository's recent jobs and their queue times (the queue's own component)
    await waitFor(() =>
      expect(
        within(screen.getByTestId('lookup-result')).getByText(
          /No jobs recorded for this repository yet/,
        ),
      ).toBeInTheDocument(),
    );
    expect(calls).toContain('getRepoJobs');
    // the type-ahead asked the backend with what was typed
    expect(calls).toContain('getAdoptionRepos');
  });

  it('points at the Tranches page for a repository the catalog does not have', async () => {
    await renderOverviewPage(viewer);
    fireEvent.change(
      await screen.findByRole('combobox', { name: 'Repository' }),
      { target: { value: 'lab' } },
    );
    fireEvent.click(
      await screen.findByRole('option', { name: /tinyland-inc\/lab/ }),
    );
    const result = await screen.findByTestId('lookup-result');
    expect(
      await within(result).findByText(/Not in the catalog/),
    ).toBeInTheDocument();
    expect(
      within(result).getByRole('link', { name: 'Tranches page' }),
    ).toHaveAttribute('href', '/gloriousflywheel/tranches');
  });

  it('never asks for the audit log and shows no control actions', async () => {
    const { api, calls } = overviewApi();
    await renderOverviewPage({ ...viewer, api });
    await screen.findByTestId('overview-fleet');
    await screen.findByText('Backend plugin v0.1.0', { exact: false });
    await new Promise(r => setTimeout(r, 50));
    expect(
      screen.queryByText('Recent control actions'),
    ).not.toBeInTheDocument();
    expect(calls).not.toContain('getAudit');
  });

  it('keeps the other sections when one source fails, and says which failed', async () => {
    const { api } = overviewApi({
      getCaches: async () => {
        throw new Error('Request failed with 503 Service Unavailable');
      },
    });
    await renderOverviewPage({ ...viewer, api });
    const caches = await screen.findByTestId('overview-caches');
    expect(
      (await within(caches).findAllByText(/503 Service Unavailable/)).length,
    ).toBeGreaterThan(0);
    expect(
      await screen.findByTestId('overview-class-tinyland-nix'),
    ).toBeInTheDocument();
    expect(
      await screen.findByTestId('overview-tranche-first'),
    ).toBeInTheDocument();
  });

  it('says what to configure when nothing is configured', async () => {
    const { api } = overviewApi({
      getRunnerClasses: async () => ({ items: [], clusters: [] }),
      getScaleSets: async () => ({ items: [], clusters: [] }),
      getCaches: async () => ({ items: [] }),
      getTranches: async () => ({ items: [] }),
    });
    await renderOverviewPage({ ...viewer, api });
    expect(await screen.findByText('No fleet configured')).toBeInTheDocument();
    expect(await screen.findByText('No caches configured')).toBeInTheDocument();
    expect(await screen.findByText('No tranches yet')).toBeInTheDocument();
  });

  it('shows the sources as a footer, with the control warning when control is off', async () => {
    const message =
      'The permission framework is off: set permission.enabled: true (with a permission policy)';
    const { api } = overviewApi({
      getHealth: async () => ({
        plugin: 'gloriousflywheel',
        version: '0.1.0',
        sources: [
          {
            source: 'caches',
            state: 'degraded',
            configured: 2,
            message: 'bazel-cache slow',
          },
        ],
        control: { enabled: false, message },
      }),
    });
    await renderOverviewPage({ ...viewer, api });
    const footer = await screen.findByTestId('overview-sources');
    expect(
      within(footer).getByText(/Backend plugin v0\.1\.0/),
    ).toBeInTheDocument();
    expect(within(footer).getByText('Build caches')).toBeInTheDocument();
    expect(within(footer).getByText('degraded')).toBeInTheDocument();
    expect(within(footer).getByText('bazel-cache slow')).toBeInTheDocument();
    expect(
      within(footer).getByText(/Pause and resume are disabled/),
    ).toBeInTheDocument();
  });

  it('every section says how old its figures are', async () => {
    await renderOverviewPage(viewer);
    for (const id of ['overview-fleet', 'overview-caches']) {
      const card = (await screen.findByTestId(id)).closest(
        '[class*="MuiCard-root"]',
      ) as HTMLElement;
      await waitFor(() =>
        expect(
          within(card).getByText(/^updated \d+ s ago$/),
        ).toBeInTheDocument(),
      );
    }
    const migration = (await screen.findByTestId('overview-migration')).closest(
      '[class*="MuiCard-root"]',
    ) as HTMLElement;
    // the migration's figures are as old as the last finished scan
    await waitFor(() =>
      expect(
        within(migration)
          .getByText(/^updated \d+ s ago$/)
          .closest('time'),
      ).toBeInTheDocument(),
    );
  });
});
