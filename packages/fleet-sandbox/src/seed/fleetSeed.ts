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
  fork?: boolean;
  archived?: boolean;
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
    ...opts,
  };
}

export interface FleetSeedOptions {
  /** number of generated long-tail repos (default 20; benchmarks use 1,000) */
  longTailRepos?: number;
  /** extra generated scale sets for benchmarks (default 0) */
  extraScaleSets?: number;
}

/** Builds the default seeded fleet. Deterministic for the same options. */
export function createFleetSeed(options: FleetSeedOptions = {}): FleetSeed {
  const longTail = options.longTailRepos ?? 20;
  const extra = options.extraScaleSets ?? 0;

  const scaleSets: SeedScaleSet[] = [
    scaleSet('tinyland-nix', {
      maxRunners: 8,
      minRunners: 1,
      runnerScaleSetLabels: ['tinyland-nix', 'nix'],
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
      status: {
        currentRunners: 1,
        pendingEphemeralRunners: 0,
        runningEphemeralRunners: 0,
        failedEphemeralRunners: 1,
      },
    }),
    // Heavy lane: maxRunners absent (unlimited) on purpose, as the chart allows.
    scaleSet('tinyland-nix-heavy', {
      runnerScaleSetLabels: ['tinyland-nix-heavy'],
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
    repos.push({ owner: ORG, name: `exposed-${String(i + 1).padStart(2, '0')}`, tier: 'exposed' });
  }
  for (let i = 0; i < longTail; i++) {
    repos.push({
      owner: ORG,
      name: `svc-${String(i + 1).padStart(4, '0')}`,
      tier: 'long-tail',
      fork: i % 50 === 49,
      archived: i % 40 === 39,
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
