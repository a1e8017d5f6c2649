import {
  AuthorizeResult,
  PolicyDecision,
  isPermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  adoptionScanPermission,
  auditReadPermission,
  gloriousflywheelPermissions,
  queueReadPermission,
  scaleSetPausePermission,
  scaleSetResumePermission,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import {
  createScaleSetConditionalDecision,
  scaleSetConditions,
} from './scaleSetPermissionRules';

/**
 * Groups that make a user an admin or an operator in {@link GloriousflywheelSamplePolicy}.
 *
 * @public
 */
export interface GloriousflywheelSamplePolicyOptions {
  /** members may do everything (default `group:default/portal-admins`) */
  adminGroups?: string[];
  /**
   * members may pause/resume the scale sets of runner classes they own, read the audit log and
   * start adoption scans (default `group:default/platform-operators`)
   */
  operatorGroups?: string[];
}

const GF_PERMISSIONS = new Set(gloriousflywheelPermissions.map(p => p.name));
const lower = (refs: string[]) => refs.map(r => r.toLocaleLowerCase('en-US'));

/**
 * A sample policy with the product's roles, from the user's ownership entity refs (their direct
 * groups): admin (everything), operator (pause/resume only where the runner class is owned by the
 * user or one of their groups, audit log, adoption scans), viewer (everyone else: read only, jobs and
 * their diagnoses included).
 * Other plugins' permissions are allowed for signed-in users; anonymous callers get nothing.
 *
 * @public
 */
export class GloriousflywheelSamplePolicy implements PermissionPolicy {
  private readonly adminGroups: string[];
  private readonly operatorGroups: string[];

  constructor(options: GloriousflywheelSamplePolicyOptions = {}) {
    this.adminGroups = lower(
      options.adminGroups ?? ['group:default/portal-admins'],
    );
    this.operatorGroups = lower(
      options.operatorGroups ?? ['group:default/platform-operators'],
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) return { result: AuthorizeResult.DENY };
    const { permission } = request;
    if (!GF_PERMISSIONS.has(permission.name))
      return { result: AuthorizeResult.ALLOW };
    // every signed-in developer may ask why a job waits
    if (isPermission(permission, queueReadPermission))
      return { result: AuthorizeResult.ALLOW };

    const refs = [
      user.info.userEntityRef,
      ...(user.info.ownershipEntityRefs ?? []),
    ];
    const mine = new Set(lower(refs));
    if (this.adminGroups.some(g => mine.has(g)))
      return { result: AuthorizeResult.ALLOW };
    if (this.operatorGroups.some(g => mine.has(g))) {
      if (
        isPermission(permission, scaleSetPausePermission) ||
        isPermission(permission, scaleSetResumePermission)
      ) {
        return createScaleSetConditionalDecision(
          permission,
          scaleSetConditions.isOwnedByUser({ ownershipEntityRefs: refs }),
        );
      }
      if (
        isPermission(permission, auditReadPermission) ||
        isPermission(permission, adoptionScanPermission)
      ) {
        return { result: AuthorizeResult.ALLOW };
      }
    }
    return { result: AuthorizeResult.DENY };
  }
}
