import type {
  ArcVersionFacts,
  GitHubConfigScope,
  RunnerEnvVar,
  RunnerTemplateFacts,
} from './contractTypes';

/** The part of an AutoscalingRunnerSet's pod template the contract reads. @public */
export interface RunnerPodTemplate {
  spec?: {
    containers?: Array<{
      name?: string;
      image?: string;
      env?: Array<{
        name?: string;
        value?: string;
        valueFrom?: Record<string, unknown>;
      }>;
      resources?: {
        requests?: Record<string, string | number>;
        limits?: Record<string, string | number>;
      };
    }>;
  };
}

// ARC requires the container that runs the job to be named `runner`.
const RUNNER_CONTAINER = 'runner';

/** `secretKeyRef attic-token/token`: what is referenced, never what it holds. */
function describeValueFrom(from: Record<string, unknown>): string {
  const [kind] = Object.keys(from);
  if (!kind) return 'valueFrom (empty)';
  const ref = (from[kind] ?? {}) as Record<string, unknown>;
  const where = [ref.name, ref.key ?? ref.fieldPath ?? ref.resource].filter(
    x => typeof x === 'string',
  );
  return where.length ? `${kind} ${where.join('/')}` : kind;
}

/**
 * The tag of an image reference: `ghcr.io/actions/actions-runner:2.321.0` → `2.321.0`; no tag →
 * `latest`; a digest wins.
 *
 * @public
 */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1);
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : 'latest';
}

const quantity = (v: string | number | undefined) =>
  v === undefined ? null : String(v);

/**
 * The runner container of a scale set's `spec.template`: env (literal values, `valueFrom` as a
 * reference), image and tag, requests and limits, each with the field path it came from.
 *
 * @public
 */
export function readRunnerTemplate(
  template: RunnerPodTemplate | undefined,
): RunnerTemplateFacts {
  const containers = template?.spec?.containers ?? [];
  const index = containers.findIndex(c => c?.name === RUNNER_CONTAINER);
  if (index < 0) {
    return {
      containerPath: null,
      image: null,
      imageTag: null,
      env: [],
      cpuRequest: null,
      cpuLimit: null,
      memoryRequest: null,
      memoryLimit: null,
    };
  }
  const c = containers[index];
  const containerPath = `spec.template.spec.containers[${index}]`;
  const env: RunnerEnvVar[] = (c.env ?? []).flatMap((e, i) =>
    typeof e?.name === 'string'
      ? [
          {
            name: e.name,
            value: e.valueFrom ? null : e.value ?? '',
            valueFrom: e.valueFrom ? describeValueFrom(e.valueFrom) : null,
            path: `${containerPath}.env[${i}]`,
          },
        ]
      : [],
  );
  const image = typeof c.image === 'string' && c.image ? c.image : null;
  return {
    containerPath,
    image,
    imageTag: image ? imageTag(image) : null,
    env,
    cpuRequest: quantity(c.resources?.requests?.cpu),
    cpuLimit: quantity(c.resources?.limits?.cpu),
    memoryRequest: quantity(c.resources?.requests?.memory),
    memoryLimit: quantity(c.resources?.limits?.memory),
  };
}

/** Labels the gha-runner-scale-set chart puts on the AutoscalingRunnerSet. */
const LABEL_VERSION = 'app.kubernetes.io/version';
const LABEL_CHART = 'helm.sh/chart';

/**
 * The ARC version of a scale set: `app.kubernetes.io/version`, else the version in
 * `helm.sh/chart` (`gha-rs-0.14.0`).
 *
 * @public
 */
export function readArcVersion(
  labels: Record<string, string> = {},
): ArcVersionFacts {
  const chart = labels[LABEL_CHART] ?? null;
  const version = labels[LABEL_VERSION];
  if (version)
    return { version, chart, path: `metadata.labels['${LABEL_VERSION}']` };
  const fromChart = chart
    ? /-v?(\d+\.\d+\.\d+[^\s]*)$/.exec(chart)?.[1]
    : undefined;
  if (fromChart)
    return {
      version: fromChart,
      chart,
      path: `metadata.labels['${LABEL_CHART}']`,
    };
  return { version: null, chart, path: null };
}

/**
 * What a `githubConfigUrl` registers runners for: `https://github.com/enterprises/x`,
 * `https://github.com/org` or `https://github.com/org/repo`.
 *
 * @public
 */
export function githubConfigScope(url: string): GitHubConfigScope {
  let parts: string[];
  try {
    parts = new URL(url.trim()).pathname.split('/').filter(Boolean);
  } catch {
    return 'unknown';
  }
  if (parts[0] === 'enterprises')
    return parts.length === 2 ? 'enterprise' : 'unknown';
  if (parts.length === 1) return 'organization';
  if (parts.length === 2) return 'repository';
  return 'unknown';
}
