import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of ARC runner scale sets in the permission framework. Resource refs are
 * `cluster/namespace/name` (see {@link scaleSetResourceRef}).
 *
 * @public
 */
export const SCALE_SET_RESOURCE_TYPE = 'gloriousflywheel-scale-set';

/**
 * Pause a runner scale set (minRunners = maxRunners = 0; running jobs keep running).
 *
 * @public
 */
export const scaleSetPausePermission = createPermission({
  name: 'gloriousflywheel.scaleset.pause',
  attributes: { action: 'update' },
  resourceType: SCALE_SET_RESOURCE_TYPE,
});

/**
 * Resume a paused runner scale set (restores the prior minRunners / maxRunners).
 *
 * @public
 */
export const scaleSetResumePermission = createPermission({
  name: 'gloriousflywheel.scaleset.resume',
  attributes: { action: 'update' },
  resourceType: SCALE_SET_RESOURCE_TYPE,
});

/**
 * Read the control audit log (`GET /audit`, `GET /audit/verify`).
 *
 * @public
 */
export const auditReadPermission = createPermission({
  name: 'gloriousflywheel.audit.read',
  attributes: { action: 'read' },
});

/**
 * Trigger an adoption scan of the configured GitHub organisations.
 *
 * @public
 */
export const adoptionScanPermission = createPermission({
  name: 'gloriousflywheel.adoption.scan',
  attributes: {},
});

/**
 * Read jobs of repositories and their diagnoses (`GET /queue/repos/...`, `GET /queue/jobs/...`,
 * the `diagnose-job` action).
 *
 * @public
 */
export const queueReadPermission = createPermission({
  name: 'gloriousflywheel.queue.read',
  attributes: { action: 'read' },
});

/**
 * Every permission the GloriousFlywheel plugins define.
 *
 * @public
 */
export const gloriousflywheelPermissions = [
  scaleSetPausePermission,
  scaleSetResumePermission,
  auditReadPermission,
  adoptionScanPermission,
  queueReadPermission,
];

/**
 * The permission resource ref of a scale set: `cluster/namespace/name` (none of the parts may
 * contain a slash: cluster names are DNS labels, the others Kubernetes names).
 *
 * @public
 */
export function scaleSetResourceRef(s: {
  cluster: string;
  namespace: string;
  name: string;
}): string {
  return `${s.cluster}/${s.namespace}/${s.name}`;
}

/**
 * Parses a scale-set resource ref; undefined when it does not have exactly three non-empty parts.
 *
 * @public
 */
export function parseScaleSetResourceRef(
  ref: string,
): { cluster: string; namespace: string; name: string } | undefined {
  const parts = ref.split('/');
  if (parts.length !== 3 || parts.some(p => !p)) return undefined;
  const [cluster, namespace, name] = parts;
  return { cluster, namespace, name };
}
