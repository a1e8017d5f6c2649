import { FleetSeed, SeedRepo } from '../seed/fleetSeed';

/**
 * The seeded content of the org's repositories: workflows in the product's real shapes for the
 * first tranche (hand-written from the dogfood gap analysis), the directly exposed runner-label
 * repos, and a deterministic long tail. Tests and `yarn bench` rely on these facts, so they are
 * exported as data (see {@link GITHUB_SEED_FACTS}).
 */

/** How a workflow run ended (GitHub's `conclusion` values). */
export type GitHubRunConclusion =
  | 'success'
  | 'failure'
  | 'cancelled'
  | 'skipped'
  | 'timed_out'
  | 'action_required'
  | 'neutral'
  | 'stale'
  | 'startup_failure';

/** A pull request as seeded; `state` in GitHub's PullRequestState values. */
export interface GitHubSeedPullRequest {
  number: number;
  title: string;
  state: 'OPEN' | 'MERGED' | 'CLOSED';
  headRefName: string;
  /** default: the repository's default branch */
  baseRefName?: string;
  labels: string[];
  author: string;
  isDraft?: boolean;
  createdAt: string;
  /** when it was merged or closed (absent while open) */
  closedAt?: string;
}

/** A fleet seed's repository with its GitHub content. */
export interface GitHubSeedRepo extends SeedRepo {
  description: string;
  isFork: boolean;
  isArchived: boolean;
  isPrivate: boolean;
  defaultBranch: string;
  createdAt: string;
  pushedAt: string;
  /** path → text (or bytes) on the default branch */
  files: Record<string, string | Buffer>;
  /** paths with mode 100755 */
  executables: string[];
  /** latest run conclusions per workflow file name (oldest first); absent = one `success` run */
  runs: Record<string, GitHubRunConclusion[]>;
  /** pull requests, any order; absent = none */
  pullRequests?: GitHubSeedPullRequest[];
  /** Actions variables of the repository (name → value); absent = none */
  variables?: Record<string, string>;
  /** tags, each on the seeded (initial) commit; absent = none */
  tags?: string[];
}

export interface GitHubSeedContent {
  org: string;
  repos: GitHubSeedRepo[];
  /** the organization's Actions variables (visibility `all`); absent = none */
  variables?: Record<string, string>;
}

/** The audit date of the dogfood gap analysis; seeded timestamps count back from it. */
export const GITHUB_SEED_EPOCH = Date.parse('2026-04-26T12:00:00Z');

/** The stale cache endpoint that still appears in live surfaces. */
export const GITHUB_SEED_STALE_ENDPOINT =
  'https://cache.attic-cache-dev.svc.cluster.local';

/** Blob text above this size is not returned by GraphQL (`text: null`, `isTruncated: true`). */
export const GITHUB_BLOB_TEXT_LIMIT = 512 * 1024;

const EXCEPTIONS_PATH = '.github/gloriousflywheel-exceptions.yaml';
const TEMPLATE_WORKFLOW_PATH = '.github/workflows/nix-build.yml';
const MIGRATION_LABEL = 'gloriousflywheel-migration';
const SELF_HOSTED_TOGGLE =
  "${{ vars.USE_SELFHOSTED == 'true' && 'tinyland-nix' || 'ubuntu-latest' }}";

/**
 * What the seed is known to contain, for tests and scanners to assert against (paths relative to
 * the repository root; repo names without the owner).
 */
