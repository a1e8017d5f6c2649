import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CacheEnvExpectation,
  DEFAULT_RUNNER_CLASSES,
  DNS_LABEL_PATTERN,
  ENTITY_NAME_PATTERN,
  NAME_LIMITS,
  RUNNER_CLASS_CAPABILITIES,
  parseQuantity,
  RunnerClassCapability,
  RunnerClassContract,
  RunnerClassDefinition,
  UNCLASSIFIED_RUNNER_CLASS,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/**
 * One cluster from `gloriousflywheel.clusters[]`.
 *
 * @public
 */
export interface ClusterConfig {
  name: string;
  authProvider: 'serviceAccount' | 'kubeconfig' | 'inCluster';
  url?: string;
  serviceAccountToken?: string;
  caData?: string;
  skipTLSVerify: boolean;
  kubeconfigContext?: string;
  /** undefined = all namespaces */
  namespaces?: string[];
  /**
   * namespace of the ARC controller, where the AutoscalingListeners and their Pods live (the
   * reader's default: arc-systems); undefined = listeners are not watched
   */
  controllerNamespace?: string;
  /**
   * What applies the Helm releases of this cluster's scale sets (e.g. `tofu apply`): named when a
   * pause is reverted by a Helm re-apply.
   */
  helmAppliedBy?: string;
}

const isDnsLabel = (name: string) =>
  name.length <= NAME_LIMITS.cluster && DNS_LABEL_PATTERN.test(name);

/**
 * Reads and validates `gloriousflywheel.clusters`; a bad entry fails start-up naming its key.
 */
export function readClusterConfigs(config: Config): ClusterConfig[] {
  const entries =
    config.getOptionalConfigArray('gloriousflywheel.clusters') ?? [];
  const seen = new Set<string>();
  return entries.map((c, i) => {
    const key = `gloriousflywheel.clusters[${i}]`;
    const name = c.getString('name');
    if (!isDnsLabel(name))
      throw new Error(
        `${key}.name "${name}" must be a DNS label (a-z, 0-9, -; at most 63)`,
      );
    if (seen.has(name))
      throw new Error(`${key}.name "${name}" is configured twice`);
    seen.add(name);
    const url = c.getOptionalString('url');
    const authProvider = (c.getOptionalString('authProvider') ??
      (url ? 'serviceAccount' : 'kubeconfig')) as ClusterConfig['authProvider'];
    if (!['serviceAccount', 'kubeconfig', 'inCluster'].includes(authProvider)) {
      throw new Error(
        `${key}.authProvider must be serviceAccount, kubeconfig or inCluster, got "${authProvider}"`,
      );
    }
    if (authProvider === 'serviceAccount') {
      if (!url)
        throw new Error(
          `${key}.url is required with authProvider serviceAccount`,
        );
      if (!URL.canParse(url))
        throw new Error(`${key}.url "${url}" is not a URL`);
    }
    const namespaces = c.getOptionalStringArray('namespaces');
    // ARC's documented install namespace
    const controllerNamespace =
      c.getOptionalString('controllerNamespace') ?? 'arc-systems';
    if (!isDnsLabel(controllerNamespace)) {
      throw new Error(
        `${key}.controllerNamespace "${controllerNamespace}" is not a Kubernetes namespace name (a DNS label)`,
      );
    }
    const badNamespace = namespaces?.find(ns => !isDnsLabel(ns));
    if (badNamespace !== undefined) {
      throw new Error(
        `${key}.namespaces has "${badNamespace}", which is not a Kubernetes namespace name (a DNS label)`,
      );
    }
    return {
      name,
      authProvider,
      url,
      serviceAccountToken: c.getOptionalString('serviceAccountToken'),
      caData: c.getOptionalString('caData'),
      skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
      kubeconfigContext: c.getOptionalString('kubeconfigContext'),
      namespaces: namespaces?.length ? namespaces : undefined,
      controllerNamespace,
      helmAppliedBy: c.getOptionalString('helmAppliedBy'),
    };
  });
}

/** What one pass over `gloriousflywheel.runnerClasses` (and `owner`) yields. */
interface RunnerClassEntries {
  runnerClasses: RunnerClassDefinition[];
  owners: RunnerClassOwners;
  /** `runnerClasses[].caches` by class name */
  caches: ReadonlyMap<string, readonly string[]>;
}

/**
 * Reads `gloriousflywheel.runnerClasses` (or the four tinyland classes when absent) with their
 * owners and caches, and `gloriousflywheel.owner`; a bad entry fails start-up naming its key.
 */
