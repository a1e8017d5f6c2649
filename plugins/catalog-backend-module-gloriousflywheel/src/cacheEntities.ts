import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  CACHE_ANNOTATIONS,
  CATALOG_LOCATIONS,
  CATALOG_RESOURCE_TYPES,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type { CacheHealthStatus } from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type {
  StaleCacheEndpoint,
  CacheTarget,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';

const KIND_TITLES: Record<CacheTarget['kind'], string> = {
  attic: 'Attic Nix cache',
  nix: 'Nix binary cache',
  'bazel-remote': 'Bazel remote cache (HTTP)',
  'bazel-grpc': 'Bazel remote cache (gRPC)',
};

/**
 * Resource entities of type build-cache, one per configured cache, named as in config so that
 * runner classes' `dependsOn: resource:default/<cache>` resolves. Built field by field: the token
 * is never read.
 */
export function cacheEntities(options: {
  owner: string;
  targets: readonly CacheTarget[];
  status: (cache: string) => CacheHealthStatus;
  staleEndpoints?: readonly StaleCacheEndpoint[];
}): Entity[] {
  return options.targets.map(t => {
    const stale = options.staleEndpoints?.find(s => s.cache === t.name);
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: t.name,
        title: `${t.name} (${KIND_TITLES[t.kind]})`,
        description: `${KIND_TITLES[t.kind]} at ${t.url}${
          t.runnerClasses.length
            ? `; used by ${t.runnerClasses.join(', ')}`
            : ''
        }`,
        tags: [CATALOG_RESOURCE_TYPES.buildCache, t.kind],
        annotations: {
          [ANNOTATION_LOCATION]: CATALOG_LOCATIONS.caches,
          [ANNOTATION_ORIGIN_LOCATION]: CATALOG_LOCATIONS.caches,
          [CACHE_ANNOTATIONS.health]: options.status(t.name),
          [CACHE_ANNOTATIONS.kind]: t.kind,
          [CACHE_ANNOTATIONS.endpoint]: t.url,
          ...(t.cache ? { [CACHE_ANNOTATIONS.cacheName]: t.cache } : {}),
          [CACHE_ANNOTATIONS.runnerClasses]: t.runnerClasses.join(','),
          ...(stale
            ? { [CACHE_ANNOTATIONS.staleEndpoint]: stale.pattern }
            : {}),
        },
      },
      spec: { type: CATALOG_RESOURCE_TYPES.buildCache, owner: options.owner },
    };
  });
}
