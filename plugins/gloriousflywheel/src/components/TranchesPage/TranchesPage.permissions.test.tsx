// Its own file: usePermission caches decisions per module, and the other file allows.
import { screen } from '@testing-library/react';
import { renderTranchesPage as render } from '../../__testUtils__/renderTranchesPage';

describe('TranchesPage without the scan permission', () => {
  it('hides the rescan button without the scan permission', async () => {
    await render(undefined, false);
    await screen.findByTestId('scan-status');
    await new Promise(r => setTimeout(r, 50));
    expect(
      screen.queryByRole('button', { name: 'Rescan now' }),
    ).not.toBeInTheDocument();
  });
});
