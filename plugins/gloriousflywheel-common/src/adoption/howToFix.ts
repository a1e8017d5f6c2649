/**
 * What to change in the repository when a check fails, by check id (the frontend shows it next to
 * the evidence).
 *
 * @public
 */
export const SCORECARD_HOW_TO_FIX: Readonly<Record<string, string>> = {
  'hosted-runners':
    'Move the job to a runner class (`runs-on: tinyland-nix`, `tinyland-docker`, ...) instead of a hosted image or a host pin like `[self-hosted, <host>]`, or list a hosted job in `.github/gloriousflywheel-exceptions.yaml` with a reason, an owner, an expiry date and an allowed category (`control-plane`).',
  'stale-cache-endpoints':
    'Replace the deny-listed endpoint with the current cache (the runner class exports `ATTIC_SERVER` / `BAZEL_REMOTE_CACHE`), then delete the old value.',
  'stale-cache-endpoints-docs':
    'Rewrite the doc against the current cache contract (`ATTIC_SERVER` / `BAZEL_REMOTE_CACHE` from the runner class), or move it under the research notes if it is history.',
  'bazel-cache-wrapper':
    'Run Bazel through the cache-backed wrapper (`scripts/bazel-cache-backed.sh build ...`) instead of calling `bazel build|test` in the workflow, and show the wrapper in docs and examples (raw Bazel only under a compatibility or debugging heading).',
  'cache-attachment-preflight':
    'Run `scripts/cache-attachment-contract.sh --strict` in a step before the first Bazel step (or from inside the wrapper).',
  'workflow-scripts-present':
    'Commit the script the workflow calls, or fix the path in the workflow.',
  'nix-bootstrap-order':
    "Install Nix explicitly and unconditionally (e.g. `DeterminateSystems/nix-installer-action`, or the platform's `nix-job` action) as a step before any Nix, Attic, Cachix or FlakeHub step of the job; list your own setup action under `nixInstallerActions`.",
  'proof-workflows-green':
    'Open the latest default-branch run of the proof workflow, fix what failed and re-run it; add the proof workflow if it is missing.',
  'remote-execution-claim':
    'Either add a workflow that builds with a non-empty `--remote_executor=<endpoint>` and keep its default-branch run green, or reword the README/docs to say remote execution is planned or deferred.',
};

/** @public */
export const DEFAULT_HOW_TO_FIX =
  'See the evidence and the check rationale in docs/gf-audit.md.';
