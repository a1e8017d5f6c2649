import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  HealthResponse,
  RunnerClassList,
  ScaleSetList,
} from '@internal/plugin-gloriousflywheel-common';
import { SourceStatusBoard } from './sourceStatus';
import { FleetService } from '../fleet/FleetService';

export interface RouterOptions {
  version: string;
  sources: SourceStatusBoard;
  fleet: FleetService;
}

const name = z.string().min(1).max(253).regex(/^[A-Za-z0-9][-A-Za-z0-9_.]*$/, 'must be a Kubernetes-style name');
const scaleSetQuery = z
  .object({ cluster: name.optional(), namespace: name.optional(), class: name.optional() })
  .strict();
const scaleSetParams = z.object({ cluster: name, namespace: name, name });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map(i => `${i.path.join('.') || what}: ${i.message}`).join('; ');
    throw new InputError(`invalid ${what}: ${issues}`);
  }
  return result.data;
}

/**
 * The plugin's HTTP API: parses, authorizes and delegates. Authentication is httpRouter's
 * default (users and services only); fleet reads come from the informer cache.
 */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { fleet } = options;
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    const body: HealthResponse = {
      plugin: 'gloriousflywheel',
      version: options.version,
      sources: options.sources.list(),
    };
    res.json(body);
  });

  router.get('/fleet/clusters', (_req, res) => {
    res.json({ items: fleet.clusters() });
  });

  router.get('/fleet/scale-sets', (req, res) => {
    const q = parse(scaleSetQuery, req.query, 'query');
    const body: ScaleSetList = {
      items: fleet.scaleSets({ cluster: q.cluster, namespace: q.namespace, runnerClass: q.class }),
      clusters: fleet.clusters(),
    };
    res.json(body);
  });

  router.get('/fleet/scale-sets/:cluster/:namespace/:name', (req, res) => {
    const p = parse(scaleSetParams, req.params, 'path');
    const scaleSet = fleet.scaleSet(p.cluster, p.namespace, p.name);
    if (!scaleSet) throw new NotFoundError(`scale set ${p.cluster}/${p.namespace}/${p.name} not found`);
    res.json({ item: scaleSet, cluster: fleet.clusters().find(c => c.name === p.cluster) });
  });

  router.get('/fleet/classes', (_req, res) => {
    const body: RunnerClassList = { items: fleet.runnerClassSummaries(), clusters: fleet.clusters() };
    res.json(body);
  });

  router.get('/fleet/classes/:name', (req, res) => {
    const className = parse(name, req.params.name, 'runner class');
    const item = fleet.runnerClassSummaries().find(c => c.name === className);
    if (!item) throw new NotFoundError(`runner class ${className} not found`);
    res.json({
      item,
      scaleSets: fleet.scaleSets({ runnerClass: className }),
      clusters: fleet.clusters(),
    });
  });

  return router;
}