export const GITHUB_SEED_FACTS = {
  exceptionsPath: EXCEPTIONS_PATH,
  staleEndpoint: GITHUB_SEED_STALE_ENDPOINT,
  /** stale `attic-cache-dev` endpoints in live surfaces */
  staleEndpointFiles: [
    { repo: 'XoxdWM', path: '.bazelrc' },
    { repo: 'GloriousFlywheel', path: '.gitlab-ci.yml' },
  ],
  /** Bazel through the cache-backed wrapper */
  bazelWrapper: {
    repo: 'GloriousFlywheel',
    path: '.github/workflows/source-bazel-proof.yml',
  },
  /** direct `nix develop .#ci --command bazel build|test` where the wrapper contract exists */
  directBazel: {
    repo: 'XoxdWM',
    path: '.github/workflows/ci.yml',
    jobs: ['build', 'test'],
  },
  /** FlakeHub push before the Nix installer on a nix runner class */
  flakeHubBeforeNix: {
    repo: 'XoxdWM',
    path: '.github/workflows/flakehub.yml',
    job: 'publish',
  },
  /** README claims `--remote_executor`, no workflow uses it */
  remoteExecutorClaim: { repo: 'GloriousFlywheel', path: 'README.md' },
  /** hosted jobs with a valid exception / an expired one / none */
  hostedExempt: [
    { repo: 'GloriousFlywheel', workflow: 'validate.yml', job: 'validate' },
    {
      repo: 'GloriousFlywheel',
      workflow: 'flakehub-publish.yml',
      job: 'publish',
    },
    { repo: 'GloriousFlywheel', workflow: 'pages.yml', job: 'deploy' },
    { repo: 'tinyland.dev', workflow: 'ci.yml', job: 'e2e' },
  ],
  hostedExpired: [
    { repo: 'GloriousFlywheel', workflow: 'secrets-scan.yml', job: 'gitleaks' },
  ],
  hostedUnexempted: [
    {
      repo: 'GloriousFlywheel',
      workflow: 'tranche-proof-status.yml',
      job: 'status',
    },
  ],
  /** reusable workflow calls (job-level `uses:`) */
  reusableCalls: [
    { repo: 'GloriousFlywheel', workflow: 'release.yml', job: 'image' },
    { repo: 'tinyland.dev', workflow: 'ci.yml', job: 'build' },
    { repo: 'tinyland.dev', workflow: 'deploy.yml', job: 'deploy' },
  ],
  /** `runs-on: ${{ matrix.os }}` */
  matrixRunsOn: {
    repo: 'GloriousFlywheel',
    workflow: 'test-arc-runners.yml',
    job: 'smoke',
  },
  /** proof workflows and their seeded latest conclusion on the default branch */
  proofRuns: [
    {
      repo: 'GloriousFlywheel',
      workflow: 'platform-proof.yml',
      conclusion: 'success',
    },
    {
      repo: 'GloriousFlywheel',
      workflow: 'source-bazel-proof.yml',
      conclusion: 'success',
    },
    { repo: 'blahaj', workflow: 'ci.yml', conclusion: 'success' },
  ],
  /** the label the seeded migration pull requests carry */
  migrationLabel: MIGRATION_LABEL,
  /** migration pull requests (label above): the seeds' two completed merges, and open ones */
  migrationPullRequests: [
    { repo: 'lab', number: 72, state: 'MERGED' },
    { repo: 'blahaj', number: 68, state: 'MERGED' },
    { repo: 'XoxdWM', number: 31, state: 'OPEN' },
    { repo: 'tinyland.dev', number: 137, state: 'OPEN' },
    { repo: 'GloriousFlywheel', number: 216, state: 'OPEN' },
    { repo: 'svc-0001', number: 4, state: 'OPEN' },
  ],
  /** a merged pull request without the migration label (not a migration) */
  otherPullRequest: { repo: 'lab', number: 73 },
  /** first-tranche repositories whose migration is done (clean scorecard on runner classes) */
  adopted: ['blahaj', 'lab'],
  /**
   * lab's migration (lab#72) is merged; its GPU smoke still pins a self-hosted lane no runner class
   * serves (the queue work relies on that job), kept off the pool by a `hardware` exception the
   * seeded org allows (`exceptionCategory`).
   */
  legacyLane: {
    repo: 'lab',
    workflow: 'gpu.yml',
    job: 'cuda',
    labels: ['self-hosted', 'honey-gpu'],
    exceptionCategory: 'hardware',
  },
  /** a local composite action (the repo's own setup building block) bootstrapping Nix */
  localSetupAction: {
    repo: 'blahaj',
    path: '.github/actions/setup/action.yml',
    uses: './.github/actions/setup',
  },
  /** a reusable workflow of the org's template repository, called from another repo */
  templateWorkflow: {
    repo: 'GloriousFlywheel',
    path: TEMPLATE_WORKFLOW_PATH,
    calledFrom: { repo: 'tinyland.dev', workflow: 'ci.yml', job: 'build' },
  },
  /** the opt-in toggle the org's repos use: self-hosted when the Actions variable says so */
  selfHostedToggle: {
    repo: 'XoxdWM',
    workflow: 'docs.yml',
    job: 'docs',
    runsOn: SELF_HOSTED_TOGGLE,
    /** the repository's Actions variable that opts it in */
    variable: { name: 'USE_SELFHOSTED', value: 'true' },
  },
  /** the template repository's release tag, which callers pin (`@v1`) */
  templateTag: { repo: 'GloriousFlywheel', tag: 'v1' },
  /** a long-tail repo index i (0-based) has one malformed workflow when i % 25 === 11 */
  malformedEvery: 25,
  malformedOffset: 11,
  malformedPath: '.github/workflows/broken.yml',
  /** a long-tail repo index i has a workflow over the GraphQL blob text limit when i % 200 === 6 */
  largeEvery: 200,
  largeOffset: 6,
  largePath: '.github/workflows/generated-matrix.yml',
} as const;

/** Names of the long-tail repos (of this seed) that carry a malformed workflow. */
export function githubMalformedWorkflowRepos(seed: FleetSeed): string[] {
  return longTail(seed)
    .filter(
      ({ i }) =>
        i % GITHUB_SEED_FACTS.malformedEvery ===
        GITHUB_SEED_FACTS.malformedOffset,
    )
    .map(({ repo }) => repo.name);
}

/** Names of the long-tail repos (of this seed) with a workflow over the blob text limit. */
export function githubLargeWorkflowRepos(seed: FleetSeed): string[] {
  return longTail(seed)
    .filter(
      ({ i }) =>
        i % GITHUB_SEED_FACTS.largeEvery === GITHUB_SEED_FACTS.largeOffset,
    )
    .map(({ repo }) => repo.name);
}

function longTail(seed: FleetSeed) {
  return seed.repos
    .filter(r => r.tier === 'long-tail')
    .map((repo, i) => ({ repo, i }));
}

const iso = (ms: number) =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const lines = (...l: string[]) => `${l.join('\n')}\n`;

const ATTIC_ENV = [
  '  ATTIC_SERVER: http://attic.nix-cache.svc.cluster.local',
  '  ATTIC_CACHE: main',
];

