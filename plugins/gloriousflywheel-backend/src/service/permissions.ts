import { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import { gloriousflywheelPermissions } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  FleetReader,
  RunnerClassOwners,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import {
  scaleSetPermissionResourceRef,
  scaleSetPermissionRules,
} from '../control/scaleSetPermissionRules';
import { createScaleSetResourceLoader } from '../control/scaleSetResources';

/**
 * Registers all the plugin's permissions (control, audit, adoption, queue), and the scale-set
 * resource type with its rules and loader (owners as the catalog shows them), with the permission
 * framework.
 */
export function registerPermissions(options: {
  permissionsRegistry: PermissionsRegistryService;
  fleet: FleetReader;
  owners: RunnerClassOwners;
}) {
  const { permissionsRegistry, fleet, owners } = options;
  permissionsRegistry.addResourceType({
    resourceRef: scaleSetPermissionResourceRef,
    permissions: gloriousflywheelPermissions.filter(p => p.type === 'resource'),
    rules: Object.values(scaleSetPermissionRules),
    getResources: createScaleSetResourceLoader(fleet, owners),
  });
  permissionsRegistry.addPermissions(
    gloriousflywheelPermissions.filter(p => p.type === 'basic'),
  );
}
