import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { fleetServiceRef } from './fleet/fleetServiceRef';
import { FleetEntityProvider } from './catalog/FleetEntityProvider';

/**
 * Catalog module: runner classes and scale sets as Resource entities. Wiring only.
 *
 * @public
 */
export const catalogModuleGloriousflywheel = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'gloriousflywheel',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        fleet: fleetServiceRef,
      },
      async init({ catalog, config, logger, fleet }) {
        const owner = config.getOptionalString('gloriousflywheel.owner') ?? 'group:default/platform-team';
        catalog.addEntityProvider(new FleetEntityProvider({ fleet, owner, logger }));
      },
    });
  },
});