function readRunnerClassEntries(config: Config): RunnerClassEntries {
  const entries = config.getOptionalConfigArray(
    'gloriousflywheel.runnerClasses',
  );
  const caches = new Map<string, string[]>();
  const byClass = new Map<string, string>();
  if (!entries) {
    return {
      runnerClasses: DEFAULT_RUNNER_CLASSES.map(c => ({ ...c })),
      owners: runnerClassOwners(config, byClass),
      caches,
    };
  }
  const cacheNames = new Set(
    (config.getOptionalConfigArray('gloriousflywheel.caches') ?? []).map(c =>
      c.getString('name'),
    ),
  );
  const seen = new Set<string>();
  const runnerClasses = entries.map((c, i) => {
    const key = `gloriousflywheel.runnerClasses[${i}]`;
    const name = c.getString('name');
    // a runner class is also a catalog entity name and a filter value beside `unclassified`
    if (
      name.length > NAME_LIMITS.runnerClass ||
      !ENTITY_NAME_PATTERN.test(name) ||
      name === UNCLASSIFIED_RUNNER_CLASS
    ) {
      throw new Error(
        `${key}.name "${name}" must be a catalog entity name (letters, digits and single - _ .; at most ${NAME_LIMITS.runnerClass}) other than ${UNCLASSIFIED_RUNNER_CLASS}`,
      );
    }
    if (seen.has(name))
      throw new Error(`${key}.name "${name}" is configured twice`);
    seen.add(name);
    const capabilities = c.getOptionalStringArray('capabilities') ?? [];
    const unknown = capabilities.filter(
      x => !RUNNER_CLASS_CAPABILITIES.includes(x as RunnerClassCapability),
    );
    if (unknown.length) {
      throw new Error(
        `${key}.capabilities has unknown values ${unknown.join(
          ', ',
        )} (known: ${RUNNER_CLASS_CAPABILITIES.join(', ')})`,
      );
    }
    const definition: RunnerClassDefinition = {
      name,
      title: c.getOptionalString('title'),
      capabilities: capabilities as RunnerClassCapability[],
      labels: c.getOptionalStringArray('labels') ?? [name],
      scaleSets: c.getOptionalStringArray('scaleSets') ?? [name],
      contract: readContract(c, key, name, cacheNames),
    };
    const classOwner = c.getOptionalString('owner');
    if (classOwner) byClass.set(name, ownerRef(classOwner, `${key}.owner`));
    const classCaches = c.getOptionalStringArray('caches') ?? [];
    classCaches.forEach((cache, j) => {
      // A class naming a cache that is not configured fails here, so the catalog never gets a dangling `dependsOn`.
      if (!cacheNames.has(cache)) {
        throw new Error(
          `Invalid config at '${key}.caches[${j}]': no cache named '${cache}' in gloriousflywheel.caches`,
        );
      }
    });
    if (classCaches.length) caches.set(name, classCaches);
    return definition;
  });
  return {
    runnerClasses,
    owners: runnerClassOwners(config, byClass),
    caches,
  };
}

/**
 * Reads `gloriousflywheel.runnerClasses`, or the four tinyland classes when absent.
 */
