import { matchesPathGlob } from '../pathGlob';
import { activeDocPaths, omittedEvidence, scanFiles } from '../scanFiles';
import {
  ScorecardCheck,
  ScorecardContext,
  ScorecardEvidence,
  ScorecardRuleResult,
} from '../types';

const LABEL_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/**
 * The host name or label a pattern stands for: a plain name (`attic-cache-dev`,
 * `old-cache.example.com`), or the older `*.name.*` form of one; undefined for other globs.
 */
function labelName(pattern: string): string | undefined {
  const bare = /^\*\.(.+)\.\*$/.exec(pattern)?.[1] ?? pattern;
  return LABEL_NAME.test(bare) ? bare : undefined;
}

/**
 * A stale endpoint pattern as a RegExp for `test()`: `/regex/flags`; a plain name, matched as whole
 * DNS labels anywhere in a host (`attic-cache-dev` finds `https://attic-cache-dev.x`,
 * `attic-cache-dev:9092` and `bazel-cache.attic-cache-dev.svc`, not `my-attic-cache-dev`; `*.name.*`
 * reads the same); or a glob whose `*` spans host-name characters. The reference for
 * {@link staleEndpointMatcher}; fine for short strings such as configured URLs.
 *
 * @public
 */
export function staleEndpointRegExp(pattern: string): RegExp {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (regex) return new RegExp(regex[1], regex[2].replace('g', ''));
  const label = labelName(pattern);
  if (label !== undefined) {
    // a fixed-width look-around on each side: no backtracking whatever the line
    return new RegExp(
      `(?<![A-Za-z0-9_-])${label.replace(/\./g, '\\.')}(?![A-Za-z0-9_-])`,
      'i',
    );
  }
  // A leading or trailing `*` may match nothing, so dropping it changes no test() result; kept,
  // it makes the search retry `[...]*` from every position: quadratic on one long line.
  const source = pattern
    .replace(/^\*+|\*+$/g, '')
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[A-Za-z0-9_.-]*');
  return new RegExp(source, 'i');
}

/**
 * Tests text against one stale endpoint pattern.
 *
 * @public
 */
export interface StaleEndpointMatcher {
  test(text: string): boolean;
}

const isHostChar = (c: number) =>
  (c >= 48 && c <= 57) ||
  (c >= 65 && c <= 90) ||
  (c >= 97 && c <= 122) ||
  c === 95 ||
  c === 46 ||
  c === 45;
const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);

/**
 * The same matches as {@link staleEndpointRegExp}, in time linear in the text for globs: a glob
 * with a `*` inside (`*attic*dev*`) is a backtracking RegExp whose cost grows with the square (or
 * cube) of a line's length, and the lines come from repositories. Globs run as a state-set
 * automaton over the text (work: text length × pattern length); `/regex/` patterns are the
 * configuring admin's own and run as written.
 *
 * @public
 */
export function staleEndpointMatcher(pattern: string): StaleEndpointMatcher {
  if (/^\/(.+)\/([a-z]*)$/.test(pattern) || labelName(pattern) !== undefined)
    return staleEndpointRegExp(pattern);
  // tokens: a character code (ASCII letters folded to lower case, as the RegExp's `i` does for
  // them) or -1 for a `*` run
  const tokens: number[] = [];
  for (const ch of pattern.replace(/^\*+|\*+$/g, '')) {
    if (ch === '*') {
      if (tokens[tokens.length - 1] !== -1) tokens.push(-1);
    } else tokens.push(lower(ch.codePointAt(0)!));
  }
  const m = tokens.length;
  return {
    test(text: string): boolean {
      if (m === 0) return true;
      let active = new Uint8Array(m + 1);
      let next = new Uint8Array(m + 1);
      const chars = [...text];
      for (let p = 0; ; p++) {
        active[0] = 1; // a match may start at any position
        for (let i = 0; i < m; i++)
          if (active[i] && tokens[i] === -1) active[i + 1] = 1;
        if (active[m]) return true;
        if (p === chars.length) return false;
        const c = lower(chars[p].codePointAt(0)!);
        const host = isHostChar(c);
        next.fill(0);
        for (let i = 0; i < m; i++) {
          if (!active[i]) continue;
          const t = tokens[i];
          if (t === -1) {
            if (host) next[i] = 1;
          } else if (t === c) next[i + 1] = 1;
        }
        [active, next] = [next, active];
      }
    },
  };
}

// Lines that name an Attic or Bazel remote cache; public substituters such as cache.nixos.org do not.
const CACHE_SETTING =
  /ATTIC_(?:SERVER|ENDPOINT|URL)|BAZEL_REMOTE_CACHE|remote[_-]cache|attic\s+login|attic-action/i;
// the host and the character after it: `${` there means a templated host, not one to judge
const URL_HOST = /\b[a-z][a-z0-9+.-]*:\/\/([A-Za-z0-9_.-]+)(.?)/gi;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '0.0.0.0']);
// RFC 2606 names: placeholders in examples, never a cache anyone uses
const PLACEHOLDER =
  /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$/;

