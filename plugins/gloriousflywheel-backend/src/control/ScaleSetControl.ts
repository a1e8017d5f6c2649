import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_PAUSED_FROM,
  AutoscalingRunnerSetObject,
  ControlAction,
  PausedFrom,
  RunnerClassDefinition,
  ScaleSetBounds,
  parsePausedFrom,
  toScaleSet,
  UNCLASSIFIED_RUNNER_CLASS,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  ClusterConfig,
  createKubeConfig,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { ClusterUnreachableError } from './errors';

const GROUP = 'actions.github.com';
const VERSION = 'v1alpha1';
const PLURAL = 'autoscalingrunnersets';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** A scale set by key. */
export interface ScaleSetTarget {
  cluster: string;
  namespace: string;
  name: string;
}

/** Who asks and why; kept in the paused-from annotation. */
export interface ControlRequestor {
  by: string;
  reason: string;
  /**
   * The runner class the permission decision was made for (from the fleet's cached view; null =
   * unclassified). When given, the live object must still be of that class, or nothing is written:
   * a class can change (relabelled, or a stale cache) between the decision and the write.
   */
  authorizedRunnerClass?: string | null;
}

/** What a pause/resume did to the scale set. */
export interface ScaleSetChange {
  changed: boolean;
  before: ScaleSetBounds;
  after: ScaleSetBounds;
  paused: PausedFrom | null;
  runnerClass: string | null;
  managedBy: string | null;
  warnings: string[];
  attempts: number;
  resourceVersion: string;
}

export interface ScaleSetControlOptions {
  clusters: ClusterConfig[];
  runnerClasses: RunnerClassDefinition[];
  /** read-and-write rounds before a resourceVersion conflict is reported (default 5) */
  maxAttempts?: number;
  /** base of the jittered delay between rounds, ms (default 25) */
  retryDelayMs?: number;
  /** test seam, as in FleetService */
  kubeConfigFor?: (cluster: ClusterConfig) => KubeConfig;
  now?: () => Date;
}

const bounds = (o: AutoscalingRunnerSetObject): ScaleSetBounds => ({
  minRunners: o.spec?.minRunners ?? null,
  maxRunners: o.spec?.maxRunners ?? null,
});

const isPausedSpec = (b: ScaleSetBounds) =>
  b.minRunners === 0 && b.maxRunners === 0;

type Plan =
  | { write: false; warnings?: string[] }
  | {
      write: true;
      patch: object;
      after: ScaleSetBounds;
      paused: PausedFrom | null;
      warnings?: string[];
    };

/**
 * Pauses and resumes ARC scale sets with resourceVersion-guarded merge patches, reading the live
 * object (not the informer copy) so the precondition is current. Only minRunners, maxRunners and
 * the paused-from annotation are written: running jobs are never touched.
 */
