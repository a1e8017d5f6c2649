import type { GitHubSandbox } from '../github';

const MIN = 60_000;

/**
 * A few jobs that happened before the sandbox started, so the portal shows a queue at once:
 * the `lab` repo's GPU job waits on labels no runner class has, two jobs run, three finished.
 * No webhooks: they are in the jobs REST API for reconciliation to find.
 */
export function seedJobs(github: GitHubSandbox): void {
  const sim = github.jobSimulator;
  sim.seed({
    repo: 'lab',
    workflow: 'gpu.yml',
    job: 'cuda',
    labels: ['self-hosted', 'honey-gpu'],
    status: 'queued',
    queuedAgoMs: 25 * MIN,
  });
  sim.seed({
    repo: 'XoxdWM',
    workflow: 'ci.yml',
    job: 'test',
    labels: ['self-hosted', 'tinyland-nix'],
    status: 'completed',
    queuedAgoMs: 90 * MIN,
    queuedForMs: 35_000,
    durationMs: 12 * MIN,
  });
  sim.seed({
    repo: 'tinyland.dev',
    workflow: 'ci.yml',
    job: 'lint',
    labels: ['self-hosted', 'tinyland-docker'],
    status: 'completed',
    queuedAgoMs: 180 * MIN,
    queuedForMs: 12_000,
    durationMs: 4 * MIN,
  });
  sim.seed({
    repo: 'lab',
    workflow: 'dind.yml',
    job: 'image',
    labels: ['tinyland-dind'],
    status: 'completed',
    conclusion: 'failure',
    queuedAgoMs: 120 * MIN,
    queuedForMs: 95_000,
    durationMs: 7 * MIN,
  });
  sim.seed({
    repo: 'XoxdWM',
    workflow: 'ci.yml',
    job: 'build',
    labels: ['tinyland-nix-heavy'],
    status: 'in_progress',
    queuedAgoMs: 6 * MIN,
    queuedForMs: 15_000,
    durationMs: 40 * MIN,
  });
  sim.seed({
    repo: 'GloriousFlywheel',
    workflow: 'platform-proof.yml',
    job: 'proof',
    labels: ['tinyland-nix'],
    status: 'in_progress',
    queuedAgoMs: 2 * MIN,
    queuedForMs: 8_000,
    durationMs: 30 * MIN,
  });
}
