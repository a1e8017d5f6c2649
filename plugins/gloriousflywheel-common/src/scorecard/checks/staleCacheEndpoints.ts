import { matchesPathGlob } from '../pathGlob';
import { omittedEvidence, scanFiles } from '../scanFiles';
import { ScorecardCheck, ScorecardEvidence } from '../types';

/**
 * A stale endpoint pattern as a RegExp for `test()`: `/regex/flags`, or a glob whose `*` spans
 * host-name characters, so `*.attic-cache-dev.*` matches `bazel-cache.attic-cache-dev.svc.cluster.local`.
 * The reference for {@link staleEndpointMatcher}; fine for short strings such as configured URLs.
 *
 * @public
 */
export function staleEndpointRegExp(pattern: string): RegExp {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (regex) return new RegExp(regex[1], regex[2].replace('g', ''));
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
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45;
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
  if (/^\/(.+)\/([a-z]*)$/.test(pattern)) return staleEndpointRegExp(pattern);
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
        for (let i = 0; i < m; i++) if (active[i] && tokens[i] === -1) active[i + 1] = 1;
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

/** @public */
export const staleCacheEndpointsCheck: ScorecardCheck = {
  id: 'stale-cache-endpoints',
  title: 'No stale cache endpoints in live surfaces',
  severity: 'error',
  rationale:
    'Retired cache endpoints in workflows, .bazelrc, Nix files or env files send builds to caches outside the contract.',
  rule: context => {
    const { snapshot, config } = context;
    const patterns = config.staleEndpoints.map(p => ({
      pattern: p,
      re: staleEndpointMatcher(p),
    }));
    const evidence: ScorecardEvidence[] = [];
    let surfaces = 0;
    let stale = 0;
    let unscanned = 0;
    for (const path of Object.keys(snapshot.files).sort()) {
      if (!matchesPathGlob(path, config.staleEndpointSurfaces)) continue;
      surfaces++;
      // one file at a time: its evidence stays in path order
      const scan = scanFiles(context, [path], text =>
        patterns.find(p => p.re.test(text)),
      );
      evidence.push(...scan.unscanned);
      unscanned += scan.unscanned.length;
      for (const { line, excerpt, match } of scan.found) {
        evidence.push({
          path,
          line,
          excerpt,
          verdict: 'fail',
          note: `Matches stale endpoint pattern ${match.pattern}`,
        });
      }
      evidence.push(...omittedEvidence(scan).map(e => ({ ...e, verdict: 'fail' as const })));
      stale += scan.found.length + scan.omitted;
    }
    const notScanned = unscanned > 0 ? `; ${unscanned} too large to scan` : '';
    if (stale > 0) {
      return {
        verdict: 'fail',
        summary: `${stale} stale endpoint references${notScanned}`,
        evidence,
      };
    }
    if (unscanned > 0) {
      return {
        verdict: 'unknown',
        summary: `No stale endpoints in ${
          surfaces - unscanned
        } live surfaces${notScanned}`,
        evidence,
      };
    }
    return {
      verdict: 'pass',
      summary: `No stale endpoints in ${surfaces} live surfaces`,
      evidence,
    };
  },
};