// ---------------------------------------------------------------------------------------------
// First tranche: hand-written from the dogfood gap analysis (seed 003)
// ---------------------------------------------------------------------------------------------

function gloriousFlywheelFiles(): Record<string, string> {
  return {
    'README.md': lines(
      '# GloriousFlywheel',
      '',
      'A pooled build, cache and runner substrate: ARC runner classes (`tinyland-nix`,',
      '`tinyland-docker`, `tinyland-dind`, `tinyland-nix-heavy`), the Attic Nix cache and a Bazel',
      'remote cache.',
      '',
      '## Remote builds',
      '',
      'Bazel builds offload to the shared substrate with remote execution:',
      '',
      '```sh',
      'bazel build --remote_executor=grpc://bazel-cache.nix-cache.svc.cluster.local:9092 //...',
      '```',
    ),
    'flake.nix': lines(
      '{',
      '  description = "GloriousFlywheel: pooled build, cache and runner substrate";',
      '  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";',
      '  outputs = { self, nixpkgs }: {',
      '    devShells.x86_64-linux.ci = nixpkgs.legacyPackages.x86_64-linux.mkShell {',
      '      packages = [ nixpkgs.legacyPackages.x86_64-linux.bazelisk ];',
      '    };',
      '  };',
      '}',
    ),
    '.bazelrc': lines(
      'common --enable_bzlmod',
      '# BAZEL_REMOTE_CACHE is injected by the runner class; the wrapper adds --remote_cache.',
      'build:ci --remote_upload_local_results=true',
      'build:ci --remote_timeout=60',
    ),
    'scripts/bazel-cache-backed.sh': lines(
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      ': "${BAZEL_REMOTE_CACHE:?BAZEL_REMOTE_CACHE is required}"',
      'if [ "${GF_BAZEL_SUBSTRATE_MODE:-}" != "shared-cache-backed" ]; then',
      '  echo "GF_BAZEL_SUBSTRATE_MODE must be shared-cache-backed" >&2',
      '  exit 2',
      'fi',
      'exec bazel "$1" --config=ci --remote_cache="$BAZEL_REMOTE_CACHE" "${@:2}"',
    ),
    'scripts/tranche-proof-status.sh': lines(
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      '# Latest default-branch conclusion of each proof workflow, as JSON.',
      'gh run list --branch main --limit 20 --json workflowName,conclusion',
    ),
    'scripts/cache-attachment-contract.sh': lines(
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      'for v in ATTIC_SERVER ATTIC_CACHE BAZEL_REMOTE_CACHE; do',
      '  [ -n "${!v:-}" ] || { echo "missing $v" >&2; exit 1; }',
      'done',
    ),
    // GitLab compatibility surface still carrying the stale endpoint (seed 003, gap 4).
    '.gitlab-ci.yml': lines(
      'variables:',
      '  BAZEL_REMOTE_CACHE: grpc://bazel-cache.attic-cache-dev.svc.cluster.local:9092',
      `  ATTIC_SERVER: ${GITHUB_SEED_STALE_ENDPOINT}`,
      'bazel-build:',
      '  image: nixos/nix',
      '  script:',
      '    - nix develop .#ci --command bazel build //...',
    ),
    '.github/actions/nix-job/action.yml': lines(
      'name: Nix job',
      'description: Bootstrap Nix explicitly, then attach the Attic cache',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - uses: DeterminateSystems/nix-installer-action@v16',
      '    - shell: bash',
      '      run: attic login flywheel "$ATTIC_SERVER" "$ATTIC_TOKEN" && attic use "$ATTIC_CACHE"',
    ),
    [EXCEPTIONS_PATH]: lines(
      '# Hosted-runner exception register: named, owned, dated (seed 003, gap 1).',
      'exceptions:',
      '  - job: validate',
      '    workflow: validate.yml',
      '    reason: Validates tofu stacks with the hosted toolchain until the tinyland-nix lane carries tflint',
      '    owner: "@jesssullivan"',
      '    expires: 2027-06-30',
      '    category: low-risk',
      '  - job: gitleaks',
      '    workflow: secrets-scan.yml',
      '    reason: Secret detection stays hosted until the runner image carries gitleaks',
      '    owner: "@jesssullivan"',
      '    expires: 2026-05-31',
      '    category: low-risk',
      '  - job: publish',
      '    workflow: flakehub-publish.yml',
      '    reason: FlakeHub OIDC publish is a third-party control-plane job',
      '    owner: "@tinyland-inc/platform"',
      '    expires: 2027-03-31',
      '    category: control-plane',
      '  - job: deploy',
      '    workflow: pages.yml',
      '    reason: GitHub Pages deploy needs the hosted pages environment',
      '    owner: "@tinyland-inc/platform"',
      '    expires: 2027-03-31',
      '    category: control-plane',
    ),
    '.github/workflows/platform-proof.yml': lines(
      'name: Platform Proof',
      'on:',
      '  push:',
      '    branches: [main]',
      '  workflow_dispatch:',
      'env:',
      ...ATTIC_ENV,
      'jobs:',
      '  proof:',
      '    runs-on: tinyland-nix',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: DeterminateSystems/nix-installer-action@v16',
      '      - name: Build runner-dashboard from the Attic cache',
      '        run: nix build .#runner-dashboard --print-build-logs',
      '      - name: Push the delta to Attic',
      '        run: attic push "$ATTIC_CACHE" result',
    ),
    '.github/workflows/source-bazel-proof.yml': lines(
      'name: Source Bazel Proof',
      'on:',
      '  push:',
      '    branches: [main]',
      '  pull_request:',
      'jobs:',
      '  bazel:',
      '    runs-on: [self-hosted, tinyland-nix]',
      '    env:',
      '      GF_BAZEL_SUBSTRATE_MODE: shared-cache-backed',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: DeterminateSystems/nix-installer-action@v16',
      '      - name: Cache attachment contract',
      '        run: scripts/cache-attachment-contract.sh --strict',
      '      - name: Build through the cache-backed wrapper',
      '        run: nix develop .#ci --command scripts/bazel-cache-backed.sh build //...',
    ),
    '.github/workflows/validate.yml': lines(
      'name: Validate',
      'on: [push, pull_request]',
      'jobs:',
      '  validate:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: tofu fmt -check -recursive tofu/',
    ),
    '.github/workflows/secrets-scan.yml': lines(
      'name: Secret Detection',
      'on: [push, pull_request]',
      'jobs:',
      '  gitleaks:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          fetch-depth: 0',
      '      - uses: gitleaks/gitleaks-action@v2',
    ),
    '.github/workflows/flakehub-publish.yml': lines(
      'name: Publish to FlakeHub',
      'on:',
      '  push:',
      '    tags: ["v*"]',
      '    branches: [main]',
      'jobs:',
      '  publish:',
      '    runs-on: ubuntu-latest',
      '    permissions:',
      '      id-token: write',
      '      contents: read',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: DeterminateSystems/nix-installer-action@v16',
      '      - uses: DeterminateSystems/flakehub-push@main',
      '        with:',
      '          visibility: public',
    ),
    '.github/workflows/pages.yml': lines(
      'name: Deploy Docs',
      'on:',
      '  push:',
      '    branches: [main]',
      'jobs:',
      '  deploy:',
      '    runs-on: ubuntu-latest',
      '    environment: github-pages',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/upload-pages-artifact@v3',
      '        with:',
      '          path: docs/site',
      '      - uses: actions/deploy-pages@v4',
    ),
    '.github/workflows/tranche-proof-status.yml': lines(
      'name: Tranche Proof Status',
      'on:',
      '  schedule:',
      "    - cron: '17 6 * * *'",
      '  workflow_dispatch:',
      'jobs:',
      '  status:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: scripts/tranche-proof-status.sh --json > status.json',
    ),
    '.github/workflows/test-arc-runners.yml': lines(
      'name: Test ARC Runners',
      'on:',
      '  workflow_dispatch:',
      '  schedule:',
      "    - cron: '0 5 * * 1'",
      'jobs:',
      '  smoke:',
      '    strategy:',
      '      fail-fast: false',
      '      matrix:',
      '        os: [tinyland-nix, tinyland-docker, tinyland-dind, tinyland-nix-heavy]',
      '    runs-on: ${{ matrix.os }}',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: echo "runner class ${{ matrix.os }} is alive"',
    ),
    '.github/workflows/release.yml': lines(
      'name: Release',
      'on:',
      '  push:',
      '    tags: ["v*"]',
      'jobs:',
      '  image:',
      '    uses: ./.github/workflows/build-image.yml',
      '    with:',
      '      runs-on: tinyland-docker',
      '    secrets: inherit',
    ),
    // The org's template workflow: other repos call it (`uses: tinyland-inc/GloriousFlywheel/...`).
    [TEMPLATE_WORKFLOW_PATH]: lines(
      'name: Nix build',
      'on:',
      '  workflow_call:',
      '    inputs:',
      '      runs-on:',
      '        type: string',
      '        default: tinyland-nix',
      '      attr:',
      '        type: string',
      '        default: .#default',
      'jobs:',
      '  build:',
      '    runs-on: ${{ inputs.runs-on }}',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: DeterminateSystems/nix-installer-action@v16',
      '      - run: nix build ${{ inputs.attr }} --print-build-logs',
    ),
    '.github/workflows/build-image.yml': lines(
      'name: Build Image',
      'on:',
      '  workflow_call:',
      '    inputs:',
      '      runs-on:',
      '        type: string',
      '        default: tinyland-docker',
      'jobs:',
      '  build:',
      '    runs-on: ${{ inputs.runs-on }}',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: docker build -t ghcr.io/tinyland-inc/runner-dashboard:${{ github.sha }} app/',
    ),
  };
}

