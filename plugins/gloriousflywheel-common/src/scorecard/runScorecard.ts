import {
  blockSourceOptions,
  WorkflowInspection,
  WorkflowParseCache,
} from '../workflows';
import { inspectRepoWorkflows } from '../workflows/inspectWorkflow';
import { DEFAULT_SCORECARD_CHECKS } from './checks';
import { preflightCommand } from './checks/scriptCalls';
import { parseExceptionRegister } from './exceptionRegister';
import { matchesPathGlob } from './pathGlob';
import { DEFAULT_SCORECARD_CONFIG } from './scorecardConfig';
import {
  RepositorySnapshot,
  Scorecard,
  ScorecardCheck,
  ScorecardCheckResult,
  ScorecardConfig,
  ScorecardContext,
} from './types';
import { combineVerdicts } from './verdict';

/**
 * Which repository files the scorecard reads, so the backend (GitHub) and the CLI (a checkout)
 * fetch the same surfaces.
 *
 * @public
 */
export function isScorecardInput(
  path: string,
  config: ScorecardConfig = DEFAULT_SCORECARD_CONFIG,
): boolean {
  if (matchesPathGlob(path, config.ignoredPaths)) return false;
  return (
    path.startsWith('.github/') ||
    path === config.bazelWrapper ||
    path === config.exceptionsPath ||
    path === preflightCommand(config.cacheAttachmentPreflight)?.path ||
    matchesPathGlob(path, config.staleEndpointSurfaces) ||
    matchesPathGlob(path, config.staleEndpointDocSurfaces) ||
    matchesPathGlob(path, config.claimSurfaces) ||
    matchesPathGlob(path, config.bazelDocSurfaces) ||
    matchesPathGlob(path, config.scriptPaths) ||
    matchesPathGlob(path, ['**/.bazelrc', '**/*.bazelrc'])
  );
}

/** @public */
export interface RunScorecardOptions {
  /** Defaults to `DEFAULT_SCORECARD_CONFIG`. */
  config?: ScorecardConfig;
  /** The evaluation time (exception expiry). */
  now: Date;
  checks?: readonly ScorecardCheck[];
}

/**
 * What a caller that analysed the repository's workflows already hands the scorecard.
 *
 * @public
 */
export interface ScorecardContextOptions {
  /** Files parsed by earlier analyses of the same repository (a scan's remote-block rounds). */
  parses?: WorkflowParseCache;
  /**
   * The workflows as an earlier `createScorecardContext` of the same files, blocks and config
   * inspected them: used instead of inspecting them again.
   */
  workflows?: WorkflowInspection[];
}

/**
 * Builds the shared rule input: workflows inspected once, exception register read.
 *
 * @public
 */
export function createScorecardContext(
  snapshot: RepositorySnapshot,
  config: ScorecardConfig,
  now: Date,
  options: ScorecardContextOptions = {},
): ScorecardContext {
  const files = Object.fromEntries(
    Object.entries(snapshot.files).filter(
      ([path]) => !matchesPathGlob(path, config.ignoredPaths),
    ),
  );
  const workflows =
    options.workflows ??
    inspectRepoWorkflows(files, {
      runnerClasses: config.runnerClasses,
      hostedLabels: config.hostedLabels,
      ...blockSourceOptions(snapshot.blocks),
      parses: options.parses,
    });
  const exceptionsText =
    files[config.exceptionsPath] ??
    files[config.exceptionsPath.replace(/\.yaml$/, '.yml')];
  return {
    snapshot: { ...snapshot, files },
    config,
    now,
    workflows,
    exceptions: parseExceptionRegister(config.exceptionsPath, exceptionsText),
  };
}

/**
 * Runs the dogfood scorecard on one repository snapshot. A rule that throws gives `unknown` for
 * its check, never a crash.
 *
 * @public
 */
export function runScorecard(
  snapshot: RepositorySnapshot,
  options: RunScorecardOptions,
): Scorecard {
  const config = options.config ?? DEFAULT_SCORECARD_CONFIG;
  return runChecks(
    createScorecardContext(snapshot, config, options.now),
    options.checks,
  );
}

/** The scorecard of a context already built (its workflows inspected once for every use). */
export function runChecks(
  context: ScorecardContext,
  checks: readonly ScorecardCheck[] = DEFAULT_SCORECARD_CHECKS,
): Scorecard {
  const { snapshot, config, now } = context;
  const results: ScorecardCheckResult[] = [];
  for (const check of checks) {
    const override = config.checks[check.id] ?? {};
    if (override.enabled === false) continue;
    const head = {
      id: check.id,
      title: check.title,
      severity: override.severity ?? check.severity,
    };
    try {
      results.push({ ...head, ...check.rule(context) });
    } catch (e) {
      results.push({
        ...head,
        verdict: 'unknown',
        summary: `Check failed to evaluate: ${
          (e as { message?: string } | null)?.message ?? String(e)
        }`,
        evidence: [],
      });
    }
  }
  return {
    ...(snapshot.repo && { repo: snapshot.repo }),
    defaultBranch: snapshot.defaultBranch,
    evaluatedAt: now.toISOString(),
    verdict: combineVerdicts(results.map(r => r.verdict)),
    checks: results,
  };
}
