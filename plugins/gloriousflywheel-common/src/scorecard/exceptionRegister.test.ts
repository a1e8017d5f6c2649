import {
  findException,
  isExceptionExpired,
  parseExceptionRegister,
} from './exceptionRegister';

const PATH = '.github/gloriousflywheel-exceptions.yaml';

describe('parseExceptionRegister', () => {
  it('reads complete entries with their lines', () => {
    const register = parseExceptionRegister(
      PATH,
      [
        'exceptions:',
        '  - job: deploy',
        '    workflow: pages.yml',
        '    reason: Pages',
        '    owner: "@jess"',
        '    expires: 2026-06-30',
        '  - job: release',
        '    reason: notes',
        '    owner: "@ops"',
        '    expiry: 2026-01-01',
      ].join('\n'),
    );
    expect(register.problems).toEqual([]);
    expect(register.exceptions).toEqual([
      {
        job: 'deploy',
        workflow: 'pages.yml',
        reason: 'Pages',
        owner: '@jess',
        expires: '2026-06-30',
        line: 2,
      },
      {
        job: 'release',
        reason: 'notes',
        owner: '@ops',
        expires: '2026-01-01',
        line: 7,
      },
    ]);
  });

  it('accepts a bare list', () => {
    const register = parseExceptionRegister(
      PATH,
      '- {job: a, reason: r, owner: o, expires: 2026-01-01}\n',
    );
    expect(register.exceptions.map(e => e.job)).toEqual(['a']);
  });

  it.each([
    ['- {job: a, reason: r, owner: o}', /lacks expires/],
    ['- {job: a, expires: 2026-01-01}', /lacks reason, owner/],
    ['- {job: a, reason: r, owner: o, expires: soon}', /not a YYYY-MM-DD date/],
    [
      '- {job: a, reason: r, owner: o, expires: 2026-13-01}',
      /not a YYYY-MM-DD date/,
    ],
    ['- just a string', /must be a mapping/],
    ['exceptions: {job: a}', /must be a list/],
    ['exceptions: [unclosed', /not valid YAML/],
  ])('reports %j as a problem that exempts nothing', (text, message) => {
    const register = parseExceptionRegister(PATH, text);
    expect(register.exceptions).toEqual([]);
    expect(register.problems).toHaveLength(1);
    expect(register.problems[0].message).toMatch(message);
  });

  it('is empty and absent when the file does not exist', () => {
    expect(parseExceptionRegister(PATH, undefined)).toEqual({
      path: PATH,
      present: false,
      exceptions: [],
      problems: [],
    });
  });
});

describe('isExceptionExpired', () => {
  const exception = {
    job: 'a',
    reason: 'r',
    owner: 'o',
    expires: '2026-06-30',
    line: 1,
  };
  it.each([
    ['2026-06-29T00:00:00Z', false],
    ['2026-06-30T23:59:59Z', false],
    ['2026-07-01T00:00:00Z', true],
    ['2027-01-01T00:00:00Z', true],
  ])('at %s -> %s', (now, expired) => {
    expect(isExceptionExpired(exception, new Date(now))).toBe(expired);
  });
});

describe('findException', () => {
  const register = parseExceptionRegister(
    PATH,
    [
      '- {job: deploy, workflow: pages.yml, reason: r, owner: o, expires: 2099-01-01}',
      '- {job: lint, reason: r, owner: o, expires: 2099-01-01}',
    ].join('\n'),
  );
  it.each([
    ['.github/workflows/pages.yml', 'deploy', 'deploy'],
    ['.github/workflows/other.yml', 'deploy', undefined],
    ['.github/workflows/any.yml', 'lint', 'lint'],
    ['.github/workflows/pages.yml', 'build', undefined],
  ])('%s job %s -> %s', (path, job, expected) => {
    expect(findException(register, path, job)?.job).toBe(expected);
  });
});
