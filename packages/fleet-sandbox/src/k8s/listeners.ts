import { ARC_API_VERSION } from './crds';
import { LABEL_COMPONENT } from './seedObjects';
import type { K8sObject } from './store';

/**
 * ARC's listener for a scale set, following its resource builder: one AutoscalingListener per
 * AutoscalingRunnerSet in the controller's namespace, named `<scale set>-<hash>-listener`, with the
 * scale set's labels plus component=runner-scale-set-listener, and one listener Pod of the same
 * name and labels, controlled by the listener.
 */

/** Namespace of the ARC controller, where listeners and their pods live. */
export const LISTENER_NAMESPACE = 'arc-systems';
export const LISTENER_COMPONENT = 'runner-scale-set-listener';
export const LISTENER_IMAGE =
  'ghcr.io/actions/gha-runner-scale-set-controller:0.14.2';

/** How a listener is: ready, its pod not ready (crash-looping), or its pod gone. */
export type ListenerState = 'ready' | 'not-ready' | 'gone';

/** FNV-1a (32 bit) of a string, as Go's hash/fnv New32a. */
function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** apimachinery's rand.SafeEncodeString: digits mapped onto consonants and safe digits. */
function safeEncode(s: string): string {
  const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
  return [...s]
    .map(c => alphanums[c.charCodeAt(0) % alphanums.length])
    .join('');
}

export function listenerName(ars: K8sObject): string {
  const hash = safeEncode(
    String(
      fnv32a(
        `${ars.metadata.namespace}@${ars.spec.runnerGroup ?? ''}@${
          ars.spec.githubConfigUrl
        }`,
      ),
    ),
  ).slice(0, 8);
  return `${ars.metadata.name}-${hash}-listener`;
}

function controllerRef(owner: K8sObject) {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function autoscalingListenerObject(
  ars: K8sObject,
  ers: K8sObject,
): K8sObject {
  const github = Object.fromEntries(
    Object.entries(ers.metadata.labels ?? {}).filter(([k]) =>
      /^actions\.github\.com\/(organization|repository|enterprise)$/.test(k),
    ),
  );
  return {
    apiVersion: ARC_API_VERSION,
    kind: 'AutoscalingListener',
    metadata: {
      name: listenerName(ars),
      namespace: LISTENER_NAMESPACE,
      labels: {
        ...ars.metadata.labels,
        'actions.github.com/scale-set-namespace': ars.metadata.namespace!,
        'actions.github.com/scale-set-name': ars.metadata.name,
        'app.kubernetes.io/part-of': 'gha-runner-scale-set',
        [LABEL_COMPONENT]: LISTENER_COMPONENT,
        'app.kubernetes.io/version':
          ars.metadata.labels?.['app.kubernetes.io/version'] ?? '',
        ...github,
      },
      ownerReferences: [controllerRef(ars)],
    },
    spec: {
      githubConfigUrl: ars.spec.githubConfigUrl,
      githubConfigSecret: ars.spec.githubConfigSecret,
      runnerScaleSetId: Number(
        ars.metadata.annotations?.['runner-scale-set-id'] ?? 0,
      ),
      autoscalingRunnerSetNamespace: ars.metadata.namespace,
      autoscalingRunnerSetName: ars.metadata.name,
      ephemeralRunnerSetName: ers.metadata.name,
      minRunners: ars.spec.minRunners ?? 0,
      maxRunners: ars.spec.maxRunners ?? 2147483647,
      image: LISTENER_IMAGE,
    },
  };
}

const ts = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The listener's pod: Running and Ready, or Running with its container crash-looping. */
export function listenerPodObject(
  listener: K8sObject,
  ready: boolean,
  restarts = 0,
): K8sObject {
  const now = ts();
  const cond = (type: string, ok: boolean) => ({
    type,
    status: ok ? 'True' : 'False',
    lastTransitionTime: now,
    ...(ok
      ? {}
      : {
          reason: 'ContainersNotReady',
          message: 'containers with unready status: [listener]',
        }),
  });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: listener.metadata.name,
      namespace: listener.metadata.namespace,
      labels: { ...listener.metadata.labels },
      ownerReferences: [controllerRef(listener)],
    },
    spec: {
      serviceAccountName: `${listener.metadata.name}`,
      containers: [
        {
          name: 'listener',
          image: LISTENER_IMAGE,
          command: ['/ghalistener'],
          env: [
            {
              name: 'LISTENER_CONFIG_PATH',
              value: '/etc/gha-listener/config.json',
            },
          ],
        },
      ],
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 60,
    },
    status: {
      phase: 'Running',
      conditions: [
        cond('PodScheduled', true),
        cond('Initialized', true),
        cond('ContainersReady', ready),
        cond('Ready', ready),
      ],
      containerStatuses: [
        {
          name: 'listener',
          ready,
          started: ready,
          restartCount: restarts,
          image: LISTENER_IMAGE,
          imageID: `${LISTENER_IMAGE}@sha256:${'0'.repeat(64)}`,
          state: ready
            ? { running: { startedAt: now } }
            : {
                waiting: {
                  reason: 'CrashLoopBackOff',
                  message: 'back-off 5m0s restarting failed container=listener',
                },
              },
        },
      ],
      startTime: now,
      qosClass: 'BestEffort',
    },
  };
}

/** Whether a pod is ready (condition Ready=True), as kubelet reports it. */
export const podReady = (pod: K8sObject | undefined) =>
  Boolean(
    pod?.status?.conditions?.some(
      (c: { type: string; status: string }) =>
        c.type === 'Ready' && c.status === 'True',
    ),
  );
