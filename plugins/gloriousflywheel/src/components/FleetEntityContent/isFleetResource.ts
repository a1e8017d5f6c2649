import { Entity } from '@backstage/catalog-model';

/** Whether an entity is one of the Resources the fleet module emits (runner class or scale set). */
export function isFleetResource(entity: Entity): boolean {
  const type = (entity.spec as { type?: string } | undefined)?.type;
  return entity.kind === 'Resource' && (type === 'runner-class' || type === 'runner-scale-set');
}
