import type { KubernetesObject } from '@kubernetes/client-node';
import {
  ARC_SCALE_SET_NAME_LABEL,
  ARC_SCALE_SET_NAMESPACE_LABEL,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type {
  ArcObjectMeta,
  AutoscalingListenerObject,
  AutoscalingRunnerSetObject,
  EphemeralRunnerObject,
  ListenerPodObject,
  RunnerPodTemplate,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** The resources an informer watches. */
export type InformerPlural =
  | 'autoscalingrunnersets'
  | 'ephemeralrunners'
  | 'autoscalinglisteners'
  | 'pods';

// kubectl's copy of the whole applied object: often the largest field, never read.
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Every field of `T` named, if only as undefined: tsc fails here when a reader's type gains one. */
type Every<T> = { [K in keyof Required<T>]: T[K] | undefined };

/**
 * A copy without the keys whose value is undefined, so a kept object has only what it was sent.
 * Copied, not deleted from: `delete` turns an object into a much larger dictionary.
 */
function defined<T extends object>(o: Every<T>): T {
  const out = {} as T;
  for (const k of Object.keys(o) as (keyof T)[])
    if (o[k] !== undefined) out[k] = o[k] as T[typeof k];
  return out;
}

type ScaleSetSpec = NonNullable<AutoscalingRunnerSetObject['spec']>;
type ScaleSetStatus = NonNullable<AutoscalingRunnerSetObject['status']>;
type RunnerContainer = NonNullable<
  NonNullable<RunnerPodTemplate['spec']>['containers']
>[number];
type PodStatus = NonNullable<ListenerPodObject['status']>;

type Meta = ArcObjectMeta & {
  resourceVersion?: string;
  annotations?: Record<string, string>;
};

/** Everything but kubectl's last-applied copy (`metadata` of a scale set: managers are told by them). */
function withoutLastApplied(
  values: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!values || !(LAST_APPLIED in values)) return values;
  const { [LAST_APPLIED]: _applied, ...rest } = values;
  return rest;
}

/** The labels that tie an object to its scale set: all that is read of a runner's or listener's. */
function scaleSetLabels(
  labels: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!labels) return undefined;
  const name = labels[ARC_SCALE_SET_NAME_LABEL];
  const namespace = labels[ARC_SCALE_SET_NAMESPACE_LABEL];
  return defined<Record<string, string>>({
    [ARC_SCALE_SET_NAME_LABEL]: name,
    [ARC_SCALE_SET_NAMESPACE_LABEL]: namespace,
  });
}

/** `whole`: a scale set's labels and annotations; otherwise its scale-set labels only. */
function metaOf(o: KubernetesObject, whole: boolean): Meta {
  const m = (o.metadata ?? {}) as Meta;
  // name, namespace and resourceVersion are what list + watch key and resume by
  return defined<Meta>({
    name: m.name,
    namespace: m.namespace,
    resourceVersion: m.resourceVersion,
    creationTimestamp: m.creationTimestamp,
    labels: whole ? m.labels : scaleSetLabels(m.labels),
    annotations: whole ? withoutLastApplied(m.annotations) : undefined,
  });
}

function templateOf(
  t: RunnerPodTemplate | undefined,
): RunnerPodTemplate | undefined {
  const containers = t?.spec?.containers;
  if (!Array.isArray(containers)) return t && {};
  return {
    spec: {
      containers: containers.map(c =>
        defined<RunnerContainer>({
          name: c?.name,
          image: c?.image,
          env: c?.env,
          resources: c?.resources,
        }),
      ),
    },
  };
}

function scaleSetFields(o: KubernetesObject): AutoscalingRunnerSetObject {
  const { spec, status } = o as AutoscalingRunnerSetObject;
  return defined<AutoscalingRunnerSetObject>({
    metadata: metaOf(o, true),
    spec:
      spec &&
      defined<ScaleSetSpec>({
        githubConfigUrl: spec.githubConfigUrl,
        runnerScaleSetName: spec.runnerScaleSetName,
        runnerGroup: spec.runnerGroup,
        minRunners: spec.minRunners,
        maxRunners: spec.maxRunners,
        runnerScaleSetLabels: spec.runnerScaleSetLabels,
        template: templateOf(spec.template),
      }),
    status:
      status &&
      defined<ScaleSetStatus>({
        currentRunners: status.currentRunners,
        pendingEphemeralRunners: status.pendingEphemeralRunners,
        runningEphemeralRunners: status.runningEphemeralRunners,
        failedEphemeralRunners: status.failedEphemeralRunners,
      }),
  });
}

function runnerFields(o: KubernetesObject): EphemeralRunnerObject {
  const { status } = o as EphemeralRunnerObject;
  return defined<EphemeralRunnerObject>({
    metadata: metaOf(o, false),
    status:
      status &&
      defined<NonNullable<EphemeralRunnerObject['status']>>({
        phase: status.phase,
        reason: status.reason,
        message: status.message,
      }),
  });
}

function listenerFields(o: KubernetesObject): AutoscalingListenerObject {
  const { spec } = o as AutoscalingListenerObject;
  return defined<AutoscalingListenerObject>({
    metadata: metaOf(o, false),
    spec:
      spec &&
      defined<NonNullable<AutoscalingListenerObject['spec']>>({
        autoscalingRunnerSetName: spec.autoscalingRunnerSetName,
        autoscalingRunnerSetNamespace: spec.autoscalingRunnerSetNamespace,
      }),
  });
}

function podFields(o: KubernetesObject): ListenerPodObject {
  const { status } = o as ListenerPodObject;
  return defined<ListenerPodObject>({
    metadata: metaOf(o, false),
    status:
      status &&
      defined<PodStatus>({
        phase: status.phase,
        conditions: status.conditions?.map(c =>
          defined<NonNullable<PodStatus['conditions']>[number]>({
            type: c.type,
            status: c.status,
            lastTransitionTime: c.lastTransitionTime,
          }),
        ),
        containerStatuses: status.containerStatuses?.map(c =>
          defined<NonNullable<PodStatus['containerStatuses']>[number]>({
            state: c.state,
          }),
        ),
      }),
  });
}

const FIELDS: Record<InformerPlural, (o: KubernetesObject) => object> = {
  autoscalingrunnersets: scaleSetFields,
  ephemeralrunners: runnerFields,
  autoscalinglisteners: listenerFields,
  pods: podFields,
};

/**
 * What an informer keeps of an object it lists or watches: the fields the portal reads (the
 * common package's `*Object` types) and what list + watch key and resume by. The rest (an
 * EphemeralRunner's copy of the pod spec, managedFields, kubectl's last-applied copy) would be
 * held for every object of every cluster without ever being read: the same idea as client-go's
 * informer transform.
 */
export function informerFields(
  plural: InformerPlural,
  o: KubernetesObject,
): KubernetesObject {
  return FIELDS[plural](o) as KubernetesObject;
}
