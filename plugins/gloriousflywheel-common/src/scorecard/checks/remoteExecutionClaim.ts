import { WorkflowStepInspection } from '../../workflows';
import { matchesPathGlob } from '../pathGlob';
import {
  activeDocPaths,
  MAX_SCAN_MATCHES,
  scanFiles,
  scannableFiles,
} from '../scanFiles';
import {
  ScorecardCheck,
  ScorecardContext,
  ScorecardEvidence,
  WorkflowRunSummary,
} from '../types';
import { markdownBlocks } from './markdown';
import { sourceLine } from './workflowErrors';

/**
 * The seeds' vocabulary. A remote build *cache* is not remote execution, `--remote_executor=` with
 * no value turns it off, and `RBE` counts only as the upper-case word (not `rbe-target.json`).
 */
const CLAIM =
  /--remote_executor(?!=\s*(?:$|[\s`'")]))|\b(?:remote[- ]execution|remote[- ]builds?(?![- ]cache)|remote[- ]building|offload(?:s|ed|ing)?)\b/i;
const RBE = /(?<![\w./-])RBE(?![\w/-])/;
/** Words that make a sentence say remote execution is absent, off, conditional or planned. */
const NEGATION =
  /\b(?:no|not|none|without|never|cannot|can't|isn't|aren't|doesn't|don't|won't|wasn't|lacks?|missing|disabled?|disables|off|blocks|blocked|rejects?|unsupported|future|planned|plans?|roadmap|todo|until|deferred|defer|later|candidates?|proposals?|proposed|evaluate|evaluating|research|gate[ds]?|instead of|out of scope|not yet|would|could|might)\b|\bif (?:it|this|that) becomes\b|\bif (?:needed|necessary|required)\b/i;
const isClaim = (sentence: string) =>
  CLAIM.test(sentence) || RBE.test(sentence);
const BAZELRC = ['**/.bazelrc', '**/*.bazelrc'];

/** Sentences of a paragraph (a wrapped line does not end one). */
const sentences = (text: string) => text.split(/(?<=[.!?;:])\s+/);

/**
 * A paragraph's text without links, images, URLs and paths: a link to a section or a file named
 * `rbe-*.json` is no claim (a `--remote_executor=<endpoint>` stays).
 */
const withoutLinks = (text: string) =>
  text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, ' ')
    .replace(/!?\[([^\]]*)\]\[[^\]]*\]/g, ' ')
    .replace(/<https?:[^>]*>|https?:\/\/\S+/g, ' ')
    .replace(/(?<!\S)(?!--remote_executor)[`'"(]?[\w.@-]*\/\S*/g, ' ');

interface Claim {
  path: string;
  line: number;
  excerpt: string;
}

/** Claims in active README and docs, one per paragraph at most. */
function findClaims(context: ScorecardContext): {
  claims: Claim[];
  unscanned: ScorecardEvidence[];
  omitted: ScorecardEvidence[];
} {
  const claims: Claim[] = [];
  const unscanned: ScorecardEvidence[] = [];
  let omitted = 0;
  let lastPath = '';
  const paths = activeDocPaths(context, context.config.claimSurfaces);
  for (const { path, lines } of scannableFiles(context, paths, unscanned)) {
    for (const block of markdownBlocks(lines)) {
      if (block.kind !== 'paragraph') continue;
      const text = withoutLinks(block.lines.join(' '));
      const claim = sentences(text).find(s => isClaim(s) && !NEGATION.test(s));
      if (!claim) continue;
      if (claims.length >= MAX_SCAN_MATCHES) {
        // a repository cannot grow the stored result without bound
        omitted++;
        lastPath = path;
        continue;
      }
      const at = block.lines.findIndex(l => isClaim(withoutLinks(l)));
      const index = at === -1 ? 0 : at;
      claims.push({
        path,
        line: block.line + index,
        excerpt: block.lines[index].trim().slice(0, 200),
      });
    }
  }
  return {
    claims,
    unscanned,
    omitted:
      omitted > 0
        ? [{ path: lastPath, note: `${omitted} more claims not listed` }]
        : [],
  };
}

/** The values a script line gives `--remote_executor`: '' when it is set empty (`=`, `=""`, `=)`). */
function scriptExecutorValues(text: string): string[] {
  return [
    ...text.matchAll(/--remote_executor(?![\w-])(?:=|\s+)?([^\s;&|]*)/g),
  ].map(m => {
    const value = m[1].replace(/^['"]+/, '').replace(/['")]+$/, '');
    return value.startsWith('-') ? '' : value;
  });
}

/** Bazel configs (`build:rbe`) that set a non-empty `--remote_executor`, from `.bazelrc` files. */
function executorConfigs(context: ScorecardContext): {
  configs: Set<string>;
  unscanned: ScorecardEvidence[];
} {
  const scan = scanFiles(
    context,
    Object.keys(context.snapshot.files).filter(path =>
      matchesPathGlob(path, BAZELRC),
    ),
    line => {
      const m = /^\s*[a-z]+:([\w-]+)\s+(.*)$/.exec(line);
      if (!m) return undefined;
      const values = scriptExecutorValues(m[2]);
      return values.some(v => v !== '') ? m[1] : undefined;
    },
  );
  return {
    configs: new Set(scan.found.map(f => f.match)),
    unscanned: scan.unscanned,
  };
}

interface ExecutorUse {
  /** The workflow whose runs prove it. */
  workflow: string;
  path: string;
  line: number;
  excerpt: string;
  empty: boolean;
}

/** `--remote_executor` uses in a step, or in the steps of the action it follows. */
function stepUses(
  context: ScorecardContext,
  workflow: string,
  path: string,
  steps: readonly WorkflowStepInspection[],
  configs: Set<string>,
  depth = 0,
): ExecutorUse[] {
  const uses: ExecutorUse[] = [];
  for (const step of steps) {
    if (step.run !== undefined) {
      // text, not parsed commands: the flag often sits in a bash array (`args+=(--remote_executor=...)`)
      step.run.split(/\r?\n/).forEach((text, index) => {
        if (text.trim().startsWith('#')) return;
        const values = scriptExecutorValues(text);
        const viaConfig = [...text.matchAll(/--config[= ]([\w-]+)/g)].some(m =>
          configs.has(m[1]),
        );
        if (values.length === 0 && !viaConfig) return;
        const line = (step.runLine ?? step.line) + index;
        uses.push({
          workflow,
          path,
          line,
          excerpt: sourceLine(context, path, line),
          empty: !viaConfig && values.every(v => v === ''),
        });
      });
    }
    if (step.block?.status === 'followed' && step.block.path && depth < 4) {
      uses.push(
        ...stepUses(
          context,
          workflow,
          step.block.path,
          step.block.steps,
          configs,
          depth + 1,
        ),
      );
    }
  }
  return uses;
}

function runOf(
  runs: readonly WorkflowRunSummary[],
  workflowPath: string,
  name: string | undefined,
): WorkflowRunSummary | undefined {
  return (
    runs.find(r => r.workflowPath === workflowPath) ??
    runs.find(r => name !== undefined && r.name === name)
  );
}

/** @public */
export const remoteExecutionClaimCheck: ScorecardCheck = {
  id: 'remote-execution-claim',
  title: 'No remote-execution claim without a proved executor',
  severity: 'warning',
  rationale:
    'Remote cache is not remote execution, and ARC dispatch is not Bazel remote execution: README and docs may claim remote execution, RBE, remote builds or offload only once a default-branch workflow runs Bazel with a non-empty `--remote_executor` and its latest run is green.',
  rule: context => {
    const { claims, unscanned: unscannedDocs, omitted } = findClaims(context);
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
        summary: 'No remote-execution claim in README or active docs',
        evidence: [],
      };
    }
    const { configs, unscanned } = executorConfigs(context);
    const uses = context.workflows.flatMap(w =>
      w.jobs.flatMap(j => stepUses(context, w.path, w.path, j.steps, configs)),
    );
    const real = uses.filter(u => !u.empty);
    const claimEvidence = (
      verdict: ScorecardEvidence['verdict'],
      note?: string,
    ) => [
      ...claims.map(c => ({ ...c, verdict, ...(note && { note }) })),
      ...omitted.map(o => ({ ...o, verdict })),
    ];
    const emptyEvidence = uses
      .filter(u => u.empty)
      .map(({ path, line, excerpt }) => ({
        path,
        line,
        excerpt,
        verdict: 'fail' as const,
        note: 'An empty --remote_executor disables remote execution',
      }));
    if (real.length === 0) {
      if (unscanned.length > 0) {
        return {
          verdict: 'unknown',
          summary: `${claims.length} remote-execution claims; ${unscanned.length} .bazelrc files too large to scan for --remote_executor`,
          evidence: [...claimEvidence('unknown'), ...unscanned],
        };
      }
      return {
        verdict: 'fail',
        summary: `${claims.length} remote-execution claims but no workflow runs Bazel with a non-empty --remote_executor`,
        evidence: [
          ...claimEvidence(
            'fail',
            'Claim without a workflow using --remote_executor',
          ),
          ...emptyEvidence,
        ],
      };
    }
    // the proof: the latest default-branch run of a workflow that uses the executor
    const runs = context.snapshot.latestRuns;
    const proofs = real.map(use => {
      const workflow = context.workflows.find(w => w.path === use.workflow);
      const run = runs && runOf(runs, use.workflow, workflow?.name);
      let verdict: ScorecardEvidence['verdict'];
      let note: string;
      if (!runs) {
        verdict = 'unknown';
        note =
          'Uses --remote_executor; its runs are needed to prove it (not available offline)';
      } else if (!run) {
        verdict = 'unknown';
        note = `Uses --remote_executor; no ${context.snapshot.defaultBranch} run found`;
      } else {
        // in progress: not decided yet
        verdict = run.conclusion === 'success' ? 'pass' : 'fail';
        if (run.conclusion === null) verdict = 'unknown';
        note = `Uses --remote_executor; latest ${
          context.snapshot.defaultBranch
        } run: ${run.conclusion ?? 'in progress'}`;
      }
      return {
        path: use.path,
        line: use.line,
        excerpt: use.excerpt,
        ...(run?.url && { url: run.url }),
        verdict,
        note,
      };
    });
    const proved = proofs.find(p => p.verdict === 'pass');
    if (proved) {
      return {
        verdict: 'pass',
        summary: `Remote-execution claim backed by ${proved.path}:${proved.line} and a green run`,
        evidence: [...claimEvidence('pass'), proved],
      };
    }
    const verdict = proofs.some(p => p.verdict === 'unknown')
      ? 'unknown'
      : 'fail';
    return {
      verdict,
      summary:
        verdict === 'unknown'
          ? `${claims.length} remote-execution claims; the workflow using --remote_executor has no known green run`
          : `${claims.length} remote-execution claims; no workflow using --remote_executor is green`,
      evidence: [...claimEvidence(verdict), ...proofs, ...emptyEvidence],
    };
  },
};
