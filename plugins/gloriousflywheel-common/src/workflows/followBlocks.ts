/**
 * How `uses:` references name building blocks. The following itself lives in inspectWorkflow, so
 * the backend scan, the frontend and the CLI share it.
 */

/**
 * Nesting of building blocks followed (actions in actions, workflows calling workflows); deeper
 * ones are reported `too-deep`. GitHub itself stops reusable workflows at four levels.
 */
export const MAX_BLOCK_DEPTH = 4;

/** A repository at a ref, as a remote `uses:` names it. */
export interface RemoteRef {
  owner: string;
  repo: string;
  ref: string;
}

/** `uses:` as written, without surrounding space or a trailing `/`. */
export function trimUses(uses: string): string {
  return uses.trim().replace(/\/+$/, '');
}

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/**
 * `owner/repo[/path]@ref` split into its parts; undefined for local (`./`), Docker (`docker://`)
 * and malformed references, or a path that leaves the repository.
 */
export function parseRemoteUses(
  uses: string,
): { ref: RemoteRef; path: string } | undefined {
  const text = uses.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0 || text.startsWith('./') || text.includes('://'))
    return undefined;
  const ref = text.slice(at + 1).trim();
  const [owner, repo, ...rest] = text.slice(0, at).split('/');
  if (!ref || !owner || !repo || !SEGMENT.test(owner) || !SEGMENT.test(repo))
    return undefined;
  const parts = rest.filter(p => p !== '' && p !== '.');
  if (parts.includes('..')) return undefined;
  return { ref: { owner, repo, ref }, path: parts.join('/') };
}

/** `owner/repo/path@ref` (`owner/repo@ref` for the repository root). */
export function describeRemote(ref: RemoteRef, path: string): string {
  return `${ref.owner}/${ref.repo}${path ? `/${path}` : ''}@${ref.ref}`;
}
