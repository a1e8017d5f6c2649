import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import type { AdoptionReader } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import {
  PROJECT_SLUG_ANNOTATION,
  projectSlugOf,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

// `CATALOG_FILTER_EXISTS` of @backstage/catalog-client (a global symbol, so equal to the client's):
// copied rather than adding a dependency for one constant.
const CATALOG_FILTER_EXISTS = Symbol.for(
  'CATALOG_FILTER_EXISTS_0e15b590c0b343a2bae3e787e84c2111',
);

/**
 * After a scan changed what the catalog shows of some repositories, asks the catalog to reprocess
 * exactly the Components that point at them (refreshEntity), instead of waiting for the processing
 * loop to come round. One Component listing per publish, then one refresh per affected entity.
 */
export function refreshCatalogOnAdoptionChange(options: {
  hub: AdoptionReader;
  catalog: CatalogService;
  auth: AuthService;
  logger: LoggerService;
}): () => void {
  const { hub, catalog, auth, logger } = options;
  let pending = new Set<string>();
  let running: Promise<void> | undefined;

  const drain = async () => {
    while (pending.size) {
      const keys = pending;
      pending = new Set();
      const credentials = await auth.getOwnServiceCredentials();
      const { items } = await catalog.getEntities(
        {
          filter: {
            kind: 'Component',
            [`metadata.annotations.${PROJECT_SLUG_ANNOTATION}`]:
              CATALOG_FILTER_EXISTS,
          },
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            `metadata.annotations.${PROJECT_SLUG_ANNOTATION}`,
          ],
        },
        { credentials },
      );
      const affected = items.filter(e => {
        const slug = projectSlugOf(e);
        return slug !== undefined && keys.has(slug.key);
      });
      for (const entity of affected) {
        await catalog.refreshEntity(stringifyEntityRef(entity), {
          credentials,
        });
      }
      if (affected.length)
        logger.debug(
          `adoption: asked the catalog to reprocess ${affected.length} component(s)`,
        );
    }
  };

  return hub.onChange(changed => {
    for (const key of changed) pending.add(key);
    running ??= drain()
      .catch(e =>
        logger.warn(
          `adoption: catalog refresh failed, the processing loop will pick the change up: ${e}`,
        ),
      )
      .finally(() => {
        running = undefined;
      });
  });
}
