import { mockServices } from '@backstage/backend-test-utils';
import {
  KubernetesSandbox,
  createFleetSeed,
  startKubernetesSandbox,
  eventually,
} from '@internal/fleet-sandbox';
import { DEFAULT_RUNNER_CLASSES } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { FleetService } from './FleetService';
import { ClusterConfig } from './FleetConfig';

const cluster = (
  k8s: KubernetesSandbox,
  token: string,
  controllerNamespace?: string,
): ClusterConfig => ({
  name: 'honey',
  authProvider: 'serviceAccount',
  url: k8s.url,
  serviceAccountToken: token,
  skipTLSVerify: true,
  namespaces: ['arc-runners'],
  controllerNamespace,
});

describe('FleetService listener health (AutoscalingListeners and listener Pods)', () => {
  let k8s: KubernetesSandbox;
  let fleet: FleetService | undefined;

  beforeEach(async () => {
    k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed(),
    });
  });
  afterEach(async () => {
    fleet?.stop();
    await k8s.close();
  });

  function startFleet(c: ClusterConfig) {
    fleet = new FleetService({
      clusters: [c],
      runnerClasses: DEFAULT_RUNNER_CLASSES.map(x => ({ ...x })),
      logger: mockServices.logger.mock(),
      debounceMs: 10,
      backoff: { baseMs: 50, maxMs: 200 },
    });
    fleet.start();
    return fleet;
  }

  const stateOf = (f: FleetService, name: string) =>
    f.listenerHealth().find(h => h.scaleSet === name)?.state;

  it('follows a listener stopped, removed and started again through the watch', async () => {
    const f = startFleet(cluster(k8s, k8s.token, 'arc-systems'));
    await eventually(() => {
      expect(f.clusters()[0].state).toBe('synced');
      expect(f.listenerHealth().length).toBe(5);
    });
    expect(f.listenerHealth().every(h => h.state === 'ready')).toBe(true);
    expect(
      f.listenerHealth().find(h => h.scaleSet === 'tinyland-nix')?.listener,
    ).toMatch(/^arc-systems\/tinyland-nix-[a-z0-9]+-listener$/);

    k8s.stopListener('arc-runners', 'tinyland-docker');
    await eventually(() =>
      expect(stateOf(f, 'tinyland-docker')).toBe('not-ready'),
    );
    expect(
      f.listenerHealth().find(h => h.scaleSet === 'tinyland-docker')?.message,
    ).toContain('CrashLoopBackOff');
    k8s.stopListener('arc-runners', 'tinyland-dind', 'gone');
    await eventually(() =>
      expect(stateOf(f, 'tinyland-dind')).not.toBe('ready'),
    );
    k8s.startListener('arc-runners', 'tinyland-docker');
    await eventually(() => expect(stateOf(f, 'tinyland-docker')).toBe('ready'));
  });

  it('reports runners that fail to start with their message', async () => {
    const f = startFleet(cluster(k8s, k8s.token, 'arc-systems'));
    await eventually(() => expect(f.clusters()[0].state).toBe('synced'));
    const nix = () =>
      f.runnerFailures().filter(r => r.scaleSet === 'tinyland-nix');
    // the seed's failed dind runner is reported as it is
    expect(f.runnerFailures().map(r => r.scaleSet)).toEqual(['tinyland-dind']);
    k8s.failRunners(
      'arc-runners',
      'tinyland-nix',
      'Pod has failed to start more than 5 times',
    );
    // ARC starting a runner for a job: it fails like a Pod that never starts
    expect(
      k8s.runnerFleet.startRunner('arc-runners', 'tinyland-nix', {
        repository: 'tinyland-inc/lab',
        workflowRef:
          'tinyland-inc/lab/.github/workflows/ci.yml@refs/heads/main',
        jobName: 'build',
        runId: 1,
        jobId: 2,
      }),
    ).toEqual({ failed: 'Pod has failed to start more than 5 times' });
    await eventually(() => expect(nix()).toHaveLength(1));
    expect(nix()[0]).toMatchObject({
      cluster: 'honey',
      namespace: 'arc-runners',
      message: 'TooManyPodFailures: Pod has failed to start more than 5 times',
    });
  });

  it('judges no listener without a controller namespace', async () => {
    const none = startFleet(cluster(k8s, k8s.token));
    await eventually(() => expect(none.clusters()[0].state).toBe('synced'));
    expect(none.listenerHealth()).toEqual([]);
  });
});
