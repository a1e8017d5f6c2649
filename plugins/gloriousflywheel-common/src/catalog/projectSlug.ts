import { PROJECT_SLUG_ANNOTATION } from './annotations';

/**
 * The key of a repository in the adoption hub and store: `owner/name`, lower-case (GitHub names
 * are case-insensitive).
 *
 * @public
 */
export const repoKey = (owner: string, name: string) =>
  `${owner}/${name}`.toLowerCase();

/**
 * A GitHub repository as a `github.com/project-slug` names it.
 *
 * @public
 */
export interface ProjectSlug {
  owner: string;
  name: string;
  /** {@link repoKey} of owner and name */
  key: string;
}

const SLUG = /^([^/\s]+)\/([^/\s]+)$/;

/**
 * Parses `owner/name` (surrounding spaces ignored); undefined unless it is exactly two non-empty
 * segments without spaces.
 *
 * @public
 */
export function parseProjectSlug(
  value: string | undefined,
): ProjectSlug | undefined {
  const m = value ? SLUG.exec(value.trim()) : null;
  return m ? { owner: m[1], name: m[2], key: repoKey(m[1], m[2]) } : undefined;
}

/**
 * The repository of an entity's {@link PROJECT_SLUG_ANNOTATION}, if it names one.
 *
 * @public
 */
export function projectSlugOf(entity: {
  metadata: { annotations?: Record<string, string> };
}): ProjectSlug | undefined {
  return parseProjectSlug(
    entity.metadata.annotations?.[PROJECT_SLUG_ANNOTATION],
  );
}
