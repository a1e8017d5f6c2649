import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  KubernetesSandbox,
  createFleetSeed,
  startKubernetesSandbox,
  eventually,
} from '@internal/fleet-sandbox';
import {
  ANNOTATION_PAUSED_FROM,
  DEFAULT_RUNNER_CLASSES,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { ScaleSetControl } from './ScaleSetControl';
import { ClusterUnreachableError } from './errors';

const NS = 'arc-runners';
const by = { by: 'user:default/ada-admin', reason: 'drain' };

describe('ScaleSetControl against the sandbox Kubernetes API', () => {
  let k8s: KubernetesSandbox;
  let control: ScaleSetControl;

  beforeEach(async () => {
    k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      tls: true,
      seed: createFleetSeed(),
    });
    control = new ScaleSetControl({
      clusters: [
        {
          name: 'honey',
          authProvider: 'serviceAccount',
          url: k8s.url,
          serviceAccountToken: k8s.token,
          skipTLSVerify: false,
          caData: k8s.caData,
        },
        {
          name: 'lab',
          authProvider: 'serviceAccount',
          url: 'http://127.0.0.1:9',
          serviceAccountToken: 'x',
          skipTLSVerify: true,
        },
      ],
      runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })),
      retryDelayMs: 5,
    });
  });

  afterEach(() => k8s.close());

  const target = (name: string, cluster = 'honey') => ({
    cluster,
    namespace: NS,
    name,
  });

  it('pauses and resumes exactly, removing a maxRunners that was absent', async () => {
    expect(k8s.getScaleSet(NS, 'tinyland-nix-heavy')!.spec).not.toHaveProperty(
      'maxRunners',
    );
    const paused = await control.pause(target('tinyland-nix-heavy'), by);
    expect(paused).toMatchObject({
      changed: true,
      before: { minRunners: 0, maxRunners: null },
      after: { minRunners: 0, maxRunners: 0 },
    });
    const obj = k8s.getScaleSet(NS, 'tinyland-nix-heavy')!;
    expect(obj.spec).toMatchObject({ minRunners: 0, maxRunners: 0 });
    expect(
      JSON.parse(obj.metadata.annotations![ANNOTATION_PAUSED_FROM]),
    ).toMatchObject({
      minRunners: 0,
      maxRunners: null,
      by: by.by,
      reason: 'drain',
    });

    const again = await control.pause(target('tinyland-nix-heavy'), by);
    expect(again).toMatchObject({ changed: false, attempts: 1 });

    const resumed = await control.resume(target('tinyland-nix-heavy'), by);
    expect(resumed).toMatchObject({
      changed: true,
      after: { minRunners: 0, maxRunners: null },
      paused: null,
    });
    const back = k8s.getScaleSet(NS, 'tinyland-nix-heavy')!;
    expect(back.spec).not.toHaveProperty('maxRunners');
    expect(back.spec.minRunners).toBe(0);
    expect(back.metadata.annotations ?? {}).not.toHaveProperty(
      ANNOTATION_PAUSED_FROM,
    );
    expect(
      (await control.resume(target('tinyland-nix-heavy'), by)).changed,
    ).toBe(false);

    await control.pause(target('tinyland-nix'), by);
    await control.resume(target('tinyland-nix'), by);
    expect(k8s.getScaleSet(NS, 'tinyland-nix')!.spec).toMatchObject({
      minRunners: 1,
      maxRunners: 8,
    });
  });

  it('re-reads and retries when someone else changes the scale set between read and write', async () => {
    k8s.faults.set({ latencyMs: 300 });
    k8s.resetRequestCounts();
    const pausing = control.pause(target('tinyland-docker'), by);
    // once our read is answered, the patch is still in the sandbox's 300 ms latency: change it now
    await eventually(() => expect(k8s.requestCounts.get).toBe(1), {
      intervalMs: 5,
    });
    k8s.patchScaleSet(NS, 'tinyland-docker', { spec: { maxRunners: 5 } });
    const result = await pausing;
    expect(result.attempts).toBe(2);
    // the prior values kept are the concurrent writer's, not the stale read's
    expect(result.before).toEqual({ minRunners: 0, maxRunners: 5 });
    const annotation = JSON.parse(
      k8s.getScaleSet(NS, 'tinyland-docker')!.metadata.annotations![
        ANNOTATION_PAUSED_FROM
      ],
    );
    expect(annotation).toMatchObject({ minRunners: 0, maxRunners: 5 });
    expect(k8s.requestCounts).toMatchObject({ get: 2, patch: 2 });
  }, 15_000);

  it('gives up with a conflict after the bounded attempts', async () => {
    const limited = new ScaleSetControl({
      clusters: [
        {
          name: 'honey',
          authProvider: 'serviceAccount',
          url: k8s.url,
          serviceAccountToken: k8s.token,
          skipTLSVerify: false,
          caData: k8s.caData,
        },
      ],
      runnerClasses: [],
      maxAttempts: 3,
      retryDelayMs: 1,
    });
    const original = k8s.getScaleSet(NS, 'tinyland-dind')!;
    k8s.faults.set({ latencyMs: 50 });
    k8s.resetRequestCounts();
    let seen = 0;
    // another writer wins every time: bump the object right after each of our reads is answered
    const bump = setInterval(() => {
      if (k8s.requestCounts.get > seen) {
        seen = k8s.requestCounts.get;
        k8s.patchScaleSet(NS, 'tinyland-dind', {
          metadata: { labels: { bump: String(seen) } },
        });
      }
    }, 1);
    const error = await limited
      .pause(target('tinyland-dind'), by)
      .catch(e => e);
    clearInterval(bump);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(
      /kept changing under this pause \(3 attempts\)/,
    );
    expect(k8s.getScaleSet(NS, 'tinyland-dind')!.spec).toEqual(original.spec);
    expect(k8s.requestCounts).toMatchObject({ get: 3, patch: 3 });
  }, 15_000);

  it('maps missing scale sets, unknown clusters and unreachable clusters', async () => {
    await expect(control.pause(target('nope'), by)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(control.pause(target('x', 'mars'), by)).rejects.toThrow(
      /cluster mars is not configured/,
    );
    const down = await control
      .pause(target('tinyland-nix', 'lab'), by)
      .catch(e => e);
    expect(down).toBeInstanceOf(ClusterUnreachableError);
    expect(down.statusCode).toBe(502);
    expect(down.message).toMatch(/cluster lab is unreachable/);
    await k8s.down('refuse');
    await expect(control.pause(target('tinyland-nix'), by)).rejects.toThrow(
      /cluster honey is unreachable/,
    );
    await k8s.up();
  });

  it('writes nothing when the live scale set is no longer of the runner class the decision was made for', async () => {
    const error = await control
      .pause(target('tinyland-dind'), {
        ...by,
        authorizedRunnerClass: 'tinyland-nix',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(
      /of runner class tinyland-dind now, not tinyland-nix/,
    );
    expect(k8s.getScaleSet(NS, 'tinyland-dind')!.spec).toMatchObject({
      minRunners: 0,
      maxRunners: 4,
    });
    // the class it was decided for: the pause goes through
    const paused = await control.pause(target('tinyland-dind'), {
      ...by,
      authorizedRunnerClass: 'tinyland-dind',
    });
    expect(paused.changed).toBe(true);
  });

  it('refuses to guess prior values from an unreadable annotation', async () => {
    k8s.patchScaleSet(NS, 'tinyland-dind', {
      metadata: { annotations: { [ANNOTATION_PAUSED_FROM]: '{oops' } },
    });
    await expect(control.resume(target('tinyland-dind'), by)).rejects.toThrow(
      /unreadable/,
    );
    expect(k8s.getScaleSet(NS, 'tinyland-dind')!.spec).toMatchObject({
      maxRunners: 4,
    });
  });

  it('warns when a GitOps tool or Helm manages the scale set, and re-pauses a reverted pause', async () => {
    k8s.patchScaleSet(NS, 'tinyland-dind', {
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'Helm' } },
    });
    const paused = await control.pause(target('tinyland-dind'), by);
    expect(paused.warnings).toEqual([
      'managed by Helm: it may revert this pause',
    ]);
    // Helm puts the chart's values back; the annotation still holds the real prior values
    k8s.patchScaleSet(NS, 'tinyland-dind', { spec: { maxRunners: 4 } });
    const again = await control.pause(target('tinyland-dind'), by);
    expect(again.changed).toBe(true);
    expect(again.warnings[1]).toMatch(/had been changed/);
    await control.resume(target('tinyland-dind'), by);
    expect(k8s.getScaleSet(NS, 'tinyland-dind')!.spec).toMatchObject({
      minRunners: 0,
      maxRunners: 4,
    });
  });
});
