import { evaluateCheck, workflow } from '../__testing__/evaluateCheck';
import { proofWorkflowsGreenCheck } from './proofWorkflowsGreen';

const PROOF = '.github/workflows/platform-proof.yml';
const proofFiles = {
  [PROOF]: `name: Platform Proof\n${workflow('tinyland-nix')}`,
  '.github/workflows/ci.yml': workflow('tinyland-nix'),
};
const run = (conclusion: string | null) => ({
  workflowPath: PROOF,
  conclusion,
  url: 'https://github.com/tinyland-inc/GloriousFlywheel/actions/runs/24922182403',
});

describe('proof-workflows-green check', () => {
  it('is unknown offline, naming the proof workflow', () => {
    const result = evaluateCheck(proofWorkflowsGreenCheck, proofFiles);
    expect(result.verdict).toBe('unknown');
    expect(result.evidence).toEqual([
      expect.objectContaining({ path: PROOF, verdict: 'unknown' }),
    ]);
  });

  it('passes on a successful latest run, with its URL as evidence', () => {
    const result = evaluateCheck(proofWorkflowsGreenCheck, proofFiles, {
      latestRuns: [run('success')],
    });
    expect(result.verdict).toBe('pass');
    expect(result.evidence[0].url).toContain('/actions/runs/24922182403');
  });

  it.each(['failure', 'cancelled', 'timed_out', 'startup_failure'])(
    'fails on %s',
    conclusion => {
      expect(
        evaluateCheck(proofWorkflowsGreenCheck, proofFiles, {
          latestRuns: [run(conclusion)],
        }).verdict,
      ).toBe('fail');
    },
  );

  it('is unknown while the run is in progress or when there is no run', () => {
    expect(
      evaluateCheck(proofWorkflowsGreenCheck, proofFiles, {
        latestRuns: [run(null)],
      }).verdict,
    ).toBe('unknown');
    expect(
      evaluateCheck(proofWorkflowsGreenCheck, proofFiles, { latestRuns: [] })
        .verdict,
    ).toBe('unknown');
  });

  it('matches runs by workflow name too', () => {
    const latestRuns = [
      { workflowPath: 'other', name: 'Platform Proof', conclusion: 'success' },
    ];
    expect(
      evaluateCheck(proofWorkflowsGreenCheck, proofFiles, { latestRuns })
        .verdict,
    ).toBe('pass');
  });

  it('uses configured proof workflows and fails when one is missing', () => {
    const config = { proofWorkflows: ['ci.yml', 'Source Bazel Proof'] };
    const latestRuns = [
      { workflowPath: '.github/workflows/ci.yml', conclusion: 'success' },
    ];
    const result = evaluateCheck(proofWorkflowsGreenCheck, proofFiles, {
      config,
      latestRuns,
    });
    expect(result.verdict).toBe('fail');
    expect(result.evidence.map(e => [e.path, e.verdict])).toEqual([
      ['Source Bazel Proof', 'fail'],
      ['.github/workflows/ci.yml', 'pass'],
    ]);
  });

  it('is unknown when the repo has no proof workflow', () => {
    const result = evaluateCheck(proofWorkflowsGreenCheck, {
      '.github/workflows/ci.yml': workflow('tinyland-nix'),
    });
    expect(result.verdict).toBe('unknown');
  });
});
