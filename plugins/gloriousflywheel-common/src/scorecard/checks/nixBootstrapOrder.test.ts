import { evaluateCheck, workflow } from '../__testing__/evaluateCheck';
import { nixBootstrapOrderCheck } from './nixBootstrapOrder';

const W = '.github/workflows/nix.yml';
const INSTALL = '- uses: DeterminateSystems/nix-installer-action@main';
const MAGIC = '- uses: DeterminateSystems/magic-nix-cache-action@main';

describe('nix-bootstrap-order check', () => {
  it.each([
    ['installer then cache', [INSTALL, MAGIC, '- run: nix build'], 'pass'],
    ['no Nix use at all', ['- run: make'], 'pass'],
    // issue 15: a nix-class job that runs nix build with no bootstrap at all
    ['nix build with no bootstrap at all', ['- run: nix build'], 'fail'],
    [
      'nix develop before the installer',
      ['- run: nix develop -c make', INSTALL],
      'fail',
    ],
    [
      'attic login with no bootstrap',
      ['- run: attic login main $ATTIC_SERVER $ATTIC_TOKEN'],
      'fail',
    ],
    // issue 15: an if:-guarded installer does not count
    [
      'installer guarded by if:, then nix build',
      [
        `${INSTALL}
        if: runner.environment == 'github-hosted'`,
        '- run: nix build',
      ],
      'fail',
    ],
    [
      'installer guarded by if: before its uses (key order)',
      [
        `- if: \${{ vars.USE_SELFHOSTED != 'true' }}
        uses: cachix/install-nix-action@v30`,
        '- run: nix build',
      ],
      'fail',
    ],
    [
      'flow-style installer step with if:',
      [
        "- {uses: cachix/install-nix-action@v30, if: github.event_name == 'push'}",
        '- run: nix build',
      ],
      'fail',
    ],
    [
      'installer with if: always() counts',
      [
        `${INSTALL}
        if: always()`,
        '- run: nix build',
      ],
      'pass',
    ],
    [
      'an if: under with: is the action input, not the step condition',
      [
        `${INSTALL}
        with:
          if: x`,
        '- run: nix build',
      ],
      'pass',
    ],
    [
      'guarded installer, then an unguarded one',
      [
        `${INSTALL}
        if: false`,
        '- uses: cachix/install-nix-action@v30',
        '- run: nix build',
      ],
      'pass',
    ],
    [
      "the platform's nix-job action bootstraps",
      [
        '- uses: tinyland-inc/GloriousFlywheel/.github/actions/nix-job@main',
        '- run: nix build',
      ],
      'pass',
    ],
    [
      "the platform's setup-flywheel only points at caches",
      [
        '- uses: tinyland-inc/GloriousFlywheel/.github/actions/setup-flywheel@main',
        '- run: nix build',
      ],
      'fail',
    ],
    [
      'curl installer then attic push',
      [
        '- run: curl -L https://install.determinate.systems/nix | sh -s -- install',
        '- run: attic push main result',
      ],
      'pass',
    ],
    ['cache before installer', [MAGIC, INSTALL], 'fail'],
    [
      'FlakeHub cache with no installer',
      ['- uses: DeterminateSystems/flakehub-cache-action@main'],
      'fail',
    ],
    [
      'attic push with no installer',
      ['- run: nix build', '- run: attic push main result'],
      'fail',
    ],
    [
      'cachix before installer',
      [
        '- uses: cachix/cachix-action@v15',
        '- uses: cachix/install-nix-action@v27',
      ],
      'fail',
    ],
  ])('%s -> %s', (_name, steps, verdict) => {
    const result = evaluateCheck(nixBootstrapOrderCheck, {
      [W]: workflow('tinyland-nix', steps),
    });
    expect(result.verdict).toBe(verdict);
  });

  it('gives the line of the offending step', () => {
    const result = evaluateCheck(nixBootstrapOrderCheck, {
      [W]: workflow('tinyland-nix-heavy', [
        '- uses: actions/checkout@v4',
        MAGIC,
        INSTALL,
      ]),
    });
    expect(result.evidence).toEqual([
      expect.objectContaining({
        path: W,
        line: 7,
        excerpt: 'DeterminateSystems/magic-nix-cache-action@main',
        verdict: 'fail',
      }),
    ]);
  });

  it('only applies to jobs on nix runner classes', () => {
    expect(
      evaluateCheck(nixBootstrapOrderCheck, {
        [W]: workflow('tinyland-docker', [MAGIC]),
      }).verdict,
    ).toBe('pass');
    expect(
      evaluateCheck(nixBootstrapOrderCheck, {
        [W]: workflow('ubuntu-latest', [MAGIC]),
      }).verdict,
    ).toBe('pass');
  });

  it('counts a local action that installs Nix as the bootstrap', () => {
    const files = {
      '.github/actions/nix/action.yml': `runs:\n  using: composite\n  steps:\n    ${INSTALL}\n`,
      [W]: workflow('tinyland-nix', ['- uses: ./.github/actions/nix', MAGIC]),
    };
    expect(evaluateCheck(nixBootstrapOrderCheck, files).verdict).toBe('pass');
  });

  it('is unknown when a workflow cannot be parsed', () => {
    expect(
      evaluateCheck(nixBootstrapOrderCheck, { [W]: 'on: [\n' }).verdict,
    ).toBe('unknown');
  });

  it('names the guarded installer in the evidence', () => {
    const result = evaluateCheck(nixBootstrapOrderCheck, {
      [W]: workflow('tinyland-nix', [
        `${INSTALL}\n        if: runner.os == 'Linux'`,
        '- run: nix build',
      ]),
    });
    expect(result.evidence).toEqual([
      expect.objectContaining({
        line: 8,
        excerpt: 'nix build',
        note: "Job build (tinyland-nix) uses Nix before bootstrapping Nix (the installer at line 6 runs only if runner.os == 'Linux')",
      }),
    ]);
  });

  // issue 15: an org's own setup action fails falsely unless installers are configurable
  it.each([
    [['myorg/setup-nix'], '- uses: myorg/setup-nix@v2', 'pass'],
    [['myorg/actions/nix'], '- uses: myorg/actions/nix@v1', 'pass'],
    [['myorg/actions/nix'], '- uses: myorg/actions/docker@v1', 'fail'],
    [['MyOrg/Setup-Nix'], '- uses: myorg/setup-nix/sub@main', 'pass'],
    [[], '- uses: myorg/setup-nix@v2', 'fail'],
  ])(
    'installers %j: %s then nix build -> %s',
    (nixInstallerActions, step, verdict) => {
      const result = evaluateCheck(
        nixBootstrapOrderCheck,
        { [W]: workflow('tinyland-nix', [step, '- run: nix build']) },
        { config: { nixInstallerActions } },
      );
      expect(result.verdict).toBe(verdict);
    },
  );

  it('rejects an installer entry that is not owner/repo[/path]', () => {
    expect(() =>
      evaluateCheck(
        nixBootstrapOrderCheck,
        {},
        { config: { nixInstallerActions: ['setup-nix'] } },
      ),
    ).toThrow(
      /nixInstallerActions\.0: must be owner\/repo or owner\/repo\/path/,
    );
  });
});
