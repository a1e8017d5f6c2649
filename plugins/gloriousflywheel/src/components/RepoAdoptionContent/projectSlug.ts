import { Entity } from '@backstage/catalog-model';
import { PROJECT_SLUG_ANNOTATION } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** `owner/repo` of a Component's GitHub repository, from its project-slug annotation. */
export function repoOfEntity(
  entity: Entity,
): { owner: string; repo: string } | undefined {
  const slug = entity.metadata.annotations?.[PROJECT_SLUG_ANNOTATION];
  const m = slug ? /^([^/\s]+)\/([^/\s]+)$/.exec(slug.trim()) : null;
  return m ? { owner: m[1], repo: m[2] } : undefined;
}

/**
 * Whether the Runners & dogfood tab applies: a Component with a GitHub project slug.
 *
 * @public
 */
export function isRepoAdoptionAvailable(entity: Entity): boolean {
  return entity.kind === 'Component' && repoOfEntity(entity) !== undefined;
}
