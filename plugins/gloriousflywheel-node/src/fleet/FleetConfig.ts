import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  DEFAULT_RUNNER_CLASSES,
  DNS_LABEL_PATTERN,
  ENTITY_NAME_PATTERN,
  NAME_LIMITS,
  RUNNER_CLASS_CAPABILITIES,
  RunnerClassCapability,
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
}

const isDnsLabel = (name: string) => name.length <= NAME_LIMITS.cluster && DNS_LABEL_PATTERN.test(name);

/**
 * Reads and validates `gloriousflywheel.clusters`; a bad entry fails start-up naming its key.
 *
 * @public
 */
export function readClusterConfigs(config: Config): ClusterConfig[] {
  const entries = config.getOptionalConfigArray('gloriousflywheel.clusters') ?? [];
  const seen = new Set<string>();
  return entries.map((c, i) => {
    const key = `gloriousflywheel.clusters[${i}]`;
    const name = c.getString('name');
    if (!isDnsLabel(name)) throw new Error(`${key}.name "${name}" must be a DNS label (a-z, 0-9, -; at most 63)`);
    if (seen.has(name)) throw new Error(`${key}.name "${name}" is configured twice`);
    seen.add(name);
    const url = c.getOptionalString('url');
    const authProvider = (c.getOptionalString('authProvider') ??
      (url ? 'serviceAccount' : 'kubeconfig')) as ClusterConfig['authProvider'];
    if (!['serviceAccount', 'kubeconfig', 'inCluster'].includes(authProvider)) {
      throw new Error(`${key}.authProvider must be serviceAccount, kubeconfig or inCluster, got "${authProvider}"`);
    }
    if (authProvider === 'serviceAccount') {
      if (!url) throw new Error(`${key}.url is required with authProvider serviceAccount`);
      if (!URL.canParse(url)) throw new Error(`${key}.url "${url}" is not a URL`);
    }
    const namespaces = c.getOptionalStringArray('namespaces');
    const badNamespace = namespaces?.find(ns => !isDnsLabel(ns));
    if (badNamespace !== undefined) {
      throw new Error(`${key}.namespaces has "${badNamespace}", which is not a Kubernetes namespace name (a DNS label)`);
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
    };
  });
}

/**
 * Reads `gloriousflywheel.runnerClasses`, or the four tinyland classes when absent.
 *
 * @public
 */
export function readRunnerClasses(config: Config): RunnerClassDefinition[] {
  const entries = config.getOptionalConfigArray('gloriousflywheel.runnerClasses');
  if (!entries) return DEFAULT_RUNNER_CLASSES.map(c => ({ ...c }));
  const seen = new Set<string>();
  return entries.map((c, i) => {
    const key = `gloriousflywheel.runnerClasses[${i}]`;
    const name = c.getString('name');
    // a runner class is also a catalog entity name and a filter value beside `unclassified`
    if (name.length > NAME_LIMITS.runnerClass || !ENTITY_NAME_PATTERN.test(name) || name === UNCLASSIFIED_RUNNER_CLASS) {
      throw new Error(
        `${key}.name "${name}" must be a catalog entity name (letters, digits and single - _ .; at most ${NAME_LIMITS.runnerClass}) other than ${UNCLASSIFIED_RUNNER_CLASS}`,
      );
    }
    if (seen.has(name)) throw new Error(`${key}.name "${name}" is configured twice`);
    seen.add(name);
    const capabilities = c.getOptionalStringArray('capabilities') ?? [];
    const unknown = capabilities.filter(x => !RUNNER_CLASS_CAPABILITIES.includes(x as RunnerClassCapability));
    if (unknown.length) {
      throw new Error(`${key}.capabilities has unknown values ${unknown.join(', ')} (known: ${RUNNER_CLASS_CAPABILITIES.join(', ')})`);
    }
    return {
      name,
      title: c.getOptionalString('title'),
      capabilities: capabilities as RunnerClassCapability[],
      labels: c.getOptionalStringArray('labels') ?? [name],
      scaleSets: c.getOptionalStringArray('scaleSets') ?? [name],
    };
  });
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
    return stringifyEntityRef(parseEntityRef(value, { defaultKind: 'group', defaultNamespace: 'default' }));
  } catch (e) {
    throw new Error(`${key} "${value}" is not an entity ref: ${(e as Error).message}`);
  }
}

/**
 * Reads `gloriousflywheel.owner` and the per-class `runnerClasses[].owner`, as full entity refs.
 *
 * @public
 */
export function readRunnerClassOwners(config: Config): RunnerClassOwners {
  const owner = config.getOptionalString('gloriousflywheel.owner');
  const byClass = new Map<string, string>();
  (config.getOptionalConfigArray('gloriousflywheel.runnerClasses') ?? []).forEach((c, i) => {
    const classOwner = c.getOptionalString('owner');
    if (classOwner) byClass.set(c.getString('name'), ownerRef(classOwner, `gloriousflywheel.runnerClasses[${i}].owner`));
  });
  const defaultOwner = owner ? ownerRef(owner, 'gloriousflywheel.owner') : DEFAULT_RUNNER_CLASS_OWNER;
  return {
    defaultOwner,
    byClass,
    ownerOf: runnerClass => (runnerClass !== null && byClass.get(runnerClass)) || defaultOwner,
  };
}
