import { Entity } from '@backstage/catalog-model';
import { projectSlugOf } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/** `owner/repo` of a Component's GitHub repository, from its project-slug annotation. */
export function repoOfEntity(
  entity: Entity,
): { owner: string; repo: string } | undefined {
  const slug = projectSlugOf(entity);
  return slug && { owner: slug.owner, repo: slug.name };
}

/**
 * Whether the Runners & dogfood tab applies: a Component with a GitHub project slug.
 *
 * @public
 */
export function isRepoAdoptionAvailable(entity: Entity): boolean {
  return entity.kind === 'Component' && repoOfEntity(entity) !== undefined;
}
