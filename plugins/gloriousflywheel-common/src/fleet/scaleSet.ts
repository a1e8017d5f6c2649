import { RunnerClassDefinition } from '../runnerClasses';
import {
  githubConfigScope,
  readArcVersion,
  readRunnerTemplate,
  RunnerPodTemplate,
} from '../runnerClasses/contractFacts';
import {
  ANNOTATION_PAUSED_FROM,
  ANNOTATION_RUNNER_CLASS,
  PausedFrom,
  RunnerClassMatch,
  RunnerCounts,
  ScaleSet,
  ScaleSetFilter,
  UNCLASSIFIED_RUNNER_CLASS,
} from './types';

/** The fields of an ARC AutoscalingRunnerSet the portal reads (CRD actions.github.com/v1alpha1). @public */
export interface AutoscalingRunnerSetObject {
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    creationTimestamp?: string | Date;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: {
    githubConfigUrl?: string;
    runnerScaleSetName?: string;
    runnerGroup?: string;
    minRunners?: number;
    maxRunners?: number;
    runnerScaleSetLabels?: string[];
    /** the runner pod template (gha-runner-scale-set `template`) */
    template?: RunnerPodTemplate;
  };
  status?: {
    currentRunners?: number;
    pendingEphemeralRunners?: number;
    runningEphemeralRunners?: number;
    failedEphemeralRunners?: number;
  };
}

const MANAGERS: Array<
  [(l: Record<string, string>, a: Record<string, string>) => boolean, string]
> = [
  [
    (_l, a) => Object.keys(a).some(k => k.startsWith('argocd.argoproj.io/')),
    'Argo CD',
  ],
  [
    (l, a) =>
      Object.keys({ ...l, ...a }).some(
        k =>
          k.startsWith('kustomize.toolkit.fluxcd.io/') ||
          k.startsWith('helm.toolkit.fluxcd.io/'),
      ),
    'Flux',
  ],
  [
    (l, a) =>
      l['app.kubernetes.io/managed-by'] === 'Helm' ||
      'meta.helm.sh/release-name' in a,
    'Helm',
  ],
];

/** Which GitOps/Helm tool manages the object, if any: a pause may then be reverted. @public */
export function detectManagedBy(
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): string | null {
  for (const [test, name] of MANAGERS)
    if (test(labels, annotations)) return name;
  const other = labels['app.kubernetes.io/managed-by'];
  return other ? other : null;
}

/** `https://github.com/tinyland-inc[/repo]` → `tinyland-inc` (enterprise URLs too). @public */
export function ownerFromConfigUrl(url: string): string {
  const m = /^https?:\/\/[^/]+\/(?:enterprises\/)?([^/]+)/.exec(url.trim());
  return m ? m[1] : url;
}

/** Parses the paused-from annotation; a malformed value is reported as not paused rather than guessed. @public */
export function parsePausedFrom(value: string | undefined): PausedFrom | null {
  if (!value) return null;
  try {
    const v = JSON.parse(value);
    const num = (x: unknown) =>
      typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : null;
    if (typeof v !== 'object' || v === null) return null;
    return {
      minRunners: num(v.minRunners),
      maxRunners: num(v.maxRunners),
      by: String(v.by ?? ''),
      at: String(v.at ?? ''),
      reason: String(v.reason ?? ''),
    };
  } catch {
    return null;
  }
}

/**
 * The runner class of a scale set: the explicit annotation wins, then the class listing its
 * runnerScaleSetName, then the class sharing one of its runnerScaleSetLabels.
 *
 * @public
 */
export function matchRunnerClassForScaleSet(
  scaleSet: {
    runnerScaleSetName: string;
    labels: string[];
    annotations?: Record<string, string>;
  },
  classes: readonly RunnerClassDefinition[],
): { runnerClass: string; matchedBy: RunnerClassMatch } | null {
  const annotated = scaleSet.annotations?.[ANNOTATION_RUNNER_CLASS];
  if (annotated && classes.some(c => c.name === annotated)) {
    return { runnerClass: annotated, matchedBy: 'annotation' };
  }
  const name = scaleSet.runnerScaleSetName.toLowerCase();
  const byName = classes.find(c =>
    c.scaleSets.some(s => s.toLowerCase() === name),
  );
  if (byName) return { runnerClass: byName.name, matchedBy: 'scale-set-name' };
  const labels = new Set(scaleSet.labels.map(l => l.toLowerCase()));
  const byLabel = classes.find(c =>
    c.labels.some(l => labels.has(l.toLowerCase())),
  );
  if (byLabel) return { runnerClass: byLabel.name, matchedBy: 'label' };
  return null;
}

