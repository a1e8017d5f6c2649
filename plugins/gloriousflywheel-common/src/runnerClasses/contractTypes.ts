import type { CacheHealthStatus } from '../caches/types';

/**
 * One environment variable the runner container expects to inject (`runnerClasses[].cacheEnv`).
 *
 * @public
 */
export interface CacheEnvExpectation {
  /** e.g. `ATTIC_SERVER` */
  name: string;
  /**
   * The configured cache (`caches[].name`) the value must point at; `*` = any configured cache;
   * absent = the variable only has to be present (e.g. `NIX_CONFIG`).
   */
  cache?: string;
}

/**
 * What a runner class promises a job, checked against its live scale sets.
 *
 * @public
 */
export interface RunnerClassContract {
  cacheEnv: CacheEnvExpectation[];
  /** range the runner container's memory limit must lie in (Kubernetes quantities, e.g. `4Gi`) */
  memory?: { min: string; max: string };
  /** the ARC version the fleet is pinned to, e.g. `0.14.0` */
  arcVersion?: string;
}

/**
 * One environment variable of a scale set's runner container, as written: a `valueFrom`
 * reference is described, never resolved or read.
 *
 * @public
 */
export interface RunnerEnvVar {
  name: string;
  /** the literal value; null when set through `valueFrom` */
  value: string | null;
  /** e.g. `secretKeyRef attic-token/token`; null for a literal value */
  valueFrom: string | null;
  /** field path in the AutoscalingRunnerSet, e.g. `spec.template.spec.containers[0].env[2]` */
  path: string;
}

/**
 * What a scale set's `spec.template` gives the runner container (`name: runner`).
 *
 * @public
 */
export interface RunnerTemplateFacts {
  /** the runner container's field path; null when the template has none */
  containerPath: string | null;
  image: string | null;
  /** tag of the image (`latest` when it names none), or its digest */
  imageTag: string | null;
  env: RunnerEnvVar[];
  cpuRequest: string | null;
  cpuLimit: string | null;
  memoryRequest: string | null;
  memoryLimit: string | null;
}

/**
 * The ARC version a scale set was rendered with: `app.kubernetes.io/version` and the chart label
 * `helm.sh/chart` (`gha-rs-<version>`).
 *
 * @public
 */
export interface ArcVersionFacts {
  /** the version label, else the chart label's version; null when neither is there */
  version: string | null;
  /** `helm.sh/chart`, as written */
  chart: string | null;
  /** field path the version was read from */
  path: string | null;
}

/** What `githubConfigUrl` registers the scale set for. @public */
export type GitHubConfigScope =
  | 'enterprise'
  | 'organization'
  | 'repository'
  | 'unknown';

/** A check of the runner-class contract. @public */
export type ContractCheckId =
  | 'cache-env-present'
  | 'cache-env-target'
  | 'no-stale-endpoint'
  | 'memory-envelope'
  | 'arc-version'
  | 'image-tag';

/**
 * `unknown` when the data to decide is absent (never a pass); `not-applicable` when the class
 * promises nothing the check could test (not counted).
 *
 * @public
 */
export type ContractVerdict = 'pass' | 'fail' | 'unknown' | 'not-applicable';

/** Evidence of a verdict: the field it was read from and what it holds. @public */
export interface ContractEvidence {
  /** `cluster/namespace/name` of the scale set */
  scaleSet: string;
  /** field path in the AutoscalingRunnerSet */
  path: string;
  /** the value found there; null when absent or a reference */
  value: string | null;
  note?: string;
}

/** One check's result for a scale set or, rolled up, for a runner class. @public */
export interface ContractCheckResult {
  id: ContractCheckId;
  title: string;
  verdict: ContractVerdict;
  /** one line a person can act on */
  message: string;
  evidence: ContractEvidence[];
}

/** Counts of a contract: "contract 5/6" = passed / applicable. @public */
export interface ContractScore {
  passed: number;
  failed: number;
  unknown: number;
  /** checks that apply (not `not-applicable`) */
  applicable: number;
}

/** The contract of one scale set. @public */
export interface ScaleSetContract extends ContractScore {
  /** `cluster/namespace/name` */
  scaleSet: string;
  checks: ContractCheckResult[];
}

/** The contract of a runner class: each check rolled up over its scale sets. @public */
export interface RunnerClassContractReport extends ContractScore {
  runnerClass: string;
  checks: ContractCheckResult[];
  scaleSets: ScaleSetContract[];
}

/** A configured cache as the contract sees it: where it is and how its latest probe went. @public */
export interface ContractCache {
  name: string;
  kind: string;
  url: string;
  /** Attic cache name */
  cache?: string;
  health: CacheHealthStatus;
}
