import { matchesPathGlob } from '../pathGlob';
import { ScorecardCheck, ScorecardContext, ScorecardEvidence } from '../types';
import { fileLines, unscannedEvidence } from './workflowErrors';

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
  const { files } = context.snapshot;
  const unscanned: ScorecardEvidence[] = [];
  const configs = new Set<string>();
  for (const path of Object.keys(files)) {
    if (!matchesPathGlob(path, BAZELRC)) continue;
    const tooLarge = unscannedEvidence(path, files[path]);
    if (tooLarge) {
      unscanned.push(tooLarge);
      continue;
    }
    for (const line of fileLines(context, path)) {
      const match = /^\s*[a-z]+:([\w-]+)\s.*--remote_executor/.exec(line);
      if (match) configs.add(match[1]);
    }
  }
  for (const workflow of context.workflows) {
    const tooLarge = unscannedEvidence(
      workflow.path,
      files[workflow.path] ?? '',
    );
    if (tooLarge) {
      unscanned.push(tooLarge);
      continue;
    }
    const lines = fileLines(context, workflow.path);
    const index = lines.findIndex(line => {
      if (line.trim().startsWith('#')) return false;
      if (line.includes('--remote_executor')) return true;
      return [...line.matchAll(/--config[= ]([\w-]+)/g)].some(m =>
        configs.has(m[1]),
      );
    });
    if (index !== -1)
      return {
        use: {
          path: workflow.path,
          line: index + 1,
          excerpt: lines[index].trim(),
        },
        unscanned,
      };
  }
  return { unscanned };
}

/** @public */
export const remoteExecutionClaimCheck: ScorecardCheck = {
  id: 'remote-execution-claim',
  title: 'No remote-execution claim without a workflow that uses it',
  severity: 'warning',
  rationale:
    'Remote cache is not remote execution; README and docs may claim `--remote_executor` only once a default-branch workflow exercises it.',
  rule: context => {
    const { files } = context.snapshot;
    const claims: ScorecardEvidence[] = [];
    const unscannedDocs: ScorecardEvidence[] = [];
    for (const path of Object.keys(files).sort()) {
      if (!matchesPathGlob(path, context.config.claimSurfaces)) continue;
      const tooLarge = unscannedEvidence(path, files[path]);
      if (tooLarge) {
        unscannedDocs.push(tooLarge);
        continue;
      }
      fileLines(context, path).forEach((text, index) => {
        if (CLAIM.test(text) && !NEGATION.test(text)) {
          claims.push({ path, line: index + 1, excerpt: text.trim() });
        }
      });
    }
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