/**
 * Maps an AutoscalingRunnerSet to the portal's view. `ephemeral` (counts of the scale set's
 * EphemeralRunners by phase) overrides the status counts, which the controller updates later.
 *
 * @public
 */
export function toScaleSet(
  cluster: string,
  obj: AutoscalingRunnerSetObject,
  classes: readonly RunnerClassDefinition[],
  ephemeral?: Omit<RunnerCounts, 'current'>,
): ScaleSet {
  const md = obj.metadata ?? {};
  const spec = obj.spec ?? {};
  const status = obj.status ?? {};
  const name = md.name ?? '';
  const runnerScaleSetName = spec.runnerScaleSetName ?? name;
  const labels = spec.runnerScaleSetLabels ?? [];
  const annotations = md.annotations ?? {};
  const match = matchRunnerClassForScaleSet(
    { runnerScaleSetName, labels, annotations },
    classes,
  );
  const created = md.creationTimestamp;
  return {
    cluster,
    namespace: md.namespace ?? '',
    name,
    runnerScaleSetName,
    githubConfigUrl: spec.githubConfigUrl ?? '',
    owner: ownerFromConfigUrl(spec.githubConfigUrl ?? ''),
    runnerGroup: spec.runnerGroup ?? null,
    minRunners: spec.minRunners ?? 0,
    maxRunners: spec.maxRunners ?? null,
    labels,
    runnerClass: match?.runnerClass ?? null,
    matchedBy: match?.matchedBy ?? null,
    runners: {
      current: status.currentRunners ?? 0,
      pending: ephemeral?.pending ?? status.pendingEphemeralRunners ?? 0,
      running: ephemeral?.running ?? status.runningEphemeralRunners ?? 0,
      failed: ephemeral?.failed ?? status.failedEphemeralRunners ?? 0,
    },
    paused: parsePausedFrom(annotations[ANNOTATION_PAUSED_FROM]),
    managedBy: detectManagedBy(md.labels, annotations),
    pauseReverted: null,
    runner: readRunnerTemplate(spec.template),
    arc: readArcVersion(md.labels),
    githubConfigScope: githubConfigScope(spec.githubConfigUrl ?? ''),
    resourceVersion: md.resourceVersion ?? '',
    createdAt: created ? new Date(created).toISOString() : null,
  };
}

/**
 * A portal pause undone outside the portal: the paused-from annotation is still there but the
 * bounds are no longer 0/0.
 *
 * @public
 */
export function isPauseUndone(
  s: Pick<ScaleSet, 'paused' | 'minRunners' | 'maxRunners'>,
): boolean {
  return s.paused !== null && !(s.minRunners === 0 && s.maxRunners === 0);
}

/** Stable key of a scale set. @public */
export function scaleSetKey(s: {
  cluster: string;
  namespace: string;
  name: string;
}): string {
  return `${s.cluster}/${s.namespace}/${s.name}`;
}

/**
 * Whether a scale set matches every field given in `filter` (what `GET /fleet/scale-sets` lists).
 *
 * @public
 */
export function matchesScaleSetFilter(
  s: ScaleSet,
  filter: ScaleSetFilter,
): boolean {
  const q = filter.q?.toLowerCase();
  const runnerClass = s.runnerClass ?? UNCLASSIFIED_RUNNER_CLASS;
  return (
    (!filter.cluster || s.cluster === filter.cluster) &&
    (!filter.namespace || s.namespace === filter.namespace) &&
    (!filter.runnerClass || runnerClass === filter.runnerClass) &&
    (filter.paused === undefined || !!s.paused === filter.paused) &&
    (!q ||
      [s.cluster, s.namespace, s.name, runnerClass].some(v =>
        v.toLowerCase().includes(q),
      ))
  );
}

/**
 * One string per distinct filter, for caches of filtered lists (absent and empty fields alike).
 *
 * @public
 */
export function scaleSetFilterKey(filter: ScaleSetFilter): string {
  // the free-text search last: the names before it hold no NUL
  return [
    filter.cluster,
    filter.namespace,
    filter.runnerClass,
    filter.paused === undefined ? '' : String(filter.paused),
    filter.q,
  ]
    .map(v => v || '')
    .join('\0');
}
