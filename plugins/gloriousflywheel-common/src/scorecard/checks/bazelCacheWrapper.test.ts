import { evaluateCheck, workflow } from '../__testing__/evaluateCheck';
import {
  bazelCacheWrapperCheck,
  cacheAttachmentPreflightCheck,
} from './bazelCacheWrapper';

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

// the seeds: direct Bazel in active docs and examples, routed through the wrapper
describe('bazel-cache-wrapper in active docs and examples', () => {
  const fence = (lang: string, body: string) =>
    `\`\`\`${lang}\n${body}\n\`\`\`\n`;
  it.each([
    [
      'docs/guides/adoption-quickstart.md',
      fence('sh', 'bazel build --remote_cache="$BAZEL_REMOTE_CACHE" //...'),
      2,
    ],
    ['docs/guides/a.md', fence('console', '$ bazel test //...'), 2],
    [
      'docs/guides/a.md',
      `# Build\n\n${fence(
        'bash',
        'export X=1\nnix develop .#ci --command bazel build //...',
      )}`,
      5,
    ],
    [
      'docs/guides/a.md',
      fence('yaml', 'steps:\n  - run: bazel build //...'),
      3,
    ],
    ['README.md', `Intro\n\n${fence('', 'bazelisk build //:all')}`, 4],
    [
      'examples/github/cache-backed-workflow.yml',
      'jobs:\n  b:\n    steps:\n      - run: bazel build //...\n',
      4,
    ],
    [
      'examples/gitlab/.gitlab-ci.yml',
      'build:\n  script:\n    - nix develop .#ci --command bazel test //...\n',
      3,
    ],
    [
      'examples/flake/flake.nix',
      "{\n  buildPhase = ''\n    bazel build //...\n  '';\n}\n",
      3,
    ],
  ])('fails %s (line %#)', (path, text, line) => {
    const result = evaluateCheck(bazelCacheWrapperCheck, {
      ...WRAPPER,
      [path]: text,
    });
    expect(result.verdict).toBe('fail');
    expect(result.evidence).toEqual([
      expect.objectContaining({
        path,
        line,
        verdict: 'fail',
        note: expect.stringMatching(
          /directly instead of scripts\/bazel-cache-backed.sh/,
        ),
      }),
    ]);
  });

  it.each([
    [
      'prose, not a code block',
      'docs/a.md',
      'Run bazel build //... after attaching the cache.\n',
    ],
    [
      'the wrapper in a code block',
      'docs/a.md',
      fence('sh', './scripts/bazel-cache-backed.sh build //...'),
    ],
    ['bazel query', 'docs/a.md', fence('sh', 'bazel query //...')],
    [
      'a compatibility section',
      'docs/a.md',
      `## Compatibility: raw Bazel\n\n${fence('sh', 'bazel build //...')}`,
    ],
    [
      'a debugging subsection',
      'docs/a.md',
      `## Debugging\n\n### Without the cache\n\n${fence(
        'sh',
        'bazel build //...',
      )}`,
    ],
    [
      'a research note',
      'docs/research/2026-04-26-rbe.md',
      fence('sh', 'bazel build //...'),
    ],
    ['an ADR', 'docs/adr/0001.md', fence('sh', 'bazel build //...')],
    [
      'an echo of the command',
      'docs/a.md',
      fence('sh', 'echo "bazel build //..."'),
    ],
  ])('passes %s', (_name, path, text) => {
    expect(
      evaluateCheck(bazelCacheWrapperCheck, { ...WRAPPER, [path]: text })
        .verdict,
    ).toBe('pass');
  });

  it('does not apply to docs without the wrapper contract', () => {
    const files = { 'docs/a.md': fence('sh', 'bazel build //...') };
    expect(evaluateCheck(bazelCacheWrapperCheck, files).verdict).toBe('pass');
  });
});

describe('cache-attachment-preflight check', () => {
  const PRE = '- run: ./scripts/cache-attachment-contract.sh --strict';
  const WRAP =
    '- run: nix develop .#ci --command ./scripts/bazel-cache-backed.sh build //...';
  it.each([
    ['preflight, then the wrapper', [PRE, WRAP], 'pass'],
    ['preflight, then direct bazel', [PRE, '- run: bazel build //...'], 'pass'],
    [
      'preflight and bazel in one script',
      [
        '- run: |\n          scripts/cache-attachment-contract.sh --strict\n          bazel build //...',
      ],
      'pass',
    ],
    [
      'bash preflight',
      ['- run: bash scripts/cache-attachment-contract.sh --strict', WRAP],
      'pass',
    ],
    ['no preflight', [WRAP], 'fail'],
    [
      'preflight without --strict',
      ['- run: ./scripts/cache-attachment-contract.sh', WRAP],
      'fail',
    ],
    ['preflight after Bazel', [WRAP, PRE], 'fail'],
    [
      'bazel before the preflight in one script',
      [
        '- run: |\n          bazel build //...\n          scripts/cache-attachment-contract.sh --strict',
      ],
      'fail',
    ],
    ['no Bazel at all', ['- run: make'], 'pass'],
  ])('%s -> %s', (_name, steps, verdict) => {
    const result = evaluateCheck(cacheAttachmentPreflightCheck, {
      ...WRAPPER,
      [W]: workflow('tinyland-nix', steps),
    });
    expect(result.verdict).toBe(verdict);
  });

  it('accepts a wrapper that runs the strict preflight itself', () => {
    const files = {
      'scripts/bazel-cache-backed.sh':
        '#!/bin/sh\n"$(dirname "$0")/cache-attachment-contract.sh" --strict\nexec bazel "$@"\n',
      [W]: workflow('tinyland-nix', [WRAP]),
    };
    expect(evaluateCheck(cacheAttachmentPreflightCheck, files).verdict).toBe(
      'pass',
    );
    // ...but not direct Bazel, which skips the wrapper
    files[W] = workflow('tinyland-nix', ['- run: bazel build //...']);
    expect(evaluateCheck(cacheAttachmentPreflightCheck, files).verdict).toBe(
      'fail',
    );
  });

  it('points at the first Bazel run of the job', () => {
    const result = evaluateCheck(cacheAttachmentPreflightCheck, {
      ...WRAPPER,
      [W]: workflow('tinyland-nix', ['- run: make', WRAP, WRAP]),
    });
    expect(result.evidence).toEqual([
      expect.objectContaining({
        path: W,
        line: 7,
        verdict: 'fail',
        note: 'Job build runs Bazel before `scripts/cache-attachment-contract.sh --strict`',
      }),
    ]);
  });

  it('is configurable, and off with an empty command or without the wrapper contract', () => {
    const files = {
      ...WRAPPER,
      [W]: workflow('tinyland-nix', ['- run: tools/attach --check', WRAP]),
    };
    expect(evaluateCheck(cacheAttachmentPreflightCheck, files).verdict).toBe(
      'fail',
    );
    expect(
      evaluateCheck(cacheAttachmentPreflightCheck, files, {
        config: { cacheAttachmentPreflight: 'tools/attach --check' },
      }).verdict,
    ).toBe('pass');
    expect(
      evaluateCheck(cacheAttachmentPreflightCheck, files, {
        config: { cacheAttachmentPreflight: '' },
      }).verdict,
    ).toBe('pass');
    expect(
      evaluateCheck(cacheAttachmentPreflightCheck, {
        [W]: workflow('tinyland-nix', ['- run: bazel build //...']),
      }).summary,
    ).toMatch(/No cache-backed wrapper contract/);
  });
});
