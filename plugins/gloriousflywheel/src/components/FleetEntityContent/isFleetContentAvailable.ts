import { Entity } from '@backstage/catalog-model';

const TYPES = ['runner-class', 'runner-scale-set', 'build-cache'];

/**
 * Whether an entity is one of the Resources the plugin emits (runner class, scale set, build cache).
 *
 * @public
 */
export function isFleetContentAvailable(entity: Entity): boolean {
  const type = (entity.spec as { type?: string } | undefined)?.type;
  return entity.kind === 'Resource' && TYPES.includes(type ?? '');
}
