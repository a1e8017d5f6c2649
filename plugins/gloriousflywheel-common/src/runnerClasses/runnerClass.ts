/**
 * What a runner class can do; drives which dogfood checks apply to a job.
 *
 * @public
 */
export type RunnerClassCapability =
  | 'nix'
  | 'docker'
  | 'privileged-dind'
  | 'heavy';

/**
 * A capability class of self-hosted runners (never a repository name), mapped to the ARC scale sets
 * that serve it and the `runs-on` labels that select it.
 *
 * @public
 */
export interface RunnerClassDefinition {
  /** Stable id, e.g. `tinyland-nix`. */
  name: string;
  title?: string;
  capabilities: RunnerClassCapability[];
  /** `runs-on` labels that select this class. */
  labels: string[];
  /** `runnerScaleSetName` values serving this class (owner overlays add more than one). */
  scaleSets: string[];
  /** Cache environment contract exposed to jobs, e.g. `ATTIC_SERVER`. */
  cacheEnv?: string[];
}

/** @public */
export const RUNNER_CLASS_CAPABILITIES: readonly RunnerClassCapability[] = [
  'nix',
  'docker',
  'privileged-dind',
  'heavy',
];

const CACHE_ENV = [
  'ATTIC_SERVER',
  'ATTIC_CACHE',
  'BAZEL_REMOTE_CACHE',
  'NIX_CONFIG',
];

/**
 * The default taxonomy; organisations override it through config.
 *
 * @public
 */
export const DEFAULT_RUNNER_CLASSES: readonly RunnerClassDefinition[] = [
  {
    name: 'tinyland-nix',
    title: 'Nix',
    capabilities: ['nix'],
    labels: ['tinyland-nix'],
    scaleSets: ['tinyland-nix'],
    cacheEnv: CACHE_ENV,
  },
  {
    name: 'tinyland-docker',
    title: 'Docker',
    capabilities: ['docker'],
    labels: ['tinyland-docker'],
    scaleSets: ['tinyland-docker'],
    cacheEnv: CACHE_ENV,
  },
  {
    name: 'tinyland-dind',
    title: 'Docker-in-Docker (privileged)',
    capabilities: ['docker', 'privileged-dind'],
    labels: ['tinyland-dind'],
    scaleSets: ['tinyland-dind'],
    cacheEnv: CACHE_ENV,
  },
  {
    name: 'tinyland-nix-heavy',
    title: 'Nix (heavy)',
    capabilities: ['nix', 'heavy'],
    labels: ['tinyland-nix-heavy'],
    scaleSets: ['tinyland-nix-heavy'],
    cacheEnv: CACHE_ENV,
  },
];
