import {
  ScaleSet,
  parseScaleSetResourceRef,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  FleetReader,
  RunnerClassOwners,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { ScaleSetResource } from './scaleSetPermissionRules';

/** A scale set as the permission rules see it: the owner is its runner class's owner, as the catalog shows it. */
function toScaleSetResource(
  s: ScaleSet,
  owners: RunnerClassOwners,
): ScaleSetResource {
  return {
    cluster: s.cluster,
    namespace: s.namespace,
    name: s.name,
    runnerClass: s.runnerClass,
    owner: owners.ownerOf(s.runnerClass),
  };
}

/**
 * Loads scale sets by resource ref (`cluster/namespace/name`) from the informer copy, for the
 * permission framework's conditional decisions. Unknown refs load as undefined (and are denied).
 */
export function createScaleSetResourceLoader(
  fleet: FleetReader,
  owners: RunnerClassOwners,
) {
  return async (refs: string[]): Promise<Array<ScaleSetResource | undefined>> =>
    refs.map(ref => {
      const key = parseScaleSetResourceRef(ref);
      const s = key && fleet.scaleSet(key.cluster, key.namespace, key.name);
      return s ? toScaleSetResource(s, owners) : undefined;
    });
}
