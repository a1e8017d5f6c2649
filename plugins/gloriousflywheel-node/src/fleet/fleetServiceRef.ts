import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { FleetService } from './FleetService';
import type { FleetReader } from './FleetReader';
import { FleetConfig } from './FleetConfig';

/**
 * The fleet informers, one per backend process: root-scoped so that the plugin's API and the
 * catalog module read the same in-memory copy instead of watching the clusters twice. Readers get
 * {@link FleetReader}; the factory starts the informers and stops them on shutdown.
 *
 * @public
 */
export const fleetServiceRef = createServiceRef<FleetReader>({
  id: 'gloriousflywheel.fleet',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
        lifecycle: coreServices.rootLifecycle,
      },
      factory({ config, logger, lifecycle }) {
        const { clusters, runnerClasses } = FleetConfig.fromConfig(config);
        const fleet = new FleetService({
          clusters,
          runnerClasses,
          logger: logger.child({ plugin: 'gloriousflywheel', source: 'fleet' }),
        });
        fleet.start();
        lifecycle.addShutdownHook(() => fleet.stop());
        return fleet;
      },
    }),
});
