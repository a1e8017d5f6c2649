import { createApiRef } from '@backstage/core-plugin-api';
import { HealthResponse } from '@internal/plugin-gloriousflywheel-common';

/**
 * Client for the GloriousFlywheel backend. Components go through this, never through fetch.
 *
 * @public
 */
export interface GloriousFlywheelApi {
  getHealth(): Promise<HealthResponse>;
}

/** @public */
export const gloriousFlywheelApiRef = createApiRef<GloriousFlywheelApi>({
  id: 'plugin.gloriousflywheel.client',
});
