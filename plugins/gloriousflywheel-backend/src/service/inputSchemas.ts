import { z } from 'zod';
import {
  DNS_LABEL_PATTERN,
  DNS_SUBDOMAIN_PATTERN,
  ENTITY_NAME_PATTERN,
  NAME_LIMITS,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/**
 * Widths of the database columns (migrations/) that take request input other than the names in
 * NAME_LIMITS. Every input is checked against these before any SQL runs: an over-long value is a
 * 400, never a database error.
 */
export const COLUMN_LIMITS = {
  /** gloriousflywheel_audit.actor: a user entity ref or a service subject */
  actor: 255,
  /** gloriousflywheel_audit.request_id */
  requestId: 128,
  /** gloriousflywheel_cache_probes.cache_name */
  cacheName: 63,
} as const;

/** Where each limit ends up, for the test that reads the real column widths. */
export const LIMITED_COLUMNS = [
  {
    table: 'gloriousflywheel_audit',
    column: 'cluster',
    limit: NAME_LIMITS.cluster,
  },
  {
    table: 'gloriousflywheel_audit',
    column: 'namespace',
    limit: NAME_LIMITS.namespace,
  },
  {
    table: 'gloriousflywheel_audit',
    column: 'name',
    limit: NAME_LIMITS.scaleSet,
  },
  {
    table: 'gloriousflywheel_audit',
    column: 'runner_class',
    limit: NAME_LIMITS.runnerClass,
  },
  {
    table: 'gloriousflywheel_audit',
    column: 'actor',
    limit: COLUMN_LIMITS.actor,
  },
  {
    table: 'gloriousflywheel_audit',
    column: 'request_id',
    limit: COLUMN_LIMITS.requestId,
  },
  {
    table: 'gloriousflywheel_cache_probes',
    column: 'cache_name',
    limit: COLUMN_LIMITS.cacheName,
  },
] as const;

export const clusterName = z
  .string()
  .min(1)
  .max(NAME_LIMITS.cluster)
  .regex(
    DNS_LABEL_PATTERN,
    'must be a cluster name (a DNS label: a-z, 0-9, -)',
  );

export const namespaceName = z
  .string()
  .min(1)
  .max(NAME_LIMITS.namespace)
  .regex(
    DNS_LABEL_PATTERN,
    'must be a Kubernetes namespace (a DNS label: a-z, 0-9, -)',
  );

export const scaleSetName = z
  .string()
  .min(1)
  .max(NAME_LIMITS.scaleSet)
  .regex(
    DNS_SUBDOMAIN_PATTERN,
    'must be a Kubernetes object name (a-z, 0-9, -, .)',
  );

export const runnerClassName = z
  .string()
  .min(1)
  .max(NAME_LIMITS.runnerClass)
  .regex(ENTITY_NAME_PATTERN, 'must be a runner class name');

/** `:cluster/:namespace/:name` of a scale set. */
export const scaleSetTarget = z
  .object({
    cluster: clusterName,
    namespace: namespaceName,
    name: scaleSetName,
  })
  .strict();

/** `cluster`, `cluster/namespace` or `cluster/namespace/name`. */
export const scaleSetTargetPrefix = z
  .string()
  .max(NAME_LIMITS.cluster + NAME_LIMITS.namespace + NAME_LIMITS.scaleSet + 2)
  .superRefine((value, ctx) => {
    const parts = value.split('/');
    const schemas = [clusterName, namespaceName, scaleSetName];
    if (
      parts.length > 3 ||
      parts.some((p, i) => !schemas[i].safeParse(p).success)
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must be cluster[/namespace[/name]]',
      });
    }
  });

// No whitespace or control characters (PostgreSQL cannot even compare a string holding NUL).
const TOKEN = /^[^\s\p{Cc}]+$/u;

/** An audit actor: a user entity ref or a service principal's subject. */
export const actorName = z
  .string()
  .min(1)
  .max(COLUMN_LIMITS.actor)
  .regex(TOKEN, 'must be an entity ref or a subject');

/** `x-request-id`: printable ASCII, kept to its first 128 characters. */
export const requestIdHeader = z
  .string()
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII')
  .transform(id => id.slice(0, COLUMN_LIMITS.requestId));

/** A configured cache's name. */
export const cacheName = z
  .string()
  .max(COLUMN_LIMITS.cacheName)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a configured cache name');

/** A paging offset; beyond 2^53 a number is no longer exact (and SQL's bigint ends soon after). */
export const pageOffset = z.coerce
  .number()
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER);
