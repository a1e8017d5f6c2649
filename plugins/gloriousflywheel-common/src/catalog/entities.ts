/**
 * `spec.type` of the Resource entities the catalog module emits.
 *
 * @public
 */
export const CATALOG_RESOURCE_TYPES = {
  runnerClass: 'runner-class',
  scaleSet: 'runner-scale-set',
  buildCache: 'build-cache',
} as const;

/**
 * One of {@link CATALOG_RESOURCE_TYPES}.
 *
 * @public
 */
export type CatalogResourceType =
  (typeof CATALOG_RESOURCE_TYPES)[keyof typeof CATALOG_RESOURCE_TYPES];

/**
 * Location keys (and `backstage.io/managed-by-location` values) of the emitted entities, one per
 * entity provider.
 *
 * @public
 */
export const CATALOG_LOCATIONS = {
  fleet: 'gloriousflywheel:fleet',
  caches: 'gloriousflywheel:caches',
} as const;

const TYPES: readonly string[] = Object.values(CATALOG_RESOURCE_TYPES);

/**
 * The type of an entity if it is one of the Resources the catalog module emits (runner class,
 * scale set, build cache), else undefined.
 *
 * @public
 */
export function catalogResourceType(entity: {
  kind: string;
  spec?: unknown;
}): CatalogResourceType | undefined {
  if (entity.kind !== 'Resource') return undefined;
  const type = (entity.spec as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' && TYPES.includes(type)
    ? (type as CatalogResourceType)
    : undefined;
}

/**
 * Entity reference of an emitted Resource (they all live in the default namespace), as used in
 * `dependsOn`.
 *
 * @public
 */
export function catalogResourceRef(name: string): string {
  return `resource:default/${name}`;
}