export function readRunnerClasses(config: Config): RunnerClassDefinition[] {
  return readRunnerClassEntries(config).runnerClasses;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `cacheEnv` (names, or `{ name, cache }` with `cache` a `caches[]` name or `*`), `memory`
 * (`{ min, max }` quantities) and `arcVersion`; a key left out takes the default class's value
 * when the class is one of the four tinyland classes.
 */
function readContract(
  c: Config,
  key: string,
  name: string,
  cacheNames: Set<string>,
): RunnerClassContract | undefined {
  const fallback = DEFAULT_RUNNER_CLASSES.find(d => d.name === name)?.contract;
  const rawEnv = c.getOptional('cacheEnv');
  let cacheEnv: CacheEnvExpectation[] | undefined = fallback?.cacheEnv.map(
    x => ({ ...x }),
  );
  if (rawEnv !== undefined) {
    if (!Array.isArray(rawEnv))
      throw new Error(`${key}.cacheEnv must be a list`);
    cacheEnv = rawEnv.map((x, j) => {
      const at = `${key}.cacheEnv[${j}]`;
      const entry =
        typeof x === 'string'
          ? { name: x }
          : (x as { name?: unknown; cache?: unknown });
      if (
        typeof entry !== 'object' ||
        entry === null ||
        typeof entry.name !== 'string' ||
        !ENV_NAME.test(entry.name)
      ) {
        throw new Error(
          `${at} must be an environment variable name or { name, cache }`,
        );
      }
      if (entry.cache === undefined) return { name: entry.name };
      if (
        typeof entry.cache !== 'string' ||
        (entry.cache !== '*' && !cacheNames.has(entry.cache))
      ) {
        throw new Error(
          `${at}.cache "${String(
            entry.cache,
          )}" is not a name in gloriousflywheel.caches (or * for any)`,
        );
      }
      return { name: entry.name, cache: entry.cache };
    });
  }
  let memory = fallback?.memory && { ...fallback.memory };
  if (c.has('memory')) {
    const min = c.getString('memory.min');
    const max = c.getString('memory.max');
    const [lo, hi] = [parseQuantity(min), parseQuantity(max)];
    if (lo === null || hi === null)
      throw new Error(
        `${key}.memory min/max must be Kubernetes quantities such as 4Gi, got ${min}, ${max}`,
      );
    if (lo > hi)
      throw new Error(`${key}.memory.min ${min} is above max ${max}`);
    memory = { min, max };
  }
  const arcVersion = c.getOptionalString('arcVersion') ?? fallback?.arcVersion;
  if (!cacheEnv && !memory && !arcVersion) return undefined;
  return {
    cacheEnv: cacheEnv ?? [],
    ...(memory ? { memory } : {}),
    ...(arcVersion ? { arcVersion } : {}),
  };
}

/** Owner of runner classes without their own when `gloriousflywheel.owner` is not set. */
export const DEFAULT_RUNNER_CLASS_OWNER = 'group:default/platform-team';

/**
 * Who owns the runner classes. The catalog module shows this owner on runner-class and scale-set
 * entities and the permission rule `isOwnedByUser` accepts exactly it: both call `ownerOf`.
 *
 * @public
 */
export interface RunnerClassOwners {
  /** `gloriousflywheel.owner` (default `group:default/platform-team`): owner of classes without their own */
  defaultOwner: string;
  /** runner class name to `runnerClasses[].owner` */
  byClass: ReadonlyMap<string, string>;
  /** The owner of a runner class (null = an unclassified scale set), as a full entity ref. */
  ownerOf(runnerClass: string | null): string;
}

function ownerRef(value: string, key: string): string {
  try {
    // `platform-team` and `group:platform-team` mean group:default/platform-team
    return stringifyEntityRef(
      parseEntityRef(value, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      }),
    );
  } catch (e) {
    throw new Error(
      `${key} "${value}" is not an entity ref: ${(e as Error).message}`,
    );
  }
}

function runnerClassOwners(
  config: Config,
  byClass: ReadonlyMap<string, string>,
): RunnerClassOwners {
  const owner = config.getOptionalString('gloriousflywheel.owner');
  const defaultOwner = owner
    ? ownerRef(owner, 'gloriousflywheel.owner')
    : DEFAULT_RUNNER_CLASS_OWNER;
  return {
    defaultOwner,
    byClass,
    ownerOf: runnerClass =>
      (runnerClass !== null && byClass.get(runnerClass)) || defaultOwner,
  };
}

/**
 * Reads `gloriousflywheel.owner` and the per-class `runnerClasses[].owner`, as full entity refs.
 */
export function readRunnerClassOwners(config: Config): RunnerClassOwners {
  return readRunnerClassEntries(config).owners;
}

/**
 * What the fleet reads from app-config, read and validated once: `gloriousflywheel.clusters`,
 * `runnerClasses` (with their owners and caches) and `owner`. A bad entry fails start-up naming its
 * key.
 *
 * @public
 */
export class FleetConfig {
  static fromConfig(config: Config): FleetConfig {
    const clusters = readClusterConfigs(config);
    const { runnerClasses, owners, caches } = readRunnerClassEntries(config);
    return new FleetConfig(clusters, runnerClasses, owners, caches);
  }

  private constructor(
    /** `gloriousflywheel.clusters` */
    readonly clusters: ClusterConfig[],
    /** `gloriousflywheel.runnerClasses`, or the four tinyland classes when absent */
    readonly runnerClasses: RunnerClassDefinition[],
    /** who owns each runner class */
    readonly owners: RunnerClassOwners,
    /** `runnerClasses[].caches` by class name; every name is a configured cache */
    readonly runnerClassCaches: ReadonlyMap<string, readonly string[]>,
  ) {}
}
