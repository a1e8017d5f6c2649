import { CustomErrorBase } from '@backstage/errors';

/**
 * The cluster's API server could not be reached or did not accept the portal's request:
 * answered as 502 Bad Gateway, naming the cluster.
 *
 * @public
 */
export class ClusterUnreachableError extends CustomErrorBase {
  name = 'ClusterUnreachableError' as const;
  /** read by Backstage's error handler */
  readonly statusCode = 502;
}

/**
 * Pause/resume are switched off because the permission framework is (`permission.enabled` not
 * true): answered as 503, with the config key to set.
 */
export class ControlDisabledError extends CustomErrorBase {
  name = 'ControlDisabledError' as const;
  /** read by Backstage's error handler */
  readonly statusCode = 503;
}
