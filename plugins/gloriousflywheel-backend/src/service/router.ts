import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { NotFoundError } from '@backstage/errors';
import {
  CacheDetail,
  CacheHistory,
  CacheList,
  ClusterList,
  HealthResponse,
  RunnerClassContractReport,
  RunnerClassDetail,
  RunnerClassList,
  RunnerClassSummary,
  toRunnerClassListItem,
  ScaleSetContract,
  ScaleSetDetail,
  ScaleSetList,
  ScaleSetQuery,
  scaleSetFilterKey,
  scaleSetKey,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import { SourceStatusBoard } from './sourceStatus';
import {
  FleetReader,
  runnerClassContracts,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { CacheHealthService } from '../caches/CacheHealthService';
import {
  ControlRouterOptions,
  createControlRouter,
} from '../control/controlRouter';
import {
  AdoptionRouterOptions,
  createAdoptionRouter,
} from '../adoption/adoptionRouter';
import { createQueueRouter, QueueRouterOptions } from '../queue/queueRouter';
import { AccessGate } from './access';
import { parseRequest } from './parseRequest';
import { PreparedJsonBodies } from './preparedJson';
import {
  cacheName,
  clusterName,
  namespaceName,
  runnerClassName,
  scaleSetTarget,
} from './inputSchemas';

/** What every router serves: the fleet, health and (when given) the caches. */
interface UngatedRouterOptions {
  version: string;
  sources: SourceStatusBoard;
  fleet: FleetReader;
  /** absent in callers that only serve the fleet (e.g. the bench) */
  caches?: CacheHealthService;
}

/** Routes behind the access gate, each mounted when given; the gate is required with any of them. */
interface GatedRouterOptions {
  /** decides pause/resume (inside the control service), audit reads, adoption scans and queue reads */
  access: AccessGate;
  /** pause/resume and the audit log */
  control?: ControlRouterOptions;
  /** adoption scan results, scan trigger and the GitHub webhook */
  adoption?: AdoptionRouterOptions;
  /** queue statistics, jobs and diagnoses */
  queue?: QueueRouterOptions;
}

export type RouterOptions = UngatedRouterOptions &
  (
    | GatedRouterOptions
    | { access?: never; control?: never; adoption?: never; queue?: never }
  );

/** The largest page `GET /fleet/scale-sets` serves (a full list needs no `limit`). */
const MAX_SCALE_SET_PAGE = 500;
const scaleSetQuery = z
  .object({
    cluster: clusterName.optional(),
    namespace: namespaceName.optional(),
    class: runnerClassName.optional(),
    paused: z
      .enum(['true', 'false'], {
        errorMap: () => ({ message: 'must be true or false' }),
      })
      .optional(),
    q: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_SCALE_SET_PAGE).optional(),
    offset: z.coerce.number().int().min(0).optional(),
  })
  .strict()
  .transform(q => ({
    cluster: q.cluster,
    namespace: q.namespace,
    runnerClass: q.class,
    paused: q.paused === undefined ? undefined : q.paused === 'true',
    q: q.q,
    limit: q.limit,
    offset: q.offset,
  })) satisfies z.ZodType<ScaleSetQuery, z.ZodTypeDef, unknown>;
const DAY_MS = 24 * 60 * 60 * 1000;
const cacheHistoryQuery = z
  .object({
    since: z.string().datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(10000).optional(),
  })
  .strict();

const parse = parseRequest;

/**
 * The plugin's HTTP API: parses, authorizes and delegates. Authentication is httpRouter's
 * default (users and services only); fleet reads come from the informer cache.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { fleet, access } = options;
  const router = Router();
  // (the options' type makes `access` present whenever a gated route is given)
  // before the JSON parser: the adoption webhook verifies the exact body bytes
  if (access && options.adoption)
    router.use(createAdoptionRouter({ ...options.adoption, access }));
  router.use(express.json());
  if (access && options.control)
    router.use(createControlRouter({ ...options.control, access }));
  if (access && options.queue)
    router.use(createQueueRouter({ ...options.queue, access }));

  router.get('/health', (_req, res) => {
    const body: HealthResponse = {
      plugin: 'gloriousflywheel',
      version: options.version,
      sources: options.sources.list(),
      ...(access && options.control ? { control: access.controlStatus() } : {}),
    };
    res.json(body);
  });

  // Contracts need the configured caches and their probes; without them (e.g. the bench) none is served.
  const contracts = (): RunnerClassContractReport[] | undefined =>
    options.caches
      ? runnerClassContracts(fleet, options.caches.contractSources)
      : undefined;
  const withContract = (
    items: RunnerClassSummary[],
    reports: RunnerClassContractReport[] | undefined,
  ): RunnerClassSummary[] =>
    reports
      ? items.map(i => ({
          ...i,
          contract: reports.find(r => r.runnerClass === i.name),
        }))
      : items;
  /** Each cache's health: with the fleet, all a contract depends on that changes at run time. */
  const cacheHealthKey = () => {
    if (!options.caches) return '';
    const { targets, health } = options.caches.contractSources;
    const latest = health.latest();
    return targets
      .map(t => `${t.name}=${latest.get(t.name)?.status ?? 'unknown'}`)
      .join(',');
  };
  // The classes with their contracts change only with the fleet (summaries are computed once per
  // fleet change) and the caches' health: evaluated and serialised once per such change, not per
  // request (a contract reads every scale set).
  let classes:
    | {
        summaries: RunnerClassSummary[];
        health: string;
        reports?: RunnerClassContractReport[];
        items: RunnerClassSummary[];
        /** the list route's items (counts, class-level contract) */
        json: string;
      }
    | undefined;
  const currentClasses = () => {
    const summaries = fleet.runnerClassSummaries();
    const health = cacheHealthKey();
    if (classes?.summaries !== summaries || classes.health !== health) {
      const reports = contracts();
      const items = withContract(summaries, reports);
      classes = {
        summaries,
        health,
        reports,
        items,
        json: JSON.stringify(items.map(toRunnerClassListItem)),
      };
    }
    return classes;
  };

  router.get('/fleet/clusters', (_req, res) => {
    const body: ClusterList = { items: fleet.clusters() };
    res.json(body);
  });

  const scaleSetBodies = new PreparedJsonBodies(64);
  router.get('/fleet/scale-sets', (req, res) => {
    const {
      limit,
      offset = 0,
      ...filter
    } = parse(scaleSetQuery, req.query, 'query');
    const clusters: ScaleSetList['clusters'] = fleet.clusters();
    if (limit !== undefined) {
      // a page: only its items are serialised
      const matches = fleet.scaleSets(filter);
      const page: ScaleSetList = {
        items: matches.slice(offset, offset + limit),
        total: matches.length,
        offset,
        limit,
        clusters,
      };
      res.json(page);
      return;
    }
    // A ScaleSetList, as res.json would send it. The items come serialised once per fleet change;
    // the cluster states also change without one (messages, last sync), so they are read each time.
    const key = scaleSetFilterKey(filter);
    scaleSetBodies.send(
      req,
      res,
      key,
      '{"items":',
      fleet.scaleSetsJson(filter),
      `,"clusters":${JSON.stringify(clusters)}}`,
    );
  });

  router.get('/fleet/scale-sets/:cluster/:namespace/:name', (req, res) => {
    const p = parse(scaleSetTarget, req.params, 'path');
    const scaleSet = fleet.scaleSet(p.cluster, p.namespace, p.name);
    if (!scaleSet)
      throw new NotFoundError(
        `scale set ${p.cluster}/${p.namespace}/${p.name} not found`,
      );
    const key = scaleSetKey(scaleSet);
    const contract: ScaleSetContract | null =
      currentClasses()
        .reports?.flatMap(r => r.scaleSets)
        .find(c => c.scaleSet === key) ?? null;
    const body: ScaleSetDetail = {
      item: scaleSet,
      cluster: fleet.clusters().find(c => c.name === p.cluster),
      contract,
    };
    res.json(body);
  });

  const classBodies = new PreparedJsonBodies(1);
  router.get('/fleet/classes', (req, res) => {
    // A RunnerClassList, as res.json would send it; cluster states change without a fleet change.
    const clusters: RunnerClassList['clusters'] = fleet.clusters();
    classBodies.send(
      req,
      res,
      'classes',
      '{"items":',
      currentClasses().json,
      `,"clusters":${JSON.stringify(clusters)}}`,
    );
  });

  router.get('/fleet/classes/:name', (req, res) => {
    const className = parse(runnerClassName, req.params.name, 'runner class');
    const item = currentClasses().items.find(c => c.name === className);
    if (!item) throw new NotFoundError(`runner class ${className} not found`);
    const body: RunnerClassDetail = {
      item,
      scaleSets: fleet.scaleSets({ runnerClass: className }),
      clusters: fleet.clusters(),
    };
    res.json(body);
  });

  const caches = options.caches;
  if (caches) {
    router.get('/caches', async (_req, res) => {
      const body: CacheList = await caches.list();
      res.json(body);
    });

    router.get('/caches/:name', async (req, res) => {
      const cache = parse(cacheName, req.params.name, 'cache name');
      const body: CacheDetail | undefined = await caches.get(cache);
      if (!body) throw new NotFoundError(`cache ${cache} is not configured`);
      res.json(body);
    });

    router.get('/caches/:name/history', async (req, res) => {
      const cache = parse(cacheName, req.params.name, 'cache name');
      const q = parse(cacheHistoryQuery, req.query, 'query');
      const since = q.since ? new Date(q.since) : new Date(Date.now() - DAY_MS);
      const body: CacheHistory | undefined = await caches.history(cache, {
        since,
        limit: q.limit ?? 1440,
      });
      if (!body) throw new NotFoundError(`cache ${cache} is not configured`);
      res.json(body);
    });
  }

  return router;
}
