import {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { Config } from '@backstage/config';
import { Knex } from 'knex';
import { gloriousflywheelPermissions } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AuditStore } from '../database/AuditStore';
import {
  FleetService,
  readClusterConfigs,
  readRunnerClassOwners,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { ScaleSetControl } from './ScaleSetControl';
import { ScaleSetControlService } from './ScaleSetControlService';
import { PauseRevertWatch } from './PauseRevertWatch';
import { ControlRouterOptions } from './controlRouter';
import { registerControlActions } from './controlActions';
import {
  scaleSetPermissionResourceRef,
  scaleSetPermissionRules,
} from './scaleSetPermissionRules';
import { createScaleSetResourceLoader } from './scaleSetResources';
import { AccessGate, readAccessConfig } from '../service/access';
import type { GloriousflywheelMetrics } from '../metrics';

export interface CreateControlOptions {
  config: Config;
  logger: LoggerService;
  knex: Knex;
  fleet: FleetService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  auditor: AuditorService;
  httpAuth: HttpAuthService;
  actionsRegistry: ActionsRegistryService;
  metrics?: GloriousflywheelMetrics;
}

/**
 * Wires control: permissions and rules into the registry, the access gate (also used for adoption
 * scans), the audit store, the one control path, and the actions; returns what the HTTP
 * sub-router needs.
 */
export function createControl(
  options: CreateControlOptions,
): ControlRouterOptions {
  const { config, fleet, permissionsRegistry } = options;
  const owners = readRunnerClassOwners(config);
  permissionsRegistry.addResourceType({
    resourceRef: scaleSetPermissionResourceRef,
    permissions: gloriousflywheelPermissions.filter(p => p.type === 'resource'),
    rules: Object.values(scaleSetPermissionRules),
    getResources: createScaleSetResourceLoader(fleet, owners),
  });
  permissionsRegistry.addPermissions(
    gloriousflywheelPermissions.filter(p => p.type === 'basic'),
  );

  const access = new AccessGate({
    config: readAccessConfig(
      config,
      fleet.runnerClasses.map(c => c.name),
    ),
    permissions: options.permissions,
    httpAuth: options.httpAuth,
    auditor: options.auditor,
  });
  const clusters = readClusterConfigs(config);
  const audit = new AuditStore(options.knex);
  const control = new ScaleSetControlService({
    control: new ScaleSetControl({
      clusters,
      runnerClasses: fleet.runnerClasses,
    }),
    audit,
    access,
    clusters,
    auditor: options.auditor,
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
    auditor: options.auditor,
    logger: options.logger.child({ source: 'pause-revert-watch' }),
  }).start();
  if (!access.controlStatus().enabled)
    options.logger.warn(access.controlStatus().message);
  return { control, audit, access, httpAuth: options.httpAuth };
}
