import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { GloriousFlywheelClient, gloriousFlywheelApiRef } from './api';
import {
  auditLogRouteRef,
  cachesRouteRef,
  rootRouteRef,
  runnerClassesRouteRef,
  stuckJobRouteRef,
  tranchesRouteRef,
} from './routes';

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
  routes: {
    root: rootRouteRef,
    runnerClasses: runnerClassesRouteRef,
    caches: cachesRouteRef,
    auditLog: auditLogRouteRef,
    tranches: tranchesRouteRef,
    stuckJob: stuckJobRouteRef,
  },
});

/** @public */
export const GloriousFlywheelPage: () => JSX.Element =
  gloriousflywheelPlugin.provide(
    createRoutableExtension({
      name: 'GloriousFlywheelPage',
      component: () =>
        import('./components/OverviewPage').then(m => m.OverviewPage),
      mountPoint: rootRouteRef,
    }),
  );

/** @public */
export const RunnerClassesPage: () => JSX.Element =
  gloriousflywheelPlugin.provide(
    createRoutableExtension({
      name: 'RunnerClassesPage',
      component: () =>
        import('./components/RunnerClassesPage').then(m => m.RunnerClassesPage),
      mountPoint: runnerClassesRouteRef,
    }),
  );

/** @public */
export const CachesPage: () => JSX.Element = gloriousflywheelPlugin.provide(
  createRoutableExtension({
    name: 'CachesPage',
    component: () => import('./components/CachesPage').then(m => m.CachesPage),
    mountPoint: cachesRouteRef,
  }),
);

/** @public */
export const AuditLogPage: () => JSX.Element = gloriousflywheelPlugin.provide(
  createRoutableExtension({
    name: 'AuditLogPage',
    component: () =>
      import('./components/AuditLogPage').then(m => m.AuditLogPage),
    mountPoint: auditLogRouteRef,
  }),
);

/** @public */
export const TranchesPage: () => JSX.Element = gloriousflywheelPlugin.provide(
  createRoutableExtension({
    name: 'TranchesPage',
    component: () =>
      import('./components/TranchesPage').then(m => m.TranchesPage),
    mountPoint: tranchesRouteRef,
  }),
);

/** "Why is my job stuck?": a job URL (or repository and job) → the diagnosis. @public */
export const StuckJobPage: () => JSX.Element = gloriousflywheelPlugin.provide(
  createRoutableExtension({
    name: 'StuckJobPage',
    component: () => import('./components/Queue').then(m => m.StuckJobPage),
    mountPoint: stuckJobRouteRef,
  }),
);

/** Entity tab for Components with a GitHub project slug (use with `isRepoAdoptionAvailable`). @public */
export const EntityRepoAdoptionContent: () => JSX.Element | null =
  gloriousflywheelPlugin.provide(
    createComponentExtension({
      name: 'EntityRepoAdoptionContent',
      component: {
        lazy: () =>
          import('./components/RepoAdoptionContent').then(
            m => m.RepoAdoptionContent,
          ),
      },
    }),
  );

/** Entity card with the adoption summary. @public */
export const EntityRepoAdoptionCard: () => JSX.Element | null =
  gloriousflywheelPlugin.provide(
    createComponentExtension({
      name: 'EntityRepoAdoptionCard',
      component: {
        lazy: () =>
          import('./components/RepoAdoptionContent').then(
            m => m.RepoAdoptionCard,
          ),
      },
    }),
  );

/** Entity tab for runner-class, runner-scale-set and build-cache Resources (use with `isGloriousFlywheelContentAvailable`). @public */
export const EntityGloriousFlywheelContent: () => JSX.Element | null =
  gloriousflywheelPlugin.provide(
    createComponentExtension({
      name: 'EntityGloriousFlywheelContent',
      component: {
        lazy: () =>
          import('./components/EntityContent').then(
            m => m.GloriousFlywheelEntityContent,
          ),
      },
    }),
  );

/**
 * @public
 * @deprecated Use {@link EntityGloriousFlywheelContent}: the tab also serves build caches.
 */
export const EntityFleetContent: () => JSX.Element | null =
  EntityGloriousFlywheelContent;
