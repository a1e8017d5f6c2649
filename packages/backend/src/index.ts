/*
 * The GloriousFlywheel portal backend: only what the product needs.
 */
import { createBackend } from '@backstage/backend-defaults';
import { devSignInModule } from './devSignIn';
import { portalPermissionPolicyModule } from './permissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(devSignInModule);

backend.add(import('@backstage/plugin-catalog-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(portalPermissionPolicyModule);

backend.add(import('@tinyland/backstage-plugin-gloriousflywheel-backend'));
backend.add(
  import('@tinyland/backstage-plugin-catalog-backend-module-gloriousflywheel'),
);

// MCP over the actions registry: the actions of backend.actions.pluginSources (diagnose-job, ...)
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
