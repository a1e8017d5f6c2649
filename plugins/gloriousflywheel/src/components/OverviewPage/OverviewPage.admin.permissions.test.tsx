// Its own file: usePermission caches decisions per module.
import { screen, within } from '@testing-library/react';
import {
  overviewApi,
  renderOverviewPage,
} from '../../__testUtils__/renderOverviewPage';

describe('OverviewPage as an admin (may read the audit log)', () => {
  it('lists the recent control actions with who, what, outcome and reason', async () => {
    const { api, calls } = overviewApi();
    await renderOverviewPage({
      allowed: [
        'gloriousflywheel.audit.read',
        'gloriousflywheel.adoption.scan',
        'gloriousflywheel.scaleset.pause',
        'gloriousflywheel.scaleset.resume',
      ],
      api,
    });
    const audit = await screen.findByTestId('overview-audit');
    const table = await within(audit).findByRole('table', {
      name: 'Recent control actions',
    });
    expect(
      within(table).getByText('user:default/oscar-operator'),
    ).toBeInTheDocument();
    expect(
      within(table).getByText('honey/arc-runners/tinyland-docker'),
    ).toBeInTheDocument();
    expect(
      within(table).getByText('succeeded').closest('[data-outcome]'),
    ).toHaveAttribute('data-outcome', 'succeeded');
    expect(
      within(table).getByText('node pool drained for kernel upgrade'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Open the audit log' }),
    ).toHaveAttribute('href', '/gloriousflywheel/audit');
    expect(calls).toContain('getAudit');
  });
});
