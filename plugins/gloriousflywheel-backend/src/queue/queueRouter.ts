import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  JobDiagnosisResponse,
  parseJobUrl,
  queueReadPermission,
  RepoJobList,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { parseRequest } from '../service/parseRequest';
import { AccessGate, completeOnResponse } from '../service/access';
import { QueueService } from './QueueService';
import { JobReconciler } from './JobReconciler';

/** What the queue routes need. */
export interface QueueRouterOptions {
  queue: QueueService;
  /** fetches a job the store does not have; absent without GitHub access */
  reconciler?: JobReconciler;
}

const ghName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be a GitHub owner or repository name');
const jobId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const repoParams = z.object({ owner: ghName, repo: ghName }).strict();
const jobParams = z.object({ owner: ghName, repo: ghName, jobId }).strict();
const repoJobsQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(200).default(30) })
  .strict();
const diagnoseQuery = z.object({ url: z.string().min(1).max(1000) }).strict();

/**
 * Looks a job up: stored first, else GitHub (through reconciliation's client); a job of another
 * repository than the one asked for is not found.
 */
export async function findJob(
  options: QueueRouterOptions,
  repo: string,
  id: number,
) {
  const stored = await options.queue.job(id);
  if (stored)
    return stored.repo.toLowerCase() === repo.toLowerCase()
      ? stored
      : undefined;
  return options.reconciler?.fetchJob(repo, id);
}

/** Queue statistics, a repository's jobs and job diagnoses over HTTP: parses, authorizes, delegates. */
export function createQueueRouter(
  options: QueueRouterOptions & { access: AccessGate },
): express.Router {
  const { queue, access } = options;
  const router = Router();
  const parse = parseRequest;
  const authorize = async (
    req: express.Request,
    res: express.Response,
    meta: Record<string, string>,
  ) => {
    const event = await access.authorizeRequest(req, {
      permission: queueReadPermission,
      attempt: 'read jobs and their diagnoses',
      eventId: 'queue-read',
      severityLevel: 'low',
      meta,
    });
    completeOnResponse(event, res);
  };

  // aggregate counts per class and scale set, readable like the fleet's
  router.get('/queue/stats', async (_req, res) => {
    res.json(await queue.stats());
  });

  router.get('/queue/repos/:owner/:repo/jobs', async (req, res) => {
    const p = parse(repoParams, req.params, 'path');
    const q = parse(repoJobsQuery, req.query, 'query');
    await authorize(req, res, { repo: `${p.owner}/${p.repo}` });
    const body: RepoJobList = {
      items: await queue.recentForRepo(`${p.owner}/${p.repo}`, q.limit),
    };
    res.json(body);
  });

  const diagnosed = async (res: express.Response, repo: string, id: number) => {
    const job = await findJob(options, repo, id);
    if (!job)
      throw new NotFoundError(
        `job ${id} of ${repo} is not known to the portal or GitHub`,
      );
    const body: JobDiagnosisResponse = {
      job,
      diagnosis: await queue.diagnose(job),
    };
    res.json(body);
  };

  router.get('/queue/jobs/:owner/:repo/:jobId', async (req, res) => {
    const p = parse(jobParams, req.params, 'path');
    await authorize(req, res, {
      repo: `${p.owner}/${p.repo}`,
      job: String(p.jobId),
    });
    await diagnosed(res, `${p.owner}/${p.repo}`, p.jobId);
  });

  router.get('/queue/diagnose', async (req, res) => {
    const q = parse(diagnoseQuery, req.query, 'query');
    const ref = parseJobUrl(q.url);
    if (!ref) {
      throw new InputError(
        'invalid query: url: must be a job URL, https://github.com/<owner>/<repo>/actions/runs/<run>/job/<job>',
      );
    }
    await authorize(req, res, { repo: ref.repo, job: String(ref.jobId) });
    await diagnosed(res, ref.repo, ref.jobId);
  });

  return router;
}
