import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import {
  AUDIT_SYSTEM_ACTOR,
  scaleSetKey,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { FleetReader } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { AuditLog } from '../database/AuditStore';
import { auditEventMeta } from '../audit/auditChain';

export interface PauseRevertWatchOptions {
  fleet: FleetReader;
  audit: AuditLog;
  auditor: AuditorService;
  logger: LoggerService;
}

/**
 * Watches the fleet for portal pauses undone outside the portal (a GitOps sync or `tofu apply`
 * writing the bounds back) and records each once in the audit log, as the system actor: the
 * request id is derived from the scale set and the pause, so a restart or a second pass finds the
 * record instead of writing another. The time first recorded is handed back to the fleet, so
 * "reverted at" survives restarts.
 */
export class PauseRevertWatch {
  /** request ids already recorded (or being recorded) by this process */
  private readonly seen = new Set<string>();
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly options: PauseRevertWatchOptions) {}

  /** Sweeps now and after every fleet change; returns the unsubscribe. */
  start(): () => void {
    const stop = this.options.fleet.onChange(() => void this.sweep());
    void this.sweep();
    return stop;
  }

  /** One pass over the fleet; passes never overlap. */
  sweep(): Promise<void> {
    this.running = this.running.then(() => this.pass());
    return this.running;
  }

  private async pass() {
    const { fleet, audit, logger } = this.options;
    for (const s of fleet.scaleSets()) {
      if (!s.paused || !s.pauseReverted) continue;
      const key = scaleSetKey(s);
      const requestId = `pause-reverted:${key}:${s.paused.at}`;
      if (this.seen.has(requestId)) continue;
      this.seen.add(requestId);
      try {
        const known = await audit.findByRequestId(requestId);
        if (known) {
          fleet.notePauseReverted(key, s.paused.at, known.time);
          continue;
        }
        await this.record(s, requestId);
      } catch (e) {
        // tried again on the next change
        this.seen.delete(requestId);
        logger.error(`could not record the reverted pause of ${key}: ${e}`);
      }
    }
  }

  private async record(
    s: ReturnType<FleetReader['scaleSets']>[number],
    requestId: string,
  ) {
    const { fleet, audit, auditor } = this.options;
    const paused = s.paused!;
    const reverted = s.pauseReverted!;
    const key = scaleSetKey(s);
    // under the chain lock: another replica that saw the same revert may have written it already
    const { record, created } = await audit.beginOnce({
      actor: AUDIT_SYSTEM_ACTOR,
      action: 'pause-reverted',
      cluster: s.cluster,
      namespace: s.namespace,
      name: s.name,
      runnerClass: s.runnerClass,
      reason: `pause by ${paused.by} at ${paused.at} undone by ${reverted.by}: the scale set runs jobs again`,
      requestId,
    });
    if (!created) {
      fleet.notePauseReverted(key, paused.at, record.time);
      return;
    }
    const done = await audit.complete(record.id, {
      outcome: 'succeeded',
      before: { minRunners: 0, maxRunners: 0 },
      after: { minRunners: s.minRunners, maxRunners: s.maxRunners },
      runnerClass: s.runnerClass,
    });
    fleet.notePauseReverted(key, paused.at, record.time);
    const event = await auditor.createEvent({
      eventId: 'scale-set-pause-reverted',
      severityLevel: 'medium',
      meta: {
        scaleSet: key,
        revertedBy: reverted.by,
        pausedAt: paused.at,
        ...auditEventMeta(done),
      },
    });
    await event.success();
  }
}
