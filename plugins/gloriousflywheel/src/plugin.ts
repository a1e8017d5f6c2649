import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { GloriousFlywheelClient, gloriousFlywheelApiRef } from './api';
import { rootRouteRef } from './routes';

/**
 * Legacy (core-plugin-api) plugin, for apps on the old frontend system.
 *
 * @public
 */
export const gloriousflywheelPlugin = createPlugin({
  id: 'gloriousflywheel',
  apis: [
    createApiFactory({
      api: gloriousFlywheelApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GloriousFlywheelClient(deps),
    }),
  ],
  routes: { root: rootRouteRef },
});

/** @public */
export const GloriousFlywheelPage = gloriousflywheelPlugin.provide(
  createRoutableExtension({
    name: 'GloriousFlywheelPage',
    component: () => import('./components/OverviewPage').then(m => m.OverviewPage),
    mountPoint: rootRouteRef,
  }),
);
