import { createRouteRef } from '@backstage/core-plugin-api';

/** @public */
export const rootRouteRef = createRouteRef({ id: 'gloriousflywheel' });

/** @public */
export const runnerClassesRouteRef = createRouteRef({
  id: 'gloriousflywheel:runner-classes',
});

/** @public */
export const cachesRouteRef = createRouteRef({ id: 'gloriousflywheel:caches' });

/** @public */
export const auditLogRouteRef = createRouteRef({
  id: 'gloriousflywheel:audit-log',
});

/** @public */
export const tranchesRouteRef = createRouteRef({
  id: 'gloriousflywheel:tranches',
});

/** "Why is my job stuck?" @public */
export const stuckJobRouteRef = createRouteRef({
  id: 'gloriousflywheel:stuck-job',
});
