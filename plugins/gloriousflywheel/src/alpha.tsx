import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import DirectionsRunIcon from '@mui/icons-material/DirectionsRun';
import { GloriousFlywheelClient, gloriousFlywheelApiRef } from './api';
import { rootRouteRef } from './routes';

const gloriousFlywheelApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: gloriousFlywheelApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new GloriousFlywheelClient(deps),
    }),
});

const overviewPage = PageBlueprint.make({
  params: {
    path: '/gloriousflywheel',
    title: 'GloriousFlywheel',
    icon: <DirectionsRunIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    loader: () =>
      import('./components/OverviewPage').then(m => <m.OverviewPage />),
  },
});

/**
 * GloriousFlywheel for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'gloriousflywheel',
  extensions: [gloriousFlywheelApi, overviewPage],
  routes: { root: convertLegacyRouteRef(rootRouteRef) },
});
