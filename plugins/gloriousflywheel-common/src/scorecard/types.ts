import { RunnerClassDefinition } from '../runnerClasses';
import { WorkflowBlockSources, WorkflowInspection } from '../workflows';
import { ExceptionRegister } from './exceptionRegister';

/**
 * Outcome of a scorecard check. `unknown` means the input could not decide it (for example run
 * data is missing offline); a check never passes silently.
 *
 * @public
 */
export type ScorecardVerdict = (typeof SCORECARD_VERDICTS)[number];

/** Every {@link ScorecardVerdict}. @public */
export const SCORECARD_VERDICTS = [
  'pass',
  'fail',
  'exempt',
  'unknown',
] as const;

/** @public */
export type ScorecardSeverity = 'error' | 'warning';

/**
 * Where a check looked: a file line, an excerpt of it, or a run URL.
 *
 * @public
 */
export interface ScorecardEvidence {
  path: string;
  line?: number;
  excerpt?: string;
  url?: string;
  /** The verdict this piece of evidence supports. */
  verdict?: ScorecardVerdict;
  /** Why, in one sentence (e.g. who owns an exception and when it expires). */
  note?: string;
}

/**
 * The latest default-branch run of a workflow, as the GitHub API reports it.
 *
 * @public
 */
export interface WorkflowRunSummary {
  /** Repo-relative workflow file, e.g. `.github/workflows/platform-proof.yml`. */
  workflowPath: string;
  /** The workflow's `name:`, when known. */
  name?: string;
  /** `success`, `failure`, `cancelled`, ...; null while the run is in progress. */
  conclusion: string | null;
  url?: string;
}

/**
 * What the scorecard reads about a repository: the default branch's files, whether they came from
 * the GitHub API (backend) or a checkout (CLI).
 *
 * @public
 */
export interface RepositorySnapshot {
  /** `owner/name`, when known. */
  repo?: string;
  defaultBranch: string;
  /** Repo-relative POSIX path to file text; only the files the checks look at are needed. */
  files: Readonly<Record<string, string>>;
  /** Latest default-branch runs; absent offline, which makes run-based checks `unknown`. */
  latestRuns?: readonly WorkflowRunSummary[];
  /** Remote building-block files and Actions variables the workflow analysis may read. */
  blocks?: WorkflowBlockSources;
}

/**
 * Per-organisation scorecard configuration with every default applied.
 *
 * @public
 */
export interface ScorecardConfig {
  runnerClasses: RunnerClassDefinition[];
  /** Larger-runner names that are GitHub-hosted (`*` wildcards allowed). */
  hostedLabels: string[];
  /**
   * Stale cache endpoints: a host name or label matched as whole DNS labels anywhere in a host
   * (`attic-cache-dev` finds `https://attic-cache-dev.x` and `bazel-cache.attic-cache-dev.svc`),
   * a glob (`*old-cache*`) or `/regex/flags`.
   */
  staleEndpoints: string[];
  /** Path globs of live surfaces searched for stale endpoints. */
  staleEndpointSurfaces: string[];
  /** Path globs of docs searched for stale endpoints at warning level (`stale-cache-endpoints-docs`). */
  staleEndpointDocSurfaces: string[];
  /**
   * The current cache endpoints (hosts or URLs). When set, any other Attic or Bazel cache host in a
   * live surface is a finding too; empty = only `staleEndpoints` are.
   */
  cacheEndpoints: string[];
  /** Path globs of historical notes (research notes, ADRs): never claims, never active docs. */
  historicalPaths: string[];
  /** Path globs of active docs and examples whose code blocks must run Bazel through the wrapper. */
  bazelDocSurfaces: string[];
  /**
   * The strict cache-attachment preflight a job must run before Bazel, as the command line
   * starts (`scripts/cache-attachment-contract.sh --strict`); empty string = not required.
   */
  cacheAttachmentPreflight: string;
  /**
   * Actions that bootstrap Nix, as `owner/repo` or `owner/repo/path` (any ref); replaces the
   * defaults (the public installers and the platform's `nix-job`).
   */
  nixInstallerActions: string[];
  /** Path globs of repository scripts a workflow may call; a called one that is absent fails. */
  scriptPaths: string[];
  /** Hosted-runner exception categories that exempt a job (`control-plane`, `low-risk`). */
  exceptionCategories: string[];
  /** The repo's cache-backed Bazel wrapper; its presence turns the wrapper check on. */
  bazelWrapper: string;
  /** `GF_BAZEL_SUBSTRATE_MODE` value that also declares the wrapper contract. */
  bazelSubstrateMode: string;
  /** Bazel subcommands that must go through the wrapper. */
  bazelWrappedSubcommands: string[];
  /** Proof workflows (file path, file name or workflow name); empty = workflows named like "proof". */
  proofWorkflows: string[];
  /** Path of the hosted-runner exception register. */
  exceptionsPath: string;
  /** Path globs of docs where a remote-execution claim counts. */
  claimSurfaces: string[];
  /** Path globs never read (test fixtures describe other repositories, not this one). */
  ignoredPaths: string[];
  /** Per-check overrides by check id. */
  checks: Record<string, { enabled?: boolean; severity?: ScorecardSeverity }>;
}

/**
 * Everything a check's rule may read. Rules are pure: time comes from `now`.
 *
 * @public
 */
export interface ScorecardContext {
  snapshot: RepositorySnapshot;
  config: ScorecardConfig;
  now: Date;
  /** The default branch's `.github/workflows/*.yml`, parsed once. */
  workflows: WorkflowInspection[];
  exceptions: ExceptionRegister;
}

/** @public */
export interface ScorecardRuleResult {
  verdict: ScorecardVerdict;
  summary: string;
  evidence: ScorecardEvidence[];
}

/**
 * A data-driven dogfood check.
 *
 * @public
 */
export interface ScorecardCheck {
  id: string;
  title: string;
  severity: ScorecardSeverity;
  rationale: string;
  rule: (context: ScorecardContext) => ScorecardRuleResult;
}

/** @public */
export interface ScorecardCheckResult extends ScorecardRuleResult {
  id: string;
  title: string;
  severity: ScorecardSeverity;
}

/**
 * The scorecard of one repository.
 *
 * @public
 */
export interface Scorecard {
  repo?: string;
  defaultBranch: string;
  /** ISO time the rules were evaluated at. */
  evaluatedAt: string;
  /** `fail` if any check fails, else `unknown`, else `exempt`, else `pass`. */
  verdict: ScorecardVerdict;
  checks: ScorecardCheckResult[];
}
