import {
  AuditorService,
  LoggerService,
  PermissionsRegistryService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { Knex } from 'knex';
import { gloriousflywheelPermissions } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AuditLog, AuditStore } from '../database/AuditStore';
import {
  ClusterConfig,
  FleetReader,
  RunnerClassOwners,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { ScaleSetControl } from './ScaleSetControl';
import { ScaleSetControlService } from './ScaleSetControlService';
import { PauseRevertWatch } from './PauseRevertWatch';
import { registerControlActions } from './controlActions';
import {
  scaleSetPermissionResourceRef,
  scaleSetPermissionRules,
} from './scaleSetPermissionRules';
import { createScaleSetResourceLoader } from './scaleSetResources';
import { AccessGate } from '../service/access';
import type { GloriousflywheelMetrics } from '../metrics';

/**
 * Registers the plugin's permissions, and the scale-set resource type with its rules and loader
 * (owners as the catalog shows them), with the permission framework.
 */
export function registerPermissions(options: {
  permissionsRegistry: PermissionsRegistryService;
  fleet: FleetReader;
  owners: RunnerClassOwners;
}) {
  const { permissionsRegistry, fleet, owners } = options;
  permissionsRegistry.addResourceType({
    resourceRef: scaleSetPermissionResourceRef,
    permissions: gloriousflywheelPermissions.filter(p => p.type === 'resource'),
    rules: Object.values(scaleSetPermissionRules),
    getResources: createScaleSetResourceLoader(fleet, owners),
  });
  permissionsRegistry.addPermissions(
    gloriousflywheelPermissions.filter(p => p.type === 'basic'),
  );
}

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
