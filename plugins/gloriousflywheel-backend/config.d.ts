import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  /** GloriousFlywheel backend plugin keys (clusters, runner classes, owner and caches: see @tinyland/backstage-plugin-gloriousflywheel-node). */
  gloriousflywheel?: {
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
      /**
       * Organisations whose remote building blocks (`owner/repo/path@ref` reusable workflows and
       * actions) the scan follows; others are "not followed". Default: `orgs` and `tinyland-inc`
       * (the platform's own blocks).
       */
      buildingBlockOrgs?: string[];
      /**
       * How often a scheduled scan lists every repository (default one day); between full listings
       * a scan stops at the first repository not pushed since the last one. Deletions, renames and
       * archiving are seen at a full listing (and at every manual scan).
       */
      fullListingInterval?: HumanDuration | string;
      /**
       * Actions-variables REST requests one scan may make (default 2, so a cold scan of 10,000
       * repositories stays near one request per 100); over it a repository keeps its last read
       * variables, or has them unread (every candidate runner checked).
       */
      variableReadsPerScan?: number;
      /**
       * Which pull requests are migrations onto the platform, fetched with the scan (open and merged).
       * Either `labels` (any of them; default `gloriousflywheel-migration`) or `headBranches`
       * (globs over the head branch, `*` within a `/` segment, `**` across, e.g. `gloriousflywheel/**`),
       * not both: one pull-request connection per repository keeps a page of 100 repositories at one
       * GraphQL point. With `headBranches`, the `limit` most recently updated ones are matched.
       */
      migrationPullRequests?: {
        labels?: string[];
        headBranches?: string[];
        /** Pull requests read per repository, 1 to 100 (default 10). */
        limit?: number;
      };
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
    /**
     * The organisation's larger-runner names (`*` wildcards allowed): GitHub-hosted too, for the
     * scorecard and the queue statistics.
     */
    hostedLabels?: string[];
    /** Dogfood scorecard options. */
    scorecard?: {
      /** retired cache hosts: a name is matched as whole DNS labels (`attic-cache-dev`), or a glob, or `/regex/` */
      staleEndpoints?: string[];
      /** the current cache endpoints; when set, any other Attic or Bazel cache host is a finding */
      cacheEndpoints?: string[];
      bazelWrapper?: string;
      /** command a job runs before Bazel; '' turns the check off */
      cacheAttachmentPreflight?: string;
      /** actions that bootstrap Nix, `owner/repo` or `owner/repo/path`; replaces the defaults */
      nixInstallerActions?: string[];
      proofWorkflows?: string[];
      exceptionsFile?: string;
      /** exception categories that exempt a hosted job (default: control-plane) */
      exceptionCategories?: string[];
      /** path globs of research notes and ADRs: never claims, never active docs */
      historicalPaths?: string[];
      /** path globs of scripts a workflow may call; a called one that is absent fails */
      scriptPaths?: string[];
    };
    /** GitHub Actions jobs (workflow_job webhooks, the jobs REST API): queue statistics and diagnoses. */
    queue?: {
      /** Jobs queued longer ago than this many days are deleted (1 to 400, default 7). */
      retentionDays?: number;
      /** Reconciliation with the jobs REST API, for deliveries that never arrived. */
      reconcile?: {
        /** GitHub REST requests per hour it may spend, 304 answers not counted (default 600; 0 = off). */
        requestsPerHour?: number;
        /** Repositories with a job event within this many minutes are reconciled (default 120). */
        activeWithinMinutes?: number;
      };
    };
    /** Task schedules (SchedulerService definitions: frequency, timeout, initialDelay). */
    schedule?: {
      /** the adoption scan (global: one replica at a time) */
      adoptionScan?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** deleting jobs past `queue.retentionDays` (global; hourly by default) */
      queueRetention?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** a reconciliation pass with the jobs REST API (global; every 10 minutes by default) */
      queueReconcile?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
