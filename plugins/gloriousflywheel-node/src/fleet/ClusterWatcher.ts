import { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ARC_LISTENER_SELECTOR,
  ClusterStatus,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { ClusterConfig } from './FleetConfig';
import type { InformerPlural } from './informerFields';
import {
  InformerBackoff,
  InformerRetry,
  ResourceInformer,
} from './ResourceInformer';

export interface ClusterWatcherOptions {
  cluster: ClusterConfig;
  kubeConfig: KubeConfig;
  logger: LoggerService;
  onChange: () => void;
  backoff?: InformerBackoff;
  now?: () => Date;
}

/**
 * The readable part of an error: client-node's ApiException puts code, message, body and headers
 * in its text; the body (when kept) is the API's Status, whose message says what was refused.
 */
function errorText(e: {
  message?: string;
  body?: unknown;
}): string | undefined {
  try {
    const status = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    if (typeof status?.message === 'string' && status.message)
      return status.message;
  } catch {
    // not a Status body
  }
  return e.message?.startsWith('HTTP-Code:')
    ? /^Message: (.*)$/m.exec(e.message)?.[1]
    : e.message;
}

function describeFailure(
  err: unknown,
  during: InformerRetry['during'],
): string {
  const e = err as {
    statusCode?: number;
    code?: number | string;
    message?: string;
    body?: unknown;
    cause?: { code?: string };
  };
  const status =
    e?.statusCode ?? (typeof e?.code === 'number' ? e.code : undefined);
  const code =
    e?.cause?.code ?? (typeof e?.code === 'string' ? e.code : undefined);
  const parts = [
    status ? `HTTP ${status}` : undefined,
    code,
    e && errorText(e),
  ].filter(Boolean);
  const text = parts.length ? parts.join(': ') : String(err);
  // A watch is only tried after a list succeeded, so a 403 here is RBAC granting list without watch.
  const hint =
    during === 'watch' && status === 403
      ? ' (list is allowed but watch is not: grant the "watch" verb)'
      : '';
  return `${during} ${status ? 'refused' : 'failed'}: ${text}${hint}`;
}

/**
 * Informers for one cluster (AutoscalingRunnerSets and EphemeralRunners, per configured namespace
 * or cluster-wide) and the cluster's sync state. A failing cluster only ever affects itself.
 */
export class ClusterWatcher {
  private readonly scaleSetInformers: ResourceInformer[];
  private readonly runnerInformers: ResourceInformer[];
  /** AutoscalingListeners and listener Pods in the controller's namespace; none when it is not configured */
  private readonly listenerInformers: ResourceInformer[];
  private readonly listenerListed = new Set<ResourceInformer>();
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
    const make = (
      plural: Extract<
        InformerPlural,
        'autoscalingrunnersets' | 'ephemeralrunners'
      >,
      namespace?: string,
    ) => {
      const informer: ResourceInformer = new ResourceInformer({
        kubeConfig: options.kubeConfig,
        plural,
        namespace,
        backoff: options.backoff,
        onChange: () => options.onChange(),
        onSynced: watching => this.markSynced(informer, watching),
        onError: (err, retry) => this.markFailed(informer, err, retry),
      });
      return informer;
    };
    this.scaleSetInformers = scopes.map(ns =>
      make('autoscalingrunnersets', ns),
    );
    this.runnerInformers = scopes.map(ns => make('ephemeralrunners', ns));
    // Listener health is extra: its informers never change the cluster's sync state, only say
    // (listenersKnown) whether their data can be used.
    const controller = options.cluster.controllerNamespace;
    const makeListener = (
      plural: Extract<InformerPlural, 'autoscalinglisteners' | 'pods'>,
    ) => {
      const informer: ResourceInformer = new ResourceInformer({
        kubeConfig: options.kubeConfig,
        plural,
        namespace: controller,
        labelSelector: ARC_LISTENER_SELECTOR,
        backoff: options.backoff,
        onChange: () => options.onChange(),
        onSynced: () => this.listenerListed.add(informer),
        onError: (err, retry) => {
          this.listenerListed.delete(informer);
          options.logger.warn(
            `cluster ${this.name}: ${informer.path}: ${describeFailure(
              err,
              retry.during,
            )}; listener health unknown, retry ${retry.attempt} in ${
              retry.retryInMs
            } ms`,
          );
        },
      });
      return informer;
    };
    this.listenerInformers = controller
      ? [makeListener('autoscalinglisteners'), makeListener('pods')]
      : [];
  }

  get name() {
    return this.options.cluster.name;
  }

  get helmAppliedBy() {
    return this.options.cluster.helmAppliedBy;
  }

  start() {
    [
      ...this.scaleSetInformers,
      ...this.runnerInformers,
      ...this.listenerInformers,
    ].forEach(i => i.start());
  }

  stop() {
    [
      ...this.scaleSetInformers,
      ...this.runnerInformers,
      ...this.listenerInformers,
    ].forEach(i => i.stop());
  }

  /** Whether listener objects and Pods are both listed and not failing since. */
  listenersKnown(): boolean {
    return (
      this.listenerInformers.length > 0 &&
      this.listenerInformers.every(i => this.listenerListed.has(i))
    );
  }

  /** AutoscalingListeners, then listener Pods, of the controller's namespace. */
  listenerObjects(): {
    listeners: KubernetesObject[];
    pods: KubernetesObject[];
  } {
    const [listeners, pods] = this.listenerInformers;
    return { listeners: listeners?.list() ?? [], pods: pods?.list() ?? [] };
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

  /** A list refreshes the data; only an open watch (which keeps it fresh) makes the informer synced. */
  private markSynced(informer: ResourceInformer, watching: boolean) {
    this.lastSyncAt = this.now();
    if (!watching) return;
    this.synced.add(informer);
    const total = this.scaleSetInformers.length + this.runnerInformers.length;
    if (this.synced.size === total) this.setState('synced', null);
  }

  private markFailed(
    informer: ResourceInformer,
    err: unknown,
    retry: InformerRetry,
  ) {
    this.synced.delete(informer);
    const message = `${informer.path}: ${describeFailure(err, retry.during)}`;
    this.options.logger.warn(
      `cluster ${this.name}: ${message}; retry ${retry.attempt} in ${retry.retryInMs} ms`,
    );
    // With data already held the cluster is stale (served, marked); without any it is in error.
    this.setState(this.lastSyncAt ? 'stale' : 'error', message);
  }
}
