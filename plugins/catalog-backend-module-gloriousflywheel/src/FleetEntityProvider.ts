import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import {
  FleetService,
  RunnerClassContractSources,
  runnerClassContracts,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { FLEET_LOCATION, fleetEntities } from './fleetEntities';

const withLocation = (entity: Entity) => ({
  entity,
  locationKey: FLEET_LOCATION,
});

/**
 * Emits runner classes and scale sets as catalog Resources: one full mutation once the clusters
 * have synced (so a restart does not briefly orphan entities), then delta mutations carrying only
 * the entities that changed.
 */
export class FleetEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private emitted = new Map<string, string>();
  private fullDone = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly options: {
      fleet: FleetService;
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
    this.connection = connection;
    const refresh = () => {
      this.refresh().catch(e =>
        this.options.logger.error(`fleet entity refresh failed: ${e}`),
      );
    };
    const stopFleet = this.options.fleet.onChange(refresh);
    // a cache going down changes the contracts' verdicts
    const stopHealth = this.options.contracts?.health.onChange(refresh);
    this.unsubscribe = () => {
      stopFleet();
      stopHealth?.();
    };
    await this.refresh();
  }

  disconnect() {
    this.unsubscribe?.();
  }

  /** Applies what changed since the last call. Exposed for tests. */
  async refresh(): Promise<void> {
    if (!this.connection) return;
    const { fleet } = this.options;
    // Until every cluster has answered once, scale sets are unknown, not absent.
    if (!this.fullDone && fleet.clusters().some(c => c.state === 'syncing'))
      return;
    const entities = fleetEntities({
      owner: this.options.owner,
      ownersByClass: this.options.ownersByClass,
      runnerClasses: fleet.runnerClasses,
      scaleSets: fleet.scaleSets(),
      cachesByClass: this.options.cachesByClass,
      contracts:
        this.options.contracts &&
        runnerClassContracts(fleet, this.options.contracts),
    });
    const next = new Map(
      entities.map(e => [stringifyEntityRef(e), JSON.stringify(e)] as const),
    );
    if (!this.fullDone) {
      await this.connection.applyMutation({
        type: 'full',
        entities: entities.map(withLocation),
      });
      this.fullDone = true;
      this.emitted = next;
      this.options.logger.info(
        `fleet: emitted ${entities.length} catalog entities (full)`,
      );
      return;
    }
    const added = entities.filter(
      e => this.emitted.get(stringifyEntityRef(e)) !== JSON.stringify(e),
    );
    const removed = [...this.emitted.keys()].filter(ref => !next.has(ref));
    if (!added.length && !removed.length) return;
    await this.connection.applyMutation({
      type: 'delta',
      added: added.map(withLocation),
      removed: removed.map(entityRef => ({
        entityRef,
        locationKey: FLEET_LOCATION,
      })),
    });
    this.emitted = next;
    this.options.logger.info(
      `fleet: catalog delta +${added.length} -${removed.length}`,
    );
  }
}
