import {
  HttpRouterService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { AdoptionStore } from '../database/AdoptionStore';
import { AdoptionRescanStore } from '../database/AdoptionRescanStore';
import { AdoptionConfig } from './AdoptionConfig';
import {
  AdoptionPublisher,
  AdoptionReader,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { AdoptionRouterOptions } from './adoptionRouter';
import { AdoptionService } from './AdoptionService';
import { GitHubAccess } from './GitHubClient';
import type { GloriousflywheelMetrics } from '../metrics';

/**
 * Adoption wiring for plugin.ts: stored results into the hub, the schedule and the webhook's auth
 * policy. Returns the service and what the router needs.
 */
export async function createAdoption(options: {
  config: AdoptionConfig;
  /** absent when no org is configured */
  github?: GitHubAccess;
  logger: LoggerService;
  knex: Knex;
  scheduler: SchedulerService;
  httpRouter: HttpRouterService;
  hub: AdoptionReader & AdoptionPublisher;
  metrics?: GloriousflywheelMetrics;
}): Promise<{
  service: AdoptionService;
  router: AdoptionRouterOptions;
}> {
  const { config, github } = options;
  const service = new AdoptionService({
    config,
    clientFor: github && (org => github.client(org)),
    store: new AdoptionStore(options.knex),
    rescans: new AdoptionRescanStore(options.knex),
    hub: options.hub,
    logger: options.logger.child({ source: 'adoption' }),
    metrics: options.metrics,
  });
  // Results stored before a restart are the latest known state until the first scan.
  await service.load();
  if (service.configured) await service.schedule(options.scheduler);
  if (config.webhookSecret) {
    // GitHub cannot sign in to Backstage; the signature is the authentication.
    options.httpRouter.addAuthPolicy({
      path: '/adoption/webhook',
      allow: 'unauthenticated',
    });
  }
  return {
    service,
    router: {
      adoption: service,
      webhookSecret: config.webhookSecret,
    },
  };
}
