import { Entity } from '@backstage/catalog-model';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { CATALOG_LOCATIONS } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  FleetReader,
  RunnerClassContractSources,
  runnerClassContracts,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { fleetEntities } from './fleetEntities';
import { EntityDeltaEmitter } from './EntityDeltaEmitter';

/**
 * Emits runner classes and scale sets as catalog Resources: one full mutation once the clusters
 * have synced (so a restart does not briefly orphan entities), then delta mutations carrying only
 * the entities that changed.
 */
export class FleetEntityProvider implements EntityProvider {
  private emitter?: EntityDeltaEmitter;
  private unsubscribe?: () => void;

  constructor(
    private readonly options: {
      fleet: FleetReader;
      owner: string;
      ownersByClass?: Record<string, string>;
      logger: LoggerService;
      cachesByClass?: Record<string, string[]>;
      /** configured caches and their probes, for the contract summary annotations */
      contracts?: RunnerClassContractSources;
    },
  ) {}

  getProviderName(): string {
    return 'gloriousflywheel-fleet';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.emitter = new EntityDeltaEmitter({
      connection,
      locationKey: CATALOG_LOCATIONS.fleet,
      name: 'fleet',
      logger: this.options.logger,
      read: ({ first }) => this.entities(first),
    });
    const refresh = () => {
      // A failure was logged by the emitter, which retries on its own.
      this.refresh().catch(() => undefined);
    };
    const stopFleet = this.options.fleet.onChange(refresh);
    // a cache going down changes the contracts' verdicts
    const stopHealth = this.options.contracts?.health.onChange(refresh);
    this.unsubscribe = () => {
      stopFleet();
      stopHealth?.();
    };
    // A failed first mutation must not fail the catalog's start: it was logged and is retried.
    await this.refresh().catch(() => undefined);
  }

  /** Stops following changes and cancels a pending retry; the module calls it on shutdown. */
  disconnect() {
    this.unsubscribe?.();
    this.emitter?.stop();
  }

  /** Applies what changed since the last applied mutation. Exposed for tests. */
  refresh(): Promise<void> {
    return this.emitter?.refresh() ?? Promise.resolve();
  }

  private entities(first: boolean): Entity[] | undefined {
    const { fleet } = this.options;
    // Until every cluster has answered once, scale sets are unknown, not absent.
    if (first && fleet.clusters().some(c => c.state === 'syncing'))
      return undefined;
    return fleetEntities({
      owner: this.options.owner,
      ownersByClass: this.options.ownersByClass,
      runnerClasses: fleet.runnerClasses,
      scaleSets: fleet.scaleSets(),
      cachesByClass: this.options.cachesByClass,
      contracts:
        this.options.contracts &&
        runnerClassContracts(fleet, this.options.contracts),
    });
  }
}
