import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /**
   * GloriousFlywheel: the pooled CI substrate. The keys read by both the backend plugin and the
   * catalog module (clusters, runner classes, owner, caches) are declared here; the plugin's own
   * keys are declared by `@tinyland/backstage-plugin-gloriousflywheel-backend`.
   */
  gloriousflywheel?: {
    /**
     * Kubernetes clusters running ARC. Each cluster is read through its own informer.
     */
    clusters?: Array<{
      /** Cluster name as shown in the portal, e.g. `honey`. */
      name: string;
      /** API server URL (with `serviceAccountToken`), or omitted for `kubeconfigContext` / in-cluster. */
      url?: string;
      /** How to authenticate: `serviceAccount` (url + token), `kubeconfig` (a context of the default kubeconfig) or `inCluster`. */
      authProvider?: 'serviceAccount' | 'kubeconfig' | 'inCluster';
      /** @visibility secret */
      serviceAccountToken?: string;
      /** kubeconfig context name when authProvider is `kubeconfig`. */
      kubeconfigContext?: string;
      /** PEM CA bundle of the API server. */
      caData?: string;
      /** Skip TLS verification (local development only). */
      skipTLSVerify?: boolean;
      /** Namespaces to watch; all namespaces when absent. */
      namespaces?: string[];
      /** Namespace of the ARC controller, whose AutoscalingListeners and listener Pods are watched (default arc-systems). */
      controllerNamespace?: string;
      /**
       * What applies the Helm releases of the scale sets here, e.g. `tofu apply`: a pause reverted by
       * a Helm re-apply is then shown as reverted by it.
       */
      helmAppliedBy?: string;
    }>;
    /** Runner classes; the four tinyland classes when absent. */
    runnerClasses?: Array<{
      name: string;
      title?: string;
      /** e.g. nix, docker, privileged-dind, heavy */
      capabilities?: string[];
      /** `runs-on` labels that select this class. */
      labels?: string[];
      /** `runnerScaleSetName` values registered for this class (owner overlays share one class). */
      scaleSets?: string[];
      /** Names of `caches[]` entries this class depends on. */
      caches?: string[];
      /**
       * Contract: the environment the runner container must carry. A name (must be present), or
       * `{ name, cache }` where `cache` is the `caches[]` entry the value must point at (`*`: any
       * configured cache). Default for the four tinyland classes: nix classes NIX_CONFIG, ATTIC_SERVER,
       * ATTIC_CACHE, BAZEL_REMOTE_CACHE; docker BAZEL_REMOTE_CACHE; dind none.
       */
      cacheEnv?: Array<string | { name: string; cache?: string }>;
      /** Contract: the range the runner container's memory limit must lie in, e.g. `{ min: 2Gi, max: 8Gi }`. */
      memory?: { min: string; max: string };
      /** Contract: the ARC version the fleet is pinned to (default for the tinyland classes: 0.14.0). */
      arcVersion?: string;
      /**
       * Entity ref of the group that owns the class (default `owner`): the `isOwnedByUser`
       * permission rule lets its members pause/resume the class's scale sets.
       */
      owner?: string;
    }>;
    /**
     * Entity ref of the owner of the catalog entities the plugin emits and of runner classes without
     * their own `owner`, e.g. `group:default/platform` (default `group:default/platform-team`).
     */
    owner?: string;
    /** Build caches to probe. Endpoints only ever come from here (never from a request). */
    caches?: Array<{
      name: string;
      /** `attic` (Attic API + Nix cache), `nix` (any Nix binary cache), `bazel-remote` (HTTP) or `bazel-grpc` (grpc://). */
      kind: 'attic' | 'nix' | 'bazel-remote' | 'bazel-grpc';
      url: string;
      /** Attic cache name, e.g. `main`. */
      cache?: string;
      /** @visibility secret */
      token?: string;
      /** Per-probe timeout in milliseconds. */
      timeoutMs?: number;
      /** Runner classes that use this cache. */
      runnerClasses?: string[];
      /** A known CAS key (sha256) to fetch and verify on an HTTP Bazel cache. */
      casKey?: string;
    }>;
    cacheProbe?: {
      /** Glob patterns of endpoints that must no longer be used, e.g. `*.attic-cache-dev.svc.cluster.local`. */
      staleEndpoints?: string[];
      /** Default per-probe timeout (ms). */
      timeoutMs?: number;
      /** Latency above which a cache counts as degraded (ms). */
      slowThresholdMs?: number;
      /** How many days of probe history to keep. */
      retentionDays?: number;
    };
    /** Task schedules (SchedulerService definitions: frequency, timeout, initialDelay). */
    schedule?: {
      /** the cache probes (global: one replica at a time) */
      cacheProbe?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
