import { mockServices } from '@backstage/backend-test-utils';
import {
  KubernetesSandbox,
  createFleetSeed,
  eventually,
  runnerPodTemplate,
  startKubernetesSandbox,
} from '@internal/fleet-sandbox';
import {
  ANNOTATION_PAUSED_FROM,
  ContractCheckId,
  DEFAULT_RUNNER_CLASSES,
  RunnerClassContractReport,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { FleetService } from './FleetService';
import { runnerClassContracts } from './contracts';
import { CacheHealthHub } from '../caches/CacheHealthHub';
import { CacheTarget } from '../caches/types';

const NS = 'arc-runners';
// the endpoints the seed injects into runner pods
const targets: CacheTarget[] = [
  {
    name: 'attic',
    kind: 'attic',
    url: 'http://127.0.0.1:7103/attic',
    cache: 'main',
    runnerClasses: [],
  },
  {
    name: 'bazel-grpc',
    kind: 'bazel-grpc',
    url: 'grpc://127.0.0.1:7104',
    runnerClasses: [],
  },
];

describe('runner-class contracts against the sandbox fleet', () => {
  let k8s: KubernetesSandbox;
  let fleet: FleetService;
  let health: CacheHealthHub;
  const seed = createFleetSeed();

  const publish = (status: Record<string, 'healthy' | 'down'>) =>
    health.publish(
      Object.entries(status).map(([cache, s]) => ({
        cache,
        kind: targets.find(t => t.name === cache)!.kind,
        status: s,
        latencyMs: 3,
        checkedAt: new Date(Date.now() + Math.random()).toISOString(),
        details: {
          endpoint: targets.find(t => t.name === cache)!.url,
          checks: [],
        },
      })),
    );
  const contracts = () =>
    runnerClassContracts(fleet, {
      targets,
      staleEndpoints: ['*.attic-cache-dev.*'],
      health,
    });
  const classCheck = (
    r: RunnerClassContractReport[],
    cls: string,
    id: ContractCheckId,
  ) => r.find(c => c.runnerClass === cls)!.checks.find(c => c.id === id)!;
  const scaleSetCheck = (
    r: RunnerClassContractReport[],
    cls: string,
    name: string,
    id: ContractCheckId,
  ) =>
    r
      .find(c => c.runnerClass === cls)!
      .scaleSets.find(s => s.scaleSet === `honey/${NS}/${name}`)!
      .checks.find(c => c.id === id)!;

  beforeEach(async () => {
    k8s = await startKubernetesSandbox({ host: '127.0.0.1', port: 0, seed });
    health = new CacheHealthHub();
    publish({ attic: 'healthy', 'bazel-grpc': 'healthy' });
    fleet = new FleetService({
      clusters: [
        {
          name: 'honey',
          authProvider: 'serviceAccount',
          url: k8s.url,
          serviceAccountToken: k8s.token,
          skipTLSVerify: true,
          namespaces: [NS],
          helmAppliedBy: 'tofu apply',
        },
      ],
      runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })),
      logger: mockServices.logger.mock(),
      debounceMs: 10,
      backoff: { baseMs: 50, maxMs: 200 },
    });
    fleet.start();
    await eventually(() => {
      if (fleet.clusters()[0].state !== 'synced')
        throw new Error(`cluster ${fleet.clusters()[0].state}`);
    });
  });

  afterEach(async () => {
    fleet.stop();
    await k8s.close();
  });

  it('finds the seeded contradictions: the heavy memory limit and the overlay on the stale dev cache', () => {
    const r = contracts();
    const score = (cls: string) => r.find(c => c.runnerClass === cls)!;
    expect(score('tinyland-docker')).toMatchObject({
      passed: 6,
      applicable: 6,
    });
    expect(score('tinyland-dind')).toMatchObject({ passed: 4, applicable: 4 });
    const heavy = classCheck(r, 'tinyland-nix-heavy', 'memory-envelope');
    expect(heavy.verdict).toBe('fail');
    expect(heavy.message).toMatch(
      /memory limit 8Gi is below the class's envelope 16Gi–64Gi/,
    );
    expect(heavy.evidence[0]).toMatchObject({
      path: 'spec.template.spec.containers[0].resources.limits.memory',
      value: '8Gi',
    });
    expect(score('tinyland-nix-heavy')).toMatchObject({
      passed: 5,
      failed: 1,
      applicable: 6,
    });
    // the overlay fails the nix class; the org's own scale set passes
    expect(
      scaleSetCheck(
        r,
        'tinyland-nix',
        'jess-tinyland-nix',
        'no-stale-endpoint',
      ),
    ).toMatchObject({
      verdict: 'fail',
      evidence: [
        expect.objectContaining({
          path: 'spec.template.spec.containers[0].env[1].value',
          value: 'http://attic-api.attic-cache-dev.svc.cluster.local:8080',
        }),
      ],
    });
    expect(
      scaleSetCheck(r, 'tinyland-nix', 'jess-tinyland-nix', 'cache-env-target')
        .message,
    ).toBe('ATTIC_SERVER does not point at a configured cache');
    expect(
      scaleSetCheck(r, 'tinyland-nix', 'tinyland-nix', 'no-stale-endpoint')
        .verdict,
    ).toBe('pass');
    expect(score('tinyland-nix')).toMatchObject({ passed: 4, failed: 2 });
  });

  it('fails a class whose cache is down, and comes back when it is healthy', () => {
    publish({ 'bazel-grpc': 'down' });
    expect(
      classCheck(contracts(), 'tinyland-docker', 'cache-env-target'),
    ).toMatchObject({
      verdict: 'fail',
      message: 'BAZEL_REMOTE_CACHE → bazel-grpc, which is down',
    });
    publish({ 'bazel-grpc': 'healthy' });
    expect(
      classCheck(contracts(), 'tinyland-docker', 'cache-env-target').verdict,
    ).toBe('pass');
  });

  it('sees a missing variable, an ARC version off the pin, a second image tag and a referenced value', async () => {
    const docker = seed.scaleSets.find(s => s.name === 'tinyland-docker')!;
    const template = runnerPodTemplate(
      'docker',
      {
        cpuRequest: '100m',
        memoryRequest: '256Mi',
        cpuLimit: '2',
        memoryLimit: '4Gi',
      },
      {},
    );
    k8s.upsertScaleSet({
      ...docker,
      name: 'docker-b',
      runnerScaleSetName: 'docker-b',
      runnerScaleSetLabels: ['tinyland-docker'],
      arcVersion: '0.13.1',
      template,
    });
    const containers = (
      template.spec as { containers: Array<Record<string, unknown>> }
    ).containers;
    k8s.upsertScaleSet({
      ...docker,
      name: 'docker-c',
      runnerScaleSetName: 'docker-c',
      runnerScaleSetLabels: ['tinyland-docker'],
      template: {
        spec: {
          containers: [
            {
              ...containers[0],
              image: 'ghcr.io/actions/actions-runner:2.321.0',
              env: [
                {
                  name: 'BAZEL_REMOTE_CACHE',
                  valueFrom: {
                    configMapKeyRef: { name: 'caches', key: 'bazel' },
                  },
                },
              ],
            },
          ],
        },
      },
    });
    await eventually(() =>
      expect(fleet.scaleSets({ runnerClass: 'tinyland-docker' })).toHaveLength(
        3,
      ),
    );
    const r = contracts();
    expect(
      scaleSetCheck(r, 'tinyland-docker', 'docker-b', 'cache-env-present'),
    ).toMatchObject({ verdict: 'fail', message: 'missing BAZEL_REMOTE_CACHE' });
    expect(
      scaleSetCheck(r, 'tinyland-docker', 'docker-b', 'arc-version'),
    ).toMatchObject({
      verdict: 'fail',
      message: 'ARC 0.13.1, pinned 0.14.0; the rest of the fleet runs 0.14.0',
    });
    expect(
      scaleSetCheck(r, 'tinyland-docker', 'docker-c', 'image-tag'),
    ).toMatchObject({ verdict: 'fail' });
    expect(
      scaleSetCheck(r, 'tinyland-docker', 'docker-c', 'cache-env-target'),
    ).toMatchObject({
      verdict: 'unknown',
      evidence: [
        expect.objectContaining({
          value: null,
          note: 'reference configMapKeyRef caches/bazel, not resolved',
        }),
      ],
    });
    expect(r.find(c => c.runnerClass === 'tinyland-docker')).toMatchObject({
      failed: 3,
    });
  });

  it('marks a pause reverted by a re-apply, naming the Helm release applier', async () => {
    const pausedFrom = {
      minRunners: 1,
      maxRunners: 8,
      by: 'user:default/oscar',
      at: '2026-12-01T10:00:00.000Z',
      reason: 'drain',
    };
    k8s.patchScaleSet(NS, 'tinyland-nix', {
      metadata: {
        annotations: { [ANNOTATION_PAUSED_FROM]: JSON.stringify(pausedFrom) },
      },
      spec: { minRunners: 0, maxRunners: 0 },
    });
    await eventually(() =>
      expect(fleet.scaleSet('honey', NS, 'tinyland-nix')!.maxRunners).toBe(0),
    );
    expect(
      fleet.scaleSet('honey', NS, 'tinyland-nix')!.pauseReverted,
    ).toBeNull();
    k8s.reapplyScaleSet(NS, 'tinyland-nix');
    await eventually(() =>
      expect(fleet.scaleSet('honey', NS, 'tinyland-nix')!.maxRunners).toBe(8),
    );
    const reverted = fleet.scaleSet('honey', NS, 'tinyland-nix')!
      .pauseReverted!;
    expect(reverted.by).toBe('tofu apply (Helm release)');
    // the time first seen stays put across later changes; an earlier one from the audit log wins
    k8s.patchScaleSet(NS, 'tinyland-nix', { spec: { maxRunners: 7 } });
    await eventually(() =>
      expect(fleet.scaleSet('honey', NS, 'tinyland-nix')!.maxRunners).toBe(7),
    );
    expect(fleet.scaleSet('honey', NS, 'tinyland-nix')!.pauseReverted!.at).toBe(
      reverted.at,
    );
    fleet.notePauseReverted(
      `honey/${NS}/tinyland-nix`,
      pausedFrom.at,
      '2026-12-01T11:00:00.000Z',
    );
    expect(fleet.scaleSet('honey', NS, 'tinyland-nix')!.pauseReverted!.at).toBe(
      '2026-12-01T11:00:00.000Z',
    );
  });
});
