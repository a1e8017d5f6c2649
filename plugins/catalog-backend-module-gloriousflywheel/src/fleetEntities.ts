import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  RunnerClassDefinition,
  ScaleSet,
  scaleSetEntityName,
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
} as const;

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
}): Entity[] {
  const ownerOf = (runnerClass: string | null) =>
    (runnerClass && options.ownersByClass?.[runnerClass]) || options.owner;
  const classes: Entity[] = options.runnerClasses.map(c => ({
    ...base(c.name, {
      title: c.title ? `${c.title} (${c.name})` : c.name,
      description: `Runner class ${c.name}: ${c.capabilities.join(', ') || 'no declared capabilities'}; runs-on ${c.labels.join(', ')}`,
      tags: ['runner-class', ...c.capabilities.map(x => x.replace(/[^a-z0-9-]/g, '-'))],
      annotations: {
        [ENTITY_ANNOTATIONS.runnerClass]: c.name,
        [ENTITY_ANNOTATIONS.capabilities]: c.capabilities.join(','),
        [ENTITY_ANNOTATIONS.labels]: c.labels.join(','),
      },
    }),
    spec: {
      type: 'runner-class',
      owner: ownerOf(c.name),
      dependsOn: (options.cachesByClass?.[c.name] ?? []).map(n => `resource:default/${n}`),
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
        ...(s.runnerClass ? { [ENTITY_ANNOTATIONS.runnerClass]: s.runnerClass } : {}),
        [ENTITY_ANNOTATIONS.paused]: s.paused ? 'true' : 'false',
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
