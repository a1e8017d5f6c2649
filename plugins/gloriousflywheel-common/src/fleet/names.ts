/**
 * Longest names the portal accepts, as Kubernetes and the catalog define them. The backend's
 * database columns are at least this wide (see its migrations), so a name that passes here can
 * always be stored.
 *
 * @public
 */
export const NAME_LIMITS = {
  /** cluster names are DNS labels */
  cluster: 63,
  /** Kubernetes namespaces are DNS labels */
  namespace: 63,
  /** Kubernetes object names (AutoscalingRunnerSets) are DNS subdomains */
  scaleSet: 253,
  /** runner class names are catalog entity names */
  runnerClass: 63,
} as const;

/**
 * A DNS label (RFC 1123): cluster and namespace names.
 *
 * @public
 */
export const DNS_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A DNS subdomain (RFC 1123): Kubernetes object names.
 *
 * @public
 */
export const DNS_SUBDOMAIN_PATTERN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A catalog entity name (runner classes become Resource entities): letters and digits, runs of
 * them joined by single `-`, `_` or `.`.
 *
 * @public
 */
export const ENTITY_NAME_PATTERN = /^[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$/;
