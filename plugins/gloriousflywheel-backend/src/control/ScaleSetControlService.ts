import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import {
  AuditorService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  CONTROL_REASON_MAX_LENGTH,
  ControlAction,
  ControlResult,
  scaleSetPausePermission,
  scaleSetResourceRef,
  scaleSetResumePermission,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AuditCompletion, AuditLog } from '../database/AuditStore';
import { auditEventMeta } from '../audit/auditChain';
import {
  ClusterConfig,
  FleetReader,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { ScaleSetControl, ScaleSetTarget } from './ScaleSetControl';
import { AccessGate, actorOf, isAccessRefusal } from '../service/access';
import { checkScaleSetTarget } from './scaleSetScope';
import type { GloriousflywheelMetrics } from '../metrics';

export { actorOf };

/** One pause/resume request, from the REST API or an action. */
export interface ControlRequest {
  action: ControlAction;
  target: ScaleSetTarget;
  reason: unknown;
  credentials: BackstageCredentials;
  requestId?: string;
  /** the HTTP request, for the auditor event */
  request?: Request;
}

export interface ScaleSetControlServiceOptions {
  control: ScaleSetControl;
  audit: AuditLog;
  /** decides who may pause/resume (users: permission policy; services: config) */
  access: AccessGate;
  /** configured clusters: targets elsewhere are 404 before anything is recorded */
  clusters: readonly ClusterConfig[];
  auditor: AuditorService;
  fleet: FleetReader;
  logger: LoggerService;
  metrics?: GloriousflywheelMetrics;
}

/** Reason of a pause/resume: required, 1–500 characters (trimmed). */
function parseReason(reason: unknown): string {
  if (typeof reason !== 'string' || !reason.trim()) {
    throw new InputError('invalid body: reason is required (1–500 characters)');
  }
  const trimmed = reason.trim();
  // line breaks and tabs are fine; other control characters (NUL above all) are not text
  if (/[^\P{Cc}\t\n\r]/u.test(trimmed)) {
    throw new InputError(
      'invalid body: reason must not contain control characters',
    );
  }
  if (trimmed.length > CONTROL_REASON_MAX_LENGTH) {
    throw new InputError(
      `invalid body: reason is ${trimmed.length} characters; at most ${CONTROL_REASON_MAX_LENGTH}`,
    );
  }
  return trimmed;
}

/**
 * The single path of every pause/resume (REST and actions alike): audit record `initiated` →
 * permission check (denied attempts are recorded) → the change on the cluster → record
 * `succeeded`/`failed`, mirrored as an auditor event.
 */
export class ScaleSetControlService {
  constructor(private readonly options: ScaleSetControlServiceOptions) {}

  async request(req: ControlRequest): Promise<ControlResult> {
    const { action, credentials } = req;
    const { audit, auditor, access, fleet, logger } = this.options;
    const reason = parseReason(req.reason);
    const target = checkScaleSetTarget(this.options.clusters, req.target);
    const actor = actorOf(credentials);
    const resourceRef = scaleSetResourceRef(target);
    const known = fleet.scaleSet(target.cluster, target.namespace, target.name);

    // The record is written first, so every auditor event carries its chain entry (auditSeq,
    // auditHash): shipped elsewhere, the events anchor the chain against a rewrite in the database.
    const eventOptions = {
      eventId: 'scale-set-control',
      severityLevel: 'medium' as const,
      request: req.request,
    };
    const meta = { action, scaleSet: resourceRef, reason, actor };
    const record = await audit
      .begin({
        actor,
        action,
        ...target,
        runnerClass: known?.runnerClass ?? null,
        reason,
        requestId: req.requestId ?? randomUUID(),
      })
      .catch(async e => {
        // nothing was done; the auditor still hears of the attempt
        await (
          await auditor.createEvent({ ...eventOptions, meta })
        ).fail({ error: e });
        throw e;
      });
    const event = await auditor.createEvent({
      ...eventOptions,
      meta: { ...meta, ...auditEventMeta(record) },
    });

    /** Completes the record; answers the auditor event meta of its completion entry. */
    const finish = async (
      outcome: AuditCompletion['outcome'],
      fields: Omit<AuditCompletion, 'outcome'>,
    ) => {
      this.options.metrics?.controlled(action, outcome);
      try {
        return auditEventMeta(
          await audit.complete(record.id, { ...fields, outcome }),
        );
      } catch (e) {
        // the change itself stands; the record stays `initiated`, which the log shows
        logger.error(`could not complete audit record ${record.id}: ${e}`);
        return auditEventMeta(record);
      }
    };

    try {
      const permission =
        action === 'pause' ? scaleSetPausePermission : scaleSetResumePermission;
      await access.authorize({
        credentials,
        permission,
        attempt: `${action} scale set ${resourceRef}`,
        scaleSet: {
          resourceRef,
          runnerClass: known ? known.runnerClass : undefined,
        },
      });
    } catch (e) {
      if (isAccessRefusal(e)) {
        // refused by policy, config, or because control is disabled: recorded as denied
        const entry = await finish('denied', { error: e.message });
        await event.fail({ error: e, meta: { ...entry, outcome: 'denied' } });
        throw e;
      }
      const entry = await finish('failed', {
        error: `permission check failed: ${(e as Error).message}`,
      });
      await event.fail({
        error: e as Error,
        meta: { ...entry, outcome: 'failed' },
      });
      throw e;
    }

    try {
      // the write checks that the live object is still of the class the decision was made for
      const requestor = {
        by: actor,
        reason,
        authorizedRunnerClass: known ? known.runnerClass : undefined,
      };
      const change =
        action === 'pause'
          ? await this.options.control.pause(target, requestor)
          : await this.options.control.resume(target, requestor);
      const entry = await finish('succeeded', {
        before: change.before,
        after: change.after,
        runnerClass: change.runnerClass,
      });
      await event.success({
        meta: {
          ...entry,
          changed: change.changed,
          before: { ...change.before },
          after: { ...change.after },
        },
      });
      return {
        action,
        ...target,
        runnerClass: change.runnerClass,
        changed: change.changed,
        before: change.before,
        after: change.after,
        paused: change.paused,
        warnings: change.warnings,
        auditId: record.id,
        attempts: change.attempts,
        resourceVersion: change.resourceVersion,
      };
    } catch (e) {
      const entry = await finish('failed', { error: (e as Error).message });
      await event.fail({
        error: e as Error,
        meta: { ...entry, outcome: 'failed' },
      });
      throw e;
    }
  }
}
