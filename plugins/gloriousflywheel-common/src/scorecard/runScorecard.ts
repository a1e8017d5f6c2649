import { blockSourceOptions, inspectWorkflow } from '../workflows';
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

/** GitHub runs only workflows directly in `.github/workflows`. */
const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/;

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
 * Builds the shared rule input: workflows parsed once, exception register read.
 *
 * @public
 */
export function createScorecardContext(
  snapshot: RepositorySnapshot,
  config: ScorecardConfig,
  now: Date,
): ScorecardContext {
  const files = Object.fromEntries(
    Object.entries(snapshot.files).filter(
      ([path]) => !matchesPathGlob(path, config.ignoredPaths),
    ),
  );
  const readFile = (path: string) => files[path];
  const workflows = Object.keys(files)
    .filter(path => WORKFLOW_FILE.test(path))
    .sort()
    .map(path =>
      inspectWorkflow(path, files[path], {
        runnerClasses: config.runnerClasses,
        hostedLabels: config.hostedLabels,
        readFile,
        ...blockSourceOptions(snapshot.blocks),
      }),
    );
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
  const context = createScorecardContext(snapshot, config, options.now);
  const results: ScorecardCheckResult[] = [];
  for (const check of options.checks ?? DEFAULT_SCORECARD_CHECKS) {
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
    evaluatedAt: options.now.toISOString(),
    verdict: combineVerdicts(results.map(r => r.verdict)),
    checks: results,
  };
}
