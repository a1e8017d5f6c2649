/*
 * The GloriousFlywheel portal backend: only what the product needs.
 */
import { createBackend } from '@backstage/backend-defaults';
import { catalogModuleGloriousflywheel } from '@internal/plugin-gloriousflywheel-backend';
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

backend.add(import('@internal/plugin-gloriousflywheel-backend'));
backend.add(catalogModuleGloriousflywheel);

backend.start();
