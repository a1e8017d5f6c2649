/**
 * What a Nix-related action does to a job: `installer` bootstraps Nix, `cache` attaches or pushes
 * to a binary cache (including FlakeHub).
 *
 * @public
 */
export type NixActionKind = 'installer' | 'cache';

/**
 * Known Nix actions (`owner/repo`, compared case-insensitively, any ref or sub-path).
 *
 * @public
 */
export const DEFAULT_NIX_ACTIONS: Readonly<Record<string, NixActionKind>> = {
  'cachix/install-nix-action': 'installer',
  'determinatesystems/nix-installer-action': 'installer',
  'determinatesystems/magic-nix-cache-action': 'cache',
  'determinatesystems/flakehub-cache-action': 'cache',
  'determinatesystems/flakehub-push': 'cache',
  'cachix/cachix-action': 'cache',
  'ryanccn/attic-action': 'cache',
};

/** The kind of a step's `uses:` reference if it is a known Nix action. */
export function nixActionKind(
  uses: string,
  actions: Readonly<Record<string, NixActionKind>> = DEFAULT_NIX_ACTIONS,
): NixActionKind | undefined {
  const ref = uses.trim().split('@')[0].toLowerCase();
  const [owner, repo] = ref.split('/');
  if (!owner || !repo) return undefined;
  const key = `${owner}/${repo}`;
  for (const [name, kind] of Object.entries(actions)) {
    if (name.toLowerCase() === key) return kind;
  }
  return undefined;
}

/** The repo-relative directory of a local action (`./.github/actions/x`), else undefined. */
export function localActionPath(uses: string): string | undefined {
  const ref = uses.trim();
  if (!ref.startsWith('./')) return undefined;
  const parts: string[] = [];
  for (const part of ref.slice(2).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}
