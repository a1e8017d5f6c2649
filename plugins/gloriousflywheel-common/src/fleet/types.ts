import type {
  ArcVersionFacts,
  GitHubConfigScope,
  RunnerClassContractReport,
  RunnerTemplateFacts,
  ScaleSetContract,
} from '../runnerClasses/contractTypes';

/** Runner counts of a scale set or a runner class. @public */
export interface RunnerCounts {
  current: number;
  pending: number;
  running: number;
  failed: number;
}

/** Why a scale set belongs to its runner class. @public */
export type RunnerClassMatch = 'annotation' | 'scale-set-name' | 'label';

/**
 * A pause the portal made that something else undid: the scale set still carries the paused-from
 * annotation, but its bounds are no longer 0/0 (a GitOps or Helm re-apply restored them).
 *
 * @public
 */
export interface PauseReverted {
  /** who re-applied the spec, e.g. `tofu apply (Helm release)`, `Argo CD`, `Flux` */
  by: string;
  /** when the portal first saw the pause undone (ISO 8601) */
  at: string;
}

/** Prior values kept while a scale set is paused (annotation `gloriousflywheel.io/paused-from`). @public */
export interface PausedFrom {
  minRunners: number | null;
  /** null = the scale set had no maxRunners (unlimited) */
  maxRunners: number | null;
  by: string;
  at: string;
  reason: string;
}

/**
 * One ARC AutoscalingRunnerSet as the portal shows it.
 *
 * @public
 */
export interface ScaleSet {
  cluster: string;
  namespace: string;
  name: string;
  runnerScaleSetName: string;
  githubConfigUrl: string;
  /** org or user the scale set is registered for (owner overlay), from githubConfigUrl */
  owner: string;
  runnerGroup: string | null;
  minRunners: number;
  /** null = unlimited */
  maxRunners: number | null;
  labels: string[];
  runnerClass: string | null;
  matchedBy: RunnerClassMatch | null;
  runners: RunnerCounts;
  paused: PausedFrom | null;
  /** Helm / Argo CD / Flux when the object says it is managed by one (changes may be reverted) */
  managedBy: string | null;
  /** set when a portal pause was undone outside the portal (the scale set runs jobs again) */
  pauseReverted?: PauseReverted | null;
  /** the runner container of `spec.template` (env, image, resources) */
  runner?: RunnerTemplateFacts;
  /** the ARC version the scale set was rendered with */
  arc?: ArcVersionFacts;
  /** what githubConfigUrl registers the runners for */
  githubConfigScope?: GitHubConfigScope;
  resourceVersion: string;
  createdAt: string | null;
}

/** A runner class with the scale sets serving it, aggregated. @public */
export interface RunnerClassSummary {
  name: string;
  title: string;
  capabilities: string[];
  labels: string[];
  /** scale sets as `cluster/namespace/name` */
  scaleSets: string[];
  /** owners (orgs/users) the class is registered for */
  owners: string[];
  clusters: string[];
  minRunners: number;
  /** null when any scale set is unlimited */
  maxRunners: number | null;
  runners: RunnerCounts;
  pausedScaleSets: number;
  /** paused scale sets whose pause was undone outside the portal (they run jobs again) */
  pauseRevertedScaleSets?: number;
  /** the class's contract checked against its scale sets (served by the backend) */
  contract?: RunnerClassContractReport;
  /** Name for the class of scale sets that match no configured class. */
  unclassified: boolean;
}

/** Sync state of one cluster's informers. @public */
export type ClusterSyncState = 'syncing' | 'synced' | 'stale' | 'error';

/** @public */
export interface ClusterStatus {
  name: string;
  state: ClusterSyncState;
  /** when the current state began */
  since: string;
  /** last successful list or watch event */
  lastSyncAt: string | null;
  message: string | null;
  scaleSets: number;
}

/**
 * Which scale sets `GET /fleet/scale-sets` lists (query `cluster`, `namespace`, `class`, `paused`,
 * `q`); a scale set matches all given ones.
 *
 * @public
 */
export interface ScaleSetFilter {
  cluster?: string;
  namespace?: string;
  runnerClass?: string;
  /** true: only paused scale sets; false: only unpaused ones */
  paused?: boolean;
  /** case-insensitive substring of the cluster, namespace, name or runner class */
  q?: string;
}

/**
 * A filter and, with `limit`, one page of its matches (query `limit`, `offset`).
 *
 * @public
 */
export interface ScaleSetQuery extends ScaleSetFilter {
  /** page size, 1 to 500; without it every match is listed */
  limit?: number;
  /** matches skipped before the page (default 0) */
  offset?: number;
}

/** Response of `GET /fleet/scale-sets`. @public */
export interface ScaleSetList {
  items: ScaleSet[];
  clusters: ClusterStatus[];
  /** with `limit` only: how many scale sets match the filter */
  total?: number;
  /** with `limit` only: the page's offset */
  offset?: number;
  /** with `limit` only: the page size asked for */
  limit?: number;
}

/**
 * A runner class as `GET /fleet/classes` lists it: the summary with counts instead of the names of
 * its scale sets, and its contract's score and class-level checks without the per-scale-set
 * results (those come with `GET /fleet/classes/:name` and each scale set), so the list stays small
 * however many scale sets the fleet has.
 *
 * @public
 */
export type RunnerClassListItem = Omit<
  RunnerClassSummary,
  'scaleSets' | 'contract'
> & {
  scaleSetCount: number;
  contract?: Omit<RunnerClassContractReport, 'scaleSets'>;
};

/** Response of `GET /fleet/classes`. @public */
export interface RunnerClassList {
  items: RunnerClassListItem[];
  clusters: ClusterStatus[];
}

/** Response of `GET /fleet/clusters`. @public */
export interface ClusterList {
  items: ClusterStatus[];
}

/** Response of `GET /fleet/classes/:name`. @public */
export interface RunnerClassDetail {
  item: RunnerClassSummary;
  scaleSets: ScaleSet[];
  clusters: ClusterStatus[];
}

/** Response of `GET /fleet/scale-sets/:cluster/:namespace/:name`. @public */
export interface ScaleSetDetail {
  item: ScaleSet;
  cluster?: ClusterStatus;
  /** its runner class's contract checked on this scale set (null: unclassified, or caches not known) */
  contract?: ScaleSetContract | null;
}

/** Name under which scale sets matching no runner class are grouped. @public */
export const UNCLASSIFIED_RUNNER_CLASS = 'unclassified';

/** Annotation keys the plugin reads and writes on scale sets. @public */
export const ANNOTATION_RUNNER_CLASS = 'gloriousflywheel.io/runner-class';
/** @public */
export const ANNOTATION_PAUSED_FROM = 'gloriousflywheel.io/paused-from';
