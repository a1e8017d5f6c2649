import { createBackendModule } from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { GloriousflywheelSamplePolicy } from '@tinyland/backstage-plugin-gloriousflywheel-backend';

/**
 * The portal's permission policy: GloriousFlywheel's sample roles from the seeded catalog's groups
 * (admin = portal-admins, operator = platform-operators, everyone else a viewer); other plugins'
 * permissions are allowed for signed-in users. See docs/control.md to write your own.
 */
export const portalPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'portal-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(
          new GloriousflywheelSamplePolicy({
            adminGroups: ['group:default/portal-admins'],
            operatorGroups: ['group:default/platform-operators'],
          }),
        );
      },
    });
  },
});
