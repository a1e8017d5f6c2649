/**
 * The seeded fleet the sandbox serves by default. Derived from the product context: ARC on the
 * `honey` cluster in `arc-runners`, the four tinyland runner classes plus an owner overlay, the
 * Attic (`main`) and Bazel caches, and the tinyland-inc org with the first-tranche repos and a
 * generated long tail.
 */

/** One ARC AutoscalingRunnerSet as seeded (the K8s sandbox turns it into a CRD object). */
export interface SeedScaleSet {
  cluster: string;
  namespace: string;
  /** metadata.name of the AutoscalingRunnerSet */
  name: string;
  runnerScaleSetName: string;
  githubConfigUrl: string;
  runnerGroup?: string;
  minRunners?: number;
  /** absent = unlimited */
  maxRunners?: number;
  runnerScaleSetLabels?: string[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  /** `spec.template` (a PodTemplateSpec) as the gha-runner-scale-set chart renders it */
  template?: Record<string, unknown>;
  /** chart/app version the scale set was rendered with (labels `helm.sh/chart`, `app.kubernetes.io/version`) */
  arcVersion?: string;
  /** status counts the sandbox reports */
  status: {
    currentRunners: number;
    pendingEphemeralRunners: number;
    runningEphemeralRunners: number;
    failedEphemeralRunners: number;
  };
}

export interface SeedCache {
  name: string;
  kind: 'attic' | 'bazel-remote' | 'bazel-grpc';
  /** Attic cache name (kind attic) */
  cache?: string;
}

export interface SeedRepo {
  owner: string;
  name: string;
  /** first-tranche repos are hand-written; the long tail is generated */
  tier: 'first-tranche' | 'exposed' | 'long-tail';
  isFork?: boolean;
  isArchived?: boolean;
}

export interface FleetSeed {
  clusters: { name: string; namespaces: string[] }[];
  scaleSets: SeedScaleSet[];
  caches: SeedCache[];
  org: string;
  repos: SeedRepo[];
}

export const FIRST_TRANCHE_REPOS = [
  'XoxdWM',
  'tinyland.dev',
  'lab',
  'blahaj',
  'GloriousFlywheel',
] as const;

const ORG = 'tinyland-inc';

/** The live controller version of the seeds (the module's chart default is still 0.13.1). */
export const SEED_ARC_VERSION = '0.14.0';

function scaleSet(
  name: string,
  opts: Partial<SeedScaleSet> & { status: SeedScaleSet['status'] },
): SeedScaleSet {
  return {
    cluster: 'honey',
    namespace: 'arc-runners',
    name,
    runnerScaleSetName: name,
    githubConfigUrl: `https://github.com/${ORG}`,
    runnerGroup: 'default',
    minRunners: 0,
    arcVersion: SEED_ARC_VERSION,
    ...opts,
  };
}

export interface FleetSeedOptions {
  /** number of generated long-tail repos (default 20; benchmarks use 1,000) */
  longTailRepos?: number;
  /** extra generated scale sets for benchmarks (default 0) */
  extraScaleSets?: number;
  /**
   * Cache endpoints injected into the runner pods (default: the cache sandbox on its standard
   * ports, 7103 and 7104, which the portal's sandbox config probes).
   */
  cacheEndpoints?: { atticServer: string; bazelRemoteCache: string };
}

/** A stale dev-cache endpoint the seeds warn about (`attic-cache-dev`), kept by one overlay. */
export const STALE_ATTIC_SERVER =
  'http://attic-api.attic-cache-dev.svc.cluster.local:8080';

type RunnerType = 'nix' | 'docker' | 'dind';

/**
 * A runner pod template as tofu/modules/arc-runner renders it: the runner container
 * (actions-runner image, run.sh, requests/limits) with the cache env of its runner type
 * (nix: NIX_CONFIG, ATTIC_SERVER, ATTIC_CACHE, BAZEL_REMOTE_CACHE; docker: BAZEL_REMOTE_CACHE;
 * dind: DOCKER_HOST and the chart's dind sidecar).
 */
export function runnerPodTemplate(
  type: RunnerType,
  resources: {
    cpuRequest: string;
    memoryRequest: string;
    cpuLimit: string;
    memoryLimit: string;
  },
  cache: { atticServer?: string; bazelRemoteCache?: string },
): Record<string, unknown> {
  const env: Array<{ name: string; value: string }> = [];
  if (type === 'nix' && cache.atticServer) {
    env.push(
      {
        name: 'NIX_CONFIG',
        value: 'experimental-features = nix-command flakes',
      },
      { name: 'ATTIC_SERVER', value: cache.atticServer },
      { name: 'ATTIC_CACHE', value: 'main' },
    );
  }
  if (type !== 'dind' && cache.bazelRemoteCache)
    env.push({ name: 'BAZEL_REMOTE_CACHE', value: cache.bazelRemoteCache });
  if (type === 'dind')
    env.push(
      { name: 'DOCKER_HOST', value: 'tcp://localhost:2375' },
      { name: 'DOCKER_TLS_CERTDIR', value: '' },
    );
  const runner = {
    name: 'runner',
    image: 'ghcr.io/actions/actions-runner:latest',
    command: ['/home/runner/run.sh'],
    resources: {
      requests: { cpu: resources.cpuRequest, memory: resources.memoryRequest },
      limits: { cpu: resources.cpuLimit, memory: resources.memoryLimit },
    },
    ...(env.length ? { env } : {}),
  };
  const containers: unknown[] = [runner];
  if (type === 'dind') {
    containers.push({
      name: 'dind',
      image: 'docker:27-dind',
      args: [
        'dockerd',
        '--host=unix:///var/run/docker.sock',
        '--host=tcp://0.0.0.0:2375',
      ],
      securityContext: { privileged: true },
    });
  }
  return { spec: { containers, restartPolicy: 'Never' } };
}

/** Builds the default seeded fleet. Deterministic for the same options. */
export function createFleetSeed(options: FleetSeedOptions = {}): FleetSeed {
  const longTail = options.longTailRepos ?? 20;
  const extra = options.extraScaleSets ?? 0;
  const cache = options.cacheEndpoints ?? {
    atticServer: 'http://127.0.0.1:7103/attic',
    bazelRemoteCache: 'grpc://127.0.0.1:7104',
  };
  // requests/limits: the arc-runners stack's defaults per runner type
  const nixResources = {
    cpuRequest: '500m',
    memoryRequest: '1Gi',
    cpuLimit: '4',
    memoryLimit: '8Gi',
  };

  const scaleSets: SeedScaleSet[] = [
    scaleSet('tinyland-nix', {
      maxRunners: 8,
      minRunners: 1,
      runnerScaleSetLabels: ['tinyland-nix', 'nix'],
      template: runnerPodTemplate('nix', nixResources, cache),
      status: {
        currentRunners: 3,
        pendingEphemeralRunners: 1,
        runningEphemeralRunners: 2,
        failedEphemeralRunners: 0,
      },
    }),
    scaleSet('tinyland-docker', {
      maxRunners: 6,
      runnerScaleSetLabels: ['tinyland-docker', 'docker'],
      template: runnerPodTemplate(
        'docker',
        {
          cpuRequest: '100m',
          memoryRequest: '256Mi',
          cpuLimit: '2',
          memoryLimit: '4Gi',
        },
        cache,
      ),
      status: {
        currentRunners: 2,
        pendingEphemeralRunners: 0,
        runningEphemeralRunners: 2,
        failedEphemeralRunners: 0,
      },
    }),
    scaleSet('tinyland-dind', {
      maxRunners: 4,
      runnerScaleSetLabels: ['tinyland-dind'],
      template: runnerPodTemplate('dind', nixResources, {}),
      status: {
        currentRunners: 1,
        pendingEphemeralRunners: 0,
        runningEphemeralRunners: 0,
        failedEphemeralRunners: 1,
      },
    }),
    // Heavy lane: maxRunners absent (unlimited) on purpose, as the chart allows. Its memory limit
    // is a plain nix runner's 8Gi, contradicting the heavy envelope (the seeds' #214 question).
    scaleSet('tinyland-nix-heavy', {
      runnerScaleSetLabels: ['tinyland-nix-heavy'],
      template: runnerPodTemplate('nix', nixResources, cache),
      status: {
        currentRunners: 1,
        pendingEphemeralRunners: 0,
        runningEphemeralRunners: 1,
        failedEphemeralRunners: 0,
      },
    }),
    // Owner overlay: the same runner class registered for a personal owner, separate scale set.
    scaleSet('jess-tinyland-nix', {
      runnerScaleSetName: 'tinyland-nix',
      githubConfigUrl: 'https://github.com/Jesssullivan',
      maxRunners: 2,
      runnerScaleSetLabels: ['tinyland-nix'],
      annotations: { 'gloriousflywheel.io/runner-class': 'tinyland-nix' },
      // an overlay made from an old example: still the stale dev cache
      template: runnerPodTemplate('nix', nixResources, {
        ...cache,
        atticServer: STALE_ATTIC_SERVER,
      }),
      status: {
        currentRunners: 0,
        pendingEphemeralRunners: 0,
        runningEphemeralRunners: 0,
        failedEphemeralRunners: 0,
      },
    }),
  ];

  for (let i = 0; i < extra; i++) {
    const cls = ['tinyland-nix', 'tinyland-docker', 'tinyland-dind'][i % 3];
    scaleSets.push(
      scaleSet(`bench-${cls}-${String(i).padStart(4, '0')}`, {
        namespace: `arc-bench-${i % 10}`,
        runnerScaleSetName: `bench-${i}`,
        maxRunners: 2 + (i % 5),
        runnerScaleSetLabels: [cls],
        annotations: { 'gloriousflywheel.io/runner-class': cls },
        status: {
          currentRunners: i % 3,
          pendingEphemeralRunners: i % 2,
          runningEphemeralRunners: i % 3,
          failedEphemeralRunners: 0,
        },
      }),
    );
  }

  const repos: SeedRepo[] = [
    ...FIRST_TRANCHE_REPOS.map(name => ({
      owner: ORG,
      name,
      tier: 'first-tranche' as const,
    })),
  ];
  for (let i = 0; i < 12; i++) {
    repos.push({
      owner: ORG,
      name: `exposed-${String(i + 1).padStart(2, '0')}`,
      tier: 'exposed',
    });
  }
  for (let i = 0; i < longTail; i++) {
    repos.push({
      owner: ORG,
      name: `svc-${String(i + 1).padStart(4, '0')}`,
      tier: 'long-tail',
      isFork: i % 50 === 49,
      isArchived: i % 40 === 39,
    });
  }

  return {
    clusters: [
      {
        name: 'honey',
        namespaces: [
          'arc-runners',
          ...Array.from(new Set(scaleSets.map(s => s.namespace))).filter(
            n => n !== 'arc-runners',
          ),
        ],
      },
    ],
    scaleSets,
    caches: [
      { name: 'attic', kind: 'attic', cache: 'main' },
      { name: 'bazel-cache', kind: 'bazel-remote' },
      { name: 'bazel-grpc', kind: 'bazel-grpc' },
    ],
    org: ORG,
    repos,
  };
}
