import { RunnerClassDefinition } from '../runnerClasses';
import { NixActionKind } from './nixActions';
import type { WorkflowParseCache } from './parseCache';

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
  /**
   * Only for a job that calls a local reusable workflow: the labels of the called workflow's jobs
   * (union, first-seen order; a called job that is itself a local caller contributes its own).
   */
  calledLabels?: string[];
  /**
   * The building blocks (as written in `uses:`, without a trailing `/`) on a chain that made
   * `runsBazel` or `usesNix` true, outermost first; `[]` when none.
   */
  via: string[];
}

/**
 * The keys of a {@link WorkflowJob} in the order `gf-audit workflows --json` prints them (the
 * documented output); `candidates` and `calledLabels` only when present.
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
  'calledLabels',
  'via',
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
   * (`uses: ./.github/actions/x`) and local reusable workflows can be looked into; without it they
   * count as opaque.
   */
  readFile?: (path: string) => string | undefined;
  /**
   * Reads a file of another repository for a remote building block (`owner/repo/path@ref`).
   * `undefined` means the block is not followed (an org outside the followed ones, or no source).
   */
  readRemoteFile?: (file: RemoteBlockFile) => RemoteFileRead | undefined;
  /**
   * Known Actions variables (`vars.NAME`), by name; names are compared case-insensitively like
   * GitHub does. A variable not listed is unknown and every runner it could select is considered.
   */
  variables?: Readonly<Record<string, string>>;
  /** Files parsed by earlier analyses of the same repository, reused instead of parsed again. */
  parses?: WorkflowParseCache;
}

/**
 * One file of a remote building block: `owner/repo` at `ref`, repository-relative `path`.
 *
 * @public
 */
export interface RemoteBlockFile {
  owner: string;
  repo: string;
  ref: string;
  path: string;
}

/**
 * What reading a remote block's file gave: its text, or that it does not exist, or why it could
 * not be read.
 *
 * @public
 */
export type RemoteFileRead =
  | { text: string }
  | { missing: true }
  | { error: string };

/**
 * What the analysis may read besides the repository's own files, in a form that can be stored
 * with a snapshot: remote block files already read and known Actions variables.
 *
 * @public
 */
export interface WorkflowBlockSources {
  /** Remote files by {@link remoteBlockFileKey}; a key absent here is not followed. */
  remoteFiles?: Readonly<Record<string, RemoteFileRead>>;
  /** Known Actions variables by name (repository values over organisation ones). */
  variables?: Readonly<Record<string, string>>;
}

/**
 * Why a building block was or was not looked into: `followed`; `missing` (no such file: never a
 * "no"); `not-followed` (a remote block outside the followed orgs, or a Docker action); `cycle`;
 * `too-deep`; `unreadable` (read or parse error).
 *
 * @public
 */
export type BuildingBlockStatus =
  | 'followed'
  | 'missing'
  | 'not-followed'
  | 'cycle'
  | 'too-deep'
  | 'unreadable';

/**
 * A building block a step or job runs: a composite action or a reusable workflow.
 *
 * @public
 */
export interface BuildingBlockInspection {
  /** As written in `uses:`, without a trailing `/`. */
  uses: string;
  kind: 'action' | 'workflow';
  remote: boolean;
  /**
   * The file read: repo-relative for a local block, `owner/repo/path@ref` for a remote one; absent
   * when no file was found.
   */
  path?: string;
  status: BuildingBlockStatus;
  /** Why it was not followed, in one sentence. */
  reason?: string;
}

/**
 * A composite action a step runs, with its own steps (lines are in `path`).
 *
 * @public
 */
export interface ActionBlockInspection extends BuildingBlockInspection {
  kind: 'action';
  /** The action's `runs.steps`, followed the same way; shared between steps that use it. */
  steps: WorkflowStepInspection[];
}

/**
 * A reusable workflow a job calls, analysed with the caller's `with:` inputs (falling back to the
 * callee's `workflow_call` defaults). Lines of `jobs` are in `path`.
 *
 * @public
 */
export interface WorkflowBlockInspection extends BuildingBlockInspection {
  kind: 'workflow';
  jobs: WorkflowJobInspection[];
  /** The callee's parse error, if any. */
  error?: WorkflowParseError | null;
}

/**
 * One label list an expression `runs-on` may select, with the condition that selects it.
 *
 * @public
 */
export interface RunnerChoice {
  labels: string[];
  /**
   * When this list is chosen, as an expression over variables, inputs and matrix values
   * (e.g. `vars.USE_SELFHOSTED == 'true'`); `''` when it always is.
   */
  condition: string;
  runnerClass: string | null;
  hosted: boolean;
}

/**
 * How an expression `runs-on` (and the job's `if:`) was evaluated.
 *
 * @public
 */
export interface RunnerChoiceInspection {
  /** Every candidate label list, in the order the expression gives them. */
  choices: RunnerChoice[];
  /** `vars.*` names read by `runs-on` or the job's `if:`, with their value when known. */
  variables: { name: string; value?: string }[];
  /** Index in `choices` of the list the known variables select, when they decide it. */
  chosen?: number;
  /** The job's `if:` is false with the known variables: the job does not run. */
  skipped?: boolean;
  /** Parts of the expression outside the understood subset, when some were. */
  unsupported?: string;
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
  /** The composite action `uses:` names, when it is a local or followed remote one. */
  block?: ActionBlockInspection;
  /** The building blocks on a chain that made this step use Nix or Bazel (`via` of its job). */
  via?: string[];
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
  /** The reusable workflow a job-level `uses:` calls, followed or with why not. */
  called?: WorkflowBlockInspection;
  /** Present when `runs-on` or the job's `if:` is an expression the analysis evaluated. */
  runnerChoice?: RunnerChoiceInspection;
  /** The job's `if:` as written, when it has one. */
  condition?: string;
}

/**
 * A workflow with per-step detail; `analyzeWorkflow` is its public projection.
 *
 * @public
 */
export interface WorkflowInspection {
  path: string;
  name?: string;
  /** The `on.workflow_call.inputs` defaults, when the workflow is reusable. */
  callInputs?: Record<string, string | number | boolean>;
  jobs: WorkflowJobInspection[];
  error: WorkflowParseError | null;
}
