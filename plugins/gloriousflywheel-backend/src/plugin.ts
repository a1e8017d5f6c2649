import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { packageVersion } from './packageFiles';
import { createRouter } from './service/router';
import { SourceStatusBoard } from './service/sourceStatus';
import { describeConfiguredSources } from './service/configuredSources';
import { AccessGate, readAccessConfig } from './service/access';
import {
  CacheConfig,
  FleetConfig,
  fleetServiceRef,
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
import { registerPermissions } from './service/permissions';
import { readAdoptionConfig } from './adoption/AdoptionConfig';
import { createAdoption } from './adoption/createAdoption';
import { GitHubAccess } from './adoption/GitHubClient';
import { readQueueConfig } from './queue/queueConfig';
import { createQueue, queueFleetOf } from './queue/createQueue';
import { registerQueueActions } from './queue/queueActions';
import { GloriousflywheelMetrics } from './metrics';
import type { WebhookVerifier } from './adoption/webhookSignature';

/**
 * The plugin's wiring. `verifyWebhook` replaces GitHub's own signature check only where
 * `@octokit/webhooks` cannot load (jest; see webhookSignature.ts).
 */
export function createGloriousflywheelPlugin(
  options: { verifyWebhook?: WebhookVerifier } = {},
) {
  return createBackendPlugin({
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
          permissions,
          permissionsRegistry,
          auditor,
          httpAuth,
          actionsRegistry,
          metricsService,
        }) {
          // Each source's config is read and validated once, before anything starts.
          const fleetConfig = FleetConfig.fromConfig(config);
          const cacheConfig = CacheConfig.fromConfig(config);
          const adoptionConfig = readAdoptionConfig(config, fleetConfig);
          const queueConfig = readQueueConfig(config);
          // One gate for pause/resume, audit reads, adoption scans and queue reads.
          const access = new AccessGate({
            config: readAccessConfig(
              config,
              fleetConfig.runnerClasses.map(c => c.name),
            ),
            permissions,
            httpAuth,
            auditor,
          });
          // GitHub access of the adoption scan, also used by queue reconciliation
          const github = adoptionConfig.orgs.length
            ? GitHubAccess.fromConfig(
                config,
                adoptionConfig.host,
                logger.child({ source: 'adoption' }),
              )
            : undefined;

          const metrics = new GloriousflywheelMetrics(metricsService, fleet);
          const sources = new SourceStatusBoard(
            describeConfiguredSources({
              clusters: fleetConfig.clusters.length,
              caches: cacheConfig.targets.length,
              orgs: adoptionConfig.orgs.length,
            }),
          );
          sources.register('fleet', () => fleet.sourceStatus());
          registerPermissions({
            permissionsRegistry,
            fleet,
            owners: fleetConfig.owners,
          });

          const knex = await migrateDatabase(database);
          const cacheStore = new CacheProbeStore(knex);
          const cacheProbes = new CacheProbeTask({
            targets: cacheConfig.targets,
            settings: cacheConfig.probe,
            retentionDays: cacheConfig.probeSchedule.retentionDays,
            store: cacheStore,
            hub: cacheHealthHub,
            logger: logger.child({ source: 'caches' }),
            metrics,
          });
          // Results stored before a restart are the latest known state until the first probe.
          await cacheProbes.sync();
          if (cacheConfig.targets.length)
            await cacheProbes.schedule(
              scheduler,
              cacheConfig.probeSchedule.schedule,
            );
          const caches = new CacheHealthService({
            targets: cacheConfig.targets,
            staleEndpoints: cacheConfig.probe.staleEndpoints,
            store: cacheStore,
            hub: cacheHealthHub,
          });
          sources.register('caches', () => caches.sourceStatus());

          const adoption = await createAdoption({
            config: adoptionConfig,
            github,
            logger,
            knex,
            scheduler,
            httpRouter,
            hub: adoptionHub,
            metrics,
          });
          sources.register('adoption', () => adoption.service.sourceStatus());

          const queue = await createQueue({
            config: queueConfig,
            logger,
            knex,
            scheduler,
            fleet: queueFleetOf(fleet),
            caches: async () => (await caches.list()).items,
            github,
            extraHosted: adoptionConfig.scorecard.hostedLabels,
          });
          metrics.observeQueue(() => queue.service.stats());

          const { control, audit } = createControl({
            fleet,
            clusters: fleetConfig.clusters,
            knex,
            access,
            auditor,
            actionsRegistry,
            logger,
            metrics,
          });
          registerQueueActions({
            actionsRegistry,
            access,
            queue: queue.service,
            reconciler: queue.reconciler,
          });
          httpRouter.use(
            await createRouter({
              version: packageVersion(),
              sources,
              fleet,
              caches,
              access,
              control: { control, audit, httpAuth },
              adoption: {
                ...adoption.router,
                verifyWebhook: options.verifyWebhook,
                queue: queue.service,
              },
              queue: { queue: queue.service, reconciler: queue.reconciler },
            }),
          );
          logger.info(
            `GloriousFlywheel backend started: ${fleetConfig.clusters.length} cluster(s), ${fleetConfig.runnerClasses.length} runner classes, ${cacheConfig.targets.length} cache(s)`,
          );
        },
      });
    },
  });
}

/**
 * The GloriousFlywheel backend plugin: wiring only.
 *
 * @public
 */
export const gloriousflywheelPlugin = createGloriousflywheelPlugin();
