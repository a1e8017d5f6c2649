import { findBazelInvocations } from '../../workflows/shellScript';
import {
  activeDocPaths,
  MAX_SCAN_MATCHES,
  scanFiles,
  scannableFiles,
} from '../scanFiles';
import { ScorecardCheck, ScorecardContext, ScorecardEvidence } from '../types';
import { resultOfEvidence } from '../verdict';
import { markdownBlocks } from './markdown';
import { isPreflightCall, preflightCommand, scriptCalls } from './scriptCalls';
import { sourceLine, workflowErrorEvidence } from './workflowErrors';

/** Where the repo declares the cache-backed wrapper contract, if it does, and what was too large to look in. */
export function wrapperContract(context: ScorecardContext): {
  contract?: ScorecardEvidence;
  unscanned: ScorecardEvidence[];
} {
  const { files } = context.snapshot;
  const { bazelWrapper, bazelSubstrateMode } = context.config;
  if (files[bazelWrapper] !== undefined)
    return { contract: { path: bazelWrapper }, unscanned: [] };
  const mode = new RegExp(
    `GF_BAZEL_SUBSTRATE_MODE\\s*[:=]\\s*["']?${bazelSubstrateMode.replace(
      /[.*+?^${}()|[\]\\]/g,
      '\\$&',
    )}\\b`,
  );
  const { found, unscanned } = scanFiles(
    context,
    context.workflows.map(w => w.path),
    l => mode.test(l),
    { first: true },
  );
  if (found.length === 0) return { unscanned };
  const { path, line, excerpt } = found[0];
  return { contract: { path, line, excerpt }, unscanned };
}

// Sections where raw Bazel is the point: compatibility and debugging notes.
const RAW_BAZEL_SECTION = /compatib|debug|troubleshoot|legacy/i;

