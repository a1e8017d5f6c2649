import { fireEvent, screen, waitFor } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  DEFAULT_RUNNER_CLASSES,
  toScaleSet,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { GloriousFlywheelApi, gloriousFlywheelApiRef } from '../../api';
import { ScaleSetControlButton } from './ScaleSetControlButton';

const active = toScaleSet(
  'honey',
  {
    metadata: {
      name: 'tinyland-docker',
      namespace: 'arc-runners',
      labels: { 'app.kubernetes.io/managed-by': 'Helm' },
    },
    spec: {
      githubConfigUrl: 'https://github.com/tinyland-inc',
      runnerScaleSetName: 'tinyland-docker',
      minRunners: 1,
      maxRunners: 6,
    },
  },
  DEFAULT_RUNNER_CLASSES,
);
const paused = toScaleSet(
  'honey',
  {
    metadata: {
      name: 'tinyland-nix-heavy',
      namespace: 'arc-runners',
      annotations: {
        'gloriousflywheel.io/paused-from': JSON.stringify({
          minRunners: 0,
          maxRunners: null,
          by: 'user:default/ada-admin',
          at: 'T',
          reason: 'drain',
        }),
      },
    },
    spec: {
      githubConfigUrl: 'https://github.com/tinyland-inc',
      runnerScaleSetName: 'tinyland-nix-heavy',
      minRunners: 0,
      maxRunners: 0,
    },
  },
  DEFAULT_RUNNER_CLASSES,
);

function render(
  scaleSet: typeof active,
  allow: boolean,
  controlScaleSet = jest.fn(),
) {
  const api = {
    controlScaleSet,
  } as Partial<GloriousFlywheelApi> as GloriousFlywheelApi;
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [gloriousFlywheelApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: allow ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
          }),
        ],
      ]}
    >
      <ScaleSetControlButton scaleSet={scaleSet} />
    </TestApiProvider>,
  );
}

describe('ScaleSetControlButton', () => {
  it('is not shown when the permission framework denies it', async () => {
    // A scale set of its own: usePermission caches decisions per permission and resource.
    await render({ ...active, name: 'tinyland-dind' }, false);
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: /pause/i }),
      ).not.toBeInTheDocument(),
    );
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('pauses with a required reason, showing the effect and the GitOps warning', async () => {
    const controlScaleSet = jest
      .fn()
      .mockResolvedValue({ changed: true, warnings: [] });
    await render(active, true, controlScaleSet);
    fireEvent.click(
      await screen.findByRole('button', { name: 'pause tinyland-docker' }),
    );
    expect(screen.getByTestId('control-effect')).toHaveTextContent(
      'min 1 / max 6 → min 0 / max 0',
    );
    expect(
      screen.getByText(/Running jobs are never killed/),
    ).toBeInTheDocument();
    expect(screen.getByText(/Managed by Helm/)).toBeInTheDocument();
    const confirm = screen.getByRole('button', { name: 'Pause' });
    expect(confirm).toBeDisabled();
    fireEvent.change(screen.getByLabelText(/Reason/), {
      target: { value: '  incident 42  ' },
    });
    expect(confirm).toBeEnabled();
    fireEvent.click(confirm);
    await waitFor(() =>
      expect(controlScaleSet).toHaveBeenCalledWith(
        'pause',
        active,
        'incident 42',
      ),
    );
  });

  it('resumes to the prior values, unlimited max included', async () => {
    await render(paused, true);
    fireEvent.click(
      await screen.findByRole('button', { name: 'resume tinyland-nix-heavy' }),
    );
    expect(screen.getByTestId('control-effect')).toHaveTextContent(
      'min 0 / max 0 → min 0 / max unlimited',
    );
  });

  it('keeps the dialog open and shows the server error when the backend refuses', async () => {
    const controlScaleSet = jest
      .fn()
      .mockRejectedValue(
        new Error('user:default/oscar-operator may not pause scale set'),
      );
    await render(active, true, controlScaleSet);
    fireEvent.click(
      await screen.findByRole('button', { name: 'pause tinyland-docker' }),
    );
    fireEvent.change(screen.getByLabelText(/Reason/), {
      target: { value: 'drain' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(
      await screen.findByText(/may not pause scale set/),
    ).toBeInTheDocument();
  });
});
