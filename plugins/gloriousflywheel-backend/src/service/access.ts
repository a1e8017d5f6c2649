import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import {
  AuditorService,
  AuditorServiceEvent,
  AuditorServiceEventSeverityLevel,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ControlStatus,
  UNCLASSIFIED_RUNNER_CLASS,
  gloriousflywheelPermissions,
  scaleSetPausePermission,
  scaleSetResumePermission,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { ControlDisabledError } from '../control/errors';
import { COLUMN_LIMITS } from './inputSchemas';

const PERMISSION_NAMES: readonly string[] = gloriousflywheelPermissions.map(
  p => p.name,
);
const CONTROL_PERMISSIONS: readonly string[] = [
  scaleSetPausePermission.name,
  scaleSetResumePermission.name,
];

/** What one service principal may do (`gloriousflywheel.servicePrincipals[]`). */
export interface ServicePrincipalGrant {
  /** `principal.subject` as Backstage forms it, e.g. `ci-bot` for a static token with that subject */
  subject: string;
  /** permission names, e.g. `gloriousflywheel.scaleset.pause` */
  allow: ReadonlySet<string>;
  /** pause/resume only scale sets of these runner classes (`unclassified` for none); undefined = any */
  runnerClasses?: ReadonlySet<string>;
}

/** The access settings, read once at start-up. */
export interface AccessConfig {
  /** `permission.enabled`: without the framework Backstage allows everything to everyone */
  permissionFrameworkEnabled: boolean;
  /** by subject */
  servicePrincipals: ReadonlyMap<string, ServicePrincipalGrant>;
}

/**
 * Reads `permission.enabled` and `gloriousflywheel.servicePrincipals`; a bad entry fails start-up
 * naming its key.
 */
export function readAccessConfig(
  config: Config,
  runnerClasses: readonly string[],
): AccessConfig {
  const knownClasses = [...runnerClasses, UNCLASSIFIED_RUNNER_CLASS];
  const servicePrincipals = new Map<string, ServicePrincipalGrant>();
  (
    config.getOptionalConfigArray('gloriousflywheel.servicePrincipals') ?? []
  ).forEach((c, i) => {
    const key = `gloriousflywheel.servicePrincipals[${i}]`;
    const subject = c.getString('subject');
    if (!/^\S+$/.test(subject) || subject.length > COLUMN_LIMITS.actor) {
      throw new Error(
        `${key}.subject "${subject}" must be a subject without spaces, at most ${COLUMN_LIMITS.actor} characters`,
      );
    }
    if (servicePrincipals.has(subject))
      throw new Error(`${key}.subject "${subject}" is configured twice`);
    const allow = c.getStringArray('allow');
    const unknown = allow.filter(p => !PERMISSION_NAMES.includes(p));
    if (!allow.length || unknown.length) {
      throw new Error(
        `${key}.allow must list permissions of ${PERMISSION_NAMES.join(', ')}${
          unknown.length ? `; unknown: ${unknown.join(', ')}` : ''
        }`,
      );
    }
    const classes = c.getOptionalStringArray('runnerClasses');
    const unknownClasses =
      classes?.filter(x => !knownClasses.includes(x)) ?? [];
    if (classes && (!classes.length || unknownClasses.length)) {
      throw new Error(
        `${key}.runnerClasses must list runner classes of ${knownClasses.join(
          ', ',
        )}${
          unknownClasses.length ? `; unknown: ${unknownClasses.join(', ')}` : ''
        }`,
      );
    }
    servicePrincipals.set(subject, {
      subject,
      allow: new Set(allow),
      runnerClasses: classes && new Set(classes),
    });
  });
  return {
    permissionFrameworkEnabled:
      config.getOptionalBoolean('permission.enabled') === true,
    servicePrincipals,
  };
}

/**
 * The caller as the audit log names it: user entity ref or service subject, made to fit the
 * `actor` column (a longer subject keeps its start and a hash of the whole).
 */
export function actorOf(credentials: BackstageCredentials): string {
  const p = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  let actor = 'anonymous';
  if (p.type === 'user') actor = p.userEntityRef!;
  else if (p.type === 'service') actor = p.subject ?? 'service';
  actor = actor.replace(/\p{Cc}/gu, '\uFFFD');
  if (actor.length <= COLUMN_LIMITS.actor) return actor;
  const hash = createHash('sha256').update(actor).digest('hex').slice(0, 16);
  return `${actor.slice(0, COLUMN_LIMITS.actor - hash.length - 1)}…${hash}`;
}

/** One authorization question. */
export interface AccessCheck {
  credentials: BackstageCredentials;
  /** a GloriousFlywheel permission */
  permission: BasicPermission | ResourcePermission;
  /** what is attempted, for the message: e.g. `pause scale set honey/arc-runners/x` */
  attempt: string;
  /** for the scale-set permissions: the resource ref and the runner class the fleet knows (undefined = not listed) */
  scaleSet?: { resourceRef: string; runnerClass: string | null | undefined };
}

/** An HTTP route's authorization, recorded as an auditor event either way. */
export interface AuditedAccessCheck {
  permission: BasicPermission;
  attempt: string;
  eventId: string;
  severityLevel?: AuditorServiceEventSeverityLevel;
  meta?: Record<string, string | number | boolean>;
}

/** Whether an error is the gate's refusal (audited as `denied`), not a failure. */
export function isAccessRefusal(
  e: unknown,
): e is NotAllowedError | ControlDisabledError {
  return e instanceof NotAllowedError || e instanceof ControlDisabledError;
}

/**
 * The one decision on guarded operations (pause/resume, audit reads, adoption scans), for the REST
 * routes and the actions alike:
 * - pause/resume are refused to everyone while the permission framework is off;
 * - users are decided by the permission policy;
 * - service principals get nothing unless `gloriousflywheel.servicePrincipals` names their subject
 *   and the permission (and, for pause/resume, the runner class); Backstage's own access
 *   restrictions of their token apply on top;
 * - anyone else is refused.
 */
export class AccessGate {
  constructor(
    private readonly options: {
      config: AccessConfig;
      permissions: PermissionsService;
      httpAuth: HttpAuthService;
      auditor: AuditorService;
    },
  ) {}

  /** What GET /health says about pause/resume. */
  controlStatus(): ControlStatus {
    const { permissionFrameworkEnabled, servicePrincipals } =
      this.options.config;
    if (!permissionFrameworkEnabled) {
      return {
        enabled: false,
        message:
          'Pause and resume are disabled: the permission framework is off (set permission.enabled: true and a permission policy); ' +
          'without it Backstage would allow them to every signed-in user.',
      };
    }
    // a count, not the subjects: any signed-in user reads /health
    const services = [...servicePrincipals.values()].filter(g =>
      CONTROL_PERMISSIONS.some(p => g.allow.has(p)),
    ).length;
    const forServices = services
      ? ` and by gloriousflywheel.servicePrincipals for ${services} service principal${
          services === 1 ? '' : 's'
        }.`
      : '; no service principal may use them (gloriousflywheel.servicePrincipals).';
    return {
      enabled: true,
      message: `Pause and resume are decided by the permission policy for users${forServices}`,
    };
  }

  /** Throws NotAllowedError (403) or ControlDisabledError (503) unless the check passes. */
  async authorize(check: AccessCheck): Promise<void> {
    const { credentials, permission, scaleSet } = check;
    const { config, permissions } = this.options;
    const actor = actorOf(credentials);
    const deny = (why?: string) =>
      new NotAllowedError(
        `${actor} may not ${check.attempt}${why ? `: ${why}` : ''}`,
      );

    if (
      CONTROL_PERMISSIONS.includes(permission.name) &&
      !config.permissionFrameworkEnabled
    ) {
      throw new ControlDisabledError(
        `pause and resume are disabled because the permission framework is off; set permission.enabled: true (with a permission policy)`,
      );
    }
    const principal = credentials.principal as {
      type: string;
      subject?: string;
    };
    if (principal.type === 'service') {
      const grant = config.servicePrincipals.get(principal.subject ?? '');
      if (!grant)
        throw deny(
          'this service principal is not listed in gloriousflywheel.servicePrincipals',
        );
      if (!grant.allow.has(permission.name)) {
        throw deny(
          `gloriousflywheel.servicePrincipals does not allow it ${permission.name}`,
        );
      }
      if (scaleSet && grant.runnerClasses) {
        const runnerClass = scaleSet.runnerClass;
        if (runnerClass === undefined)
          throw deny(
            'its runner class is not known (the fleet does not list this scale set)',
          );
        if (
          !grant.runnerClasses.has(runnerClass ?? UNCLASSIFIED_RUNNER_CLASS)
        ) {
          throw deny(
            `gloriousflywheel.servicePrincipals allows it runner classes ${[
              ...grant.runnerClasses,
            ].join(', ')} only`,
          );
        }
      }
    } else if (principal.type !== 'user') {
      throw deny();
    }
    // users: the permission policy; service principals: their token's access restrictions, if any
    const [decision] = await permissions.authorize(
      [
        scaleSet && permission.type === 'resource'
          ? { permission, resourceRef: scaleSet.resourceRef }
          : { permission: permission as BasicPermission },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) throw deny();
  }

  /**
   * Authorizes an HTTP request and records an auditor event naming the caller, also when refused;
   * the route completes the returned event.
   */
  async authorizeRequest(
    req: Request,
    check: AuditedAccessCheck,
  ): Promise<AuditorServiceEvent> {
    const credentials = await this.options.httpAuth.credentials(req);
    const event = await this.options.auditor.createEvent({
      eventId: check.eventId,
      severityLevel: check.severityLevel,
      request: req,
      meta: {
        ...check.meta,
        actor: actorOf(credentials),
        permission: check.permission.name,
      },
    });
    try {
      await this.authorize({
        credentials,
        permission: check.permission,
        attempt: check.attempt,
      });
    } catch (e) {
      await event.fail({
        error: e as Error,
        meta: { outcome: isAccessRefusal(e) ? 'denied' : 'failed' },
      });
      throw e;
    }
    return event;
  }
}

/**
 * Completes an auditor event with the route's answer (its status code), however the route ends:
 * for routes whose outcome is the response itself.
 */
export function completeOnResponse(event: AuditorServiceEvent, res: Response) {
  let done = false;
  const complete = () => {
    if (done) return;
    done = true;
    const status = res.writableFinished ? res.statusCode : 0;
    const meta = { status };
    const result =
      status >= 200 && status < 400
        ? event.success({ meta })
        : event.fail({
            error: new Error(
              status
                ? `answered ${status}`
                : 'connection closed before the answer',
            ),
            meta,
          });
    result.catch(() => {});
  };
  res.once('finish', complete);
  res.once('close', complete);
}
