import { screen } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../../api';
import { GloriousFlywheelEntityContent } from './GloriousFlywheelEntityContent';
import { isGloriousFlywheelContentAvailable } from './isGloriousFlywheelContentAvailable';

const resource = (type: string, name: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name },
  spec: { type, owner: 'group:default/platform-team' },
});

describe('isGloriousFlywheelContentAvailable', () => {
  it.each([
    ['runner-class', true],
    ['runner-scale-set', true],
    ['build-cache', true],
    ['database', false],
  ])('%s -> %s', (type, expected) => {
    expect(isGloriousFlywheelContentAvailable(resource(type, 'x'))).toBe(
      expected,
    );
  });

  it('is false for other kinds', () => {
    expect(
      isGloriousFlywheelContentAvailable({
        ...resource('runner-class', 'x'),
        kind: 'Component',
      }),
    ).toBe(false);
  });
});

describe('GloriousFlywheelEntityContent for a build cache', () => {
  it('shows the latest probe with its requests and says remote execution is not offered', async () => {
    const api: Partial<GloriousFlywheelApi> = {
      getCache: async () => ({
        item: {
          name: 'bazel-grpc',
          kind: 'bazel-grpc',
          endpoint: 'grpc://127.0.0.1:7104',
          cache: null,
          runnerClasses: ['tinyland-nix-heavy'],
          status: 'healthy',
          latencyMs: 4,
          checkedAt: new Date().toISOString(),
          errorKind: null,
          message: null,
          sizeBytes: null,
          capacityBytes: null,
          itemCount: null,
          remoteExecution: 'not offered',
          staleEndpoint: null,
        },
        checks: [
          { name: 'health', outcome: 'ok', latencyMs: 2, grpcCode: 'OK' },
          { name: 'capabilities', outcome: 'ok', latencyMs: 2, grpcCode: 'OK' },
        ],
        facts: {},
      }),
      getCacheHistory: async () => ({
        cache: 'bazel-grpc',
        since: '',
        limit: 5000,
        items: [],
        truncated: false,
      }),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [gloriousFlywheelApiRef, api as GloriousFlywheelApi],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={resource('build-cache', 'bazel-grpc')}>
          <GloriousFlywheelEntityContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByText('Cache bazel-grpc')).toBeInTheDocument();
    expect(screen.getByText('not offered')).toBeInTheDocument();
    expect(screen.getByText('capabilities')).toBeInTheDocument();
    expect(screen.getByText('tinyland-nix-heavy')).toBeInTheDocument();
  });
});
