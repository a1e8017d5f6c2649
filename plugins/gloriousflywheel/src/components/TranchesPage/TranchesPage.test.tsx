import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  repoAdoption,
  trancheSummary,
} from '../../__testUtils__/adoptionFixtures';
import {
  FakeAdoptionApi,
  renderTranchesPage as render,
  scan,
} from '../../__testUtils__/renderTranchesPage';
import { adoptionCsv } from './adoptionCsv';
import { REPO_PAGE_SIZE } from './useRepoPages';

/** An org of `n` repositories, `repo-00000`..., in two tranches; every third has a failing check. */
function org(n: number) {
  const pass = {
    evaluatedAt: '',
    verdict: 'pass' as const,
    checks: [],
    counts: { pass: 3, fail: 0, exempt: 0, unknown: 0 },
  };
  const all = Array.from({ length: n }, (_, i) =>
    repoAdoption({
      name: `repo-${String(i).padStart(5, '0')}`,
      tranche: i % 2 ? 'second' : 'first',
      ...(i % 3 ? { scorecard: pass } : {}),
    }),
  );
  const summary = (name: string) =>
    trancheSummary({
      name,
      title: name,
      repos: all.filter(r => r.tranche === name).length,
    });
  return new FakeAdoptionApi(all, [summary('first'), summary('second')]);
}

describe('TranchesPage', () => {
  it('shows tranche progress and blockers, and the repos × checks matrix', async () => {
    await render();
    const tranche = await screen.findByTestId('tranche-first');
    expect(within(tranche).getByText('20% adopted')).toBeInTheDocument();
    expect(
      within(tranche).getByText(/blocks tinyland-inc\/tinyland\.dev/),
    ).toBeInTheDocument();
    const row = screen.getByTestId('matrix-row-tinyland.dev');
    expect(within(row).getByText('✗')).toHaveAttribute('data-verdict', 'fail');
    expect(within(row).getByText('?')).toHaveAttribute(
      'data-verdict',
      'unknown',
    );
    expect(
      within(row).getByRole('link', {
        name: /^open migration pull request #137/,
      }),
    ).toHaveAttribute(
      'href',
      'https://github.com/tinyland-inc/tinyland.dev/pull/137',
    );
    expect(screen.getByText('3 of 3 repositories')).toBeInTheDocument();
    expect(screen.getByTestId('scan-status')).toHaveTextContent(
      '2 GraphQL, 4 REST (3 free 304s)',
    );
  });

  it('filters to failing repositories and opens a repository with its evidence', async () => {
    await render();
    await screen.findByTestId('matrix-row-lab');
    fireEvent.click(screen.getByLabelText('failing checks only'));
    await waitFor(() =>
      expect(screen.queryByTestId('matrix-row-lab')).not.toBeInTheDocument(),
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'open tinyland-inc/tinyland.dev' }),
    );
    expect(
      await screen.findByTestId('check-stale-cache-endpoints'),
    ).toBeInTheDocument();
  });

  it('starts a rescan when permitted', async () => {
    const start = jest.fn().mockResolvedValue(scan);
    await render(start);
    fireEvent.click(await screen.findByRole('button', { name: 'Rescan now' }));
    expect(start).toHaveBeenCalled();
  });
});

