import {
  createFleetSeed,
  KubernetesSandbox,
  startKubernetesSandbox,
} from '@internal/fleet-sandbox';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  AutoscalingListenerObject,
  AutoscalingRunnerSetObject,
  DEFAULT_RUNNER_CLASSES,
  EphemeralRunnerObject,
  ListenerPodObject,
  listenerHealthOf,
  runnerFailuresOf,
  toScaleSet,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { informerFields } from './informerFields';

/** an object as the API sends it (fields client-node's type does not name) */
const asSent = (o: object) => o as unknown as KubernetesObject;

const SCALE_SET_LABELS = {
  'actions.github.com/scale-set-name': 'tinyland-nix',
  'actions.github.com/scale-set-namespace': 'arc-runners',
};

describe('informerFields', () => {
  let k8s: KubernetesSandbox;

  beforeAll(async () => {
    k8s = await startKubernetesSandbox({
      host: '127.0.0.1',
      port: 0,
      seed: createFleetSeed(),
    });
    // every reader's less common branch: failed runners, a crash-looping and a missing listener
    const [first, second, third] = k8s.listScaleSets();
    k8s.failRunners(
      first.metadata.namespace!,
      first.metadata.name,
      'image pull failed',
    );
    k8s.stopListener(second.metadata.namespace!, second.metadata.name);
    k8s.stopListener(third.metadata.namespace!, third.metadata.name, 'gone');
  });

  afterAll(() => k8s.close());

  const keep = (
    plural: Parameters<typeof informerFields>[0],
    objects: KubernetesObject[],
  ) => objects.map(o => informerFields(plural, structuredClone(o)));

  it('keeps every field the scale-set view reads', () => {
    const raw = k8s.listScaleSets() as AutoscalingRunnerSetObject[];
    expect(raw.length).toBeGreaterThanOrEqual(5);
    const kept = keep(
      'autoscalingrunnersets',
      raw as KubernetesObject[],
    ) as AutoscalingRunnerSetObject[];
    kept.forEach((o, i) =>
      expect(toScaleSet('c', o, DEFAULT_RUNNER_CLASSES)).toEqual(
        toScaleSet('c', raw[i], DEFAULT_RUNNER_CLASSES),
      ),
    );
  });

  it('keeps what runner failures and counts read, not the pod spec', () => {
    const raw = k8s.listEphemeralRunners() as KubernetesObject[];
    const kept = keep('ephemeralrunners', raw) as EphemeralRunnerObject[];
    const failures = runnerFailuresOf('c', kept);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures).toEqual(
      runnerFailuresOf('c', raw as EphemeralRunnerObject[]),
    );
    kept.forEach((o, i) => {
      expect(o).not.toHaveProperty('spec');
      expect(o.status?.phase).toBe(
        (raw[i] as EphemeralRunnerObject).status?.phase,
      );
      expect(Object.keys(o.metadata?.labels ?? {}).sort()).toEqual(
        Object.keys(SCALE_SET_LABELS),
      );
    });
    // the sandbox's runners carry ARC's copy of the pod spec, like real ones
    const size = (x: unknown) => JSON.stringify(x).length;
    expect(size(kept)).toBeLessThan(size(raw) / 3);
  });

  it('keeps what listener health reads', () => {
    const sets = k8s.listScaleSets().map(s => ({
      namespace: s.metadata.namespace!,
      name: s.metadata.name,
    }));
    const found = sets.map(s => k8s.getListener(s.namespace, s.name));
    const listeners = found.flatMap(f =>
      f.listener ? [f.listener as KubernetesObject] : [],
    );
    const pods = found.flatMap(f => (f.pod ? [f.pod as KubernetesObject] : []));
    const health = listenerHealthOf(
      'c',
      sets,
      keep('autoscalinglisteners', listeners) as AutoscalingListenerObject[],
      keep('pods', pods) as ListenerPodObject[],
    );
    expect(new Set(health.map(h => h.state))).toEqual(
      new Set(['ready', 'not-ready']),
    );
    expect(health).toEqual(
      listenerHealthOf(
        'c',
        sets,
        listeners as AutoscalingListenerObject[],
        pods as ListenerPodObject[],
      ),
    );
  });

  it('drops what is never read and keeps what list and watch key and resume by', () => {
    const metadata = {
      name: 'tinyland-nix',
      namespace: 'arc-runners',
      uid: '7d1c',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2026-11-30T10:00:00Z',
      labels: { 'app.kubernetes.io/managed-by': 'Helm', ...SCALE_SET_LABELS },
      annotations: {
        'meta.helm.sh/release-name': 'tinyland-nix',
        'kubectl.kubernetes.io/last-applied-configuration': '{"a":1}',
      },
      managedFields: [{ manager: 'helm', operation: 'Update' }],
      ownerReferences: [{ kind: 'EphemeralRunnerSet', name: 'x', uid: 'u' }],
    };
    const runner = {
      name: 'runner',
      image: 'ghcr.io/actions/actions-runner:2.321.0',
      command: ['/home/runner/run.sh'],
      env: [{ name: 'ATTIC_SERVER', value: 'http://attic' }],
      resources: { limits: { memory: '8Gi' } },
      volumeMounts: [{ name: 'work', mountPath: '/home/runner/_work' }],
    };
    const scaleSet = {
      apiVersion: 'actions.github.com/v1alpha1',
      kind: 'AutoscalingRunnerSet',
      metadata,
      spec: {
        githubConfigUrl: 'https://github.com/tinyland-inc',
        githubConfigSecret: 'secret',
        minRunners: 0,
        maxRunners: 4,
        template: {
          metadata: { labels: { a: 'b' } },
          spec: { containers: [runner], volumes: [{ name: 'work' }] },
        },
      },
      status: { currentRunners: 1, state: 'Running' },
    };
    expect(informerFields('autoscalingrunnersets', asSent(scaleSet))).toEqual({
      metadata: {
        name: 'tinyland-nix',
        namespace: 'arc-runners',
        resourceVersion: '42',
        creationTimestamp: '2026-11-30T10:00:00Z',
        labels: metadata.labels,
        annotations: { 'meta.helm.sh/release-name': 'tinyland-nix' },
      },
      spec: {
        githubConfigUrl: 'https://github.com/tinyland-inc',
        minRunners: 0,
        maxRunners: 4,
        template: {
          spec: {
            containers: [
              {
                name: 'runner',
                image: runner.image,
                env: runner.env,
                resources: runner.resources,
              },
            ],
          },
        },
      },
      status: { currentRunners: 1 },
    });
    expect(
      informerFields(
        'ephemeralrunners',
        asSent({
          ...scaleSet,
          kind: 'EphemeralRunner',
          status: { phase: 'Running', runnerId: 7, ready: true },
        }),
      ),
    ).toEqual({
      metadata: {
        name: 'tinyland-nix',
        namespace: 'arc-runners',
        resourceVersion: '42',
        creationTimestamp: '2026-11-30T10:00:00Z',
        labels: SCALE_SET_LABELS,
      },
      status: { phase: 'Running' },
    });
    // a Status or an object without metadata passes without throwing
    expect(informerFields('pods', {})).toEqual({ metadata: {} });
  });
});