/** A code line as a shell line: no prompt, no YAML `- ` / `run:` / `script:` prefix, no quotes. */
const asShell = (line: string) =>
  line
    .replace(/^\s*(?:[$>#]\s+)?/, '')
    .replace(
      /^(?:-\s+)?(?:(?:run|script|command|buildPhase|checkPhase)\s*[:=]\s*)?[|>]?[-+]?\s*/,
      '',
    )
    .replace(/^(['"])(.*)\1[;,]?$/, '$2');

/** Direct `bazel build|test` in the code blocks of active docs and in example files. */
function docsEvidence(
  context: ScorecardContext,
  wrapped: Set<string>,
): ScorecardEvidence[] {
  const { config } = context;
  const evidence: ScorecardEvidence[] = [];
  const paths = activeDocPaths(context, config.bazelDocSurfaces, p =>
    p.startsWith('.github/workflows/'),
  );
  // Files too large to scan are evidence too: the cap below counts them.
  for (const { path, lines } of scannableFiles(context, paths, evidence)) {
    const blocks = /\.mdx?$/i.test(path)
      ? markdownBlocks(lines).filter(
          b =>
            b.kind === 'code' &&
            !b.headings.some(h => RAW_BAZEL_SECTION.test(h)),
        )
      : [{ line: 1, lines }];
    for (const block of blocks) {
      for (const bazel of findBazelInvocations(
        block.lines.map(asShell).join('\n'),
      )) {
        if (!wrapped.has(bazel.subcommand)) continue;
        if (evidence.length >= MAX_SCAN_MATCHES) return evidence;
        const line = block.line + bazel.line;
        evidence.push({
          path,
          line,
          excerpt: (lines[line - 1] ?? '').trim().slice(0, 200),
          verdict: 'fail',
          note: `Teaches bazel ${bazel.subcommand} directly instead of ${config.bazelWrapper}`,
        });
      }
    }
  }
  return evidence;
}

/** @public */
export const bazelCacheWrapperCheck: ScorecardCheck = {
  id: 'bazel-cache-wrapper',
  title: 'Bazel runs through the cache-backed wrapper',
  severity: 'error',
  rationale:
    'The wrapper checks cache attachment before Bazel runs; bare `bazel build|test` in CI, or taught by active docs and examples, can silently build without the shared cache. Compatibility and debugging sections may show raw Bazel.',
  rule: context => {
    const { contract, unscanned } = wrapperContract(context);
    if (!contract && unscanned.length > 0) {
      return {
        verdict: 'unknown',
        summary: `No cache-backed wrapper contract found; ${unscanned.length} workflows too large to scan for it`,
        evidence: unscanned,
      };
    }
    if (!contract) {
      return {
        verdict: 'pass',
        summary: `No cache-backed wrapper contract (${context.config.bazelWrapper}); direct Bazel is not checked`,
        evidence: [],
      };
    }
    const wrapped = new Set(context.config.bazelWrappedSubcommands);
    const evidence: ScorecardEvidence[] = workflowErrorEvidence(context);
    for (const workflow of context.workflows) {
      for (const job of workflow.jobs) {
        for (const step of job.steps) {
          for (const bazel of step.bazel) {
            if (!wrapped.has(bazel.subcommand)) continue;
            evidence.push({
              path: workflow.path,
              line: bazel.line,
              excerpt: bazel.excerpt,
              verdict: 'fail',
              note: `Job ${job.id} runs bazel ${bazel.subcommand} directly instead of ${context.config.bazelWrapper}`,
            });
          }
        }
      }
    }
    evidence.push(...docsEvidence(context, wrapped));
    return resultOfEvidence(evidence, (verdict, count) =>
      verdict === 'pass'
        ? `Wrapper contract declared in ${contract.path}; no direct bazel ${[
            ...wrapped,
          ].join('|')} in workflows, active docs or examples`
        : `${count('fail')} direct Bazel invocations although ${
            contract.path
          } declares the wrapper contract`,
    );
  },
};

/** @public */
export const cacheAttachmentPreflightCheck: ScorecardCheck = {
  id: 'cache-attachment-preflight',
  title: 'The strict cache-attachment preflight runs before Bazel',
  severity: 'error',
  rationale:
    'Under the wrapper contract a job proves the shared cache is attached (`scripts/cache-attachment-contract.sh --strict`) before Bazel runs, in an earlier step or inside the wrapper; otherwise a detached cache passes as a green build.',
  rule: context => {
    const { config, snapshot } = context;
    const preflight = preflightCommand(config.cacheAttachmentPreflight);
    if (!preflight) {
      return {
        verdict: 'pass',
        summary: 'No cache-attachment preflight configured',
        evidence: [],
      };
    }
    const { contract, unscanned } = wrapperContract(context);
    if (!contract) {
      return unscanned.length > 0
        ? {
            verdict: 'unknown',
            summary: `No cache-backed wrapper contract found; ${unscanned.length} workflows too large to scan for it`,
            evidence: unscanned,
          }
        : {
            verdict: 'pass',
            summary:
              'No cache-backed wrapper contract; the preflight is not required',
            evidence: [],
          };
    }
    const command = config.cacheAttachmentPreflight.trim();
    const scriptName = preflight.path.slice(
      preflight.path.lastIndexOf('/') + 1,
    );
    const wrapperText = snapshot.files[config.bazelWrapper] ?? '';
    // The wrapper may run the preflight itself (by any path to the same script).
    const wrapperPreflights =
      wrapperText.includes(scriptName) &&
      preflight.args.every(a => wrapperText.includes(a));
    const evidence: ScorecardEvidence[] = workflowErrorEvidence(context);
    let bazelJobs = 0;
    for (const workflow of context.workflows) {
      for (const job of workflow.jobs) {
        let preflighted = false;
        for (const step of job.steps) {
          const calls = step.run === undefined ? [] : scriptCalls(step.run);
          const preflightLine = calls.find(c =>
            isPreflightCall(c, preflight),
          )?.line;
          const wrapperCall = calls.find(c => c.path === config.bazelWrapper);
          // 0-based lines within the step's script
          const bazelLine = Math.min(
            ...step.bazel.map(b => b.line - (step.runLine ?? step.line)),
            wrapperCall?.line ?? Infinity,
          );
          if (bazelLine === Infinity) {
            preflighted ||= preflightLine !== undefined;
            continue;
          }
          bazelJobs++;
          const ok =
            preflighted ||
            (preflightLine !== undefined && preflightLine <= bazelLine) ||
            (wrapperPreflights && wrapperCall?.line === bazelLine);
          if (!ok) {
            const line = (step.runLine ?? step.line) + bazelLine;
            evidence.push({
              path: workflow.path,
              line,
              excerpt: sourceLine(context, workflow.path, line),
              verdict: 'fail',
              note: `Job ${job.id} runs Bazel before \`${command}\``,
            });
          }
          break;
        }
      }
    }
    return resultOfEvidence(evidence, (verdict, count) =>
      verdict === 'pass'
        ? `${bazelJobs} jobs run Bazel after the strict cache-attachment preflight`
        : `${count('fail')} jobs run Bazel before \`${command}\``,
    );
  },
};
