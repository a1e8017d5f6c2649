import { NotFoundError } from '@backstage/errors';
import { ClusterConfig } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { parseRequest } from '../service/parseRequest';
import { scaleSetTarget } from '../service/inputSchemas';
import { ScaleSetTarget } from './ScaleSetControl';

/**
 * Validates a pause/resume target (400 for a bad name) and requires its cluster and namespace to
 * be configured (404), before anything is recorded or sent to a cluster. A cluster without a
 * namespace list watches all namespaces.
 */
export function checkScaleSetTarget(
  clusters: readonly ClusterConfig[],
  target: unknown,
): ScaleSetTarget {
  const t = parseRequest(scaleSetTarget, target, 'scale set');
  const cluster = clusters.find(c => c.name === t.cluster);
  if (!cluster)
    throw new NotFoundError(`cluster ${t.cluster} is not configured`);
  if (cluster.namespaces && !cluster.namespaces.includes(t.namespace)) {
    throw new NotFoundError(
      `namespace ${t.namespace} is not configured for cluster ${t.cluster}`,
    );
  }
  return t;
}
