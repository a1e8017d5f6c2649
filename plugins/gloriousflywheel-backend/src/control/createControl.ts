import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { Knex } from 'knex';
import { AuditLog, AuditStore } from '../database/AuditStore';
import {
  ClusterConfig,
  FleetReader,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { ScaleSetControl } from './ScaleSetControl';
import { ScaleSetControlService } from './ScaleSetControlService';
import { PauseRevertWatch } from './PauseRevertWatch';
import { registerControlActions } from './controlActions';
import { AccessGate } from '../service/access';
import type { GloriousflywheelMetrics } from '../metrics';

export interface CreateControlOptions {
  fleet: FleetReader;
  /** `gloriousflywheel.clusters`: where pause/resume write */
  clusters: ClusterConfig[];
  knex: Knex;
  /** decides pause/resume */
  access: AccessGate;
  auditor: AuditorService;
  actionsRegistry: ActionsRegistryService;
  logger: LoggerService;
  metrics?: GloriousflywheelMetrics;
}

/**
 * Wires control: the audit store, the one control path, its actions and the watch for pauses
 * undone outside the portal; returns the control service and the audit store.
 */
export function createControl(options: CreateControlOptions): {
  control: ScaleSetControlService;
  audit: AuditLog;
} {
  const { fleet, clusters, access, auditor } = options;
  const audit = new AuditStore(options.knex);
  const control = new ScaleSetControlService({
    control: new ScaleSetControl({
      clusters,
      runnerClasses: fleet.runnerClasses,
    }),
    audit,
    access,
    clusters,
    auditor,
    fleet,
    logger: options.logger.child({ source: 'control' }),
    metrics: options.metrics,
  });
  registerControlActions({
    actionsRegistry: options.actionsRegistry,
    control,
    fleet,
  });
  // portal pauses a GitOps sync or `tofu apply` undid: recorded once each, as the system actor
  new PauseRevertWatch({
    fleet,
    audit,
    auditor,
    logger: options.logger.child({ source: 'pause-revert-watch' }),
  }).start();
  if (!access.controlStatus().enabled)
    options.logger.warn(access.controlStatus().message);
  return { control, audit };
}
