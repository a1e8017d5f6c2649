import {
  Entity,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  getCompoundEntityRef,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ADOPTION_ANNOTATIONS,
  catalogResourceRef,
  formatScorecardCounts,
  projectSlugOf,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';
import type { AdoptionReader } from '@tinyland/backstage-plugin-gloriousflywheel-node';

/**
 * Annotates Components whose `github.com/project-slug` names a scanned repository with its runner
 * classes, hosted jobs, scorecard counts, tranche and stage, and relates it to the runner-class
 * Resources it runs on. Reads the latest results from the in-memory AdoptionHub.
 */
export class AdoptionProcessor implements CatalogProcessor {
  constructor(private readonly hub: AdoptionReader) {}

  getProcessorName(): string {
    return 'GloriousFlywheelAdoptionProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (entity.kind !== 'Component') return entity;
    const slug = projectSlugOf(entity);
    if (!slug) return entity;
    const result = this.hub.get(slug.key);
    if (!result) return entity;

    const self = getCompoundEntityRef(entity);
    for (const runnerClass of result.runnerClasses) {
      const target = parseEntityRef(catalogResourceRef(runnerClass));
      emit(
        processingResult.relation({
          source: self,
          type: RELATION_DEPENDS_ON,
          target,
        }),
      );
      emit(
        processingResult.relation({
          source: target,
          type: RELATION_DEPENDENCY_OF,
          target: self,
        }),
      );
    }
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          [ADOPTION_ANNOTATIONS.runnerClasses]: result.runnerClasses.join(','),
          [ADOPTION_ANNOTATIONS.hostedJobs]: String(result.hostedJobs),
          [ADOPTION_ANNOTATIONS.scorecard]: formatScorecardCounts(
            result.scorecard.counts,
          ),
          [ADOPTION_ANNOTATIONS.tranche]: result.tranche ?? '',
          [ADOPTION_ANNOTATIONS.stage]: result.stage,
        },
      },
    };
  }
}
