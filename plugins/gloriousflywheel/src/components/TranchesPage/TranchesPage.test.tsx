import { fireEvent, screen, within } from '@testing-library/react';
import { repoAdoption } from '../../__testUtils__/adoptionFixtures';
import {
  renderTranchesPage as render,
  scan,
} from '../../__testUtils__/renderTranchesPage';
import { adoptionCsv } from './adoptionCsv';

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
    expect(screen.queryByTestId('matrix-row-lab')).not.toBeInTheDocument();
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
