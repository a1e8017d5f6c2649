import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  AuditorService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AUDIT_OUTCOMES,
  AuditPage,
  ControlAction,
  auditReadPermission,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AuditStore } from '../database/AuditStore';
import { auditRecordsToCsv } from '../audit/auditCsv';
import { auditVerifyQuery } from '../audit/auditVerifyQuery';
import { ScaleSetControlService } from './ScaleSetControlService';
import { parseRequest } from '../service/parseRequest';

/** What the control sub-router needs. */
export interface ControlRouterOptions {
  control: ScaleSetControlService;
  audit: AuditStore;
  permissions: PermissionsService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
}

const name = z.string().min(1).max(253).regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, 'must be a Kubernetes-style name');
const scaleSetParams = z.object({ cluster: name, namespace: name, name });
// the reason's own rules (1–500 characters) are checked by the control service, for actions too
const controlBody = z.object({ reason: z.unknown() }).strict();
const isoTime = z.string().datetime({ offset: true }).transform(s => new Date(s).toISOString());
const auditQuery = z
  .object({
    actor: z.string().min(1).max(255).optional(),
    target: z
      .string()
      .regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*(\/[A-Za-z0-9][-A-Za-z0-9_.]*){0,2}$/, 'must be cluster[/namespace[/name]]')
      .optional(),
    action: z.enum(['pause', 'resume']).optional(),
    outcome: z.enum(AUDIT_OUTCOMES as [string, ...string[]]).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    offset: z.coerce.number().int().min(0).default(0),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

const MAX_JSON_PAGE = 500;

const parse = parseRequest;

/**
 * Pause/resume and the audit log over HTTP: parses, authorizes and delegates. Pause/resume are
 * authorized inside the control service (so actions share the check and denials are audited).
 */
export function createControlRouter(options: ControlRouterOptions): express.Router {
  const { control, audit, permissions, httpAuth, auditor } = options;
  const router = Router();
  router.use(express.json({ limit: '16kb' }));

  const controlRoute = (action: ControlAction): express.RequestHandler => async (req, res) => {
    const target = parse(scaleSetParams, req.params, 'path');
    const body = parse(controlBody, req.body ?? {}, 'body');
    const credentials = await httpAuth.credentials(req);
    const requestId = req.get('x-request-id')?.slice(0, 128);
    res.json(await control.request({ action, target, reason: body.reason, credentials, requestId, request: req }));
  };
  router.post('/scale-sets/:cluster/:namespace/:name/pause', controlRoute('pause'));
  router.post('/scale-sets/:cluster/:namespace/:name/resume', controlRoute('resume'));

  const authorizeAuditRead = async (req: express.Request) => {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission: auditReadPermission }], { credentials });
    if (decision.result !== AuthorizeResult.ALLOW) throw new NotAllowedError('reading the audit log is not allowed');
  };

  router.get('/audit', async (req, res) => {
    await authorizeAuditRead(req);
    const q = parse(auditQuery, req.query, 'query');
    if (q.format === 'json' && q.limit !== undefined && q.limit > MAX_JSON_PAGE) {
      throw new InputError(`invalid query: limit: at most ${MAX_JSON_PAGE} (or format=csv)`);
    }
    const event = await auditor.createEvent({ eventId: 'audit-log-fetch', request: req, meta: { queryType: q.format } });
    const page: AuditPage = await audit.list({
      ...q,
      action: q.action as ControlAction | undefined,
      outcome: q.outcome as AuditPage['items'][number]['outcome'] | undefined,
      limit: q.limit ?? (q.format === 'csv' ? 10_000 : 50),
    });
    await event.success({ meta: { records: page.items.length } });
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8');
      res.attachment('gloriousflywheel-audit.csv');
      res.send(auditRecordsToCsv(page.items));
      return;
    }
    res.json(page);
  });

  router.get('/audit/verify', async (req, res) => {
    await authorizeAuditRead(req);
    res.json(await audit.verify(parse(auditVerifyQuery, req.query, 'query')));
  });

  return router;
}
