import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { HealthResponse } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../../api';
import { OverviewPage } from './OverviewPage';

const health: HealthResponse = {
  plugin: 'gloriousflywheel',
  version: '0.1.0',
  sources: [
    { source: 'fleet', state: 'ok', configured: 1, message: '1 cluster synced' },
    { source: 'caches', state: 'degraded', configured: 2, message: 'bazel-cache slow' },
    { source: 'adoption', state: 'not-configured', configured: 0, message: 'no GitHub orgs configured' },
  ],
};

function renderWith(api: Pick<GloriousFlywheelApi, 'getHealth'>) {
  return renderInTestApp(
    <TestApiProvider apis={[[gloriousFlywheelApiRef, api as GloriousFlywheelApi]]}>
      <OverviewPage />
    </TestApiProvider>,
  );
}

describe('OverviewPage', () => {
  it('shows the version and the state of every source', async () => {
    await renderWith({ getHealth: async () => health });
    expect(await screen.findByText('Backend plugin v0.1.0')).toBeInTheDocument();
    expect(screen.getByText('Fleet (ARC scale sets)')).toBeInTheDocument();
    expect(screen.getByText('bazel-cache slow')).toBeInTheDocument();
    expect(screen.getByText('degraded')).toBeInTheDocument();
    expect(screen.getByText('not configured')).toBeInTheDocument();
  });

  it('says why pause and resume are disabled when the backend refuses control', async () => {
    const message = 'The permission framework is off: set permission.enabled: true (with a permission policy)';
    await renderWith({ getHealth: async () => ({ ...health, control: { enabled: false, message } }) });
    expect(await screen.findByText(/Pause and resume are disabled/)).toBeInTheDocument();
    expect(screen.getByText(message)).toBeInTheDocument();
  });

  it('shows no control warning while control is enabled', async () => {
    await renderWith({ getHealth: async () => ({ ...health, control: { enabled: true, message: 'ok' } }) });
    expect(await screen.findByText('Backend plugin v0.1.0')).toBeInTheDocument();
    expect(screen.queryByText(/Pause and resume are disabled/)).not.toBeInTheDocument();
  });

  it('shows the backend error instead of an empty table', async () => {
    await renderWith({
      getHealth: async () => {
        throw new Error('Request failed with 401 Unauthorized');
      },
    });
    expect((await screen.findAllByText(/401 Unauthorized/)).length).toBeGreaterThan(0);
    expect(screen.queryByText('Fleet (ARC scale sets)')).not.toBeInTheDocument();
  });
});
