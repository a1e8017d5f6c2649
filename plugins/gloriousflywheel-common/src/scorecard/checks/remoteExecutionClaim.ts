import { matchesPathGlob } from '../pathGlob';
import { omittedEvidence, scanFiles } from '../scanFiles';
import { ScorecardCheck, ScorecardContext, ScorecardEvidence } from '../types';

const CLAIM = /--remote_executor|remote[- ]execution/i;
// A sentence saying remote execution is absent or planned is not a claim.
const NEGATION =
  /\b(no|not|without|never|isn't|aren't|doesn't|don't|future|planned|roadmap|todo|until)\b/i;
const BAZELRC = ['**/.bazelrc', '**/*.bazelrc'];

/**
 * Where a workflow really runs Bazel with `--remote_executor` (directly or via a `.bazelrc`
 * config), and the files too large to look in.
 */
function remoteExecutorUse(context: ScorecardContext): {
  use?: ScorecardEvidence;
  unscanned: ScorecardEvidence[];
} {
  const bazelrc = scanFiles(
    context,
    Object.keys(context.snapshot.files).filter(path =>
      matchesPathGlob(path, BAZELRC),
    ),
    line => /^\s*[a-z]+:([\w-]+)\s.*--remote_executor/.exec(line)?.[1],
  );
  const configs = new Set(bazelrc.found.map(f => f.match));
  const workflows = scanFiles(
    context,
    context.workflows.map(w => w.path),
    line => {
      if (line.trim().startsWith('#')) return false;
      if (line.includes('--remote_executor')) return true;
      return [...line.matchAll(/--config[= ]([\w-]+)/g)].some(m =>
        configs.has(m[1]),
      );
    },
    { first: true },
  );
  const unscanned = [...bazelrc.unscanned, ...workflows.unscanned];
  if (workflows.found.length === 0) return { unscanned };
  const { path, line, excerpt } = workflows.found[0];
  return { use: { path, line, excerpt }, unscanned };
}

/** @public */
export const remoteExecutionClaimCheck: ScorecardCheck = {
  id: 'remote-execution-claim',
  title: 'No remote-execution claim without a workflow that uses it',
  severity: 'warning',
  rationale:
    'Remote cache is not remote execution; README and docs may claim `--remote_executor` only once a default-branch workflow exercises it.',
  rule: context => {
    const docs = scanFiles(
      context,
      Object.keys(context.snapshot.files)
        .sort()
        .filter(path => matchesPathGlob(path, context.config.claimSurfaces)),
      text => CLAIM.test(text) && !NEGATION.test(text),
    );
    const claims: ScorecardEvidence[] = [
      ...docs.found.map(({ path, line, excerpt }) => ({ path, line, excerpt })),
      ...omittedEvidence(docs),
    ];
    const unscannedDocs = docs.unscanned;
    if (claims.length === 0) {
      if (unscannedDocs.length > 0) {
        return {
          verdict: 'unknown',
          summary: `No remote-execution claim found; ${unscannedDocs.length} docs too large to scan`,
          evidence: unscannedDocs,
        };
      }
      return {
        verdict: 'pass',
        summary: 'No remote-execution claim in README or docs',
        evidence: [],
      };
    }
    const { use, unscanned } = remoteExecutorUse(context);
    if (use) {
      return {
        verdict: 'pass',
        summary: `Remote-execution claim backed by ${use.path}:${use.line}`,
        evidence: [
          ...claims.map(c => ({ ...c, verdict: 'pass' as const })),
          { ...use, verdict: 'pass' as const },
        ],
      };
    }
    if (unscanned.length > 0) {
      // The use may be in a file not scanned: neither backed nor refuted.
      return {
        verdict: 'unknown',
        summary: `${claims.length} remote-execution claims; ${unscanned.length} .bazelrc or workflow files too large to scan for --remote_executor`,
        evidence: [
          ...claims.map(c => ({ ...c, verdict: 'unknown' as const })),
          ...unscanned,
        ],
      };
    }
    return {
      verdict: 'fail',
      summary: `${claims.length} remote-execution claims but no workflow uses --remote_executor`,
      evidence: claims.map(c => ({
        ...c,
        verdict: 'fail' as const,
        note: 'Claim without a workflow using --remote_executor',
      })),
    };
  },
};
