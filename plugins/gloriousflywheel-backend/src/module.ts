import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { fleetServiceRef } from './fleet/fleetServiceRef';
import { FleetEntityProvider } from './catalog/FleetEntityProvider';
import { CacheEntityProvider } from './catalog/CacheEntityProvider';
import {
  findStaleCacheEndpoints,
  readCacheProbeSettings,
  readCachesByRunnerClass,
  readCacheTargets,
} from './caches/CacheConfig';
import { cacheHealthHubServiceRef } from './caches/CacheHealthHub';

/**
 * Catalog module: runner classes, scale sets and build caches as Resource entities. Wiring only.
 * Cache health arrives through the root-scoped hub the plugin's probe task publishes to.
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
        cacheHealthHub: cacheHealthHubServiceRef,
      },
      async init({ catalog, config, logger, fleet, cacheHealthHub }) {
        const owner = config.getOptionalString('gloriousflywheel.owner') ?? 'group:default/platform-team';
        const cacheTargets = readCacheTargets(config);
        const cachesByClass = readCachesByRunnerClass(config, cacheTargets);
        catalog.addEntityProvider(new FleetEntityProvider({ fleet, owner, logger, cachesByClass }));
        catalog.addEntityProvider(
          new CacheEntityProvider({
            hub: cacheHealthHub,
            targets: cacheTargets,
            staleEndpoints: findStaleCacheEndpoints(
              cacheTargets,
              readCacheProbeSettings(config).staleEndpoints,
            ),
            owner,
            logger,
          }),
        );
      },
    });
  },
});
