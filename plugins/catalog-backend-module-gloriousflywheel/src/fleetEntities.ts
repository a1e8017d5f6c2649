import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  formatContractScore,
  RunnerClassContractReport,
  RunnerClassDefinition,
  ScaleSet,
  scaleSetEntityName,
  scaleSetKey,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** Where the plugin's entities say they come from. */
export const FLEET_LOCATION = 'gloriousflywheel:fleet';

/** Annotations on the emitted Resources (coarse state only; counts stay in the plugin). */
export const ENTITY_ANNOTATIONS = {
  runnerClass: 'gloriousflywheel.io/runner-class',
  capabilities: 'gloriousflywheel.io/capabilities',
  cluster: 'gloriousflywheel.io/cluster',
  namespace: 'gloriousflywheel.io/namespace',
  scaleSet: 'gloriousflywheel.io/scale-set',
  githubConfigUrl: 'gloriousflywheel.io/github-config-url',
  labels: 'gloriousflywheel.io/runner-labels',
  paused: 'gloriousflywheel.io/paused',
  /** `reverted by <who> at <time>` while a portal pause has been undone outside the portal */
  pauseReverted: 'gloriousflywheel.io/pause-reverted',
  /** the runner-class contract: passed/applicable checks, e.g. `5/6` */
  contract: 'gloriousflywheel.io/contract',
  /** ids of the contract checks that fail, comma-separated */
  contractFailing: 'gloriousflywheel.io/contract-failing',
  arcVersion: 'gloriousflywheel.io/arc-version',
  runnerImage: 'gloriousflywheel.io/runner-image',
  /** the runner container's memory `request/limit` */
  runnerMemory: 'gloriousflywheel.io/runner-memory',
} as const;

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
    [ENTITY_ANNOTATIONS.contract]: formatContractScore(score),
    ...(failing.length
      ? { [ENTITY_ANNOTATIONS.contractFailing]: failing.join(',') }
      : {}),
  };
}

/** Facts read from the scale set's template and labels; absent ones are left out. */
function factAnnotations(s: ScaleSet): Record<string, string> {
  const out: Record<string, string> = {};
  if (s.arc?.version) out[ENTITY_ANNOTATIONS.arcVersion] = s.arc.version;
  if (s.runner?.image) out[ENTITY_ANNOTATIONS.runnerImage] = s.runner.image;
  if (s.runner?.memoryLimit || s.runner?.memoryRequest) {
    out[ENTITY_ANNOTATIONS.runnerMemory] = `${s.runner.memoryRequest ?? '-'}/${
      s.runner.memoryLimit ?? 'unlimited'
    }`;
  }
  if (s.pauseReverted)
    out[
      ENTITY_ANNOTATIONS.pauseReverted
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
      [ANNOTATION_LOCATION]: FLEET_LOCATION,
      [ANNOTATION_ORIGIN_LOCATION]: FLEET_LOCATION,
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
        'runner-class',
        ...c.capabilities.map(x => x.replace(/[^a-z0-9-]/g, '-')),
      ],
      annotations: {
        [ENTITY_ANNOTATIONS.runnerClass]: c.name,
        [ENTITY_ANNOTATIONS.capabilities]: c.capabilities.join(','),
        [ENTITY_ANNOTATIONS.labels]: c.labels.join(','),
        ...contractAnnotations(contractOf(c.name)),
      },
    }),
    spec: {
      type: 'runner-class',
      owner: ownerOf(c.name),
      dependsOn: (options.cachesByClass?.[c.name] ?? []).map(
        n => `resource:default/${n}`,
      ),
    },
  }));
  const scaleSets: Entity[] = options.scaleSets.map(s => ({
    ...base(scaleSetEntityName(s), {
      title: `${s.name} (${s.cluster}/${s.namespace})`,
      description: `ARC scale set ${s.runnerScaleSetName} for ${s.owner}`,
      tags: ['runner-scale-set'],
      annotations: {
        [ENTITY_ANNOTATIONS.cluster]: s.cluster,
        [ENTITY_ANNOTATIONS.namespace]: s.namespace,
        [ENTITY_ANNOTATIONS.scaleSet]: s.name,
        [ENTITY_ANNOTATIONS.githubConfigUrl]: s.githubConfigUrl,
        [ENTITY_ANNOTATIONS.labels]: s.labels.join(','),
        ...(s.runnerClass
          ? { [ENTITY_ANNOTATIONS.runnerClass]: s.runnerClass }
          : {}),
        [ENTITY_ANNOTATIONS.paused]: s.paused ? 'true' : 'false',
        ...factAnnotations(s),
        ...contractAnnotations(scaleSetContractOf(s)),
      },
    }),
    spec: {
      type: 'runner-scale-set',
      owner: ownerOf(s.runnerClass),
      dependsOn: s.runnerClass ? [`resource:default/${s.runnerClass}`] : [],
    },
  }));
  return [...classes, ...scaleSets];
}
