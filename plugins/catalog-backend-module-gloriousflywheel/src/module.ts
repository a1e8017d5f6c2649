import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import {
  adoptionHubServiceRef,
  type AdoptionReader,
  CacheConfig,
  cacheHealthHubServiceRef,
  type CacheHealthReader,
  FleetConfig,
  fleetServiceRef,
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
        lifecycle: coreServices.lifecycle,
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
        lifecycle,
      }) {
        // The module only reads the hubs; the plugin's tasks publish to them.
        const health: CacheHealthReader = cacheHealthHub;
        const adoption: AdoptionReader = adoptionHub;
        const fleetConfig = FleetConfig.fromConfig(config);
        const caches = CacheConfig.fromConfig(config);
        // The owner resolution the permission rule isOwnedByUser uses, so the catalog shows who may pause.
        const { owners, runnerClasses } = fleetConfig;
        const owner = owners.defaultOwner;
        const ownersByClass = Object.fromEntries(
          runnerClasses.map(c => [c.name, owners.ownerOf(c.name)]),
        );
        const contracts = {
          targets: caches.targets,
          staleEndpoints: caches.probe.staleEndpoints,
          health,
        };
        const fleetProvider = new FleetEntityProvider({
          fleet,
          owner,
          ownersByClass,
          logger,
          cachesByClass: caches.cachesByRunnerClass(fleetConfig),
          contracts,
        });
        const cacheProvider = new CacheEntityProvider({
          hub: health,
          targets: caches.targets,
          staleEndpoints: caches.staleCacheEndpoints(),
          owner,
          logger,
        });
        catalog.addEntityProvider(fleetProvider, cacheProvider);
        // the hubs outlive the plugin (root-scoped), and a pending retry must not fire after shutdown
        lifecycle.addShutdownHook(() => {
          fleetProvider.disconnect();
          cacheProvider.disconnect();
        });
        // Components with github.com/project-slug get runner classes, scorecard, tranche and stage.
        catalog.addProcessor(new AdoptionProcessor(adoption));
        refreshCatalogOnAdoptionChange({
          hub: adoption,
          catalog: catalogService,
          auth,
          logger,
        });
      },
    });
  },
});
