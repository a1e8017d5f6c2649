import { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  DEFAULT_RUNNER_CLASSES,
  RUNNER_CLASS_CAPABILITIES,
  RunnerClassCapability,
  RunnerClassDefinition,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** One cluster from `gloriousflywheel.clusters[]`. */
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

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Reads and validates `gloriousflywheel.clusters`; a bad entry fails start-up naming its key. */
export function readClusterConfigs(config: Config): ClusterConfig[] {
  const entries = config.getOptionalConfigArray('gloriousflywheel.clusters') ?? [];
  const seen = new Set<string>();
  return entries.map((c, i) => {
    const key = `gloriousflywheel.clusters[${i}]`;
    const name = c.getString('name');
    if (!NAME.test(name)) throw new Error(`${key}.name "${name}" must be a DNS label (a-z, 0-9, -)`);
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

/** Reads `gloriousflywheel.runnerClasses`, or the four tinyland classes when absent. */
export function readRunnerClasses(config: Config): RunnerClassDefinition[] {
  const entries = config.getOptionalConfigArray('gloriousflywheel.runnerClasses');
  if (!entries) return DEFAULT_RUNNER_CLASSES.map(c => ({ ...c }));
  const seen = new Set<string>();
  return entries.map((c, i) => {
    const key = `gloriousflywheel.runnerClasses[${i}]`;
    const name = c.getString('name');
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

/** Who owns the runner classes: the permission rule `isOwnedByUser` checks these refs. */
export interface RunnerClassOwners {
  /** `gloriousflywheel.owner`: owner of classes without their own (and of unclassified scale sets) */
  defaultOwner: string | null;
  /** runner class name -> `runnerClasses[].owner` */
  byClass: Map<string, string>;
}

function ownerRef(value: string, key: string): string {
  try {
    // `platform-team` and `group:platform-team` mean group:default/platform-team
    return stringifyEntityRef(parseEntityRef(value, { defaultKind: 'group', defaultNamespace: 'default' }));
  } catch (e) {
    throw new Error(`${key} "${value}" is not an entity ref: ${(e as Error).message}`);
  }
}

/** Reads `gloriousflywheel.owner` and the per-class `runnerClasses[].owner`, as full entity refs. */
export function readRunnerClassOwners(config: Config): RunnerClassOwners {
  const owner = config.getOptionalString('gloriousflywheel.owner');
  const byClass = new Map<string, string>();
  (config.getOptionalConfigArray('gloriousflywheel.runnerClasses') ?? []).forEach((c, i) => {
    const classOwner = c.getOptionalString('owner');
    if (classOwner) byClass.set(c.getString('name'), ownerRef(classOwner, `gloriousflywheel.runnerClasses[${i}].owner`));
  });
  return { defaultOwner: owner ? ownerRef(owner, 'gloriousflywheel.owner') : null, byClass };
}
