import { evaluateCheck, workflow } from '../__testing__/evaluateCheck';
import { bazelCacheWrapperCheck } from './bazelCacheWrapper';

const W = '.github/workflows/bazel.yml';
const WRAPPER = {
  'scripts/bazel-cache-backed.sh': '#!/bin/sh\nexec bazel "$@"\n',
};

describe('bazel-cache-wrapper check', () => {
  it('does not apply (passes, saying so) when the repo has no wrapper contract', () => {
    const result = evaluateCheck(bazelCacheWrapperCheck, {
      [W]: workflow('tinyland-nix', ['- run: bazel build //...']),
    });
    expect(result.verdict).toBe('pass');
    expect(result.summary).toMatch(/No cache-backed wrapper contract/);
  });

  it('fails direct bazel build/test when the wrapper script exists', () => {
    const result = evaluateCheck(bazelCacheWrapperCheck, {
      ...WRAPPER,
      [W]: workflow('tinyland-nix', [
        '- run: nix develop .#ci --command bazel build //...',
        '- run: bazelisk test //x',
      ]),
    });
    expect(result.verdict).toBe('fail');
    expect(result.evidence.map(e => [e.line, e.excerpt])).toEqual([
      [6, '- run: nix develop .#ci --command bazel build //...'],
      [7, '- run: bazelisk test //x'],
    ]);
  });

  it('treats GF_BAZEL_SUBSTRATE_MODE=shared-cache-backed as the contract too', () => {
    const text = [
      'on: push',
      'env:',
      '  GF_BAZEL_SUBSTRATE_MODE: shared-cache-backed',
      'jobs:',
      '  b:',
      '    runs-on: tinyland-nix',
      '    steps:',
      '      - run: bazel test //...',
    ].join('\n');
    const result = evaluateCheck(bazelCacheWrapperCheck, { [W]: text });
    expect(result.verdict).toBe('fail');
    expect(result.evidence[0].line).toBe(8);
  });

  it('passes when Bazel goes through the wrapper, and allows other subcommands', () => {
    const result = evaluateCheck(bazelCacheWrapperCheck, {
      ...WRAPPER,
      [W]: workflow('tinyland-nix', [
        '- run: nix develop .#ci --command ./scripts/bazel-cache-backed.sh build //...',
        '- run: bazel query //...',
      ]),
    });
    expect(result.verdict).toBe('pass');
  });

  it('is unknown when a workflow cannot be parsed', () => {
    const result = evaluateCheck(bazelCacheWrapperCheck, {
      ...WRAPPER,
      [W]: 'jobs: [\n',
    });
    expect(result.verdict).toBe('unknown');
  });

  it('honours a configured wrapper path and subcommand list', () => {
    const files = {
      'tools/bazel-cached': '#!/bin/sh\n',
      [W]: workflow('tinyland-nix', ['- run: bazel coverage //...']),
    };
    expect(evaluateCheck(bazelCacheWrapperCheck, files).verdict).toBe('pass');
    const config = {
      bazelWrapper: 'tools/bazel-cached',
      bazelWrappedSubcommands: ['build', 'test', 'coverage'],
    };
    expect(
      evaluateCheck(bazelCacheWrapperCheck, files, { config }).verdict,
    ).toBe('fail');
  });
});
