const cache = new Map<string, RegExp>();

/** Path glob to RegExp: `**` spans directories, `*` and `?` stay within one path segment. */
function globRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  re = new RegExp(`^${source}$`);
  cache.set(glob, re);
  return re;
}

/**
 * Whether a `/`-separated name (a repo-relative path, a branch, an `owner/repo`) matches any of
 * the globs: `**` spans segments (`**\/` also none), `*` and `?` stay within one segment. Case
 * sensitive: lower-case both sides for names that are not.
 *
 * @public
 */
export function matchesPathGlob(
  path: string,
  globs: readonly string[],
): boolean {
  return globs.some(glob => globRegExp(glob).test(path));
}
