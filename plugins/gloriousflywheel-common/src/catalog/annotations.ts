import { ANNOTATION_RUNNER_CLASS } from '../fleet/types';

/**
 * The annotation that links a Component to its GitHub repository (`owner/repo`), as Backstage's
 * GitHub integration defines it.
 *
 * @public
 */
export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/**
 * Annotations on the runner-class and runner-scale-set Resources: coarse state only (counts stay
 * in the plugin).
 *
 * @public
 */
export const FLEET_ANNOTATIONS = {
  /** the same key the scale sets carry in Kubernetes */
  runnerClass: ANNOTATION_RUNNER_CLASS,
  capabilities: 'gloriousflywheel.io/capabilities',
  cluster: 'gloriousflywheel.io/cluster',
  namespace: 'gloriousflywheel.io/namespace',
  scaleSet: 'gloriousflywheel.io/scale-set',
  githubConfigUrl: 'gloriousflywheel.io/github-config-url',
  labels: 'gloriousflywheel.io/runner-labels',
  paused: 'gloriousflywheel.io/paused',
  /** `reverted by <who> at <time>` while a portal pause has been undone outside the portal */
  pauseReverted: 'gloriousflywheel.io/pause-reverted',
  /** the runner-class contract: passed/applicable checks, e.g. `5/6` */
  contract: 'gloriousflywheel.io/contract',
  /** ids of the contract checks that fail, comma-separated */
  contractFailing: 'gloriousflywheel.io/contract-failing',
  arcVersion: 'gloriousflywheel.io/arc-version',
  runnerImage: 'gloriousflywheel.io/runner-image',
  /** the runner container's memory `request/limit` */
  runnerMemory: 'gloriousflywheel.io/runner-memory',
} as const;

/**
 * Annotations on the build-cache Resources: coarse state only (latency and history stay in the
 * plugin).
 *
 * @public
 */
export const CACHE_ANNOTATIONS = {
  health: 'gloriousflywheel.io/cache-health',
  kind: 'gloriousflywheel.io/cache-kind',
  endpoint: 'gloriousflywheel.io/cache-endpoint',
  cacheName: 'gloriousflywheel.io/cache-name',
  runnerClasses: 'gloriousflywheel.io/runner-classes',
  staleEndpoint: 'gloriousflywheel.io/stale-endpoint',
} as const;

/**
 * Annotations the catalog module writes on Components with a {@link PROJECT_SLUG_ANNOTATION}
 * (current state only; history stays in the plugin).
 *
 * @public
 */
export const ADOPTION_ANNOTATIONS = {
  runnerClasses: 'gloriousflywheel.io/runner-classes',
  hostedJobs: 'gloriousflywheel.io/hosted-jobs',
  scorecard: 'gloriousflywheel.io/scorecard',
  tranche: 'gloriousflywheel.io/tranche',
  stage: 'gloriousflywheel.io/adoption-stage',
} as const;
