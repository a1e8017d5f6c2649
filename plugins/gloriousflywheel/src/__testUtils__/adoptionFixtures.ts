import {
  AdoptionCheck,
  RepoAdoption,
  TrancheSummary,
} from '@tinyland/backstage-plugin-gloriousflywheel-common';

const check = (over: Partial<AdoptionCheck>): AdoptionCheck => ({
  id: 'hosted-runners',
  title: 'No hosted runners on default-branch workflows',
  severity: 'error',
  verdict: 'pass',
  summary: 'every job runs on a runner class',
  evidence: [],
  howToFix: '',
  ...over,
});

/** A repository result in the backend's shape (tinyland.dev with the seeded dogfood gaps). */
export function repoAdoption(over: Partial<RepoAdoption> = {}): RepoAdoption {
  const checks = [
    check({}),
    check({
      id: 'stale-cache-endpoints',
      title: 'No stale cache endpoints',
      verdict: 'fail',
      summary: '1 reference to a stale endpoint',
      evidence: [
        {
          path: '.bazelrc',
          line: 3,
          excerpt:
            'build --remote_cache=grpc://bazel-cache.attic-cache-dev.svc.cluster.local:9092',
          url: 'https://github.com/tinyland-inc/tinyland.dev/blob/main/.bazelrc#L3',
        },
      ],
      howToFix:
        'Point BAZEL_REMOTE_CACHE at the shared cache (attic.nix-cache) and drop attic-cache-dev.',
    }),
    check({
      id: 'proof-workflows-green',
      title: 'Proof workflows green',
      verdict: 'unknown',
      summary: 'no run data',
    }),
  ];
  return {
    owner: 'tinyland-inc',
    name: 'tinyland.dev',
    url: 'https://github.com/tinyland-inc/tinyland.dev',
    defaultBranch: 'main',
    headOid: '0123456789abcdef0123456789abcdef01234567',
    scannedAt: new Date().toISOString(),
    stale: false,
    archived: false,
    fork: false,
    tranche: 'first',
    stage: 'blocked',
    blockers: [
      {
        issue: 'tinyland-inc/tinyland.dev#136',
        kind: 'repo',
        url: 'https://github.com/tinyland-inc/tinyland.dev/issues/136',
      },
    ],
    migrationPullRequests: [
      {
        number: 137,
        title: 'Run the Playwright e2e job on tinyland-docker',
        url: 'https://github.com/tinyland-inc/tinyland.dev/pull/137',
        state: 'open',
        draft: true,
        headRefName: 'gloriousflywheel/e2e-lane',
        createdAt: '2026-04-20T14:00:00Z',
        mergedAt: null,
      },
      {
        number: 120,
        title: 'Lint on tinyland-docker',
        url: 'https://github.com/tinyland-inc/tinyland.dev/pull/120',
        state: 'merged',
        draft: false,
        headRefName: 'gloriousflywheel/lint',
        createdAt: '2026-04-02T10:00:00Z',
        mergedAt: '2026-04-03T10:00:00Z',
      },
    ],
    jobs: [
      {
        path: '.github/workflows/ci.yml',
        jobId: 'build',
        line: 9,
        labels: ['tinyland-nix'],
        runnerClass: 'tinyland-nix',
        hosted: false,
        dynamic: false,
        reusable: false,
        exception: null,
        url: 'https://github.com/tinyland-inc/tinyland.dev/blob/main/.github/workflows/ci.yml#L9',
      },
      {
        path: '.github/workflows/beta.yml',
        jobId: 'smoke',
        line: 5,
        labels: ['ubuntu-latest'],
        runnerClass: null,
        hosted: true,
        dynamic: false,
        reusable: false,
        exception: {
          reason: 'billing check',
          owner: 'jess',
          expires: '2026-01-31',
          expired: true,
        },
        url: 'https://github.com/tinyland-inc/tinyland.dev/blob/main/.github/workflows/beta.yml#L5',
      },
    ],
    runnerClasses: ['tinyland-nix'],
    hostedJobs: 1,
    scorecard: {
      evaluatedAt: new Date().toISOString(),
      verdict: 'fail',
      checks,
      counts: { pass: 1, fail: 1, exempt: 0, unknown: 1 },
    },
    fileErrors: [],
    error: null,
    ...over,
  };
}

export function trancheSummary(
  over: Partial<TrancheSummary> = {},
): TrancheSummary {
  return {
    name: 'first',
    title: 'First tranche',
    repos: 5,
    stages: { 'not-started': 1, 'in-progress': 2, adopted: 1, blocked: 1 },
    blockers: [
      {
        issue: 'tinyland-inc/tinyland.dev#136',
        kind: 'repo',
        repo: 'tinyland-inc/tinyland.dev',
      },
    ],
    progress: 20,
    trend: [],
    ...over,
  };
}
