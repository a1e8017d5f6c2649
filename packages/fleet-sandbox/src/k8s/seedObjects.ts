import { SeedScaleSet } from '../seed/fleetSeed';
import { ARC_API_VERSION } from './crds';
import type { K8sObject } from './store';

/**
 * Turns a seeded scale set into the objects ARC would have in the cluster, following ARC's
 * resource builder (controllers/actions.github.com/resourcebuilder.go) conventions:
 * - AutoscalingRunnerSet (as the gha-runner-scale-set chart renders it, plus the annotations the
 *   controller adds once the scale set is registered: runner-scale-set-id, runner group/name);
 * - one EphemeralRunnerSet controlled by it (ownerReference, labels component=runner-set,
 *   actions.github.com/scale-set-name / scale-set-namespace, organization from githubConfigUrl);
 * - EphemeralRunners controlled by the EphemeralRunnerSet (generateName `<ers>-runner-`,
 *   component=runner), one per pending / running / failed runner of the seed's status counts.
 * Finalizers are left out on purpose: with no controller in the sandbox they would keep deleted
 * objects around forever.
 */

export const LABEL_SCALE_SET_NAME = 'actions.github.com/scale-set-name';
export const LABEL_SCALE_SET_NAMESPACE =
  'actions.github.com/scale-set-namespace';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const ANNOTATION_SCALE_SET_ID = 'runner-scale-set-id';
const ARC_VERSION_LABEL = '0.14.2';

export const RUNNER_PHASES = ['Pending', 'Running', 'Failed'] as const;
export type RunnerPhase = (typeof RUNNER_PHASES)[number];

const RUNNER_POD_SPEC = {
  containers: [
    {
      name: 'runner',
      image: 'ghcr.io/actions/actions-runner:latest',
      command: ['/home/runner/run.sh'],
    },
  ],
  restartPolicy: 'Never',
};

/** organization / enterprise / repository labels, as ARC's applyGitHubURLLabels sets them */
function githubUrlLabels(url: string): Record<string, string> {
  const trim = (v: string) =>
    v.length > 63
      ? `${v.slice(0, 58)}-trim`
      : v.replace(/^[-_.]+|[-_.]+$/g, '');
  try {
    const parts = new URL(url).pathname.split('/').filter(Boolean);
    if (parts[0] === 'enterprises' && parts[1])
      return { 'actions.github.com/enterprise': trim(parts[1]) };
    const out: Record<string, string> = {};
    if (parts[0]) out['actions.github.com/organization'] = trim(parts[0]);
    if (parts[1]) out['actions.github.com/repository'] = trim(parts[1]);
    return out;
  } catch {
    return {};
  }
}

export function scaleSetStatus(s: SeedScaleSet['status']) {
  return {
    currentRunners: s.currentRunners,
    pendingEphemeralRunners: s.pendingEphemeralRunners,
    runningEphemeralRunners: s.runningEphemeralRunners,
    failedEphemeralRunners: s.failedEphemeralRunners,
  };
}

export function autoscalingRunnerSetObject(
  s: SeedScaleSet,
  scaleSetId: number,
): K8sObject {
  const spec: Record<string, unknown> = {
    githubConfigUrl: s.githubConfigUrl,
    githubConfigSecret: `${s.name}-gha-rs-github-secret`,
    runnerScaleSetName: s.runnerScaleSetName,
    template: s.template
      ? structuredClone(s.template)
      : { spec: RUNNER_POD_SPEC },
  };
  if (s.runnerGroup !== undefined) spec.runnerGroup = s.runnerGroup;
  if (s.minRunners !== undefined) spec.minRunners = s.minRunners;
  if (s.maxRunners !== undefined) spec.maxRunners = s.maxRunners;
  if (s.runnerScaleSetLabels !== undefined)
    spec.runnerScaleSetLabels = [...s.runnerScaleSetLabels];
  return {
    apiVersion: ARC_API_VERSION,
    kind: 'AutoscalingRunnerSet',
    metadata: {
      name: s.name,
      namespace: s.namespace,
      labels: {
        'app.kubernetes.io/component': 'autoscaling-runner-set',
        'app.kubernetes.io/name': s.name,
        'app.kubernetes.io/instance': s.name,
        'app.kubernetes.io/part-of': 'gha-rs',
        'app.kubernetes.io/version': s.arcVersion ?? ARC_VERSION_LABEL,
        // a scale set with a template is one the chart rendered through a Helm release
        ...(s.template
          ? {
              'app.kubernetes.io/managed-by': 'Helm',
              'helm.sh/chart': `gha-rs-${s.arcVersion ?? ARC_VERSION_LABEL}`,
            }
          : {}),
        [LABEL_SCALE_SET_NAME]: s.name,
        [LABEL_SCALE_SET_NAMESPACE]: s.namespace,
        ...s.labels,
      },
      annotations: {
        [ANNOTATION_SCALE_SET_ID]: String(scaleSetId),
        'actions.github.com/runner-group-name': s.runnerGroup ?? 'default',
        'actions.github.com/runner-scale-set-name': s.runnerScaleSetName,
        ...(s.template
          ? {
              'meta.helm.sh/release-name': s.name,
              'meta.helm.sh/release-namespace': s.namespace,
            }
          : {}),
        ...s.annotations,
      },
    },
    spec,
    status: scaleSetStatus(s.status),
  };
}

