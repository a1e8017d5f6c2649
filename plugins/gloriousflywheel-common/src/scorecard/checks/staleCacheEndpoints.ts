import { matchesPathGlob } from '../pathGlob';
import { scanFiles } from '../scanFiles';
import { ScorecardCheck, ScorecardEvidence } from '../types';

/**
 * A stale endpoint pattern as a RegExp for `test()`: `/regex/flags`, or a glob whose `*` spans
 * host-name characters, so `*.attic-cache-dev.*` matches `bazel-cache.attic-cache-dev.svc.cluster.local`.
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
      re: staleEndpointRegExp(p),
    }));
    const evidence: ScorecardEvidence[] = [];
    let surfaces = 0;
    for (const path of Object.keys(snapshot.files).sort()) {
      if (!matchesPathGlob(path, config.staleEndpointSurfaces)) continue;
      surfaces++;
      // one file at a time: its evidence stays in path order
      const scan = scanFiles(context, [path], text =>
        patterns.find(p => p.re.test(text)),
      );
      evidence.push(...scan.unscanned);
      for (const { line, excerpt, match } of scan.found) {
        evidence.push({
          path,
          line,
          excerpt,
          verdict: 'fail',
          note: `Matches stale endpoint pattern ${match.pattern}`,
        });
      }
    }
    const stale = evidence.filter(e => e.verdict === 'fail').length;
    const unscanned = evidence.length - stale;
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
