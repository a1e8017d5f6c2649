import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { HttpAuthService, PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ADOPTION_STAGES,
  AdoptionStage,
  adoptionScanPermission,
  RepoAdoptionList,
  RepoAdoptionResponse,
  TrancheSummaryList,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AdoptionService } from './AdoptionService';
import { filterRepos } from './repoFilter';
import { octokitWebhookVerifier, WebhookVerifier } from './webhookSignature';
import { parseRequest } from '../service/parseRequest';
import { AccessGate, completeOnResponse } from '../service/access';

/** What the adoption sub-router needs. */
export interface AdoptionRouterOptions {
  adoption: AdoptionService;
  permissions: PermissionsService;
  httpAuth: HttpAuthService;
  /** `gloriousflywheel.github.webhookSecret`; absent = no webhook route */
  webhookSecret?: string;
  verifyWebhook?: WebhookVerifier;
}

const ghName = z.string().min(1).max(100).regex(/^[A-Za-z0-9._-]+$/, 'must be a GitHub owner or repository name');
const reposQuery = z
  .object({
    q: z.string().max(200).optional(),
    tranche: z.string().max(63).optional(),
    stage: z.enum(ADOPTION_STAGES as [AdoptionStage, ...AdoptionStage[]]).optional(),
    runnerClass: z.string().max(63).optional(),
    hosted: z.enum(['true', 'false']).transform(v => v === 'true').optional(),
    check: z
      .string()
      .regex(/^[a-z0-9-]+:(pass|fail|exempt|unknown)$/, 'must be <check id>:<pass|fail|exempt|unknown>')
      .transform(v => {
        const [id, verdict] = v.split(':');
        return { id, verdict: verdict as 'pass' | 'fail' | 'exempt' | 'unknown' };
      })
      .optional(),
    sort: z.enum(['name', '-name', 'stage', 'fail', '-fail', 'hosted', '-hosted', 'scannedAt', '-scannedAt']).default('name'),
    limit: z.coerce.number().int().min(1).max(2000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();
const repoParams = z.object({ owner: ghName, repo: ghName });

const parse = parseRequest;

/** Payload fields the webhook reads (push, workflow_run). */
const webhookPayload = z.object({
  ref: z.string().optional(),
  repository: z.object({
    name: ghName,
    owner: z.object({ login: ghName.optional(), name: ghName.optional() }),
    default_branch: z.string().optional(),
  }),
  workflow_run: z.object({ head_branch: z.string().nullable().optional() }).optional(),
});

/**
 * Adoption over HTTP: parses, authorizes and delegates. Mounted before the main router's JSON
 * parser because the webhook needs the exact body bytes for its signature.
 */
export function createAdoptionRouter(options: AdoptionRouterOptions & { access: AccessGate }): express.Router {
  const { adoption } = options;
  const router = Router();

  if (options.webhookSecret) {
    const secret = options.webhookSecret;
    const verify = options.verifyWebhook ?? octokitWebhookVerifier;
    router.post('/adoption/webhook', express.raw({ type: () => true, limit: '5mb' }), async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const signature = req.get('x-hub-signature-256');
      if (!signature || !(await verify(secret, body, signature).catch(() => false))) {
        res.status(401).json({ error: { name: 'AuthenticationError', message: 'invalid webhook signature' } });
        return;
      }
      const event = req.get('x-github-event');
      if (event === 'ping') {
        res.status(200).json({ accepted: false, reason: 'ping' });
        return;
      }
      if (event !== 'push' && event !== 'workflow_run') {
        res.status(202).json({ accepted: false, reason: `event ${event} is not used` });
        return;
      }
      const payload = webhookPayload.safeParse(JSON.parse(body || '{}'));
      if (!payload.success) throw new InputError('webhook payload without a repository');
      const { repository, ref, workflow_run: run } = payload.data;
      const branch = event === 'push' ? ref?.replace(/^refs\/heads\//, '') : run?.head_branch;
      // Only the default branch is scanned; other branches do not change the result.
      if (repository.default_branch && branch && branch !== repository.default_branch) {
        res.status(202).json({ accepted: false, reason: `branch ${branch} is not the default branch` });
        return;
      }
      const owner = repository.owner.login ?? repository.owner.name ?? '';
      // Answer GitHub at once (its timeout is 10 s); the rescan continues in the background.
      const scan = adoption.scanRepo(owner, repository.name);
      scan.catch(() => {});
      res.status(202).json({ accepted: true, repo: `${owner}/${repository.name}` });
    });
  }

  router.use(express.json({ limit: '16kb' }));

  router.get('/adoption/repos', (req, res) => {
    const q = parse(reposQuery, req.query, 'query');
    const all = filterRepos(adoption.list(), q);
    const body: RepoAdoptionList = {
      items: all.slice(q.offset, q.offset + q.limit),
      total: all.length,
      limit: q.limit,
      offset: q.offset,
      scan: adoption.status(),
    };
    res.json(body);
  });

  router.get('/adoption/repos/:owner/:repo', (req, res) => {
    const p = parse(repoParams, req.params, 'path');
    const item = adoption.get(p.owner, p.repo);
    if (!item) throw new NotFoundError(`repository ${p.owner}/${p.repo} has not been scanned`);
    const body: RepoAdoptionResponse = { item };
    res.json(body);
  });

  router.get('/adoption/tranches', async (_req, res) => {
    const body: TrancheSummaryList = { items: await adoption.tranches() };
    res.json(body);
  });

  router.get('/adoption/scan', (_req, res) => {
    res.json(adoption.status());
  });

  router.post('/adoption/scan', async (req, res) => {
    // the access gate (users: policy; services: gloriousflywheel.servicePrincipals), audited either way
    const event = await options.access.authorizeRequest(req, {
      permission: adoptionScanPermission,
      attempt: 'start an adoption scan',
      eventId: 'adoption-scan-start',
      severityLevel: 'medium',
    });
    completeOnResponse(event, res);
    if (!adoption.configured) throw new InputError('adoption is not configured (gloriousflywheel.github.orgs)');
    if (!adoption.start('manual')) {
      res.status(409).json({ error: { name: 'ConflictError', message: 'an adoption scan is already running' }, status: adoption.status() });
      return;
    }
    res.status(202).json(adoption.status());
  });

  return router;
}
