import {
  findBazelInvocations,
  findInvocations,
  isNixInvocation,
  runsNixInstaller,
  splitShellCommands,
} from './shellScript';

describe('findBazelInvocations', () => {
  it.each([
    ['bazel build //...', ['build']],
    ['bazelisk test //pkg/...', ['test']],
    ['bazel --output_base=/tmp/x --batch test //...', ['test']],
    ['nix develop .#ci --command bazel build //...', ['build']],
    ['nix develop -c bazelisk run //:gazelle', ['run']],
    ['nix shell nixpkgs#bazel_7 --command bazel query //...', ['query']],
    ['nix run nixpkgs#bazelisk -- test //...', ['test']],
    ['nix-shell --run "bazel test //..."', ['test']],
    ["bash -lc 'bazel build //app'", ['build']],
    ['sudo -E bazel build //...', ['build']],
    ['sudo -u ci env FOO=1 bazelisk coverage //...', ['coverage']],
    ['USE_BAZEL_VERSION=7.4.1 CC=clang bazel build //...', ['build']],
    ['make deps && bazel test //... || true', ['test']],
    ['cd api; bazel build //api', ['build']],
    ['echo start | tee log && bazel test //x 2>&1 | tee out.log', ['test']],
    ['bazel \\\n  --bazelrc=ci.bazelrc \\\n  build //...', ['build']],
    ['if bazel test //...; then echo ok; fi', ['test']],
    ['timeout 30m bazel test //...', ['test']],
    ['/usr/local/bin/bazel build //...', ['build']],
    ['direnv exec . bazel build //...', ['build']],
    ['out=$(bazel info output_base)', ['info']],
    ['set -e\nbazel build //a\nbazel test //b', ['build', 'test']],
    // Not Bazel itself: wrappers, mentions, comments, data.
    ['./scripts/bazel-cache-backed.sh build //...', []],
    ['tools/bazel build //...', []],
    ['./bazel build //...', []],
    ['nix develop --command ./scripts/bazel-cache-backed.sh test //...', []],
    ['bazel --version', []],
    ['bazel', []],
    ['echo "bazel build //..."', []],
    ["printf '%s' 'bazel test'", []],
    ['# bazel build //...', []],
    ['just bazel-build-cached', []],
    ['cat <<EOF > notes\nbazel build //...\nEOF\necho done', []],
    ['cat <<-"END"\n\tbazel test //...\n\tEND', []],
    ['grep -r "bazel build" docs/', []],
    ['${{ matrix.tool }} build //...', []],
    ['bazel > out.txt', []],
  ])('%j -> %j', (script, subcommands) => {
    expect(findBazelInvocations(script).map(b => b.subcommand)).toEqual(
      subcommands,
    );
  });

  it('reports the script line where each invocation starts (0-based)', () => {
    const script =
      'set -e\n# comment\ncd x && \\\n  bazel build //...\nbazel test //y\n';
    expect(findBazelInvocations(script)).toEqual([
      { subcommand: 'build', line: 3 },
      { subcommand: 'test', line: 4 },
    ]);
  });
});

describe('Nix commands', () => {
  const usesNix = (script: string) =>
    findInvocations(script).some(isNixInvocation);

  it.each([
    ['nix build .#default', true],
    ['nix --accept-flake-config flake check', true],
    ['nix develop --command make', true],
    ['nix-shell -p hello --run hello', true],
    ['nix-build default.nix', true],
    ['nix-instantiate --eval -E 1', true],
    ['sudo nix-env -iA nixpkgs.hello', true],
    ['attic push main result', true],
    ['nix --version', false],
    ['echo nix build', false],
    ['./nix-build.sh', false],
    ['npm run nix', false],
  ])('%j -> %s', (script, expected) => {
    expect(usesNix(script)).toBe(expected);
  });

  it.each([
    [
      'curl -fsSL https://install.determinate.systems/nix | sh -s -- install',
      true,
    ],
    ['sh <(curl -L https://nixos.org/nix/install) --daemon', true],
    ['nix build', false],
  ])('installer %j -> %s', (script, expected) => {
    expect(runsNixInstaller(script)).toBe(expected);
  });
});

describe('splitShellCommands', () => {
  it('keeps quoted words whole and drops redirections', () => {
    expect(
      splitShellCommands(`echo "a b" 'c d' > out 2>&1; ls`).map(c => c.words),
    ).toEqual([['echo', 'a b', 'c d'], ['ls']]);
  });

  it('survives unterminated quotes and substitutions', () => {
    expect(() =>
      splitShellCommands('echo "unterminated $(bazel build'),
    ).not.toThrow();
    expect(() => splitShellCommands("echo 'unterminated")).not.toThrow();
    expect(() => splitShellCommands('cat <<EOF\nno end')).not.toThrow();
  });
});
