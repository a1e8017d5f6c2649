import { Entity } from '@backstage/catalog-model';
import { catalogResourceType } from '@tinyland/backstage-plugin-gloriousflywheel-common';

/**
 * Whether an entity is one of the Resources the plugin emits (runner class, scale set, build cache).
 *
 * @public
 */
export function isGloriousFlywheelContentAvailable(entity: Entity): boolean {
  return catalogResourceType(entity) !== undefined;
}

/**
 * @public
 * @deprecated Use {@link isGloriousFlywheelContentAvailable}: the tab also serves build caches.
 */
export const isFleetContentAvailable: (entity: Entity) => boolean =
  isGloriousFlywheelContentAvailable;
