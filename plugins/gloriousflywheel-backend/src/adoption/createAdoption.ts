import {
  HttpRouterService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Knex } from 'knex';
import { AdoptionStore } from '../database/AdoptionStore';
import { AdoptionRescanStore } from '../database/AdoptionRescanStore';
import { readAdoptionConfig } from './AdoptionConfig';
import { AdoptionHub } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { AdoptionRouterOptions } from './adoptionRouter';
import { AdoptionService } from './AdoptionService';
import { GitHubAccess } from './GitHubClient';
import type { GloriousflywheelMetrics } from '../metrics';

/**
 * Adoption wiring for plugin.ts: config, GitHub access, stored results into the hub, the schedule
 * and the webhook's auth policy. Returns the service and what the router needs.
 */
export async function createAdoption(options: {
  config: Config;
  logger: LoggerService;
  knex: Knex;
  scheduler: SchedulerService;
  httpRouter: HttpRouterService;
  hub: AdoptionHub;
  metrics?: GloriousflywheelMetrics;
}): Promise<{
  service: AdoptionService;
  router: AdoptionRouterOptions;
  github?: GitHubAccess;
  hostedLabels: string[];
}> {
  const logger = options.logger.child({ source: 'adoption' });
  const config = readAdoptionConfig(options.config);
  const access = config.orgs.length
    ? GitHubAccess.fromConfig(options.config, config.host, logger)
    : undefined;
  const service = new AdoptionService({
    config,
    clientFor: access && (org => access.client(org)),
    store: new AdoptionStore(options.knex),
    rescans: new AdoptionRescanStore(options.knex),
    hub: options.hub,
    logger,
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
    github: access,
    hostedLabels: config.scorecard.hostedLabels,
    router: {
      adoption: service,
      webhookSecret: config.webhookSecret,
    },
  };
}
