import express from 'express';
import Router from 'express-promise-router';
import { HealthResponse } from '@internal/plugin-gloriousflywheel-common';
import { SourceStatusBoard } from './sourceStatus';

export interface RouterOptions {
  version: string;
  sources: SourceStatusBoard;
}

/** The plugin's HTTP API. Only parses, authorizes and delegates; auth is httpRouter's default (user or service). */
export async function createRouter(options: RouterOptions): Promise<express.Router> {
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

  return router;
}
