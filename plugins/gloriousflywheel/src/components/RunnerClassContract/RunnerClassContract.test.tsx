import { screen, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  ANNOTATION_PAUSED_FROM,
  ClusterStatus,
  DEFAULT_RUNNER_CLASSES,
  evaluateRunnerClassContracts,
  ScaleSet,
  summarizeRunnerClasses,
  toScaleSet,
  toRunnerClassListItem,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../../api';
import { RunnerClassCard } from '../RunnerClassesPage/RunnerClassCard';
import { GloriousFlywheelEntityContent } from '../EntityContent';
import { PAUSE_THROUGH_GIT_DOCS } from './PauseRevertedNotice';

// The heavy class as the sandbox seeds it: a nix runner's 8Gi limit against a 16Gi–64Gi envelope,
// built and checked with the same pure functions the backend uses.
const pausedFrom = {
  minRunners: 0,
  maxRunners: null,
  by: 'user:default/oscar-operator',
  at: '2026-12-01T10:00:00.000Z',
  reason: 'node drain',
};
const heavy: ScaleSet = toScaleSet(
  'honey',
  {
    metadata: {
      name: 'tinyland-nix-heavy',
      namespace: 'arc-runners',
      labels: {
        'app.kubernetes.io/version': '0.14.0',
        'helm.sh/chart': 'gha-rs-0.14.0',
        'app.kubernetes.io/managed-by': 'Helm',
      },
      annotations: { [ANNOTATION_PAUSED_FROM]: JSON.stringify(pausedFrom) },
    },
    spec: {
      githubConfigUrl: 'https://github.com/tinyland-inc',
      runnerScaleSetName: 'tinyland-nix-heavy',
      minRunners: 0,
      template: {
        spec: {
          containers: [
            {
              name: 'runner',
              image: 'ghcr.io/actions/actions-runner:latest',
              env: [
                {
                  name: 'NIX_CONFIG',
                  value: 'experimental-features = nix-command flakes',
                },
                { name: 'ATTIC_SERVER', value: 'http://attic:8080' },
                {
                  name: 'ATTIC_CACHE',
                  valueFrom: { secretKeyRef: { name: 'attic', key: 'cache' } },
                },
                { name: 'BAZEL_REMOTE_CACHE', value: 'grpc://bazel:9092' },
              ],
              resources: {
                requests: { memory: '1Gi' },
                limits: { memory: '8Gi' },
              },
            },
          ],
        },
      },
    },
  },
  DEFAULT_RUNNER_CLASSES,
);
heavy.pauseReverted = {
  by: 'tofu apply (Helm release)',
  at: '2026-12-01T10:05:00.000Z',
};
const [report] = evaluateRunnerClassContracts({
  classes: DEFAULT_RUNNER_CLASSES.filter(c => c.name === 'tinyland-nix-heavy'),
  scaleSets: [{ ...heavy, runner: heavy.runner!, arc: heavy.arc! }],
  caches: [
    {
      name: 'attic',
      kind: 'attic',
      url: 'http://attic:8080',
      cache: 'main',
      health: 'healthy',
    },
    {
      name: 'bazel',
      kind: 'bazel-grpc',
      url: 'grpc://bazel:9092',
      health: 'healthy',
    },
  ],
  staleEndpoints: ['*.attic-cache-dev.*'],
});
const summary = {
  ...summarizeRunnerClasses(DEFAULT_RUNNER_CLASSES, [heavy]).find(
    c => c.name === 'tinyland-nix-heavy',
  )!,
  contract: report,
};
const synced: ClusterStatus = {
  name: 'honey',
  state: 'synced',
  since: '',
  lastSyncAt: '',
  message: null,
  scaleSets: 1,
};

describe('runner-class contract in the UI', () => {
  it('shows "contract n/m" on the card, red when a check fails, and the reverted pause', async () => {
    await renderInTestApp(
      <RunnerClassCard
        summary={toRunnerClassListItem(summary)}
        selected={false}
        onSelect={() => {}}
      />,
    );
    const chip = screen.getByTestId('contract-tinyland-nix-heavy');
    // memory fails; the referenced ATTIC_CACHE leaves where it points, and whether it is stale, unknown
    expect(report).toMatchObject({
      passed: 3,
      failed: 1,
      unknown: 2,
      applicable: 6,
    });
    expect(chip).toHaveTextContent('contract 3/6');
    expect(chip).toHaveAttribute('data-verdict', 'error');
    expect(screen.getByText('1 pause reverted')).toBeInTheDocument();
  });

  it('lists each check with its field path on the scale-set tab, its facts, and the reverted pause with the docs', async () => {
    const api: Partial<GloriousFlywheelApi> = {
      getScaleSet: async () => ({
        item: heavy,
        cluster: synced,
        contract: report.scaleSets[0],
      }),
      getAudit: async () => ({ items: [], total: 0, limit: 10, offset: 0 }),
      getQueueStats: async () => ({
        classes: [],
        scaleSets: [],
        at: '2026-12-01T10:06:00.000Z',
      }),
    };
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'honey.arc-runners.tinyland-nix-heavy',
        annotations: {
          'gloriousflywheel.io/cluster': 'honey',
          'gloriousflywheel.io/namespace': 'arc-runners',
          'gloriousflywheel.io/scale-set': 'tinyland-nix-heavy',
        },
      },
      spec: { type: 'runner-scale-set', owner: 'group:default/platform-team' },
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [gloriousFlywheelApiRef, api as GloriousFlywheelApi],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={entity}>
          <GloriousFlywheelEntityContent />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText(
        /Pause reverted by tofu apply \(Helm release\) at 2026-12-01T10:05:00.000Z/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /^pausing through Git/ }),
    ).toHaveAttribute('href', PAUSE_THROUGH_GIT_DOCS);
    // the plain "paused" warning does not claim the scale set is paused
    expect(screen.queryByText(/^Paused by /)).toBeNull();
    const checks = screen.getByTestId('contract-checks');
    const memoryRow = within(checks)
      .getByText('Memory limit within the envelope')
      .closest('tr')!;
    expect(within(memoryRow).getByText('fail')).toBeInTheDocument();
    expect(memoryRow).toHaveTextContent(
      'spec.template.spec.containers[0].resources.limits.memory = "8Gi"',
    );
    const targetRow = within(checks)
      .getByText('Points at a configured, healthy cache')
      .closest('tr')!;
    expect(targetRow).toHaveTextContent(
      'reference secretKeyRef attic/cache, not resolved',
    );
    expect(
      screen.getByText('0.14.0 (chart gha-rs-0.14.0)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('ATTIC_CACHE=<secretKeyRef attic/cache>'),
    ).toBeInTheDocument();
  });
});
