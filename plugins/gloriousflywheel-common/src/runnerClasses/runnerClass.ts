import type { RunnerClassContract } from './contractTypes';

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
  /** What the class promises a job (cache env, memory envelope, ARC version), checked live. */
  contract?: RunnerClassContract;
}

/** @public */
export const RUNNER_CLASS_CAPABILITIES: readonly RunnerClassCapability[] = [
  'nix',
  'docker',
  'privileged-dind',
  'heavy',
];

// From the real module (tofu/modules/arc-runner): nix runners get NIX_CONFIG, ATTIC_SERVER,
// ATTIC_CACHE and BAZEL_REMOTE_CACHE, docker runners BAZEL_REMOTE_CACHE, dind runners none (only
// DOCKER_HOST). Memory envelopes bracket the stack's limits (nix/dind 8Gi, docker 4Gi); the fleet
// runs ARC 0.14.0 live, not the module's 0.13.1 chart default.
const ANY_CACHE = '*';
const NIX_ENV = [
  { name: 'NIX_CONFIG' },
  { name: 'ATTIC_SERVER', cache: ANY_CACHE },
  { name: 'ATTIC_CACHE', cache: ANY_CACHE },
  { name: 'BAZEL_REMOTE_CACHE', cache: ANY_CACHE },
];
const LIVE_ARC_VERSION = '0.14.0';

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
    contract: {
      cacheEnv: NIX_ENV,
      memory: { min: '2Gi', max: '8Gi' },
      arcVersion: LIVE_ARC_VERSION,
    },
  },
  {
    name: 'tinyland-docker',
    title: 'Docker',
    capabilities: ['docker'],
    labels: ['tinyland-docker'],
    scaleSets: ['tinyland-docker'],
    contract: {
      cacheEnv: [{ name: 'BAZEL_REMOTE_CACHE', cache: ANY_CACHE }],
      memory: { min: '1Gi', max: '4Gi' },
      arcVersion: LIVE_ARC_VERSION,
    },
  },
  {
    name: 'tinyland-dind',
    title: 'Docker-in-Docker (privileged)',
    capabilities: ['docker', 'privileged-dind'],
    labels: ['tinyland-dind'],
    scaleSets: ['tinyland-dind'],
    contract: {
      cacheEnv: [],
      memory: { min: '2Gi', max: '8Gi' },
      arcVersion: LIVE_ARC_VERSION,
    },
  },
  {
    name: 'tinyland-nix-heavy',
    title: 'Nix (heavy)',
    capabilities: ['nix', 'heavy'],
    labels: ['tinyland-nix-heavy'],
    scaleSets: ['tinyland-nix-heavy'],
    // heavy means more than a nix runner's 8Gi: the seeds' memory-envelope question (#214)
    contract: {
      cacheEnv: NIX_ENV,
      memory: { min: '16Gi', max: '64Gi' },
      arcVersion: LIVE_ARC_VERSION,
    },
  },
];
