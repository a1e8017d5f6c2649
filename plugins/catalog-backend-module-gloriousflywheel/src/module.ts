import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import {
  fleetServiceRef,
  readRunnerClassOwners,
  findStaleCacheEndpoints,
  readCacheProbeSettings,
  readCachesByRunnerClass,
  readCacheTargets,
  cacheHealthHubServiceRef,
  adoptionHubServiceRef,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { FleetEntityProvider } from './FleetEntityProvider';
import { CacheEntityProvider } from './CacheEntityProvider';
import { AdoptionProcessor } from './AdoptionProcessor';
import { refreshCatalogOnAdoptionChange } from './AdoptionCatalogRefresh';

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
        adoptionHub: adoptionHubServiceRef,
        catalogService: catalogServiceRef,
        auth: coreServices.auth,
      },
      async init({
        catalog,
        config,
        logger,
        fleet,
        cacheHealthHub,
        adoptionHub,
        catalogService,
        auth,
      }) {
        const cacheTargets = readCacheTargets(config);
        const { staleEndpoints } = readCacheProbeSettings(config);
        const cachesByClass = readCachesByRunnerClass(config, cacheTargets);
        // The owner resolution the permission rule isOwnedByUser uses, so the catalog shows who may pause.
        const owners = readRunnerClassOwners(config);
        const owner = owners.defaultOwner;
        const ownersByClass = Object.fromEntries(
          fleet.runnerClasses.map(c => [c.name, owners.ownerOf(c.name)]),
        );
        const contracts = {
          targets: cacheTargets,
          staleEndpoints,
          health: cacheHealthHub,
        };
        catalog.addEntityProvider(
          new FleetEntityProvider({
            fleet,
            owner,
            ownersByClass,
            logger,
            cachesByClass,
            contracts,
          }),
        );
        catalog.addEntityProvider(
          new CacheEntityProvider({
            hub: cacheHealthHub,
            targets: cacheTargets,
            staleEndpoints: findStaleCacheEndpoints(
              cacheTargets,
              staleEndpoints,
            ),
            owner,
            logger,
          }),
        );
        // Components with github.com/project-slug get runner classes, scorecard, tranche and stage.
        catalog.addProcessor(new AdoptionProcessor(adoptionHub));
        refreshCatalogOnAdoptionChange({
          hub: adoptionHub,
          catalog: catalogService,
          auth,
          logger,
        });
      },
    });
  },
});
