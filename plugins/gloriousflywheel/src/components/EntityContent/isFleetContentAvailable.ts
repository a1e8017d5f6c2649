import { Entity } from '@backstage/catalog-model';
import { catalogResourceType } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/**
 * Whether an entity is one of the Resources the plugin emits (runner class, scale set, build cache).
 *
 * @public
 */
export function isFleetContentAvailable(entity: Entity): boolean {
  return catalogResourceType(entity) !== undefined;
}