function xoxdwmFiles(): Record<string, string> {
  return {
    'README.md': lines(
      '# XoxdWM',
      '',
      'A tiling Wayland compositor built with Bazel on the shared cache.',
    ),
    // Stale endpoint in a live Bazel config (seed 003, gap 4).
    '.bazelrc': lines(
      'common --enable_bzlmod',
      `build --remote_cache=${GITHUB_SEED_STALE_ENDPOINT}`,
      'build --remote_upload_local_results=true',
    ),
    'scripts/bazel-cache-backed.sh': lines(
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      ': "${BAZEL_REMOTE_CACHE:?BAZEL_REMOTE_CACHE is required}"',
      'exec bazel "$1" --remote_cache="$BAZEL_REMOTE_CACHE" "${@:2}"',
    ),
    '.github/workflows/ci.yml': lines(
      'name: CI',
      'on:',
      '  push:',
      '    branches: [main]',
      '  pull_request:',
      'env:',
      '  GF_BAZEL_SUBSTRATE_MODE: shared-cache-backed',
      'jobs:',
      '  build:',
      '    runs-on: tinyland-nix-heavy',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: DeterminateSystems/nix-installer-action@v16',
      '      # direct Bazel: bypasses scripts/bazel-cache-backed.sh',
      '      - run: nix develop .#ci --command bazel build //...',
      '  test:',
      '    needs: build',
      '    runs-on: [self-hosted, tinyland-nix]',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: cachix/install-nix-action@v30',
      '      - run: |',
      '          nix develop .#ci --command \\',
      '            bazel test //... --test_output=errors',
    ),
    // How the org's repos opt in today (seed: the tinyland-inc org): an Actions variable toggle.
    '.github/workflows/docs.yml': lines(
      'name: Docs',
      'on:',
      '  push:',
      '    branches: [main]',
      'jobs:',
      '  docs:',
      `    runs-on: ${SELF_HOSTED_TOGGLE}`,
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: npx --yes markdownlint-cli2 "**/*.md"',
    ),
    '.github/workflows/flakehub.yml': lines(
      'name: Publish to FlakeHub',
      'on:',
      '  push:',
      '    tags: ["v*"]',
      'jobs:',
      '  publish:',
      '    runs-on: tinyland-nix',
      '    permissions:',
      '      id-token: write',
      '      contents: read',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      # FlakeHub before the explicit Nix bootstrap (rule 4)',
      '      - uses: DeterminateSystems/flakehub-push@main',
      '        with:',
      '          visibility: public',
      '      - uses: DeterminateSystems/nix-installer-action@v16',
      '      - run: nix flake check',
    ),
  };
}

