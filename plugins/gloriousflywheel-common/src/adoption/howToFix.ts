/**
 * What to change in the repository when a check fails, by check id (the frontend shows it next to
 * the evidence).
 *
 * @public
 */
export const SCORECARD_HOW_TO_FIX: Readonly<Record<string, string>> = {
  'hosted-runners':
    'Move the job to a runner class (`runs-on: tinyland-nix`, `tinyland-docker`, ...), or list it in `.github/gloriousflywheel-exceptions.yaml` with a reason, an owner and an expiry date.',
  'stale-cache-endpoints':
    'Replace the deny-listed endpoint with the current cache (the runner class exports `ATTIC_SERVER` / `BAZEL_REMOTE_CACHE`), then delete the old value.',
  'bazel-cache-wrapper':
    'Run Bazel through the cache-backed wrapper (`scripts/bazel-cache-backed.sh build ...`) instead of calling `bazel build|test` in the workflow.',
  'nix-bootstrap-order':
    'Install Nix explicitly (e.g. `DeterminateSystems/nix-installer-action`) as a step before any Attic, Cachix or FlakeHub step of the job.',
  'proof-workflows-green':
    'Open the latest default-branch run of the proof workflow, fix what failed and re-run it; add the proof workflow if it is missing.',
  'remote-execution-claim':
    'Either add a workflow that builds with `--remote_executor`, or reword the README/docs to say remote execution is planned.',
};

/** @public */
export const DEFAULT_HOW_TO_FIX = 'See the evidence and the check rationale in docs/gf-audit.md.';
