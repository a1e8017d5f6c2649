import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { HealthResponse } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from './api';
import { OverviewPage } from './components/OverviewPage';
import gloriousflywheelPlugin from './alpha';

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
const api = { getHealth: async () => health } as unknown as GloriousFlywheelApi;
const SUBTITLE =
  'Pooled CI substrate: runner classes, build caches, migration tranches';

describe('page shell', () => {
  it('new frontend system: the app draws the page header, the page draws none of its own', async () => {
    renderTestApp({
      features: [gloriousflywheelPlugin],
      initialRouteEntries: ['/gloriousflywheel'],
      apis: [[gloriousFlywheelApiRef, api]],
    });
    expect(
      await screen.findByText('Backend plugin v0.1.0'),
    ).toBeInTheDocument();
    // One page title (the app's), and the plugin's subtitle as a lead line, not in a banner.
    expect(
      screen.getAllByRole('heading', { name: 'GloriousFlywheel' }),
    ).toHaveLength(1);
    expect(screen.getByText(SUBTITLE).closest('header')).toBeNull();
  });

  it('legacy app: the page draws its own header with title and subtitle', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[gloriousFlywheelApiRef, api]]}>
        <OverviewPage />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Backend plugin v0.1.0'),
    ).toBeInTheDocument();
    expect(screen.getByText(SUBTITLE).closest('header')).not.toBeNull();
    expect(
      screen.getAllByRole('heading', { name: 'GloriousFlywheel' }),
    ).toHaveLength(1);
  });
});