function tinylandDevFiles(): Record<string, string> {
  return {
    'README.md': lines('# tinyland.dev', '', 'The Tinyland website.'),
    [EXCEPTIONS_PATH]: lines(
      '- job: e2e',
      '  workflow: ci.yml',
      '  reason: Playwright browsers come with the hosted image; tracked in tinyland.dev#136',
      '  owner: "@tinyland-inc/web"',
      '  expires: 2027-01-31',
      '  category: low-risk',
    ),
    '.github/workflows/ci.yml': lines(
      'name: CI',
      'on: [push, pull_request]',
      'jobs:',
      '  lint:',
      '    runs-on: [self-hosted, tinyland-docker]',
      '    container: node:22',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: corepack enable && pnpm install --frozen-lockfile && pnpm lint',
      '  build:',
      '    uses: tinyland-inc/GloriousFlywheel/.github/workflows/nix-build.yml@v1',
      '    with:',
      '      runs-on: tinyland-nix',
      '      attr: .#site',
      '  e2e:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: pnpm exec playwright test',
    ),
    '.github/workflows/deploy.yml': lines(
      'name: Deploy',
      'on:',
      '  push:',
      '    branches: [main]',
      'jobs:',
      '  deploy:',
      '    uses: ./.github/workflows/deploy-reusable.yml',
      '    secrets: inherit',
    ),
    '.github/workflows/deploy-reusable.yml': lines(
      'name: Deploy (reusable)',
      'on: workflow_call',
      'jobs:',
      '  rollout:',
      '    runs-on: tinyland-docker',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: docker build -t tinyland-dev . && ./scripts/rollout.sh',
    ),
    'scripts/rollout.sh': lines(
      '#!/usr/bin/env bash',
      'set -euo pipefail',
      'kubectl -n tinyland rollout restart deployment/tinyland-dev',
    ),
  };
}

function labFiles(): Record<string, string> {
  return {
    'README.md': lines('# lab', '', 'Experiments on the honey cluster.'),
    // Migrated in lab#72: tinyland-nix, the current Attic endpoint, Nix bootstrapped first (lab#73).
    '.github/workflows/ci.yml': lines(
      'name: Lab CI',
      'on: [push]',
      'env:',
      '  ATTIC_SERVER: http://attic.nix-cache.svc.cluster.local',
      '  ATTIC_CACHE: lab',
      'jobs:',
      '  nix:',
      '    runs-on:',
      '      group: tinyland',
      '      labels: [tinyland-nix]',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: cachix/install-nix-action@v30',
      '      - run: nix build .#default',
      '      - run: attic push lab result',
    ),
    '.github/workflows/dind.yml': lines(
      'name: Docker in Docker',
      'on: [push]',
      'jobs:',
      '  image:',
      '    runs-on: tinyland-dind',
      '    services:',
      '      docker:',
      '        image: docker:27-dind',
      '        options: --privileged',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: docker build -t lab:ci .',
    ),
    [EXCEPTIONS_PATH]: lines(
      "# The GPU smoke needs honey's GPU node; no runner class offers a GPU yet.",
      'exceptions:',
      '  - job: cuda',
      '    workflow: gpu.yml',
      '    reason: CUDA smoke test needs the GPU node on honey until a GPU runner class exists',
      '    owner: "@tinyland-inc/platform"',
      '    expires: 2027-06-30',
      '    category: hardware',
    ),
    '.github/workflows/gpu.yml': lines(
      'name: GPU smoke',
      'on: workflow_dispatch',
      'jobs:',
      '  cuda:',
      '    runs-on: [self-hosted, honey-gpu]',
      '    steps:',
      '      - run: nvidia-smi',
    ),
  };
}

