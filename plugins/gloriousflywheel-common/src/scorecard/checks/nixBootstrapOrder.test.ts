import { evaluateCheck, workflow } from '../__testing__/evaluateCheck';
import { nixBootstrapOrderCheck } from './nixBootstrapOrder';

const W = '.github/workflows/nix.yml';
const INSTALL = '- uses: DeterminateSystems/nix-installer-action@main';
const MAGIC = '- uses: DeterminateSystems/magic-nix-cache-action@main';

describe('nix-bootstrap-order check', () => {
  it.each([
    ['installer then cache', [INSTALL, MAGIC, '- run: nix build'], 'pass'],
    ['no cache step at all', ['- run: nix build'], 'pass'],
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
});