function ownerRef(owner: K8sObject) {
  return [
    {
      apiVersion: ARC_API_VERSION,
      kind: owner.kind,
      name: owner.metadata.name,
      uid: owner.metadata.uid!,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}

export function ephemeralRunnerSetObject(
  ars: K8sObject,
  s: SeedScaleSet,
): K8sObject {
  return {
    apiVersion: ARC_API_VERSION,
    kind: 'EphemeralRunnerSet',
    metadata: {
      name: '',
      generateName: `${ars.metadata.name}-`,
      namespace: ars.metadata.namespace,
      labels: {
        'app.kubernetes.io/part-of': 'gha-runner-scale-set',
        [LABEL_COMPONENT]: 'runner-set',
        'app.kubernetes.io/version': ARC_VERSION_LABEL,
        [LABEL_SCALE_SET_NAME]: ars.metadata.name,
        [LABEL_SCALE_SET_NAMESPACE]: ars.metadata.namespace!,
        ...githubUrlLabels(s.githubConfigUrl),
      },
      annotations: {
        'actions.github.com/runner-group-name':
          ars.metadata.annotations!['actions.github.com/runner-group-name'],
        'actions.github.com/runner-scale-set-name': s.runnerScaleSetName,
      },
      ownerReferences: ownerRef(ars),
    },
    spec: {
      replicas: s.status.currentRunners,
      patchID: 0,
      ephemeralRunnerSpec: ephemeralRunnerSpec(ars),
    },
    status: {
      currentReplicas: s.status.currentRunners,
      pendingEphemeralRunners: s.status.pendingEphemeralRunners,
      runningEphemeralRunners: s.status.runningEphemeralRunners,
      failedEphemeralRunners: s.status.failedEphemeralRunners,
    },
  };
}

function ephemeralRunnerSpec(ars: K8sObject) {
  return {
    githubConfigUrl: ars.spec.githubConfigUrl,
    githubConfigSecret: ars.spec.githubConfigSecret,
    runnerScaleSetId: Number(
      ars.metadata.annotations![ANNOTATION_SCALE_SET_ID],
    ),
    spec: structuredClone(ars.spec.template?.spec ?? RUNNER_POD_SPEC),
  };
}

export function ephemeralRunnerObject(
  ers: K8sObject,
  ars: K8sObject,
  phase: RunnerPhase,
  runnerId: number,
): K8sObject {
  const org = ers.metadata.labels?.['actions.github.com/organization'] ?? 'org';
  const status: Record<string, unknown> = {
    phase,
    ready: phase === 'Running',
    runnerId,
  };
  if (phase === 'Running') {
    status.jobRepositoryName = `${org}/${ars.metadata.name}`;
    status.jobWorkflowRef = `${org}/${ars.metadata.name}/.github/workflows/ci.yml@refs/heads/main`;
    status.jobDisplayName = 'build';
    status.workflowRunId = 9000000 + runnerId;
  }
  if (phase === 'Failed') {
    status.reason = 'TooManyPodFailures';
    status.message = 'Pod has failed to start more than 5 times';
    status.failures = {
      [`pod-${runnerId}`]: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  }
  return {
    apiVersion: ARC_API_VERSION,
    kind: 'EphemeralRunner',
    metadata: {
      name: '',
      generateName: `${ers.metadata.name}-runner-`,
      namespace: ers.metadata.namespace,
      labels: { ...ers.metadata.labels, [LABEL_COMPONENT]: 'runner' },
      annotations: {
        ...ers.metadata.annotations,
        'actions.github.com/patch-id': '0',
      },
      ownerReferences: ownerRef(ers),
    },
    spec: ephemeralRunnerSpec(ars),
    status,
  };
}

/** How many runners of each phase a scale set's status asks for. */
export function wantedRunners(
  s: SeedScaleSet['status'],
): Record<RunnerPhase, number> {
  return {
    Pending: s.pendingEphemeralRunners,
    Running: s.runningEphemeralRunners,
    Failed: s.failedEphemeralRunners,
  };
}