function blahajFiles(): Record<string, string> {
  return {
    'README.md': lines('# blahaj', '', 'The friendliest shark service.'),
    // The repo's own building block: bootstrap Nix, then attach the Attic cache.
    '.github/actions/setup/action.yml': lines(
      'name: Setup',
      'description: Bootstrap Nix explicitly, then use the shared Attic cache',
      'runs:',
      '  using: composite',
      '  steps:',
      '    - uses: DeterminateSystems/nix-installer-action@v16',
      '    - shell: bash',
      '      run: attic login flywheel "$ATTIC_SERVER" "$ATTIC_TOKEN" && attic use "$ATTIC_CACHE"',
    ),
    '.github/workflows/ci.yml': lines(
      'name: CI',
      'on:',
      '  push:',
      '    branches: [main]',
      'env:',
      ...ATTIC_ENV,
      'jobs:',
      '  check:',
      '    runs-on: tinyland-nix',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: ./.github/actions/setup',
      '      - run: nix flake check --print-build-logs',
      '      - run: attic push "$ATTIC_CACHE" result',
    ),
    '.github/workflows/docker.yml': lines(
      'name: Docker',
      'on: [push]',
      'jobs:',
      '  image:',
      '    runs-on: [self-hosted, tinyland-docker]',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: docker build -t blahaj .',
    ),
    '.github/workflows/nightly.yml': lines(
      'name: Nightly',
      'on:',
      '  workflow_dispatch:',
      '    inputs:',
      '      runner:',
      '        default: tinyland-nix',
      '  schedule:',
      "    - cron: '0 3 * * *'",
      'jobs:',
      '  nightly:',
      "    runs-on: ${{ inputs.runner || 'tinyland-nix' }}",
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: ./.github/actions/setup',
      '      - run: nix build .#nightly',
    ),
    '.github/workflows/labeler.yml': lines(
      'name: Labeler',
      'on: [pull_request_target]',
      'jobs:',
      '  label:',
      '    runs-on: tinyland-docker',
      '    steps:',
      '      - uses: actions/labeler@v5',
    ),
  };
}

const FIRST_TRANCHE: Record<
  string,
  {
    description: string;
    files: () => Record<string, string>;
    runs?: GitHubSeedRepo['runs'];
    pullRequests?: GitHubSeedPullRequest[];
    variables?: GitHubSeedRepo['variables'];
    tags?: GitHubSeedRepo['tags'];
  }
> = {
  GloriousFlywheel: {
    description: 'Pooled build, cache and runner substrate',
    files: gloriousFlywheelFiles,
    tags: ['v1'],
    runs: {
      'platform-proof.yml': ['failure', 'success'],
      'source-bazel-proof.yml': ['success'],
    },
    pullRequests: [
      migration(
        216,
        'OPEN',
        'Move the low-risk hosted jobs onto tinyland-nix',
        'gloriousflywheel/low-risk-hosted',
        '2026-04-25T10:00:00Z',
      ),
    ],
  },
  XoxdWM: {
    description: 'Tiling Wayland compositor',
    files: xoxdwmFiles,
    // it opted in with the toggle (docs.yml): the variable says self-hosted
    variables: { USE_SELFHOSTED: 'true' },
    pullRequests: [
      migration(
        31,
        'OPEN',
        'Route Bazel through scripts/bazel-cache-backed.sh',
        'gloriousflywheel/bazel-wrapper',
        '2026-04-18T09:30:00Z',
      ),
    ],
  },
  'tinyland.dev': {
    description: 'The Tinyland website',
    files: tinylandDevFiles,
    pullRequests: [
      {
        ...migration(
          137,
          'OPEN',
          'Run the Playwright e2e job on tinyland-docker',
          'gloriousflywheel/e2e-lane',
          '2026-04-20T14:00:00Z',
        ),
        isDraft: true,
      },
    ],
  },
  lab: {
    description: 'Experiments on honey',
    files: labFiles,
    pullRequests: [
      migration(
        72,
        'MERGED',
        'Run lab CI on the tinyland-nix runner class',
        'gloriousflywheel/tinyland-nix',
        '2026-04-12T08:00:00Z',
        '2026-04-14T16:20:00Z',
      ),
      {
        number: 73,
        title: 'Bootstrap Nix explicitly before FlakeHub and cache steps',
        state: 'MERGED',
        headRefName: 'fix/nix-bootstrap-order',
        labels: ['ci'],
        author: 'jesssullivan',
        createdAt: '2026-04-15T09:00:00Z',
        closedAt: '2026-04-15T17:45:00Z',
      },
    ],
  },
  blahaj: {
    description: 'The friendliest shark service',
    files: blahajFiles,
    // red before blahaj#68, green since
    runs: { 'ci.yml': ['failure', 'success'] },
    pullRequests: [
      migration(
        68,
        'MERGED',
        'Move CI onto the pooled runner classes',
        'gloriousflywheel/runner-classes',
        '2026-04-13T11:00:00Z',
        '2026-04-16T10:05:00Z',
      ),
    ],
  },
};

