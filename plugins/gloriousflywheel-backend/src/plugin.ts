import fs from 'node:fs';
import {
  coreServices,
  createBackendPlugin,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { createRouter } from './service/router';
import { SourceStatusBoard } from './service/sourceStatus';
import { describeConfiguredSources } from './service/configuredSources';

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
      },
      async init({ config, logger, httpRouter }) {
        const sources = new SourceStatusBoard(describeConfiguredSources(config));
        httpRouter.use(await createRouter({ version: packageVersion(), sources }));
        logger.info('GloriousFlywheel backend started');
      },
    });
  },
});
