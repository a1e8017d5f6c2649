import { evaluateCheck, workflow } from '../__testing__/evaluateCheck';
import { workflowScriptsCheck } from './workflowScripts';

const W = '.github/workflows/proof.yml';

describe('workflow-scripts-present check', () => {
  it.each([
    ['./scripts/bazel-cache-backed.sh build //...', {}, 'fail'],
    [
      './scripts/bazel-cache-backed.sh build //...',
      { 'scripts/bazel-cache-backed.sh': '' },
      'pass',
    ],
    [
      'nix develop .#ci --command ./scripts/bazel-cache-backed.sh test //...',
      {},
      'fail',
    ],
    ['bash scripts/cache-attachment-contract.sh --strict', {}, 'fail'],
    ['"$GITHUB_WORKSPACE/scripts/proof.sh"', {}, 'fail'],
    [
      '"$GITHUB_WORKSPACE/scripts/proof.sh"',
      { 'scripts/proof.sh': 'x' },
      'pass',
    ],
    ['scripts/ci/deep.sh', { 'scripts/ci/deep.sh': 'x' }, 'pass'],
    // outside the script paths the snapshot does not hold every file: not judged
    ['./tools/build.sh', {}, 'pass'],
    ['echo scripts/missing.sh', {}, 'pass'],
    ['make proof # scripts/missing.sh', {}, 'pass'],
  ])('%s with %j -> %s', (run, extra, verdict) => {
    const result = evaluateCheck(workflowScriptsCheck, {
      [W]: workflow('tinyland-nix', [`- run: ${run}`]),
      ...extra,
    });
    expect(result.verdict).toBe(verdict);
  });

  it('points at the calling line', () => {
    const result = evaluateCheck(workflowScriptsCheck, {
      [W]: workflow('tinyland-nix', [
        '- run: |\n          make\n          ./scripts/platform-proof.sh',
      ]),
    });
    expect(result.evidence).toEqual([
      expect.objectContaining({
        path: W,
        line: 8,
        excerpt: './scripts/platform-proof.sh',
        verdict: 'fail',
        note: 'Job build calls scripts/platform-proof.sh, which is not in the repository',
      }),
    ]);
  });

  it('is undecided for a step with its own working-directory', () => {
    const result = evaluateCheck(workflowScriptsCheck, {
      [W]: workflow('tinyland-nix', [
        '- run: ./scripts/x.sh\n        working-directory: sub',
      ]),
    });
    expect(result.verdict).toBe('unknown');
  });

  it('checks a configured wrapper path outside scripts/', () => {
    const files = {
      [W]: workflow('tinyland-nix', ['- run: tools/bazel-cached build //...']),
    };
    expect(
      evaluateCheck(workflowScriptsCheck, files, {
        config: { bazelWrapper: 'tools/bazel-cached' },
      }).verdict,
    ).toBe('fail');
  });

  it('follows local actions: a script their steps call must exist too, evidence in the action file', () => {
    const files = {
      [W]: workflow('tinyland-nix', ['- uses: ./.github/actions/proof']),
      '.github/actions/proof/action.yml':
        'runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: ./scripts/bazel-cache-backed.sh build //...\n',
    };
    const result = evaluateCheck(workflowScriptsCheck, files);
    expect(result.evidence).toEqual([
      expect.objectContaining({
        path: '.github/actions/proof/action.yml',
        line: 5,
        verdict: 'fail',
        note: 'Job build calls scripts/bazel-cache-backed.sh, which is not in the repository',
      }),
    ]);
    expect(
      evaluateCheck(workflowScriptsCheck, {
        ...files,
        'scripts/bazel-cache-backed.sh': '',
      }).verdict,
    ).toBe('pass');
  });
});
