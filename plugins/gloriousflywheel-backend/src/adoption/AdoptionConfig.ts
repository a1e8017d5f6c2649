import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  readScorecardConfig,
  readTranches,
  ScorecardConfig,
  TrancheDefinition,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type { FleetConfig } from '@tinyland/backstage-plugin-gloriousflywheel-node';

/** What the adoption scan reads from `gloriousflywheel.*`. */
export interface AdoptionConfig {
  /** Organisations (or users) to scan; empty = adoption not configured. */
  orgs: string[];
  /**
   * `gloriousflywheel.github.buildingBlockOrgs`: orgs whose remote building blocks (reusable
   * workflows, actions) the scan follows; unset = the scanned orgs and the platform's.
   */
  buildingBlockOrgs?: string[];
  /** Host of the `integrations.github` entry whose credentials (token or GitHub App) are used. */
  host: string;
  includeForks: boolean;
  includeArchived: boolean;
  /** Secret of the GitHub webhook, a real one (webhookSecretProblem); absent = the webhook route answers 404. */
  webhookSecret?: string;
  /** Emit Component entities for scanned repositories the catalog does not have. */
  emitComponents: boolean;
  /** `gloriousflywheel.github.migrationPullRequests`. */
  migrationPullRequests: MigrationPullRequestConfig;
  scorecard: ScorecardConfig;
  tranches: TrancheDefinition[];
  /** `gloriousflywheel.schedule.adoptionScan`; every 30 minutes by default. */
  schedule: SchedulerServiceTaskScheduleDefinition;
  /**
   * `gloriousflywheel.github.fullListingInterval` in milliseconds: how often a scheduled scan lists
   * every repository instead of stopping at the last scan's push mark; unset = one day.
   */
  fullListingMs?: number;
  /**
   * `gloriousflywheel.github.variableReadsPerScan`: Actions-variables requests one scan may make;
   * unset = DEFAULT_VARIABLE_READS_PER_SCAN.
   */
  variableReadsPerScan?: number;
}

/**
 * Which pull requests are migrations: by label (GitHub filters, any of them) or by head branch
 * glob (matched here over the `limit` most recently updated ones). Exactly one is non-empty.
 */
export interface MigrationPullRequestConfig {
  labels: string[];
  headBranches: string[];
  limit: number;
}

/** The label a migration pull request carries unless configured otherwise. */
export const DEFAULT_MIGRATION_LABEL = 'gloriousflywheel-migration';

function readMigrationPullRequests(config: Config): MigrationPullRequestConfig {
  const key = 'gloriousflywheel.github.migrationPullRequests';
  const c = config.getOptionalConfig(key);
  const labels = c?.getOptionalStringArray('labels');
  const headBranches = c?.getOptionalStringArray('headBranches') ?? [];
  const limit = c?.getOptionalNumber('limit') ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    invalid(
      `${key}.limit`,
      `must be a whole number from 1 to 100 (got ${limit})`,
    );
  if (labels?.length && headBranches.length) {
    invalid(
      key,
      'set labels or headBranches, not both (one pull-request connection per repository keeps the scan at one GraphQL point per 100 repositories)',
    );
  }
  [...(labels ?? []), ...headBranches].forEach(v => {
    if (!v.trim())
      invalid(key, 'labels and headBranches must not be empty strings');
  });
  if (headBranches.length) return { labels: [], headBranches, limit };
  return {
    labels: labels?.length ? labels : [DEFAULT_MIGRATION_LABEL],
    headBranches: [],
    limit,
  };
}

const ORG = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** Webhook secrets published with this repository (the fleet sandbox signs with it): anyone can forge deliveries. */
const PUBLISHED_WEBHOOK_SECRETS = ['sandbox-webhook-secret'];

/** Shortest webhook secret accepted; GitHub advises a random string with high entropy. */
export const WEBHOOK_SECRET_MIN_LENGTH = 20;

/**
 * What makes a webhook secret real: at least WEBHOOK_SECRET_MIN_LENGTH characters and not a
 * published one. The sandbox's published secret passes only with `auth.environment: development`
 * set explicitly (app-config.sandbox.yaml), where the local sandbox delivers webhooks. Returns why
 * `secret` is not real, or undefined when it is; never the secret itself.
 */
function webhookSecretProblem(
  secret: string,
  environment: string | undefined,
): string | undefined {
  if (PUBLISHED_WEBHOOK_SECRETS.includes(secret)) {
    return environment === 'development'
      ? undefined
      : "is the fleet sandbox's published secret (accepted only with auth.environment: development); set a random secret of your own";
  }
  if (secret.length < WEBHOOK_SECRET_MIN_LENGTH) {
    return `must be at least ${WEBHOOK_SECRET_MIN_LENGTH} characters (it has ${secret.length})`;
  }
  return undefined;
}