/** A pull request carrying the migration label. */
function migration(
  number: number,
  state: GitHubSeedPullRequest['state'],
  title: string,
  headRefName: string,
  createdAt: string,
  closedAt?: string,
): GitHubSeedPullRequest {
  return {
    number,
    title,
    state,
    headRefName,
    labels: [MIGRATION_LABEL],
    author: 'jesssullivan',
    createdAt,
    ...(closedAt && { closedAt }),
  };
}

// ---------------------------------------------------------------------------------------------
// The 12 directly exposed runner-label repos
// ---------------------------------------------------------------------------------------------

function exposedFiles(n: number, name: string): Record<string, string> {
  const cls = [
    'tinyland-docker',
    'tinyland-nix',
    'tinyland-dind',
    'tinyland-nix-heavy',
  ][n % 4];
  const build =
    cls === 'tinyland-docker' || cls === 'tinyland-dind'
      ? [`      - run: docker build -t ${name} .`]
      : [
          '      - uses: DeterminateSystems/nix-installer-action@v16',
          '      - run: nix build .#default',
          '      - run: attic push main result',
        ];
  const files: Record<string, string> = {
    'README.md': lines(`# ${name}`, '', `Runs on the \`${cls}\` runner class.`),
    '.github/workflows/build.yml': lines(
      'name: Build',
      'on: [push, pull_request]',
      'jobs:',
      '  build:',
      `    runs-on: [self-hosted, ${cls}]`,
      '    steps:',
      '      - uses: actions/checkout@v4',
      ...build,
    ),
    '.github/workflows/lint.yml': lines(
      'name: Lint',
      'on: [pull_request]',
      'jobs:',
      '  lint:',
      `    runs-on: ${n % 3 === 0 ? 'ubuntu-latest' : 'tinyland-docker'}`,
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: make lint',
    ),
  };
  if (n % 2 === 1) {
    files['.github/workflows/release.yml'] = lines(
      'name: Release',
      'on:',
      '  push:',
      '    tags: ["v*"]',
      'jobs:',
      '  release:',
      '    runs-on: [self-hosted, linux, x64, tinyland-docker]',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: make release',
    );
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// The long tail: deterministic, ~5 workflows each, mostly hosted
// ---------------------------------------------------------------------------------------------

/** mulberry32: a tiny deterministic PRNG, so the same options give the same oids. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Template = (repo: string, runsOn: string) => string;

const LONG_TAIL_TEMPLATES: [string, Template][] = [
  [
    'ci.yml',
    (repo, runsOn) =>
      lines(
        'name: CI',
        'on:',
        '  push:',
        '    branches: [main]',
        '  pull_request:',
        'jobs:',
        '  test:',
        `    runs-on: ${runsOn}`,
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - uses: actions/setup-node@v4',
        '        with:',
        '          node-version: 22',
        `      - run: npm ci && npm test -- --project ${repo}`,
      ),
  ],
  [
    'lint.yml',
    (repo, runsOn) =>
      lines(
        'name: Lint',
        'on: [pull_request]',
        'jobs:',
        '  lint:',
        `    runs-on: ${runsOn}`,
        '    steps:',
        '      - uses: actions/checkout@v4',
        `      - run: make lint SERVICE=${repo}`,
      ),
  ],
  [
    'release.yml',
    (repo, runsOn) =>
      lines(
        'name: Release',
        'on:',
        '  push:',
        '    tags: ["v*"]',
        'jobs:',
        '  release:',
        `    runs-on: ${runsOn}`,
        '    permissions:',
        '      contents: write',
        '    steps:',
        '      - uses: actions/checkout@v4',
        `      - run: gh release create "$GITHUB_REF_NAME" --title "${repo} $GITHUB_REF_NAME"`,
      ),
  ],
  [
    'codeql.yml',
    (repo, runsOn) =>
      lines(
        'name: CodeQL',
        'on:',
        '  schedule:',
        "    - cron: '23 4 * * 2'",
        'jobs:',
        '  analyze:',
        `    runs-on: ${runsOn}`,
        '    strategy:',
        '      matrix:',
        '        language: [javascript, go]',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - uses: github/codeql-action/init@v3',
        '        with:',
        '          languages: ${{ matrix.language }}',
        `      - uses: github/codeql-action/analyze@v3 # ${repo}`,
      ),
  ],
  [
    'docker.yml',
    (repo, runsOn) =>
      lines(
        'name: Docker',
        'on:',
        '  push:',
        '    branches: [main]',
        'jobs:',
        '  image:',
        `    runs-on: ${runsOn}`,
        '    steps:',
        '      - uses: actions/checkout@v4',
        `      - run: docker build -t ghcr.io/tinyland-inc/${repo}:\${{ github.sha }} .`,
      ),
  ],
  [
    'nix.yml',
    (repo, runsOn) =>
      lines(
        'name: Nix',
        'on: [push]',
        'env:',
        ...ATTIC_ENV,
        'jobs:',
        '  build:',
        `    runs-on: ${runsOn}`,
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - uses: DeterminateSystems/nix-installer-action@v16',
        `      - run: nix build .#${repo}`,
        '      - run: attic push "$ATTIC_CACHE" result',
      ),
  ],
  [
    'stale.yml',
    (repo, runsOn) =>
      lines(
        'name: Stale',
        'on:',
        '  schedule:',
        "    - cron: '30 1 * * *'",
        'jobs:',
        '  stale:',
        `    runs-on: ${runsOn}`,
        '    steps:',
        '      - uses: actions/stale@v9',
        '        with:',
        `          stale-issue-message: "${repo}: no activity for 60 days"`,
      ),
  ],
];

function longTailRunsOn(template: string, rnd: () => number): string {
  const r = rnd();
  if (template === 'nix.yml')
    return r < 0.5 ? 'tinyland-nix' : '[self-hosted, tinyland-nix]';
  if (template === 'docker.yml') {
    if (r < 0.4) return 'ubuntu-latest';
    return r < 0.8 ? 'tinyland-docker' : 'tinyland-dind';
  }
  if (r < 0.8) return 'ubuntu-latest';
  if (r < 0.85) return 'ubuntu-24.04';
  if (r < 0.92) return '[self-hosted, tinyland-docker]';
  if (r < 0.96) return 'tinyland-nix';
  return "${{ vars.RUNNER || 'ubuntu-latest' }}";
}

function longTailFiles(
  repo: string,
  i: number,
): { files: Record<string, string>; runs: GitHubSeedRepo['runs'] } {
  const rnd = prng(0x5eed + i * 7919);
  const count = 4 + Math.floor(rnd() * 3); // 4..6, ~5 on average
  const pool = [...LONG_TAIL_TEMPLATES];
  const files: Record<string, string> = {
    'README.md': lines(
      `# ${repo}`,
      '',
      `Service ${repo} of the tinyland-inc long tail.`,
    ),
  };
  const runs: GitHubSeedRepo['runs'] = {};
  for (let k = 0; k < count && pool.length; k++) {
    const [file, template] = pool.splice(Math.floor(rnd() * pool.length), 1)[0];
    files[`.github/workflows/${file}`] = template(
      repo,
      longTailRunsOn(file, rnd),
    );
    runs[file] = [rnd() < 0.9 ? 'success' : 'failure'];
  }
  if (
    i % GITHUB_SEED_FACTS.malformedEvery ===
    GITHUB_SEED_FACTS.malformedOffset
  ) {
    // An unclosed flow sequence: YAML parsers report it with line and column.
    files[GITHUB_SEED_FACTS.malformedPath] = lines(
      'name: Broken',
      'on: [push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo never parsed',
    );
  }
  if (i % GITHUB_SEED_FACTS.largeEvery === GITHUB_SEED_FACTS.largeOffset) {
    // Over the GraphQL blob text limit: the scanner must fall back (e.g. REST contents).
    const header = lines(
      'name: Generated matrix',
      'on: workflow_dispatch',
      'jobs:',
      '  generated:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo generated',
    );
    const pad = Array.from(
      { length: 9000 },
      (_, n) =>
        `# generated entry ${String(n).padStart(
          5,
          '0',
        )} for ${repo} ${'x'.repeat(32)}`,
    ).join('\n');
    files[GITHUB_SEED_FACTS.largePath] = `${header}${pad}\n`;
  }
  return { files, runs };
}

/** Builds the seeded repository content for a fleet seed. Deterministic for the same seed. */
export function createGitHubSeedContent(seed: FleetSeed): GitHubSeedContent {
  const repos: GitHubSeedRepo[] = [];
  let longTailIndex = 0;
  seed.repos.forEach((r, index) => {
    const pushedAt = iso(GITHUB_SEED_EPOCH - index * 37 * 60_000);
    const createdAt = iso(
      Date.parse('2023-01-02T09:00:00Z') + index * 86_400_000,
    );
    const base = {
      owner: r.owner,
      name: r.name,
      tier: r.tier,
      isFork: Boolean(r.isFork),
      isArchived: Boolean(r.isArchived),
      isPrivate: r.tier === 'long-tail',
      defaultBranch: 'main',
      createdAt,
      pushedAt,
      executables: [] as string[],
    };
    if (r.tier === 'first-tranche' && FIRST_TRANCHE[r.name]) {
      const spec = FIRST_TRANCHE[r.name];
      const files = spec.files();
      repos.push({
        ...base,
        description: spec.description,
        files,
        executables: Object.keys(files).filter(p => p.endsWith('.sh')),
        runs: spec.runs ?? {},
        pullRequests: spec.pullRequests ?? [],
        ...(spec.variables && { variables: spec.variables }),
        ...(spec.tags && { tags: spec.tags }),
      });
    } else if (r.tier === 'exposed') {
      const n = Number(/(\d+)$/.exec(r.name)?.[1] ?? 0);
      repos.push({
        ...base,
        description: `Directly exposed runner-label repo ${n}`,
        files: exposedFiles(n, r.name),
        runs: {},
      });
    } else {
      const i = longTailIndex++;
      const { files, runs } = longTailFiles(r.name, i);
      repos.push({
        ...base,
        description: `Long-tail service ${r.name}`,
        files,
        runs,
        // The long tail starts moving: the first service has its opt-in open.
        pullRequests:
          i === 0
            ? [
                migration(
                  4,
                  'OPEN',
                  'Opt in to tinyland-nix with the USE_SELFHOSTED toggle',
                  'gloriousflywheel/use-selfhosted',
                  '2026-04-24T12:00:00Z',
                ),
              ]
            : [],
      });
    }
  });
  return { org: seed.org, repos };
}
