import { matrixCandidates, readRunsOn } from './runsOn';

describe('readRunsOn', () => {
  it.each([
    [
      'ubuntu-latest',
      { labels: ['ubuntu-latest'], group: null, dynamic: false },
    ],
    [
      ['self-hosted', 'tinyland-nix'],
      { labels: ['self-hosted', 'tinyland-nix'], group: null, dynamic: false },
    ],
    [
      { group: 'g', labels: ['a', 'b'] },
      { labels: ['a', 'b'], group: 'g', dynamic: false },
    ],
    [
      { group: 'g', labels: 'a' },
      { labels: ['a'], group: 'g', dynamic: false },
    ],
    [{ group: 'g' }, { labels: [], group: 'g', dynamic: false }],
    [{ labels: ['a'] }, { labels: ['a'], group: null, dynamic: false }],
    ['${{ inputs.runner }}', { labels: [], group: null, dynamic: true }],
    ['${{ x }}-suffix', { labels: [], group: null, dynamic: true }],
    ['prefix=${{ github.run_id }}', { labels: [], group: null, dynamic: true }],
    ['\n  ${{ fromJSON(x) }}\n', { labels: [], group: null, dynamic: true }],
    [
      ['self-hosted', '${{ matrix.os }}', 'x'],
      { labels: ['self-hosted', 'x'], group: null, dynamic: true },
    ],
    [
      { group: '${{ vars.G }}', labels: ['a'] },
      { labels: ['a'], group: null, dynamic: true },
    ],
    [
      { group: 'g', labels: '${{ vars.L }}' },
      { labels: [], group: 'g', dynamic: true },
    ],
    [null, { labels: [], group: null, dynamic: false }],
    [
      ['a', null, { nested: true }, ['b'], 42],
      { labels: ['a', '42'], group: null, dynamic: false },
    ],
    ['  spaced  ', { labels: ['spaced'], group: null, dynamic: false }],
  ])('%j', (value, expected) => {
    const { labels, group, dynamic } = readRunsOn(value);
    expect({ labels, group, dynamic }).toEqual(expected);
  });
});

describe('matrixCandidates', () => {
  it.each([
    [
      ['${{ matrix.os }}'],
      { os: ['ubuntu-latest', 'tinyland-nix'] },
      ['ubuntu-latest', 'tinyland-nix'],
    ],
    [
      ['${{matrix.runner}}'],
      {
        include: [
          { runner: 'a' },
          { runner: ['self-hosted', 'b'] },
          { other: 1 },
        ],
      },
      ['a', 'self-hosted', 'b'],
    ],
    [['${{ matrix.os }}-large'], { os: ['ubuntu-latest'] }, []],
    [['${{ matrix.os }}'], '${{ fromJSON(x) }}', []],
    [
      ['${{ matrix.os }}'],
      { os: ['${{ inputs.os }}', 'macos-14'] },
      ['macos-14'],
    ],
    [['${{ inputs.runner }}'], { os: ['ubuntu-latest'] }, []],
    [['${{ matrix.missing }}'], { os: ['ubuntu-latest'] }, []],
  ])('%j over %j -> %j', (expressions, matrix, expected) => {
    expect(matrixCandidates(expressions, matrix)).toEqual(expected);
  });
});
