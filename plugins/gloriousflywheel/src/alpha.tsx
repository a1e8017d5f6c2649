import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import DirectionsRunIcon from '@mui/icons-material/DirectionsRun';
import DnsIcon from '@mui/icons-material/Dns';
import StorageIcon from '@mui/icons-material/Storage';
import HistoryIcon from '@mui/icons-material/History';
import TimelineIcon from '@mui/icons-material/Timeline';
import HourglassIcon from '@mui/icons-material/HourglassBottom';
import { GloriousFlywheelClient, gloriousFlywheelApiRef } from './api';
import {
  auditLogRouteRef,
  cachesRouteRef,
  rootRouteRef,
  runnerClassesRouteRef,
  stuckJobRouteRef,
  tranchesRouteRef,
} from './routes';
import { isRepoAdoptionAvailable } from './components/RepoAdoptionContent/projectSlug';
import { isGloriousFlywheelContentAvailable } from './components/EntityContent/isGloriousFlywheelContentAvailable';
import { WithoutPageShell } from './components/PluginPage';

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
      import('./components/OverviewPage').then(m => (
        <WithoutPageShell>
          <m.OverviewPage />
        </WithoutPageShell>
      )),
  },
});

const runnerClassesPage = PageBlueprint.make({
  name: 'runner-classes',
  params: {
    path: '/gloriousflywheel/runner-classes',
    title: 'Runner classes',
    icon: <DnsIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(runnerClassesRouteRef),
    loader: () =>
      import('./components/RunnerClassesPage').then(m => (
        <WithoutPageShell>
          <m.RunnerClassesPage />
        </WithoutPageShell>
      )),
  },
});

const cachesPage = PageBlueprint.make({
  name: 'caches',
  params: {
    path: '/gloriousflywheel/caches',
    title: 'Build caches',
    icon: <StorageIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(cachesRouteRef),
    loader: () =>
      import('./components/CachesPage').then(m => (
        <WithoutPageShell>
          <m.CachesPage />
        </WithoutPageShell>
      )),
  },
});

const auditLogPage = PageBlueprint.make({
  name: 'audit-log',
  params: {
    path: '/gloriousflywheel/audit',
    title: 'Audit log',
    icon: <HistoryIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(auditLogRouteRef),
    loader: () =>
      import('./components/AuditLogPage').then(m => (
        <WithoutPageShell>
          <m.AuditLogPage />
        </WithoutPageShell>
      )),
  },
});

const tranchesPage = PageBlueprint.make({
  name: 'tranches',
  params: {
    path: '/gloriousflywheel/tranches',
    title: 'Tranches',
    icon: <TimelineIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(tranchesRouteRef),
    loader: () =>
      import('./components/TranchesPage').then(m => (
        <WithoutPageShell>
          <m.TranchesPage />
        </WithoutPageShell>
      )),
  },
});

const stuckJobPage = PageBlueprint.make({
  name: 'stuck-job',
  params: {
    path: '/gloriousflywheel/stuck-job',
    title: 'Why is my job stuck?',
    icon: <HourglassIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(stuckJobRouteRef),
    loader: () =>
      import('./components/Queue').then(m => (
        <WithoutPageShell>
          <m.StuckJobPage />
        </WithoutPageShell>
      )),
  },
});

const repoAdoptionContent = EntityContentBlueprint.make({
  name: 'repo-adoption',
  params: {
    path: '/runners',
    title: 'Runners & dogfood',
    filter: isRepoAdoptionAvailable,
    loader: () =>
      import('./components/RepoAdoptionContent').then(m => (
        <m.RepoAdoptionContent />
      )),
  },
});

const repoAdoptionCard = EntityCardBlueprint.make({
  name: 'repo-adoption',
  params: {
    filter: isRepoAdoptionAvailable,
    loader: () =>
      import('./components/RepoAdoptionContent').then(m => (
        <m.RepoAdoptionCard />
      )),
  },
});

const resourceEntityContent = EntityContentBlueprint.make({
  name: 'live-state',
  params: {
    path: '/gloriousflywheel',
    title: 'Live state',
    filter: isGloriousFlywheelContentAvailable,
    loader: () =>
      import('./components/EntityContent').then(m => (
        <m.GloriousFlywheelEntityContent />
      )),
  },
});

/**
 * GloriousFlywheel for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'gloriousflywheel',
  extensions: [
    gloriousFlywheelApi,
    overviewPage,
    runnerClassesPage,
    cachesPage,
    auditLogPage,
    tranchesPage,
    stuckJobPage,
    resourceEntityContent,
    repoAdoptionContent,
    repoAdoptionCard,
  ],
  routes: {
    root: convertLegacyRouteRef(rootRouteRef),
    runnerClasses: convertLegacyRouteRef(runnerClassesRouteRef),
    caches: convertLegacyRouteRef(cachesRouteRef),
    auditLog: convertLegacyRouteRef(auditLogRouteRef),
    tranches: convertLegacyRouteRef(tranchesRouteRef),
    stuckJob: convertLegacyRouteRef(stuckJobRouteRef),
  },
});
