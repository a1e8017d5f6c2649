import { createFleetSeed, STALE_ATTIC_SERVER } from '../seed/fleetSeed';
import { KubernetesSandbox, startKubernetesSandbox } from '.';

const NS = 'arc-runners';

describe('seeded runner templates and the GitOps re-apply', () => {
  let k8s: KubernetesSandbox;
  beforeEach(async () => {
    k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed(),
    });
  });
  afterEach(() => k8s.close());

  it('serves the chart-rendered templates (validated against the CRD on seeding)', () => {
    const nix = k8s.getScaleSet(NS, 'tinyland-nix')!;
    expect(nix.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'Helm',
      'app.kubernetes.io/version': '0.14.0',
      'helm.sh/chart': 'gha-rs-0.14.0',
    });
    const [runner] = nix.spec.template.spec.containers;
    expect(runner.env.map((e: { name: string }) => e.name)).toEqual([
      'NIX_CONFIG',
      'ATTIC_SERVER',
      'ATTIC_CACHE',
      'BAZEL_REMOTE_CACHE',
    ]);
    expect(runner.resources.limits.memory).toBe('8Gi');
    const dind = k8s.getScaleSet(NS, 'tinyland-dind')!.spec.template.spec
      .containers;
    expect(dind.map((c: { name: string }) => c.name)).toEqual([
      'runner',
      'dind',
    ]);
    const overlay = k8s.getScaleSet(NS, 'jess-tinyland-nix')!.spec.template.spec
      .containers[0];
    expect(
      overlay.env.find((e: { name: string }) => e.name === 'ATTIC_SERVER')
        .value,
    ).toBe(STALE_ATTIC_SERVER);
  });

  it('rejects a template that is not a PodTemplateSpec', () => {
    const seed = createFleetSeed().scaleSets[0];
    expect(() =>
      k8s.upsertScaleSet({
        ...seed,
        name: 'bad',
        template: {
          spec: {
            containers: [{ name: 'runner', resources: { limits: 'lots' } }],
          },
        },
      }),
    ).toThrow();
  });

  it('writes the desired bounds back over a pause, keeping foreign annotations, over HTTP too', async () => {
    k8s.patchScaleSet(NS, 'tinyland-nix-heavy', {
      metadata: {
        annotations: {
          'gloriousflywheel.io/paused-from':
            '{"minRunners":0,"maxRunners":null}',
        },
      },
      spec: { minRunners: 0, maxRunners: 0 },
    });
    const res = await fetch(
      `${k8s.url}/_sandbox/scale-sets/${NS}/tinyland-nix-heavy/reapply`,
      { method: 'POST' },
    );
    expect(res.status).toBe(200);
    const after = k8s.getScaleSet(NS, 'tinyland-nix-heavy')!;
    expect(after.spec).not.toHaveProperty('maxRunners');
    expect(after.metadata.annotations).toHaveProperty([
      'gloriousflywheel.io/paused-from',
    ]);
    k8s.patchScaleSet(NS, 'tinyland-nix', {
      spec: { minRunners: 0, maxRunners: 0 },
    });
    expect(k8s.reapplyScaleSet(NS, 'tinyland-nix').spec).toMatchObject({
      minRunners: 1,
      maxRunners: 8,
    });
    const unknown = await fetch(
      `${k8s.url}/_sandbox/scale-sets/${NS}/nope/reapply`,
      { method: 'POST' },
    );
    expect(unknown.status).toBe(400);
  });
});