describe('TranchesPage over a 10,000-repository org', () => {
  it('asks the server for one page for its first render', async () => {
    const api = org(10_000);
    await render(undefined, true, api);
    await screen.findByTestId('matrix-row-repo-00000');
    expect(screen.getByText('10000 of 10000 repositories')).toBeInTheDocument();
    // the rows in view come from that one page; the rest are not fetched
    expect(api.repoRequests).toEqual([
      { sort: 'name', limit: REPO_PAGE_SIZE, offset: 0 },
    ]);
    expect(screen.getAllByTestId(/^matrix-row-/).length).toBeLessThanOrEqual(
      REPO_PAGE_SIZE,
    );
  });

  it('sends filter changes to the server and shows its answer', async () => {
    const api = org(10_000);
    await render(undefined, true, api);
    await screen.findByTestId('matrix-row-repo-00000');

    fireEvent.click(screen.getByLabelText('failing checks only'));
    expect(
      await screen.findByText('3334 of 10000 repositories'),
    ).toBeInTheDocument();
    expect(api.repoRequests.at(-1)).toEqual({
      sort: 'name',
      failing: true,
      limit: REPO_PAGE_SIZE,
      offset: 0,
    });
    // repo-00001 passes: the server left it out
    expect(
      screen.queryByTestId('matrix-row-repo-00001'),
    ).not.toBeInTheDocument();
    expect(screen.getByTestId('matrix-row-repo-00003')).toBeInTheDocument();

    fireEvent.click(
      within(screen.getByTestId('tranche-second')).getByRole('button', {
        name: 'Show in matrix',
      }),
    );
    expect(
      await screen.findByText('1667 of 10000 repositories'),
    ).toBeInTheDocument();
    expect(api.repoRequests.at(-1)).toMatchObject({
      tranche: 'second',
      failing: true,
      offset: 0,
    });

    // typing sends one request once it pauses
    const before = api.repoRequests.length;
    fireEvent.change(screen.getByLabelText('Repository'), {
      target: { value: 'repo-0999' },
    });
    fireEvent.change(screen.getByLabelText('Repository'), {
      target: { value: 'repo-09999' },
    });
    expect(
      await screen.findByText('1 of 10000 repositories'),
    ).toBeInTheDocument();
    expect(api.repoRequests.slice(before)).toEqual([
      {
        sort: 'name',
        q: 'repo-09999',
        tranche: 'second',
        failing: true,
        limit: REPO_PAGE_SIZE,
        offset: 0,
      },
    ]);
    expect(screen.getByTestId('matrix-row-repo-09999')).toBeInTheDocument();
  });

  it('fetches the page of the rows scrolled to', async () => {
    const api = org(10_000);
    await render(undefined, true, api);
    const matrix = await screen.findByTestId('adoption-matrix');
    await screen.findByTestId('matrix-row-repo-00000');
    // row 5,000 is on page 50
    matrix.scrollTop = 5000 * 36;
    fireEvent.scroll(matrix);
    expect(
      await screen.findByTestId('matrix-row-repo-05000'),
    ).toBeInTheDocument();
    // rows 4,988-5,028 with the overscan: pages 49 and 50, nothing in between
    expect(api.repoRequests.map(r => r.offset)).toEqual([
      0,
      49 * REPO_PAGE_SIZE,
      50 * REPO_PAGE_SIZE,
    ]);
  });

  it('exports every matching repository as CSV, a server page of 2,000 at a time', async () => {
    const api = org(10_000);
    let csv: Blob | undefined;
    const create = jest.spyOn(URL, 'createObjectURL').mockImplementation(b => {
      csv = b as Blob;
      return 'blob:csv';
    });
    const revoke = jest.spyOn(URL, 'revokeObjectURL').mockImplementation();
    try {
      await render(undefined, true, api);
      await screen.findByTestId('matrix-row-repo-00000');
      fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
      await waitFor(() => expect(csv).toBeDefined());
      expect(api.repoRequests.slice(1)).toEqual(
        [0, 2000, 4000, 6000, 8000].map(offset => ({
          sort: 'name',
          limit: 2000,
          offset,
        })),
      );
      const lines = (await csv!.text()).trim().split('\n');
      expect(lines).toHaveLength(10_001);
      expect(lines[10_000].startsWith('tinyland-inc/repo-09999,second,')).toBe(
        true,
      );
    } finally {
      create.mockRestore();
      revoke.mockRestore();
    }
  });
});

describe('adoptionCsv', () => {
  it('quotes values and lists one verdict column per check', () => {
    const csv = adoptionCsv(
      [repoAdoption({ name: 'a,"b"' })],
      ['hosted-runners', 'stale-cache-endpoints', 'missing'],
    );
    const [header, row] = csv.trim().split('\n');
    expect(header).toBe(
      'repository,tranche,stage,runner classes,hosted jobs,fail,scanned at,hosted-runners,stale-cache-endpoints,missing',
    );
    expect(
      row.startsWith('"tinyland-inc/a,""b""",first,blocked,tinyland-nix,1,1,'),
    ).toBe(true);
    expect(row.endsWith(',pass,fail,')).toBe(true);
  });
});
