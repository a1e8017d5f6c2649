import { evaluateCheck, workflow } from '../__testing__/evaluateCheck';
import { remoteExecutionClaimCheck } from './remoteExecutionClaim';

const CLAIM = '# Platform\n\nBuilds use Bazel remote execution on the pool.\n';

describe('remote-execution-claim check', () => {
  it('passes without any claim', () => {
    expect(
      evaluateCheck(remoteExecutionClaimCheck, {
        'README.md': '# Platform\nShared remote cache.\n',
      }).verdict,
    ).toBe('pass');
  });

  it('does not count statements that remote execution is absent or planned', () => {
    const readme =
      'Remote execution is not implemented.\nWe do not pass --remote_executor.\nRemote execution is future work.\n';
    expect(
      evaluateCheck(remoteExecutionClaimCheck, { 'README.md': readme }).verdict,
    ).toBe('pass');
  });

  it.each([
    ['README.md', CLAIM, 3],
    ['docs/guides/rbe.md', 'Run with `--remote_executor=grpcs://rbe`.\n', 1],
    ['services/api/README.md', 'Uses remote-execution.\n', 1],
  ])('fails a claim in %s with no workflow using it', (path, text, line) => {
    const result = evaluateCheck(remoteExecutionClaimCheck, {
      [path]: text,
      '.github/workflows/ci.yml': workflow('tinyland-nix'),
    });
    expect(result.verdict).toBe('fail');
    expect(result.evidence).toEqual([
      expect.objectContaining({ path, line, verdict: 'fail' }),
    ]);
  });

  it('passes a claim backed by a workflow using --remote_executor', () => {
    const files = {
      'README.md': CLAIM,
      '.github/workflows/rbe.yml': workflow('tinyland-nix', [
        '- run: ./scripts/bazel-cache-backed.sh build --remote_executor=grpcs://rbe //...',
      ]),
    };
    expect(evaluateCheck(remoteExecutionClaimCheck, files).verdict).toBe(
      'pass',
    );
  });

  it('passes a claim backed through a .bazelrc config used by a workflow', () => {
    const files = {
      'README.md': CLAIM,
      '.bazelrc': 'build:rbe --remote_executor=grpcs://rbe.example\n',
      '.github/workflows/rbe.yml': workflow('tinyland-nix', [
        '- run: ./scripts/bazel-cache-backed.sh build --config=rbe //...',
      ]),
    };
    expect(evaluateCheck(remoteExecutionClaimCheck, files).verdict).toBe(
      'pass',
    );
  });

  it('does not count a commented-out workflow line as use', () => {
    const files = {
      'README.md': CLAIM,
      '.github/workflows/rbe.yml': `${workflow(
        'tinyland-nix',
      )}# bazel build --remote_executor=grpcs://rbe\n`,
    };
    expect(evaluateCheck(remoteExecutionClaimCheck, files).verdict).toBe(
      'fail',
    );
  });
});
