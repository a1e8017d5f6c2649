import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { packageVersion } from './packageFiles';
import { createRouter } from './service/router';
import { SourceStatusBoard } from './service/sourceStatus';
import { describeConfiguredSources } from './service/configuredSources';
import {
  fleetServiceRef,
  readCacheProbeSchedule,
  readCacheProbeSettings,
  readCacheTargets,
  cacheHealthHubServiceRef,
  adoptionHubServiceRef,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { CacheHealthService } from './caches/CacheHealthService';
import { CacheProbeTask } from './caches/CacheProbeTask';
import { CacheProbeStore } from './database/CacheProbeStore';
import { migrateDatabase } from './database/migrateDatabase';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { createControl } from './control/createControl';
import { createAdoption } from './adoption/createAdoption';
import { createQueue, queueFleetOf } from './queue/createQueue';
import { registerQueueActions } from './queue/queueActions';
import { GloriousflywheelMetrics } from './metrics';

/**
 * The GloriousFlywheel backend plugin: wiring only.
 *
 * @public
 */
export const gloriousflywheelPlugin = createBackendPlugin({
  pluginId: 'gloriousflywheel',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        fleet: fleetServiceRef,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        cacheHealthHub: cacheHealthHubServiceRef,
        adoptionHub: adoptionHubServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        httpAuth: coreServices.httpAuth,
        actionsRegistry: actionsRegistryServiceRef,
        metricsService: metricsServiceRef,
      },
      async init({
        config,
        logger,
        httpRouter,
        fleet,
        database,
        scheduler,
        cacheHealthHub,
        adoptionHub,
        metricsService,
        ...control
      }) {
        const metrics = new GloriousflywheelMetrics(metricsService, fleet);
        const sources = new SourceStatusBoard(
          describeConfiguredSources(config),
        );
        sources.register('fleet', () => fleet.sourceStatus());

        const knex = await migrateDatabase(database);
        const cacheTargets = readCacheTargets(config);
        const cacheSettings = readCacheProbeSettings(config);
        const { schedule, retentionDays } = readCacheProbeSchedule(config);
        const cacheStore = new CacheProbeStore(knex);
        const cacheProbes = new CacheProbeTask({
          targets: cacheTargets,
          settings: cacheSettings,
          retentionDays,
          store: cacheStore,
          hub: cacheHealthHub,
          logger: logger.child({ source: 'caches' }),
          metrics,
        });
        // Results stored before a restart are the latest known state until the first probe.
        await cacheProbes.sync();
        if (cacheTargets.length)
          await cacheProbes.schedule(scheduler, schedule);
        const caches = new CacheHealthService({
          targets: cacheTargets,
          staleEndpoints: cacheSettings.staleEndpoints,
          store: cacheStore,
          hub: cacheHealthHub,
        });
        sources.register('caches', () => caches.sourceStatus());

        const adoption = await createAdoption({
          config,
          logger,
          knex,
          scheduler,
          httpRouter,
          hub: adoptionHub,
          metrics,
        });
        sources.register('adoption', () => adoption.service.sourceStatus());

        const queue = await createQueue({
          config,
          logger,
          knex,
          scheduler,
          fleet: queueFleetOf(fleet),
          caches: async () => (await caches.list()).items,
          github: adoption.github,
          extraHosted: adoption.hostedLabels,
        });
        metrics.observeQueue(() => queue.service.stats());

        const controlRoutes = createControl({
          config,
          logger,
          knex,
          fleet,
          metrics,
          ...control,
        });
        registerQueueActions({
          actionsRegistry: control.actionsRegistry,
          access: controlRoutes.access,
          queue: queue.service,
          reconciler: queue.reconciler,
        });
        httpRouter.use(
          await createRouter({
            version: packageVersion(),
            sources,
            fleet,
            caches,
            control: controlRoutes,
            adoption: { ...adoption.router, queue: queue.service },
            queue: { queue: queue.service, reconciler: queue.reconciler },
          }),
        );
        logger.info(
          `GloriousFlywheel backend started: ${
            fleet.clusters().length
          } cluster(s), ${fleet.runnerClasses.length} runner classes, ${
            cacheTargets.length
          } cache(s)`,
        );
      },
    });
  },
});
