import { matchesPathGlob } from '../pathGlob';
import { ScorecardCheck, ScorecardEvidence } from '../types';

/**
 * A stale endpoint pattern as a RegExp: `/regex/flags`, or a glob whose `*` spans host-name
 * characters, so `*.attic-cache-dev.*` matches `bazel-cache.attic-cache-dev.svc.cluster.local`.
 *
 * @public
 */
export function staleEndpointRegExp(pattern: string): RegExp {
  const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (regex) return new RegExp(regex[1], regex[2].replace('g', ''));
  const source = pattern
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
  rule: ({ snapshot, config }) => {
    const patterns = config.staleEndpoints.map(p => ({
      pattern: p,
      re: staleEndpointRegExp(p),
    }));
    const evidence: ScorecardEvidence[] = [];
    let surfaces = 0;
    for (const path of Object.keys(snapshot.files).sort()) {
      if (!matchesPathGlob(path, config.staleEndpointSurfaces)) continue;
      surfaces++;
      snapshot.files[path].split(/\r?\n/).forEach((text, index) => {
        const hit = patterns.find(p => p.re.test(text));
        if (hit) {
          evidence.push({
            path,
            line: index + 1,
            excerpt: text.trim(),
            verdict: 'fail',
            note: `Matches stale endpoint pattern ${hit.pattern}`,
          });
        }
      });
    }
    return evidence.length > 0
      ? {
          verdict: 'fail',
          summary: `${evidence.length} stale endpoint references`,
          evidence,
        }
      : {
          verdict: 'pass',
          summary: `No stale endpoints in ${surfaces} live surfaces`,
          evidence,
        };
  },
};
