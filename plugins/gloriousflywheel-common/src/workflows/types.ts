import { RunnerClassDefinition } from '../runnerClasses';
import { NixActionKind } from './nixActions';

/**
 * Where and why a workflow file could not be analysed (1-based line and column).
 *
 * @public
 */
export interface WorkflowParseError {
  message: string;
  line: number;
  column: number;
}

/**
 * One job of a workflow as `gf-audit workflows --json` reports it.
 *
 * @public
 */
export interface WorkflowJob {
  id: string;
  /** Line of the job key. */
  line: number;
  /** Literal `runs-on` labels in order (expressions dropped). */
  labels: string[];
  /** The object form's `group`, else null. */
  group: string | null;
  /** `runs-on` is or contains an expression. */
  dynamic: boolean;
  /** A job-level `uses:` calls a reusable workflow. */
  reusable: boolean;
  runnerClass: string | null;
  hosted: boolean;
  runsBazel: boolean;
  usesNix: boolean;
  /** Labels a matrix-driven `runs-on` may resolve to; only present when there are some. */
  candidates?: string[];
}

/**
 * The keys of a {@link WorkflowJob} in the order `gf-audit workflows --json` prints them (the
 * documented output); `candidates` only when present.
 *
 * @public
 */
export const WORKFLOW_JOB_KEYS: readonly (keyof WorkflowJob)[] = [
  'id',
  'line',
  'labels',
  'group',
  'dynamic',
  'reusable',
  'runnerClass',
  'hosted',
  'runsBazel',
  'usesNix',
  'candidates',
];

/**
 * The analysis of one workflow file.
 *
 * @public
 */
export interface WorkflowAnalysis {
  path: string;
  jobs: WorkflowJob[];
  error: WorkflowParseError | null;
}

/**
 * Organisation-specific knowledge the analysis needs.
 *
 * @public
 */
export interface WorkflowAnalysisOptions {
  /** Defaults to `DEFAULT_RUNNER_CLASSES`. */
  runnerClasses?: readonly RunnerClassDefinition[];
  /** Larger-runner names that are GitHub-hosted too (`*` wildcards allowed). */
  hostedLabels?: readonly string[];
  /** Nix actions by `owner/repo`; defaults to `DEFAULT_NIX_ACTIONS`. */
  nixActions?: Readonly<Record<string, NixActionKind>>;
  /**
   * Reads a repository file by its repo-relative path, so local composite actions
   * (`uses: ./.github/actions/x`) can be looked into; without it they count as opaque.
   */
  readFile?: (path: string) => string | undefined;
}

/**
 * A step with what the scorecard needs to know about it.
 *
 * @public
 */
export interface WorkflowStepInspection {
  /** Line of the step's first key. */
  line: number;
  name?: string;
  uses?: string;
  run?: string;
  /** Line of the script's first line, when the step has `run:`. */
  runLine?: number;
  /** Direct `bazel`/`bazelisk` invocations, with their absolute line. */
  bazel: { subcommand: string; line: number; excerpt: string }[];
  /** Uses Nix: an installer/cache action (or a local action wrapping one) or a Nix CLI command. */
  usesNix: boolean;
  /** Bootstraps Nix explicitly (installer action or installer script). */
  installsNix: boolean;
  /** Attaches to or pushes to a binary cache or FlakeHub. */
  cacheStep: boolean;
}

/**
 * A job with its steps, for scorecard rules.
 *
 * @public
 */
export interface WorkflowJobInspection extends WorkflowJob {
  /** The reusable workflow reference of a job-level `uses:`. */
  uses?: string;
  /** Line of the job's `runs-on` (or `uses`) key, for evidence. */
  targetLine?: number;
  steps: WorkflowStepInspection[];
}

/**
 * A workflow with per-step detail; `analyzeWorkflow` is its public projection.
 *
 * @public
 */
export interface WorkflowInspection {
  path: string;
  name?: string;
  jobs: WorkflowJobInspection[];
  error: WorkflowParseError | null;
}