export class ScaleSetControl {
  private readonly apis = new Map<string, CustomObjectsApi>();
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: ScaleSetControlOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 25;
  }

  pause(
    target: ScaleSetTarget,
    requestor: ControlRequestor,
  ): Promise<ScaleSetChange> {
    return this.change(target, 'pause', requestor, obj => {
      const current = bounds(obj);
      const annotation = obj.metadata?.annotations?.[ANNOTATION_PAUSED_FROM];
      if (annotation !== undefined) {
        const prior = this.readPausedFrom(target, annotation);
        if (isPausedSpec(current)) return { write: false };
        // Paused but scaled up again behind our back (e.g. a GitOps sync): pause again, keep the
        // original prior values.
        return {
          write: true,
          patch: { spec: { minRunners: 0, maxRunners: 0 } },
          after: { minRunners: 0, maxRunners: 0 },
          paused: prior,
          warnings: [
            `the scale set was paused but had been changed to min ${
              current.minRunners ?? '-'
            } / max ${
              current.maxRunners ?? 'unlimited'
            } since; paused again, prior values kept`,
          ],
        };
      }
      const paused: PausedFrom = {
        ...current,
        by: requestor.by,
        at: (this.options.now?.() ?? new Date()).toISOString(),
        reason: requestor.reason,
      };
      return {
        write: true,
        patch: {
          metadata: {
            annotations: { [ANNOTATION_PAUSED_FROM]: JSON.stringify(paused) },
          },
          // together: ARC rejects maxRunners < minRunners
          spec: { minRunners: 0, maxRunners: 0 },
        },
        after: { minRunners: 0, maxRunners: 0 },
        paused,
      };
    });
  }

  resume(
    target: ScaleSetTarget,
    requestor: ControlRequestor,
  ): Promise<ScaleSetChange> {
    return this.change(target, 'resume', requestor, obj => {
      const annotation = obj.metadata?.annotations?.[ANNOTATION_PAUSED_FROM];
      if (annotation === undefined) return { write: false };
      const prior = this.readPausedFrom(target, annotation);
      const after = {
        minRunners: prior.minRunners,
        maxRunners: prior.maxRunners,
      };
      return {
        write: true,
        // null removes a field in a merge patch: an absent maxRunners (unlimited) comes back absent
        patch: {
          metadata: { annotations: { [ANNOTATION_PAUSED_FROM]: null } },
          spec: after,
        },
        after,
        paused: null,
      };
    });
  }

  private async change(
    target: ScaleSetTarget,
    action: ControlAction,
    requestor: ControlRequestor,
    plan: (obj: AutoscalingRunnerSetObject) => Plan,
  ): Promise<ScaleSetChange> {
    const api = this.api(target.cluster);
    for (let attempt = 1; ; attempt++) {
      const obj = await this.call(target, () =>
        api.getNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          plural: PLURAL,
          namespace: target.namespace,
          name: target.name,
        }),
      );
      const view = toScaleSet(target.cluster, obj, this.options.runnerClasses);
      const authorized = requestor.authorizedRunnerClass;
      if (authorized !== undefined && view.runnerClass !== authorized) {
        throw new ConflictError(
          `scale set ${key(target)} is of runner class ${
            view.runnerClass ?? UNCLASSIFIED_RUNNER_CLASS
          } now, not ${
            authorized ?? UNCLASSIFIED_RUNNER_CLASS
          } as when this ${action} was allowed; reload and try again`,
        );
      }
      const before = bounds(obj);
      const warnings = view.managedBy
        ? [`managed by ${view.managedBy}: it may revert this ${action}`]
        : [];
      const next = plan(obj);
      const base = {
        before,
        runnerClass: view.runnerClass,
        managedBy: view.managedBy,
        attempts: attempt,
      };
      if (!next.write) {
        return {
          ...base,
          changed: false,
          after: before,
          paused: view.paused,
          warnings: [...warnings, ...(next.warnings ?? [])],
          resourceVersion: view.resourceVersion,
        };
      }
      const patch = next.patch as { metadata?: object };
      const body = {
        ...patch,
        metadata: {
          ...patch.metadata,
          resourceVersion: obj.metadata?.resourceVersion,
        },
      };
      try {
        const updated: AutoscalingRunnerSetObject = await this.call(
          target,
          () =>
            api.patchNamespacedCustomObject(
              {
                group: GROUP,
                version: VERSION,
                plural: PLURAL,
                namespace: target.namespace,
                name: target.name,
                body,
              },
              mergePatch,
            ),
        );
        return {
          ...base,
          changed: true,
          after: next.after,
          paused: next.paused,
          warnings: [...warnings, ...(next.warnings ?? [])],
          resourceVersion: updated.metadata?.resourceVersion ?? '',
        };
      } catch (e) {
        if (!(e instanceof ConflictError)) throw e;
        if (attempt >= this.maxAttempts) {
          throw new ConflictError(
            `scale set ${key(
              target,
            )} kept changing under this ${action} (${attempt} attempts); try again`,
          );
        }
        // someone else wrote in between: back off a little (jittered) and start from a fresh read
        const delay =
          Math.min(this.retryDelayMs * 2 ** (attempt - 1), 400) *
          (0.5 + Math.random());
        await new Promise(resolve => setTimeout(resolve, delay));
      }
    }
  }

  private readPausedFrom(
    target: ScaleSetTarget,
    annotation: string,
  ): PausedFrom {
    const prior = parsePausedFrom(annotation);
    if (!prior) {
      // never guess prior values: a wrong guess would lose the scale set's real bounds
      throw new ConflictError(
        `scale set ${key(
          target,
        )} has an unreadable ${ANNOTATION_PAUSED_FROM} annotation; fix or remove it by hand`,
      );
    }
    return prior;
  }

  private api(clusterName: string): CustomObjectsApi {
    const existing = this.apis.get(clusterName);
    if (existing) return existing;
    const cluster = this.options.clusters.find(c => c.name === clusterName);
    if (!cluster)
      throw new NotFoundError(`cluster ${clusterName} is not configured`);
    const kc = (this.options.kubeConfigFor ?? createKubeConfig)(cluster);
    const api = kc.makeApiClient(CustomObjectsApi);
    this.apis.set(clusterName, api);
    return api;
  }

  /** Maps Kubernetes and network failures to the portal's errors. */
  private async call<T>(
    target: ScaleSetTarget,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ApiException) {
        const message = kubernetesMessage(e);
        if (e.code === 404)
          throw new NotFoundError(`scale set ${key(target)} not found`);
        if (e.code === 409) {
          throw new ConflictError(
            `scale set ${key(target)} was changed concurrently: ${message}`,
          );
        }
        throw new ClusterUnreachableError(
          `cluster ${target.cluster} answered ${e.code}${
            e.code === 401 || e.code === 403
              ? " (the portal's credentials may not write scale sets)"
              : ''
          }: ${message}`,
        );
      }
      throw new ClusterUnreachableError(
        `cluster ${target.cluster} is unreachable: ${
          (e as Error)?.message ?? e
        }`,
      );
    }
  }
}

function key(t: ScaleSetTarget) {
  return `${t.cluster}/${t.namespace}/${t.name}`;
}

function kubernetesMessage(e: ApiException<unknown>): string {
  const body = e.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body).message ?? body;
    } catch {
      return body.slice(0, 300);
    }
  }
  return (body as { message?: string })?.message ?? e.message.slice(0, 300);
}
