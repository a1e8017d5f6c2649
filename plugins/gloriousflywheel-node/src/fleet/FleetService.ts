import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import {
  ARC_SCALE_SET_NAME_LABEL,
  ARC_SCALE_SET_NAMESPACE_LABEL,
  AutoscalingListenerObject,
  AutoscalingRunnerSetObject,
  ClusterStatus,
  EphemeralRunnerObject,
  ListenerHealth,
  listenerHealthOf,
  ListenerPodObject,
  RunnerFailure,
  runnerFailuresOf,
  RunnerClassDefinition,
  RunnerClassSummary,
  isPauseUndone,
  RunnerCounts,
  ScaleSet,
  ScaleSetFilter,
  scaleSetKey,
  SourceStatus,
  summarizeRunnerClasses,
  toScaleSet,
  scaleSetFilterKey,
  matchesScaleSetFilter,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { ClusterConfig } from './FleetConfig';
import { ClusterWatcher } from './ClusterWatcher';
import { InformerBackoff } from './ResourceInformer';
import { createKubeConfig } from './kubeConfig';
import type { FleetReader } from './FleetReader';
import { Subscribers } from '../shared/Subscribers';

/** @public */
export interface FleetServiceOptions {
  clusters: ClusterConfig[];
  runnerClasses: RunnerClassDefinition[];
  logger: LoggerService;
  /** how long change notifications are gathered before listeners run */
  debounceMs?: number;
  /** informer retry pacing (defaults: 1 s doubling to 60 s, reset by a watch open for 30 s) */
  backoff?: InformerBackoff;
  /** test seam for clusters whose KubeConfig is built differently */
  kubeConfigFor?: (cluster: ClusterConfig) => KubeConfig;
}

/** how many filters' JSON bodies are kept per fleet change (any valid name can be asked for) */
const MAX_SERIALISED_FILTERS = 64;

type PhaseCounts = Omit<RunnerCounts, 'current'>;

function countRunnersByScaleSet(
  runners: KubernetesObject[],
): Map<string, PhaseCounts> {
  const counts = new Map<string, PhaseCounts>();
  for (const r of runners) {
    const labels = r.metadata?.labels ?? {};
    const name = labels[ARC_SCALE_SET_NAME_LABEL];
    if (!name) continue;
    const key = `${
      labels[ARC_SCALE_SET_NAMESPACE_LABEL] ?? r.metadata?.namespace
    }/${name}`;
    const c = counts.get(key) ?? { pending: 0, running: 0, failed: 0 };
    const phase = (r as { status?: { phase?: string } }).status?.phase;
    if (phase === 'Running') c.running++;
    else if (phase === 'Failed') c.failed++;
    else if (phase === 'Pending' || !phase) c.pending++;
    counts.set(key, c);
  }
  return counts;
}

/** Who undid a pause: the Helm release's applier when configured (`tofu apply`), else the manager. */
function revertedBy(
  managedBy: string | null,
  helmAppliedBy: string | undefined,
): string {
  if (managedBy === 'Helm' && helmAppliedBy)
    return `${helmAppliedBy} (Helm release)`;
  return managedBy ?? 'a writer outside the portal';
}

/**
 * The informers of every configured cluster behind {@link FleetReader}; `fleetServiceRef` starts
 * one per backend process and stops it on shutdown.
 *
 * @public
 */
export class FleetService implements FleetReader {
  private readonly watchers: ClusterWatcher[];
  private readonly subscribers: Subscribers;
  private debounce?: NodeJS.Timeout;
  /** All scale sets, mapped and sorted once per change rather than on every API read. */
  private view?: ScaleSet[];
  /** the class summaries of `view` (the same array while nothing changed) */
  private summaries?: { view: ScaleSet[]; items: RunnerClassSummary[] };
  /** the JSON text of `view` per filter, oldest first */
  private serialised?: { view: ScaleSet[]; byFilter: Map<string, string> };
  /** when each undone pause (scale set key + paused-from time) was first seen */
  private readonly undoneSince = new Map<string, string>();

  constructor(private readonly options: FleetServiceOptions) {
    this.subscribers = new Subscribers(e =>
      options.logger.error(`fleet change listener failed: ${e}`),
    );
    const kubeConfigFor = options.kubeConfigFor ?? createKubeConfig;
    this.watchers = options.clusters.map(cluster => {
      return new ClusterWatcher({
        cluster,
        kubeConfig: kubeConfigFor(cluster),
        logger: options.logger.child({ cluster: cluster.name }),
        backoff: options.backoff,
        onChange: () => this.changed(),
      });
    });
  }

  get runnerClasses(): RunnerClassDefinition[] {
    return this.options.runnerClasses;
  }

  start() {
    this.watchers.forEach(w => w.start());
  }

  stop() {
    clearTimeout(this.debounce);
    this.watchers.forEach(w => w.stop());
  }

  /** Runs `listener` (debounced) whenever scale sets, runners or cluster states change. */
  onChange(listener: () => void): () => void {
    return this.subscribers.add(listener);
  }

  clusters(): ClusterStatus[] {
    return this.watchers.map(w => w.status());
  }

  scaleSets(filter: ScaleSetFilter = {}): ScaleSet[] {
    return this.allScaleSets().filter(s => matchesScaleSetFilter(s, filter));
  }

  scaleSet(
    cluster: string,
    namespace: string,
    name: string,
  ): ScaleSet | undefined {
    return this.scaleSets({ cluster, namespace }).find(s => s.name === name);
  }

  /**
   * `scaleSets(filter)` as JSON text, serialised once per fleet change: with thousands of scale
   * sets serialising dominates an API read.
   */
  scaleSetsJson(filter: ScaleSetFilter = {}): string {
    const view = this.allScaleSets();
    if (this.serialised?.view !== view)
      this.serialised = { view, byFilter: new Map() };
    const { byFilter } = this.serialised;
    const key = scaleSetFilterKey(filter);
    let text = byFilter.get(key);
    if (text === undefined) {
      text = JSON.stringify(this.scaleSets(filter));
      if (byFilter.size >= MAX_SERIALISED_FILTERS)
        byFilter.delete(byFilter.keys().next().value!);
      byFilter.set(key, text);
    }
    return text;
  }

  /** Per runner class; computed once per fleet change (the result is shared: do not mutate it). */
  runnerClassSummaries(): RunnerClassSummary[] {
    const view = this.allScaleSets();
    if (this.summaries?.view !== view) {
      this.summaries = {
        view,
        items: summarizeRunnerClasses(this.options.runnerClasses, view),
      };
    }
    return this.summaries.items;
  }

  /**
   * Tells the fleet when an undone pause was first seen before this process started (the audit
   * log keeps it), so "reverted at" survives a restart; an earlier time wins.
   */
  notePauseReverted(key: string, pausedAt: string, at: string) {
    const id = `${key}|${pausedAt}`;
    const held = this.undoneSince.get(id);
    if (held && Date.parse(held) <= Date.parse(at)) return;
    this.undoneSince.set(id, at);
    this.view = undefined;
  }

  /**
   * Listener health of every scale set of the clusters whose listeners are known (watched, listed
   * and not failing); other clusters' scale sets have no entry.
   */
  listenerHealth(): ListenerHealth[] {
    return this.watchers.flatMap(w => {
      if (!w.listenersKnown()) return [];
      const { listeners, pods } = w.listenerObjects();
      const sets = w.scaleSets().map(o => ({
        namespace: o.metadata?.namespace ?? '',
        name: o.metadata?.name ?? '',
      }));
      return listenerHealthOf(
        w.name,
        sets,
        listeners as AutoscalingListenerObject[],
        pods as ListenerPodObject[],
      );
    });
  }

  /** EphemeralRunners that failed, in every cluster. */
  runnerFailures(): RunnerFailure[] {
    return this.watchers.flatMap(w =>
      runnerFailuresOf(w.name, w.ephemeralRunners() as EphemeralRunnerObject[]),
    );
  }

  /** State of the fleet source for `/health`. */
  sourceStatus(): SourceStatus {
    const clusters = this.clusters();
    const base = { source: 'fleet' as const, configured: clusters.length };
    if (!clusters.length) {
      return {
        ...base,
        state: 'not-configured',
        message:
          'no clusters configured (set gloriousflywheel.clusters in app-config)',
      };
    }
    const bad = clusters.filter(
      c => c.state === 'error' || c.state === 'stale',
    );
    const syncing = clusters.filter(c => c.state === 'syncing');
    const scaleSets = clusters.reduce((n, c) => n + c.scaleSets, 0);
    if (bad.length === clusters.length) {
      return {
        ...base,
        state: 'error',
        message: bad.map(c => `${c.name}: ${c.message}`).join('; '),
      };
    }
    if (bad.length) {
      return {
        ...base,
        state: 'degraded',
        message: `${bad
          .map(c => `${c.name} ${c.state}`)
          .join(', ')}; ${scaleSets} scale sets`,
      };
    }
    if (syncing.length) {
      return {
        ...base,
        state: 'starting',
        message: `syncing ${syncing.map(c => c.name).join(', ')}`,
      };
    }
    return {
      ...base,
      state: 'ok',
      message: `${clusters.length} cluster(s) synced, ${scaleSets} scale sets`,
    };
  }

  private allScaleSets(): ScaleSet[] {
    if (this.view) return this.view;
    const out: ScaleSet[] = [];
    for (const w of this.watchers) {
      const runners = countRunnersByScaleSet(w.ephemeralRunners());
      for (const obj of w.scaleSets()) {
        const md = obj.metadata ?? {};
        const s = toScaleSet(
          w.name,
          obj as AutoscalingRunnerSetObject,
          this.options.runnerClasses,
          runners.get(`${md.namespace}/${md.name}`),
        );
        if (s.paused && isPauseUndone(s)) {
          const id = `${scaleSetKey(s)}|${s.paused.at}`;
          const at = this.undoneSince.get(id) ?? new Date().toISOString();
          this.undoneSince.set(id, at);
          s.pauseReverted = {
            by: revertedBy(s.managedBy, w.helmAppliedBy),
            at,
          };
        }
        out.push(s);
      }
    }
    this.view = out.sort((a, b) =>
      `${a.cluster}/${a.namespace}/${a.name}`.localeCompare(
        `${b.cluster}/${b.namespace}/${b.name}`,
      ),
    );
    return this.view;
  }

  private changed() {
    // Synchronously, so no read after a change can see the old view; listeners are debounced.
    this.view = undefined;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(
      () => this.subscribers.notify(),
      this.options.debounceMs ?? 250,
    );
    this.debounce.unref?.();
  }
}
