import fs from 'node:fs';
import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { createRouter } from './service/router';
import { SourceStatusBoard } from './service/sourceStatus';
import { describeConfiguredSources } from './service/configuredSources';
import { fleetServiceRef } from './fleet/fleetServiceRef';

function packageVersion(): string {
  const file = resolvePackagePath('@internal/plugin-gloriousflywheel-backend', 'package.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')).version;
}

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
      },
      async init({ config, logger, httpRouter, fleet }) {
        const sources = new SourceStatusBoard(describeConfiguredSources(config));
        sources.register('fleet', () => fleet.sourceStatus());
        httpRouter.use(await createRouter({ version: packageVersion(), sources, fleet }));
        logger.info(
          `GloriousFlywheel backend started: ${fleet.clusters().length} cluster(s), ${fleet.runnerClasses.length} runner classes`,
        );
      },
    });
  },
});

