import {
  evaluateRunnerClassContracts,
  RunnerClassContractReport,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type { CacheHealthReader } from '../caches/CacheHealthHub';
import type { CacheTarget } from '../caches/types';
import type { FleetReader } from './FleetReader';

/**
 * Where the contract's cache facts come from: the configured caches, the stale-endpoint patterns
 * and the latest probe result of each cache.
 *
 * @public
 */
export interface RunnerClassContractSources {
  targets: readonly CacheTarget[];
  staleEndpoints: readonly string[];
  health: CacheHealthReader;
}

/**
 * Every configured runner class's contract, checked against the fleet as the informers hold it
 * now (no Kubernetes or cache request is made).
 *
 * @public
 */
export function runnerClassContracts(
  fleet: FleetReader,
  sources: RunnerClassContractSources,
): RunnerClassContractReport[] {
  const latest = sources.health.latest();
  return evaluateRunnerClassContracts({
    classes: fleet.runnerClasses,
    // toScaleSet always reads the template and the version labels
    scaleSets: fleet
      .scaleSets()
      .map(s => ({ ...s, runner: s.runner!, arc: s.arc! })),
    caches: sources.targets.map(t => ({
      name: t.name,
      kind: t.kind,
      url: t.url,
      cache: t.cache,
      health: latest.get(t.name)?.status ?? 'unknown',
    })),
    staleEndpoints: sources.staleEndpoints,
  });
}
