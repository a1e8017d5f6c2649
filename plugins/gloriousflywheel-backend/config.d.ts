import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** GloriousFlywheel: the pooled CI substrate (ARC scale sets, build caches, adoption). */
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
    /**
     * Service principals (static tokens of `backend.auth.externalAccess`, JWKS tokens, other
     * plugins) that may pause/resume, read the audit log or start adoption scans. Backstage allows
     * service principals every permission unless their token is restricted; this plugin allows
     * them nothing beyond reads unless they are listed here. Users are decided by the permission
     * policy alone.
     */
    servicePrincipals?: Array<{
      /**
       * `principal.subject` as Backstage forms it: the `subject` of a static token as configured
       * (e.g. `ci-bot`), `external:<sub>` (or `external:<subjectPrefix>:<sub>`) for a JWKS token,
       * `plugin:<pluginId>` for another plugin.
       */
      subject: string;
      /**
       * Permissions it is given: `gloriousflywheel.scaleset.pause`, `gloriousflywheel.scaleset.resume`,
       * `gloriousflywheel.audit.read`, `gloriousflywheel.adoption.scan`.
       */
      allow: string[];
      /** Pause/resume only scale sets of these runner classes (`unclassified` for none); all when absent. */
      runnerClasses?: string[];
    }>;
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
    /** GitHub organisations to scan for adoption; credentials come from `integrations.github`. */
    github?: {
      orgs?: string[];
      /** Host of the `integrations.github` entry to use (default github.com). */
      host?: string;
      includeForks?: boolean;
      includeArchived?: boolean;
      /**
       * Secret of the GitHub webhook (push, workflow_run) at POST /api/gloriousflywheel/adoption/webhook;
       * without it the route does not exist.
       * @visibility secret
       */
      webhookSecret?: string;
      /** Emit Component entities for scanned repositories the catalog does not have (not implemented yet). */
      emitComponents?: boolean;
    };
    /**
     * Migration waves. Membership, first match wins: listed in `repos`, else the first tranche whose
     * `patterns` (owner/name globs) match, else the tranche with `rest: true`.
     */
    tranches?: Array<{
      /** lower-case name (a-z, 0-9, -) */
      name: string;
      title?: string;
      repos?: string[];
      patterns?: string[];
      rest?: boolean;
      blockers?: Array<{
        /** owner/name it blocks; absent = the whole tranche */
        repo?: string;
        issue: string;
        kind: 'repo' | 'capacity' | 'platform';
        title?: string;
        url?: string;
        closed?: boolean;
      }>;
    }>;
    /** Dogfood scorecard options. */
    scorecard?: {
      staleEndpoints?: string[];
      bazelWrapper?: string;
      proofWorkflows?: string[];
      exceptionsFile?: string;
    };
    /** Task schedules (SchedulerService definitions: frequency, timeout, initialDelay). */
    schedule?: {
      fleetResync?: SchedulerServiceTaskScheduleDefinitionConfig;
      cacheProbe?: SchedulerServiceTaskScheduleDefinitionConfig;
      adoptionScan?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
