import { createHash } from 'node:crypto';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import {
  ADOPTION_SORTS,
  ADOPTION_STAGES,
  AdoptionQuery,
  AdoptionStage,
  adoptionScanPermission,
  SCORECARD_VERDICTS,
  RepoAdoptionList,
  RepoAdoptionResponse,
  TrancheSummaryList,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { AdoptionService } from './AdoptionService';
import { filterRepos } from './repoFilter';
import { octokitWebhookVerifier, WebhookVerifier } from './webhookSignature';
import { parseRequest } from '../service/parseRequest';
import { AccessGate, completeOnResponse } from '../service/access';
import type { WebhookDelivery } from '../database/AdoptionRescanStore';
import { workflowJobPayload, fromGitHubJob } from '../queue/githubJob';
import type { ActionsJob } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** What the adoption sub-router needs. */
export interface AdoptionRouterOptions {
  adoption: AdoptionService;
  /** `gloriousflywheel.github.webhookSecret`; absent = no webhook route */
  webhookSecret?: string;
  verifyWebhook?: WebhookVerifier;
  /** records and stores `workflow_job` deliveries (the queue); absent = the event is not used */
  queue?: {
    ingest(
      jobs: ActionsJob[],
      delivery: WebhookDelivery,
    ): Promise<'recorded' | 'duplicate'>;
  };
}

const ghName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be a GitHub owner or repository name');
const reposQuery = z
  .object({
    q: z.string().max(200).optional(),
    tranche: z.string().max(63).optional(),
    stage: z
      .enum(ADOPTION_STAGES as [AdoptionStage, ...AdoptionStage[]])
      .optional(),
    runnerClass: z.string().max(63).optional(),
    hosted: z
      .enum(['true', 'false'])
      .transform(v => v === 'true')
      .optional(),
    failing: z
      .enum(['true', 'false'])
      .transform(v => v === 'true')
      .optional(),
    check: z
      .string()
      .regex(
        new RegExp(`^[a-z0-9-]+:(${SCORECARD_VERDICTS.join('|')})$`),
        `must be <check id>:<${SCORECARD_VERDICTS.join('|')}>`,
      )
      .optional(),
    sort: z.enum(ADOPTION_SORTS).default('name'),
    limit: z.coerce.number().int().min(1).max(2000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict() satisfies z.ZodType<
  AdoptionQuery & Required<Pick<AdoptionQuery, 'sort' | 'limit' | 'offset'>>,
  z.ZodTypeDef,
  unknown
>;
const repoParams = z.object({ owner: ghName, repo: ghName });

const parse = parseRequest;

/** Largest webhook body read; GitHub's push payloads stay far below it. */
const WEBHOOK_BODY_LIMIT = '5mb';
/** A `workflow_job` body is a few kilobytes (a job, its steps and the repository). */
const WORKFLOW_JOB_BODY_LIMIT = '256kb';
/** `X-GitHub-Delivery`: a GUID; bounded so it fits the delivery table. */
const deliveryId = /^[A-Za-z0-9._:-]{1,64}$/;
/** `X-GitHub-Event`: GitHub's event names (`push`, `workflow_run`, ...). */
const eventName = /^[a-z_]{1,64}$/;
/** `X-Hub-Signature-256`: only this form can ever verify. */
const signatureHeader = /^sha256=[0-9a-f]{64}$/i;

/** Payload fields the webhook reads (push, workflow_run). */
const webhookPayload = z.object({
  ref: z.string().optional(),
  repository: z.object({
    name: ghName,
    owner: z.object({ login: ghName.optional(), name: ghName.optional() }),
    default_branch: z.string().optional(),
  }),
  workflow_run: z
    .object({ head_branch: z.string().nullable().optional() })
    .optional(),
});

/**
 * Adoption over HTTP: parses, authorizes and delegates. Mounted before the main router's JSON
 * parser because the webhook needs the exact body bytes for its signature.
 */
export function createAdoptionRouter(
  options: AdoptionRouterOptions & { access: AccessGate },
): express.Router {
  const { adoption } = options;
  const router = Router();

  if (options.webhookSecret) {
    const secret = options.webhookSecret;
    const verify = options.verifyWebhook ?? octokitWebhookVerifier;
    // Refused deliveries are counted in the scan status; the sender gets the reason.
    const refuse = (error: Error): never => {
      adoption.webhookRefused(error.message);
      throw error;
    };
    // Requests that do not even look like a delivery are counted, not reported as the last error.
    const refuseUnsigned = (error: Error): never => {
      adoption.webhookUnsigned(error.message);
      throw error;
    };
    // Headers first, before a byte of the body is read: an unsigned sender cannot make the
    // replica buffer anything, and its connection is closed after the answer.
    const requireHeaders: express.RequestHandler = (req, res, next) => {
      if (!signatureHeader.test(req.get('x-hub-signature-256') ?? '')) {
        res.set('connection', 'close');
        refuseUnsigned(
          new AuthenticationError(
            'webhook delivery without an X-Hub-Signature-256 signature (sha256=<hex>)',
          ),
        );
      }
      if (!deliveryId.test(req.get('x-github-delivery') ?? '')) {
        res.set('connection', 'close');
        refuseUnsigned(
          new InputError(
            'webhook delivery without a valid X-GitHub-Delivery id',
          ),
        );
      }
      if (!eventName.test(req.get('x-github-event') ?? '')) {
        res.set('connection', 'close');
        refuseUnsigned(
          new InputError(
            'webhook delivery without a valid X-GitHub-Event name',
          ),
        );
      }
      next();
    };
    const readAnyBody = express.raw({
      type: () => true,
      limit: WEBHOOK_BODY_LIMIT,
    });
    const readJobBody = express.raw({
      type: () => true,
      limit: WORKFLOW_JOB_BODY_LIMIT,
    });
    const readBody: express.RequestHandler = (req, res, next) =>
      (req.get('x-github-event') === 'workflow_job'
        ? readJobBody
        : readAnyBody)(req, res, next);
    router.post(
      '/adoption/webhook',
      requireHeaders,
      (req, res, next) =>
        readBody(req, res, error => {
          // too large (413), or not readable (a bad encoding, a broken stream)
          if (error)
            adoption.webhookRefused(
              `webhook body not read: ${(error as Error).message}`,
            );
          next(error);
        }),
      async (req, res) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const body = raw.toString('utf8');
        if (
          !(await verify(secret, body, req.get('x-hub-signature-256')!).catch(
            () => false,
          ))
        ) {
          refuse(
            new AuthenticationError(
              'webhook signature does not match the body (check gloriousflywheel.github.webhookSecret)',
            ),
          );
        }
        const event = req.get('x-github-event')!;
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          refuse(
            new InputError(
              `webhook body is not JSON (content type ${
                req.get('content-type') ?? 'none'
              }): set the webhook's content type to application/json`,
            ),
          );
        }
        let repo: { owner: string; name: string } | undefined;
        let ignored: string | undefined;
        let job: ActionsJob | undefined;
        if (event === 'workflow_job' && options.queue) {
          const payload = workflowJobPayload.safeParse(json);
          if (!payload.success) {
            const issue = payload.error.issues[0];
            refuse(
              new InputError(
                `workflow_job webhook payload invalid at ${
                  issue.path.join('.') || '(root)'
                }: ${issue.message}`,
              ),
            );
          }
          const { repository, workflow_job: ghJob } = payload.data!;
          const owner = repository.owner.login;
          if (adoption.scannedOrg(owner))
            job = fromGitHubJob(ghJob, `${owner}/${repository.name}`);
          else ignored = `${owner} is not a scanned organisation`;
        } else if (event === 'push' || event === 'workflow_run') {
          const payload = webhookPayload.safeParse(json);
          if (!payload.success)
            refuse(
              new InputError(`${event} webhook payload without a repository`),
            );
          const { repository, ref, workflow_run: run } = payload.data!;
          const branch =
            event === 'push'
              ? ref?.replace(/^refs\/heads\//, '')
              : run?.head_branch;
          const owner = repository.owner.login ?? repository.owner.name ?? '';
          // Only the default branch is scanned; other branches do not change the result.
          if (
            repository.default_branch &&
            branch &&
            branch !== repository.default_branch
          ) {
            ignored = `branch ${branch} is not the default branch`;
          } else if (!adoption.scannedOrg(owner)) {
            ignored = `${owner} is not a scanned organisation`;
          } else {
            repo = { owner, name: repository.name };
          }
        } else {
          ignored = event === 'ping' ? 'ping' : `event ${event} is not used`;
        }
        const delivery = {
          deliveryId: req.get('x-github-delivery')!,
          payloadSha256: createHash('sha256').update(raw).digest('hex'),
          event,
          repo,
          receivedAt: new Date(),
        };
        // A job's delivery is recorded in the queue's batch, one commit with the job: a failure is
        // a 500 that records neither, so a redelivery is not a duplicate (reconciliation also fetches the job).
        const outcome = job
          ? await options.queue!.ingest([job], delivery)
          : await adoption.receiveDelivery(delivery);
        if (outcome === 'duplicate') {
          res.status(200).json({ accepted: false, reason: 'duplicate' });
        } else if (job) {
          res.status(202).json({ accepted: true, job: job.id, repo: job.repo });
        } else if (!repo) {
          res
            .status(event === 'ping' ? 200 : 202)
            .json({ accepted: false, reason: ignored });
        } else {
          // GitHub waits 10 s at most: the rescan runs in the scan task, under its lock.
          res
            .status(202)
            .json({ accepted: true, repo: `${repo.owner}/${repo.name}` });
        }
      },
    );
  }

  router.use(express.json({ limit: '16kb' }));

  router.get('/adoption/repos', async (req, res) => {
    const q = parse(reposQuery, req.query, 'query');
    const all = filterRepos(adoption.list(), q);
    const body: RepoAdoptionList = {
      items: all.slice(q.offset, q.offset + q.limit),
      total: all.length,
      limit: q.limit,
      offset: q.offset,
      scan: await adoption.scanStatus(),
    };
    res.json(body);
  });

  router.get('/adoption/repos/:owner/:repo', (req, res) => {
    const p = parse(repoParams, req.params, 'path');
    const item = adoption.get(p.owner, p.repo);
    if (!item)
      throw new NotFoundError(
        `repository ${p.owner}/${p.repo} has not been scanned`,
      );
    const body: RepoAdoptionResponse = { item };
    res.json(body);
  });

  router.get('/adoption/tranches', async (_req, res) => {
    const body: TrancheSummaryList = { items: await adoption.tranches() };
    res.json(body);
  });

  router.get('/adoption/scan', async (_req, res) => {
    res.json(await adoption.scanStatus());
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
    if (!adoption.configured)
      throw new InputError(
        'adoption is not configured (gloriousflywheel.github.orgs)',
      );
    // The scan task runs it, on whichever replica holds the scheduler's lock.
    if ((await adoption.requestScan()) === 'running')
      throw new ConflictError('an adoption scan is already running');
    res.status(202).json(await adoption.scanStatus());
  });

  return router;
}
