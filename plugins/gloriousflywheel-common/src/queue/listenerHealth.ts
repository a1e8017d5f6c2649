import { ListenerHealth, RunnerFailure } from './types';

/** Labels ARC puts on listeners, their Pods and EphemeralRunners to tie them to a scale set. @public */
export const ARC_SCALE_SET_NAME_LABEL = 'actions.github.com/scale-set-name';
/** @public */
export const ARC_SCALE_SET_NAMESPACE_LABEL =
  'actions.github.com/scale-set-namespace';
/** `app.kubernetes.io/component` of ARC's listener objects and Pods. @public */
export const ARC_LISTENER_SELECTOR =
  'app.kubernetes.io/component=runner-scale-set-listener';

/** The object metadata the portal reads from ARC's objects and listener Pods. @public */
export interface ArcObjectMeta {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  creationTimestamp?: string | Date;
}

/** The fields of an ARC AutoscalingListener the portal reads. @public */
export interface AutoscalingListenerObject {
  metadata?: ArcObjectMeta;
  spec?: {
    autoscalingRunnerSetName?: string;
    autoscalingRunnerSetNamespace?: string;
  };
}

/** The fields of a core Pod the portal reads (listener Pods). @public */
export interface ListenerPodObject {
  metadata?: ArcObjectMeta;
  status?: {
    phase?: string;
    conditions?: Array<{
      type?: string;
      status?: string;
      lastTransitionTime?: string | Date;
    }>;
    containerStatuses?: Array<{
      state?: {
        waiting?: { reason?: string; message?: string };
        terminated?: { reason?: string };
      };
    }>;
  };
}

/** The fields of an ARC EphemeralRunner the portal reads for failures. @public */
export interface EphemeralRunnerObject {
  metadata?: ArcObjectMeta;
  status?: { phase?: string; reason?: string; message?: string };
}

const iso = (t: string | Date | undefined) =>
  t === undefined ? null : new Date(t).toISOString();

function scaleSetOf(o: {
  metadata?: ArcObjectMeta;
  spec?: AutoscalingListenerObject['spec'];
}): string | undefined {
  const labels = o.metadata?.labels ?? {};
  const name =
    o.spec?.autoscalingRunnerSetName ?? labels[ARC_SCALE_SET_NAME_LABEL];
  const namespace =
    o.spec?.autoscalingRunnerSetNamespace ??
    labels[ARC_SCALE_SET_NAMESPACE_LABEL];
  return name && namespace ? `${namespace}/${name}` : undefined;
}

function podState(pod: ListenerPodObject): {
  ready: boolean;
  message: string | null;
  since: string | null;
} {
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready');
  const waiting = pod.status?.containerStatuses
    ?.map(c => c.state?.waiting ?? c.state?.terminated)
    .find(Boolean);
  const ok = pod.status?.phase === 'Running' && ready?.status === 'True';
  const message = ok
    ? null
    : [
        `Pod ${pod.status?.phase ?? 'Unknown'}`,
        waiting?.reason,
        (waiting as { message?: string } | undefined)?.message,
      ]
        .filter(Boolean)
        .join(': ');
  return { ready: ok, message, since: iso(ready?.lastTransitionTime) };
}

/**
 * The listener health of each scale set of one cluster, from ARC's AutoscalingListeners and
 * listener Pods (matched by the scale set's name and namespace in the listener's spec or labels):
 * `missing` without a listener, `not-ready` when its Pod is absent, not running or not ready.
 *
 * @public
 */
export function listenerHealthOf(
  cluster: string,
  scaleSets: ReadonlyArray<{ namespace: string; name: string }>,
  listeners: readonly AutoscalingListenerObject[],
  pods: readonly ListenerPodObject[],
): ListenerHealth[] {
  const listenerBySet = new Map<string, AutoscalingListenerObject>();
  for (const l of listeners) {
    const key = scaleSetOf(l);
    if (key) listenerBySet.set(key, l);
  }
  const podByName = new Map(
    pods.map(p => [`${p.metadata?.namespace}/${p.metadata?.name}`, p]),
  );
  return scaleSets.map(s => {
    const base = { cluster, namespace: s.namespace, scaleSet: s.name };
    const listener = listenerBySet.get(`${s.namespace}/${s.name}`);
    if (!listener)
      return {
        ...base,
        state: 'missing',
        listener: null,
        message: 'no AutoscalingListener for this scale set',
        since: null,
      };
    const ref = `${listener.metadata?.namespace}/${listener.metadata?.name}`;
    // ARC names the Pod after its listener
    const pod = podByName.get(ref);
    if (!pod)
      return {
        ...base,
        state: 'not-ready',
        listener: ref,
        message: 'listener Pod missing',
        since: null,
      };
    const { ready, message, since } = podState(pod);
    return {
      ...base,
      state: ready ? 'ready' : 'not-ready',
      listener: ref,
      message,
      since,
    };
  });
}

/**
 * EphemeralRunners of one cluster that failed (phase `Failed`), with ARC's reason and message.
 *
 * @public
 */
export function runnerFailuresOf(
  cluster: string,
  runners: readonly EphemeralRunnerObject[],
): RunnerFailure[] {
  const out: RunnerFailure[] = [];
  for (const r of runners) {
    if (r.status?.phase !== 'Failed') continue;
    const labels = r.metadata?.labels ?? {};
    const scaleSet = labels[ARC_SCALE_SET_NAME_LABEL];
    if (!scaleSet) continue;
    out.push({
      cluster,
      namespace:
        labels[ARC_SCALE_SET_NAMESPACE_LABEL] ?? r.metadata?.namespace ?? '',
      scaleSet,
      runner: r.metadata?.name ?? '',
      message:
        [r.status.reason, r.status.message].filter(Boolean).join(': ') || null,
      at: iso(r.metadata?.creationTimestamp),
    });
  }
  return out;
}