function invalid(key: string, message: string): never {
  throw new Error(`Invalid config ${key}: ${message}`);
}

/**
 * Reads and validates the adoption keys; an invalid value throws at start-up naming the key. The
 * scorecard's runner classes are the fleet's (`fleet.runnerClasses`, validated by FleetConfig).
 */
export function readAdoptionConfig(
  config: Config,
  fleet: Pick<FleetConfig, 'runnerClasses'>,
): AdoptionConfig {
  const github = config.getOptionalConfig('gloriousflywheel.github');
  const orgs = github?.getOptionalStringArray('orgs') ?? [];
  orgs.forEach((org, i) => {
    if (!ORG.test(org))
      invalid(
        `gloriousflywheel.github.orgs[${i}]`,
        `${org} is not a GitHub organisation name`,
      );
  });

  const hostedLabels = config.getOptionalStringArray(
    'gloriousflywheel.hostedLabels',
  );
  hostedLabels?.forEach((label, i) => {
    if (!label.trim())
      invalid(`gloriousflywheel.hostedLabels[${i}]`, 'must not be empty');
  });
  // app-config names the register `exceptionsFile`; the shared scorecard config calls it `exceptionsPath`.
  const { exceptionsFile, ...section } = (config.getOptional(
    'gloriousflywheel.scorecard',
  ) ?? {}) as Record<string, unknown>;
  for (const key of ['runnerClasses', 'hostedLabels'])
    if (key in section)
      invalid(
        `gloriousflywheel.scorecard.${key}`,
        `is not a scorecard key; set gloriousflywheel.${key}`,
      );
  const scorecard: ScorecardConfig = {
    ...readScorecardConfig(
      {
        ...section,
        ...(hostedLabels && { hostedLabels }),
        ...(exceptionsFile !== undefined && { exceptionsPath: exceptionsFile }),
      },
      { source: 'portal config gloriousflywheel.scorecard' },
    ),
    runnerClasses: fleet.runnerClasses,
  };

  let schedule: SchedulerServiceTaskScheduleDefinition;
  const scheduleKey = 'gloriousflywheel.schedule.adoptionScan';
  try {
    const scheduleConfig = config.getOptionalConfig(scheduleKey);
    schedule = scheduleConfig
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
      : // A cold scan of a few hundred repositories takes well under a minute; warm ones seconds.
        {
          frequency: { minutes: 30 },
          timeout: { minutes: 20 },
          initialDelay: { seconds: 15 },
        };
  } catch (e) {
    return invalid(scheduleKey, (e as Error).message);
  }

  const webhookSecret = github?.getOptionalString('webhookSecret');
  if (webhookSecret) {
    const problem = webhookSecretProblem(
      webhookSecret,
      config.getOptionalString('auth.environment'),
    );
    if (problem) invalid('gloriousflywheel.github.webhookSecret', problem);
  }

  const buildingBlockOrgs = github?.getOptionalStringArray('buildingBlockOrgs');
  buildingBlockOrgs?.forEach((org, i) => {
    if (!ORG.test(org))
      invalid(
        `gloriousflywheel.github.buildingBlockOrgs[${i}]`,
        `${org} is not a GitHub organisation name`,
      );
  });

  const listingKey = 'gloriousflywheel.github.fullListingInterval';
  let fullListingMs: number | undefined;
  try {
    if (github?.has('fullListingInterval'))
      fullListingMs = durationToMilliseconds(
        readDurationFromConfig(github, { key: 'fullListingInterval' }),
      );
  } catch (e) {
    return invalid(listingKey, (e as Error).message);
  }
  if (fullListingMs !== undefined && !(fullListingMs > 0))
    invalid(listingKey, 'must be a positive duration');

  const variableReadsPerScan = github?.getOptionalNumber(
    'variableReadsPerScan',
  );
  if (
    variableReadsPerScan !== undefined &&
    (!Number.isInteger(variableReadsPerScan) || variableReadsPerScan < 0)
  )
    invalid(
      'gloriousflywheel.github.variableReadsPerScan',
      `must be a whole number, 0 or more (got ${variableReadsPerScan})`,
    );

  return {
    orgs,
    ...(buildingBlockOrgs && { buildingBlockOrgs }),
    ...(fullListingMs !== undefined && { fullListingMs }),
    ...(variableReadsPerScan !== undefined && { variableReadsPerScan }),
    host: github?.getOptionalString('host') ?? 'github.com',
    includeForks: github?.getOptionalBoolean('includeForks') ?? false,
    includeArchived: github?.getOptionalBoolean('includeArchived') ?? false,
    webhookSecret,
    emitComponents: github?.getOptionalBoolean('emitComponents') ?? false,
    migrationPullRequests: readMigrationPullRequests(config),
    scorecard,
    tranches: readTranches(config.getOptional('gloriousflywheel.tranches')),
    schedule,
  };
}
