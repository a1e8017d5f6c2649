import { matchesPathGlob } from '../pathGlob';
import { ScorecardCheck, ScorecardContext, ScorecardEvidence } from '../types';

const CLAIM = /--remote_executor|remote[- ]execution/i;
// A sentence saying remote execution is absent or planned is not a claim.
const NEGATION =
  /\b(no|not|without|never|isn't|aren't|doesn't|don't|future|planned|roadmap|todo|until)\b/i;
const BAZELRC = ['**/.bazelrc', '**/*.bazelrc'];

/** Where a workflow really runs Bazel with `--remote_executor` (directly or via a `.bazelrc` config). */
function remoteExecutorUse(
  context: ScorecardContext,
): ScorecardEvidence | undefined {
  const { files } = context.snapshot;
  const configs = new Set<string>();
  for (const path of Object.keys(files)) {
    if (!matchesPathGlob(path, BAZELRC)) continue;
    for (const line of files[path].split(/\r?\n/)) {
      const match = /^\s*[a-z]+:([\w-]+)\s.*--remote_executor/.exec(line);
      if (match) configs.add(match[1]);
    }
  }
  for (const workflow of context.workflows) {
    const lines = (files[workflow.path] ?? '').split(/\r?\n/);
    const index = lines.findIndex(line => {
      if (line.trim().startsWith('#')) return false;
      if (line.includes('--remote_executor')) return true;
      return [...line.matchAll(/--config[= ]([\w-]+)/g)].some(m =>
        configs.has(m[1]),
      );
    });
    if (index !== -1)
      return {
        path: workflow.path,
        line: index + 1,
        excerpt: lines[index].trim(),
      };
  }
  return undefined;
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
    for (const path of Object.keys(files).sort()) {
      if (!matchesPathGlob(path, context.config.claimSurfaces)) continue;
      files[path].split(/\r?\n/).forEach((text, index) => {
        if (CLAIM.test(text) && !NEGATION.test(text)) {
          claims.push({ path, line: index + 1, excerpt: text.trim() });
        }
      });
    }
    if (claims.length === 0) {
      return {
        verdict: 'pass',
        summary: 'No remote-execution claim in README or docs',
        evidence: [],
      };
    }
    const use = remoteExecutorUse(context);
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
