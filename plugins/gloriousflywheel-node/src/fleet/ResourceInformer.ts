import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';

export const ARC_GROUP = 'actions.github.com';
export const ARC_VERSION = 'v1alpha1';

export interface ResourceInformerOptions {
  kubeConfig: KubeConfig;
  plural: 'autoscalingrunnersets' | 'ephemeralrunners';
  /** undefined = all namespaces */
  namespace?: string;
  /** called after every change to the local copy */
  onChange: () => void;
  /** called after a successful list and after each watch event */
  onSynced: () => void;
  onError: (error: unknown) => void;
  /** test seam; production uses the real timers */
  backoff?: { baseMs: number; maxMs: number };
}

const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * A local copy of one ARC resource in one namespace (or all), kept by list + watch through
 * client-node's ListWatch: the watch resumes from the last resourceVersion, a 410 Gone relists.
 * Any other error restarts it from a fresh list after a jittered exponential backoff; the copy is
 * kept meanwhile (and reported stale by the caller), and the relist removes what vanished.
 */
export class ResourceInformer {
  private readonly objects = new Map<string, KubernetesObject>();
  private readonly api: CustomObjectsApi;
  private listWatch?: ListWatch<KubernetesObject>;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = true;
  private generation = 0;

  constructor(private readonly options: ResourceInformerOptions) {
    this.api = options.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  get path(): string {
    const { plural, namespace } = this.options;
    return namespace
      ? `/apis/${ARC_GROUP}/${ARC_VERSION}/namespaces/${namespace}/${plural}`
      : `/apis/${ARC_GROUP}/${ARC_VERSION}/${plural}`;
  }

  list(): KubernetesObject[] {
    return Array.from(this.objects.values());
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.retryTimer);
    this.listWatch?.stop();
    this.listWatch = undefined;
  }

  private connect() {
    if (this.stopped) return;
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.stopped;
    const lw = new ListWatch<KubernetesObject>(
      this.path,
      new Watch(this.options.kubeConfig),
      async () => {
        const list = await this.listOnce();
        if (current()) this.replaceAll(list.items);
        return list;
      },
      false,
    );
    lw.on('add', o => current() && this.upsert(o));
    lw.on('update', o => current() && this.upsert(o));
    lw.on('delete', o => current() && this.remove(o));
    lw.on('error', err => {
      if (!current()) return;
      this.options.onError(err);
      lw.stop();
      this.scheduleRetry();
    });
    this.listWatch = lw;
    lw.start().catch(err => {
      if (!current()) return;
      this.options.onError(err);
      this.scheduleRetry();
    });
  }

  private async listOnce(): Promise<{ items: KubernetesObject[]; metadata?: { resourceVersion?: string } }> {
    const { plural, namespace } = this.options;
    const body = namespace
      ? await this.api.listNamespacedCustomObject({ group: ARC_GROUP, version: ARC_VERSION, namespace, plural })
      : await this.api.listClusterCustomObject({ group: ARC_GROUP, version: ARC_VERSION, plural });
    return body as { items: KubernetesObject[]; metadata?: { resourceVersion?: string } };
  }

  private scheduleRetry() {
    if (this.stopped) return;
    this.failures++;
    const { baseMs, maxMs } = this.options.backoff ?? { baseMs: 1000, maxMs: 60000 };
    const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(this.failures - 1, 16));
    // Full jitter: replicas and clusters do not retry in lockstep.
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.retryTimer.unref?.();
  }

  private replaceAll(items: KubernetesObject[]) {
    this.failures = 0;
    const next = new Map(items.map(o => [keyOf(o), o] as const));
    let changed = next.size !== this.objects.size;
    for (const [k, o] of next) {
      if (this.objects.get(k)?.metadata?.resourceVersion !== o.metadata?.resourceVersion) changed = true;
    }
    this.objects.clear();
    for (const [k, o] of next) this.objects.set(k, o);
    this.options.onSynced();
    if (changed) this.options.onChange();
  }

  private upsert(o: KubernetesObject) {
    const k = keyOf(o);
    if (this.objects.get(k)?.metadata?.resourceVersion === o.metadata?.resourceVersion) return;
    this.objects.set(k, o);
    this.options.onSynced();
    this.options.onChange();
  }

  private remove(o: KubernetesObject) {
    if (this.objects.delete(keyOf(o))) {
      this.options.onSynced();
      this.options.onChange();
    }
  }
}
