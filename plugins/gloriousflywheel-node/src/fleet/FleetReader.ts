import type {
  ClusterStatus,
  ListenerHealth,
  RunnerClassDefinition,
  RunnerClassSummary,
  RunnerFailure,
  ScaleSet,
  ScaleSetFilter,
  SourceStatus,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/**
 * The fleet as the portal sees it, for the packages that read it through `fleetServiceRef`: the
 * informers' in-memory copy of every configured cluster, mapped to scale sets and runner classes.
 * Reads never touch Kubernetes. Starting and stopping the informers belongs to the service's
 * factory, not to its readers.
 *
 * @public
 */
export interface FleetReader {
  /** `gloriousflywheel.runnerClasses` (or the default classes), as configured */
  readonly runnerClasses: RunnerClassDefinition[];
  /** Runs `listener` (debounced) whenever scale sets, runners or cluster states change; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Sync state of each configured cluster. */
  clusters(): ClusterStatus[];
  scaleSets(filter?: ScaleSetFilter): ScaleSet[];
  scaleSet(
    cluster: string,
    namespace: string,
    name: string,
  ): ScaleSet | undefined;
  /** `scaleSets(filter)` as JSON text, serialised once per fleet change. */
  scaleSetsJson(filter?: ScaleSetFilter): string;
  /** Per runner class; computed once per fleet change (the result is shared: do not mutate it). */
  runnerClassSummaries(): RunnerClassSummary[];
  /**
   * Tells the fleet when an undone pause was first seen before this process started (the audit
   * log keeps it), so "reverted at" survives a restart; an earlier time wins.
   */
  notePauseReverted(key: string, pausedAt: string, at: string): void;
  /** Listener health of the scale sets of clusters whose listeners are known. */
  listenerHealth(): ListenerHealth[];
  /** EphemeralRunners that failed, in every cluster. */
  runnerFailures(): RunnerFailure[];
  /** State of the fleet source for `/health`. */
  sourceStatus(): SourceStatus;
}
