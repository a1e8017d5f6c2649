import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';
import { informerFields, InformerPlural } from './informerFields';

export const ARC_GROUP = 'actions.github.com';
export const ARC_VERSION = 'v1alpha1';

/**
 * Retry pacing of an informer.
 *
 * @public
 */
export interface InformerBackoff {
  /** first retry delay, ms (default 1000) */
  baseMs: number;
  /** ceiling of the doubling delay, ms (default 60000) */
  maxMs: number;
  /** how long a watch must stay open before the delay starts from `baseMs` again, ms (default 30000) */
  healthyWatchMs?: number;
}

export const DEFAULT_INFORMER_BACKOFF: Required<InformerBackoff> = {
  baseMs: 1000,
  maxMs: 60000,
  healthyWatchMs: 30000,
};

/** What failed and when the informer tries again (from a fresh list). */
export interface InformerRetry {
  during: 'list' | 'watch';
  /** failures since a watch last stayed open for `healthyWatchMs` */
  attempt: number;
  retryInMs: number;
}

export interface ResourceInformerOptions {
  kubeConfig: KubeConfig;
  /** an ARC resource, or core `pods` */
  plural: InformerPlural;
  /** e.g. ARC's listener component label; list and watch only what matches */
  labelSelector?: string;
  /** undefined = all namespaces */
  namespace?: string;
  /** called after every change to the local copy */
  onChange: () => void;
  /**
   * called after a successful list (`watching` false: the copy is fresh but nothing keeps it so
   * yet), when a watch opens and after each watch event (`watching` true)
   */
  onSynced: (watching: boolean) => void;
  onError: (error: unknown, retry: InformerRetry) => void;
  backoff?: InformerBackoff;
}

