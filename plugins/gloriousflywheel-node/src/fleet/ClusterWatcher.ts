import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterStatus } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { ClusterConfig } from './FleetConfig';
import { ResourceInformer } from './ResourceInformer';

export interface ClusterWatcherOptions {
  cluster: ClusterConfig;
  kubeConfig: KubeConfig;
  logger: LoggerService;
  onChange: () => void;
  backoff?: { baseMs: number; maxMs: number };
  now?: () => Date;
}

function describeError(err: unknown): string {
  const e = err as { statusCode?: number; code?: number | string; message?: string; cause?: { code?: string } };
  const status = e?.statusCode ?? (typeof e?.code === 'number' ? e.code : undefined);
  const code = e?.cause?.code ?? (typeof e?.code === 'string' ? e.code : undefined);
  const parts = [status ? `HTTP ${status}` : undefined, code, e?.message].filter(Boolean);
  return parts.length ? parts.join(': ') : String(err);
}

/**
 * Informers for one cluster (AutoscalingRunnerSets and EphemeralRunners, per configured namespace
 * or cluster-wide) and the cluster's sync state. A failing cluster only ever affects itself.
 */
export class ClusterWatcher {
  private readonly scaleSetInformers: ResourceInformer[];
  private readonly runnerInformers: ResourceInformer[];
  private readonly synced = new Set<ResourceInformer>();
  private state: ClusterStatus['state'] = 'syncing';
  private since: Date;
  private lastSyncAt: Date | null = null;
  private message: string | null = null;
  private readonly now: () => Date;

  constructor(private readonly options: ClusterWatcherOptions) {
    this.now = options.now ?? (() => new Date());
    this.since = this.now();
    const scopes = options.cluster.namespaces ?? [undefined];
    const make = (plural: 'autoscalingrunnersets' | 'ephemeralrunners', namespace?: string) => {
      const informer: ResourceInformer = new ResourceInformer({
        kubeConfig: options.kubeConfig,
        plural,
        namespace,
        backoff: options.backoff,
        onChange: () => options.onChange(),
        onSynced: () => this.markSynced(informer),
        onError: err => this.markFailed(informer, err),
      });
      return informer;
    };
    this.scaleSetInformers = scopes.map(ns => make('autoscalingrunnersets', ns));
    this.runnerInformers = scopes.map(ns => make('ephemeralrunners', ns));
  }

  get name() {
    return this.options.cluster.name;
  }

  start() {
    [...this.scaleSetInformers, ...this.runnerInformers].forEach(i => i.start());
  }

  stop() {
    [...this.scaleSetInformers, ...this.runnerInformers].forEach(i => i.stop());
  }

  scaleSets(): KubernetesObject[] {
    return this.scaleSetInformers.flatMap(i => i.list());
  }

  ephemeralRunners(): KubernetesObject[] {
    return this.runnerInformers.flatMap(i => i.list());
  }

  status(): ClusterStatus {
    return {
      name: this.name,
      state: this.state,
      since: this.since.toISOString(),
      lastSyncAt: this.lastSyncAt?.toISOString() ?? null,
      message: this.message,
      scaleSets: this.scaleSets().length,
    };
  }

  private setState(state: ClusterStatus['state'], message: string | null) {
    if (state !== this.state) {
      this.state = state;
      this.since = this.now();
      this.options.onChange();
    }
    this.message = message;
  }

  private markSynced(informer: ResourceInformer) {
    this.lastSyncAt = this.now();
    this.synced.add(informer);
    const total = this.scaleSetInformers.length + this.runnerInformers.length;
    if (this.synced.size === total) this.setState('synced', null);
  }

  private markFailed(informer: ResourceInformer, err: unknown) {
    this.synced.delete(informer);
    const message = `${informer.path}: ${describeError(err)}`;
    this.options.logger.warn(`cluster ${this.name}: ${message}; retrying with backoff`);
    // With data already held the cluster is stale (served, marked); without any it is in error.
    this.setState(this.lastSyncAt ? 'stale' : 'error', message);
  }
}
