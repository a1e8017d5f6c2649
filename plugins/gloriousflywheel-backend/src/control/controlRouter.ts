import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  AUDIT_OUTCOMES,
  AuditPage,
  AUDIT_ACTIONS,
  AuditAction,
  AuditOutcome,
  AuditQuery,
  ControlAction,
  PauseResumeRequest,
  auditReadPermission,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AuditLog } from '../database/AuditStore';
import { auditRecordsToCsv } from '../audit/auditCsv';
import { auditVerifyQuery } from '../audit/auditVerifyQuery';
import { ScaleSetControlService } from './ScaleSetControlService';
import { parseRequest } from '../service/parseRequest';
import { AccessGate } from '../service/access';
import {
  actorName,
  pageOffset,
  requestIdHeader,
  scaleSetTarget,
  scaleSetTargetPrefix,
} from '../service/inputSchemas';

/** What the control sub-router needs. */
export interface ControlRouterOptions {
  control: ScaleSetControlService;
  audit: AuditLog;
  httpAuth: HttpAuthService;
}

// The fields of a PauseResumeRequest; the reason's own rules (1–500 characters) are checked by the
// control service, for actions too.
const controlBody = z
  .object({
    reason: z.unknown(),
  } satisfies Record<keyof PauseResumeRequest, z.ZodTypeAny>)
  .strict();
const isoTime = z
  .string()
  .datetime({ offset: true })
  .transform(s => new Date(s).toISOString());
const auditQuery = z
  .object({
    actor: actorName.optional(),
    target: scaleSetTargetPrefix.optional(),
    action: z.enum(AUDIT_ACTIONS as [AuditAction, ...AuditAction[]]).optional(),
    outcome: z
      .enum(AUDIT_OUTCOMES as [AuditOutcome, ...AuditOutcome[]])
      .optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    offset: pageOffset.default(0),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict() satisfies z.ZodType<
  AuditQuery & { format: 'json' | 'csv' },
  z.ZodTypeDef,
  unknown
>;

const MAX_JSON_PAGE = 500;

const parse = parseRequest;

/**
 * Pause/resume and the audit log over HTTP: parses, authorizes and delegates. Pause/resume are
 * authorized inside the control service (so actions share the check and denials are audited).
 */
export function createControlRouter(
  options: ControlRouterOptions & { access: AccessGate },
): express.Router {
  const { control, audit, access, httpAuth } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  const controlRoute =
    (action: ControlAction): express.RequestHandler =>
    async (req, res) => {
      const target = parse(scaleSetTarget, req.params, 'path');
      const body = parse(controlBody, req.body ?? {}, 'body');
      const header = req.get('x-request-id');
      const requestId =
        header === undefined
          ? undefined
          : parse(requestIdHeader, header, 'header x-request-id');
      const credentials = await httpAuth.credentials(req);
      res.json(
        await control.request({
          action,
          target,
          reason: body.reason,
          credentials,
          requestId,
          request: req,
        }),
      );
    };
  router.post(
    '/scale-sets/:cluster/:namespace/:name/pause',
    controlRoute('pause'),
  );
  router.post(
    '/scale-sets/:cluster/:namespace/:name/resume',
    controlRoute('resume'),
  );

  // Input is checked first, so every authorized attempt has an auditor event with an outcome.
  const readAudited = async <T>(
    req: express.Request,
    eventId: string,
    meta: Record<string, string>,
    read: () => Promise<T>,
    result: (value: T) => Record<string, number | boolean>,
  ) => {
    const event = await access.authorizeRequest(req, {
      permission: auditReadPermission,
      attempt: 'read the audit log',
      eventId,
      meta,
    });
    try {
      const value = await read();
      await event.success({ meta: result(value) });
      return value;
    } catch (e) {
      await event.fail({ error: e as Error, meta: { outcome: 'failed' } });
      throw e;
    }
  };

  router.get('/audit', async (req, res) => {
    const q = parse(auditQuery, req.query, 'query');
    if (
      q.format === 'json' &&
      q.limit !== undefined &&
      q.limit > MAX_JSON_PAGE
    ) {
      throw new InputError(
        `invalid query: limit: at most ${MAX_JSON_PAGE} (or format=csv)`,
      );
    }
    const page: AuditPage = await readAudited(
      req,
      'audit-log-fetch',
      { queryType: q.format },
      () =>
        audit.list({
          ...q,
          limit: q.limit ?? (q.format === 'csv' ? 10_000 : 50),
        }),
      p => ({ records: p.items.length }),
    );
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8');
      res.attachment('gloriousflywheel-audit.csv');
      res.send(auditRecordsToCsv(page.items));
      return;
    }
    res.json(page);
  });

  router.get('/audit/verify', async (req, res) => {
    const q = parse(auditVerifyQuery, req.query, 'query');
    res.json(
      await readAudited(
        req,
        'audit-log-verify',
        {},
        () => audit.verify(q),
        v => ({ ok: v.ok, checked: v.checked }),
      ),
    );
  });

  return router;
}
