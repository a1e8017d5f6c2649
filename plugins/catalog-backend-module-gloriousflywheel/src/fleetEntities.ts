import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  CATALOG_LOCATIONS,
  CATALOG_RESOURCE_TYPES,
  catalogResourceRef,
  FLEET_ANNOTATIONS,
  formatContractScore,
  RunnerClassContractReport,
  RunnerClassDefinition,
  ScaleSet,
  scaleSetEntityName,
  scaleSetKey,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** Contract summary annotations of an entity (none when no contract was evaluated). */
function contractAnnotations(
  score:
    | (
        | RunnerClassContractReport
        | RunnerClassContractReport['scaleSets'][number]
      )
    | undefined,
) {
  if (!score) return {};
  const failing = score.checks.filter(c => c.verdict === 'fail').map(c => c.id);
  return {
    [FLEET_ANNOTATIONS.contract]: formatContractScore(score),
    ...(failing.length
      ? { [FLEET_ANNOTATIONS.contractFailing]: failing.join(',') }
      : {}),
  };
}

/** Facts read from the scale set's template and labels; absent ones are left out. */
function factAnnotations(s: ScaleSet): Record<string, string> {
  const out: Record<string, string> = {};
  if (s.arc?.version) out[FLEET_ANNOTATIONS.arcVersion] = s.arc.version;
  if (s.runner?.image) out[FLEET_ANNOTATIONS.runnerImage] = s.runner.image;
  if (s.runner?.memoryLimit || s.runner?.memoryRequest) {
    out[FLEET_ANNOTATIONS.runnerMemory] = `${s.runner.memoryRequest ?? '-'}/${
      s.runner.memoryLimit ?? 'unlimited'
    }`;
  }
  if (s.pauseReverted)
    out[
      FLEET_ANNOTATIONS.pauseReverted
    ] = `reverted by ${s.pauseReverted.by} at ${s.pauseReverted.at}`;
  return out;
}

const base = (name: string, extra: Partial<Entity['metadata']>) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    ...extra,
    annotations: {
      [ANNOTATION_LOCATION]: CATALOG_LOCATIONS.fleet,
      [ANNOTATION_ORIGIN_LOCATION]: CATALOG_LOCATIONS.fleet,
      ...extra.annotations,
    },
  },
});

/** Resource entities of type runner-class (from config) and runner-scale-set (from the clusters). */
export function fleetEntities(options: {
  owner: string;
  runnerClasses: readonly RunnerClassDefinition[];
  scaleSets: readonly ScaleSet[];
  /** owner per runner class (`runnerClasses[].owner`); others get `owner` */
  ownersByClass?: Record<string, string>;
  /** cache entity names per runner class (dependsOn) */
  cachesByClass?: Record<string, string[]>;
  /** the runner-class contracts, when the caches they check against are known */
  contracts?: readonly RunnerClassContractReport[];
}): Entity[] {
  const contractOf = (name: string) =>
    options.contracts?.find(r => r.runnerClass === name);
  const scaleSetContractOf = (s: ScaleSet) =>
    s.runnerClass
      ? contractOf(s.runnerClass)?.scaleSets.find(
          c => c.scaleSet === scaleSetKey(s),
        )
      : undefined;
  const ownerOf = (runnerClass: string | null) =>
    (runnerClass && options.ownersByClass?.[runnerClass]) || options.owner;
  const classes: Entity[] = options.runnerClasses.map(c => ({
    ...base(c.name, {
      title: c.title ? `${c.title} (${c.name})` : c.name,
      description: `Runner class ${c.name}: ${
        c.capabilities.join(', ') || 'no declared capabilities'
      }; runs-on ${c.labels.join(', ')}`,
      tags: [
        CATALOG_RESOURCE_TYPES.runnerClass,
        ...c.capabilities.map(x => x.replace(/[^a-z0-9-]/g, '-')),
      ],
      annotations: {
        [FLEET_ANNOTATIONS.runnerClass]: c.name,
        [FLEET_ANNOTATIONS.capabilities]: c.capabilities.join(','),
        [FLEET_ANNOTATIONS.labels]: c.labels.join(','),
        ...contractAnnotations(contractOf(c.name)),
      },
    }),
    spec: {
      type: CATALOG_RESOURCE_TYPES.runnerClass,
      owner: ownerOf(c.name),
      dependsOn: (options.cachesByClass?.[c.name] ?? []).map(
        catalogResourceRef,
      ),
    },
  }));
  const scaleSets: Entity[] = options.scaleSets.map(s => ({
    ...base(scaleSetEntityName(s), {
      title: `${s.name} (${s.cluster}/${s.namespace})`,
      description: `ARC scale set ${s.runnerScaleSetName} for ${s.owner}`,
      tags: [CATALOG_RESOURCE_TYPES.scaleSet],
      annotations: {
        [FLEET_ANNOTATIONS.cluster]: s.cluster,
        [FLEET_ANNOTATIONS.namespace]: s.namespace,
        [FLEET_ANNOTATIONS.scaleSet]: s.name,
        [FLEET_ANNOTATIONS.githubConfigUrl]: s.githubConfigUrl,
        [FLEET_ANNOTATIONS.labels]: s.labels.join(','),
        ...(s.runnerClass
          ? { [FLEET_ANNOTATIONS.runnerClass]: s.runnerClass }
          : {}),
        [FLEET_ANNOTATIONS.paused]: s.paused ? 'true' : 'false',
        ...factAnnotations(s),
        ...contractAnnotations(scaleSetContractOf(s)),
      },
    }),
    spec: {
      type: CATALOG_RESOURCE_TYPES.scaleSet,
      owner: ownerOf(s.runnerClass),
      dependsOn: s.runnerClass ? [catalogResourceRef(s.runnerClass)] : [],
    },
  }));
  return [...classes, ...scaleSets];
}