const hostOf = (endpoint: string) =>
  (
    /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(endpoint)?.[1] ??
    endpoint.split(/[/:]/)[0]
  ).toLowerCase();

/** Whether `host` is one of the current endpoints, in full or as its short in-cluster form. */
function isCurrentHost(host: string, current: readonly string[]): boolean {
  return current.some(
    c => c === host || c.startsWith(`${host}.`) || host.startsWith(`${c}.`),
  );
}

/** Attic and Bazel cache hosts on a line that are not current endpoints. */
function otherCacheHosts(line: string, current: readonly string[]): string[] {
  const found: string[] = [];
  for (const m of line.matchAll(URL_HOST)) {
    if (m[2] === '$' || m[2] === '{' || m[2] === '%') continue;
    const host = m[1].toLowerCase().replace(/\.$/, '');
    const cacheHost =
      CACHE_SETTING.test(line) || /attic|bazel-cache/.test(host);
    if (!cacheHost || LOOPBACK.has(host) || PLACEHOLDER.test(host)) continue;
    if (isCurrentHost(host, current)) continue;
    found.push(host);
  }
  return found;
}

type Finding =
  | { kind: 'stale'; pattern: string }
  | { kind: 'other'; hosts: string[] };

/** Looks through `paths` for stale endpoints and, with an allow-list, for other cache hosts. */
function scanEndpoints(
  context: ScorecardContext,
  paths: string[],
  level: 'live' | 'docs',
): ScorecardRuleResult {
  const { config } = context;
  const patterns = config.staleEndpoints.map(p => ({
    pattern: p,
    re: staleEndpointMatcher(p),
  }));
  const current = config.cacheEndpoints.map(hostOf);
  const evidence: ScorecardEvidence[] = [];
  let stale = 0;
  let unscanned = 0;
  for (const path of paths) {
    // one file at a time: its evidence stays in path order
    const scan = scanFiles<Finding>(context, [path], text => {
      // a commented-out endpoint sends no build anywhere
      if (level === 'live' && /^\s*(?:#|\/\/)/.test(text)) return undefined;
      const hit = patterns.find(p => p.re.test(text));
      if (hit) return { kind: 'stale', pattern: hit.pattern };
      if (level === 'docs' || current.length === 0) return undefined;
      const hosts = otherCacheHosts(text, current);
      return hosts.length > 0 ? { kind: 'other', hosts } : undefined;
    });
    evidence.push(...scan.unscanned);
    unscanned += scan.unscanned.length;
    for (const { line, excerpt, match } of scan.found) {
      evidence.push({
        path,
        line,
        excerpt,
        verdict: 'fail',
        note:
          match.kind === 'stale'
            ? `Matches stale endpoint pattern ${match.pattern}`
            : `Cache host ${match.hosts.join(
                ', ',
              )} is not one of the current cache endpoints`,
      });
    }
    evidence.push(
      ...omittedEvidence(scan).map(e => ({ ...e, verdict: 'fail' as const })),
    );
    stale += scan.found.length + scan.omitted;
  }
  const where = level === 'live' ? 'live surfaces' : 'active docs';
  const inDocs = level === 'docs' ? ' in active docs' : '';
  const notScanned = unscanned > 0 ? `; ${unscanned} too large to scan` : '';
  if (stale > 0) {
    return {
      verdict: 'fail',
      summary: `${stale} stale endpoint references${inDocs}${notScanned}`,
      evidence,
    };
  }
  if (unscanned > 0) {
    return {
      verdict: 'unknown',
      summary: `No stale endpoints in ${
        paths.length - unscanned
      } ${where}${notScanned}`,
      evidence,
    };
  }
  return {
    verdict: 'pass',
    summary: `No stale endpoints in ${paths.length} ${where}`,
    evidence,
  };
}

const sortedPaths = (
  context: ScorecardContext,
  keep: (path: string) => boolean,
) => Object.keys(context.snapshot.files).sort().filter(keep);

/** @public */
export const staleCacheEndpointsCheck: ScorecardCheck = {
  id: 'stale-cache-endpoints',
  title: 'No stale cache endpoints in live surfaces',
  severity: 'error',
  rationale:
    'Retired cache endpoints in workflows, .bazelrc, Nix, env, config or example files send builds to caches outside the contract; with the current endpoints configured, any other cache host is one too.',
  rule: context =>
    scanEndpoints(
      context,
      sortedPaths(context, path =>
        matchesPathGlob(path, context.config.staleEndpointSurfaces),
      ),
      'live',
    ),
};

/** @public */
export const staleCacheEndpointsDocsCheck: ScorecardCheck = {
  id: 'stale-cache-endpoints-docs',
  title: 'No stale cache endpoints in active docs',
  severity: 'warning',
  rationale:
    'Docs that still teach a retired cache endpoint get copied into new workflows; research notes and ADRs are history and are not read.',
  rule: context => {
    const { config } = context;
    return scanEndpoints(
      context,
      activeDocPaths(context, config.staleEndpointDocSurfaces, path =>
        matchesPathGlob(path, config.staleEndpointSurfaces),
      ),
      'docs',
    );
  },
};
