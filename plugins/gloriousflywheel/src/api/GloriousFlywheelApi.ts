import { createApiRef } from '@backstage/core-plugin-api';
import {
  CacheDetail,
  CacheHistory,
  CacheList,
  ClusterStatus,
  HealthResponse,
  RunnerClassList,
  RunnerClassSummary,
  ScaleSet,
  ScaleSetList,
} from '@internal/plugin-gloriousflywheel-common';

/** Filters for {@link GloriousFlywheelApi.getScaleSets}. @public */
export interface ScaleSetQuery {
  cluster?: string;
  namespace?: string;
  runnerClass?: string;
}

/** Response of `GET /fleet/classes/:name`. @public */
export interface RunnerClassDetail {
  item: RunnerClassSummary;
  scaleSets: ScaleSet[];
  clusters: ClusterStatus[];
}

/** Response of `GET /fleet/scale-sets/:cluster/:namespace/:name`. @public */
export interface ScaleSetDetail {
  item: ScaleSet;
  cluster?: ClusterStatus;
}

/**
 * Client for the GloriousFlywheel backend. Components go through this, never through fetch.
 *
 * @public
 */
export interface GloriousFlywheelApi {
  getHealth(): Promise<HealthResponse>;
  getRunnerClasses(): Promise<RunnerClassList>;
  getRunnerClass(name: string): Promise<RunnerClassDetail>;
  getScaleSets(query?: ScaleSetQuery): Promise<ScaleSetList>;
  getScaleSet(cluster: string, namespace: string, name: string): Promise<ScaleSetDetail>;
  getCaches(): Promise<CacheList>;
  getCache(name: string): Promise<CacheDetail>;
  /** Probes since `since` (ISO), oldest first, at most `limit`. */
  getCacheHistory(name: string, options?: { since?: string; limit?: number }): Promise<CacheHistory>;
}

/** @public */
export const gloriousFlywheelApiRef = createApiRef<GloriousFlywheelApi>({
  id: 'plugin.gloriousflywheel.client',
});