const keyOf = (o: KubernetesObject) =>
  `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/**
 * A local copy of one ARC resource in one namespace (or all), kept by list + watch through
 * client-node's ListWatch: a watch that ends after it was healthy resumes from the last
 * resourceVersion (a 410 Gone relists). Any error, and a watch that ends before it was open for
 * `healthyWatchMs`, restarts it from a fresh list after a jittered exponential backoff. Only such a
 * healthy watch resets the backoff, never a list: against a cluster that allows list but refuses
 * watch the informer relists ever more slowly, up to once per `maxMs`. The copy is kept meanwhile
 * (and reported stale by the caller), and the relist removes what vanished. Only the fields the
 * portal reads are kept of each object (see `informerFields`).
 */
export class ResourceInformer {
  private readonly objects = new Map<string, KubernetesObject>();
  private readonly api: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly backoff: Required<InformerBackoff>;
  private listWatch?: ListWatch<KubernetesObject>;
  private retryTimer?: NodeJS.Timeout;
  private healthyTimer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = true;
  private generation = 0;

  constructor(private readonly options: ResourceInformerOptions) {
    this.api = options.kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    const b = options.backoff;
    this.backoff = {
      baseMs: b?.baseMs ?? DEFAULT_INFORMER_BACKOFF.baseMs,
      maxMs: b?.maxMs ?? DEFAULT_INFORMER_BACKOFF.maxMs,
      healthyWatchMs:
        b?.healthyWatchMs ?? DEFAULT_INFORMER_BACKOFF.healthyWatchMs,
    };
    const { baseMs, maxMs, healthyWatchMs } = this.backoff;
    if (!(baseMs > 0 && maxMs >= baseMs && healthyWatchMs > 0)) {
      throw new Error(
        `informer backoff needs 0 < baseMs <= maxMs and healthyWatchMs > 0, got ${JSON.stringify(
          b,
        )}`,
      );
    }
  }

  get path(): string {
    const { plural, namespace } = this.options;
    if (plural === 'pods')
      return namespace
        ? `/api/v1/namespaces/${namespace}/pods`
        : '/api/v1/pods';
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
    clearTimeout(this.healthyTimer);
    this.listWatch?.stop();
    this.listWatch = undefined;
  }

  private connect() {
    if (this.stopped) return;
    const generation = ++this.generation;
    const current = () => generation === this.generation && !this.stopped;
    let during: InformerRetry['during'] = 'list';
    const lw = new ListWatch<KubernetesObject>(
      this.path,
      this.watchFor(current, () => (during = 'watch')),
      async () => {
        during = 'list';
        const list = await this.listOnce();
        if (current()) this.replaceAll(list.items);
        return list;
      },
      false,
      this.options.labelSelector,
    );
    const fail = (err: unknown) => {
      if (!current()) return;
      this.generation++;
      lw.stop();
      this.scheduleRetry(err, during);
    };
    lw.on('add', o => current() && this.upsert(o));
    lw.on('update', o => current() && this.upsert(o));
    lw.on('delete', o => current() && this.remove(o));
    lw.on('error', fail);
    this.listWatch = lw;
    lw.start().catch(fail);
  }

  /**
   * client-node's Watch, plus: a stream that stays open `healthyWatchMs` resets the backoff, and one
   * that the server ends sooner (cleanly or after an ERROR event) counts as a failure, so that even
   * a watch refused or closed at once cannot make the informer loop.
   */
  private watchFor(current: () => boolean, starting: () => void): Watch {
    const { plural } = this.options;
    const keep = (o: KubernetesObject) => informerFields(plural, o);
    const opened = () => {
      let healthy = false;
      const timer = setTimeout(() => {
        healthy = true;
        this.failures = 0;
      }, this.backoff.healthyWatchMs);
      timer.unref?.();
      clearTimeout(this.healthyTimer);
      this.healthyTimer = timer;
      this.options.onSynced(true);
      return {
        at: Date.now(),
        healthy: () => healthy,
        ended: () => clearTimeout(timer),
      };
    };
    return new (class extends Watch {
      override async watch(
        path: string,
        query: Record<string, string | number | boolean | undefined>,
        callback: (phase: string, apiObj: any, watchObj?: any) => void,
        done: (err: any) => void,
      ): Promise<AbortController> {
        starting();
        let ended = false;
        let stream: ReturnType<typeof opened> | undefined;
        let lastError: { reason?: string; message?: string } | undefined;
        const controller = await super.watch(
          path,
          query,
          (phase, obj, raw) => {
            if (phase === 'ERROR') lastError = obj;
            const change =
              phase === 'ADDED' || phase === 'MODIFIED' || phase === 'DELETED';
            callback(phase, change ? keep(obj) : obj, raw);
          },
          err => {
            ended = true;
            stream?.ended();
            if (err || stream?.healthy()) {
              done(err);
              return;
            }
            const why = lastError
              ? ` (${lastError.reason}: ${lastError.message})`
              : '';
            done(
              new Error(
                `closed by the server after ${
                  Date.now() - (stream?.at ?? Date.now())
                } ms${why}`,
              ),
            );
          },
        );
        if (!ended && current()) stream = opened();
        return controller;
      }
    })(this.options.kubeConfig);
  }

  /** One list, each item cut to the fields kept before the list's body can be collected. */
  private async listOnce(): Promise<{
    items: KubernetesObject[];
    metadata?: { resourceVersion?: string };
  }> {
    const { items, metadata } = await this.listAll();
    return {
      items: items.map(o => informerFields(this.options.plural, o)),
      metadata,
    };
  }

  private async listAll(): Promise<{
    items: KubernetesObject[];
    metadata?: { resourceVersion?: string };
  }> {
    const { plural, namespace, labelSelector } = this.options;
    if (plural === 'pods') {
      const pods = namespace
        ? await this.core.listNamespacedPod({ namespace, labelSelector })
        : await this.core.listPodForAllNamespaces({ labelSelector });
      return pods as {
        items: KubernetesObject[];
        metadata?: { resourceVersion?: string };
      };
    }
    const body = namespace
      ? await this.api.listNamespacedCustomObject({
          group: ARC_GROUP,
          version: ARC_VERSION,
          namespace,
          plural,
          labelSelector,
        })
      : await this.api.listClusterCustomObject({
          group: ARC_GROUP,
          version: ARC_VERSION,
          plural,
          labelSelector,
        });
    return body as {
      items: KubernetesObject[];
      metadata?: { resourceVersion?: string };
    };
  }

  private scheduleRetry(err: unknown, during: InformerRetry['during']) {
    if (this.stopped) return;
    clearTimeout(this.healthyTimer);
    this.failures++;
    const { baseMs, maxMs } = this.backoff;
    const ceiling = Math.min(
      maxMs,
      baseMs * 2 ** Math.min(this.failures - 1, 16),
    );
    // Between half and all of the ceiling: replicas and clusters do not retry in lockstep.
    const retryInMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), retryInMs);
    this.retryTimer.unref?.();
    this.options.onError(err, { during, attempt: this.failures, retryInMs });
  }

  private replaceAll(items: KubernetesObject[]) {
    const next = new Map(items.map(o => [keyOf(o), o] as const));
    let changed = next.size !== this.objects.size;
    for (const [k, o] of next) {
      if (
        this.objects.get(k)?.metadata?.resourceVersion !==
        o.metadata?.resourceVersion
      )
        changed = true;
    }
    this.objects.clear();
    for (const [k, o] of next) this.objects.set(k, o);
    this.options.onSynced(false);
    if (changed) this.options.onChange();
  }

  private upsert(o: KubernetesObject) {
    const k = keyOf(o);
    if (
      this.objects.get(k)?.metadata?.resourceVersion ===
      o.metadata?.resourceVersion
    )
      return;
    this.objects.set(k, o);
    this.options.onSynced(true);
    this.options.onChange();
  }

  private remove(o: KubernetesObject) {
    if (this.objects.delete(keyOf(o))) {
      this.options.onSynced(true);
      this.options.onChange();
    }
  }
}
