import fc from 'fast-check';
import { findBazelInvocations, findInvocations } from './shellScript';

/** The prefix peeling as it was written with `rest` copies: the reference for the index version. */
function firstInvocationReference(words: string[]) {
  const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
  const KEYWORDS = ['if', 'then', 'do', '!', '{', 'time', 'exec', 'command'];
  const SUDO_ARG = ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T'];
  const WRAPPERS = ['sudo', 'env', 'nice', 'stdbuf', 'xvfb-run'];
  let w = words;
  for (;;) {
    if (w.length === 0) return undefined;
    const [head, ...rest] = w;
    if (KEYWORDS.includes(head) || ASSIGNMENT.test(head)) {
      w = rest;
      continue;
    }
    if (WRAPPERS.includes(head)) {
      let j = 0;
      while (
        j < rest.length &&
        (rest[j].startsWith('-') ||
          (head === 'env' && ASSIGNMENT.test(rest[j])))
      ) {
        if (
          (head === 'sudo' && SUDO_ARG.includes(rest[j])) ||
          (head !== 'sudo' && /^-[nuS]$/.test(rest[j]))
        )
          j++;
        j++;
      }
      w = rest.slice(j);
      continue;
    }
    if (head === 'timeout') {
      let j = 0;
      while (j < rest.length && rest[j].startsWith('-'))
        j += /^-(s|k)$/.test(rest[j]) ? 2 : 1;
      w = rest.slice(j + 1);
      continue;
    }
    if (head === 'direnv' && rest[0] === 'exec') {
      w = rest.slice(2);
      continue;
    }
    return { program: head, args: rest };
  }
}

describe('shell prefixes', () => {
  it('peels wrappers, options and assignments exactly as before', () => {
    const word = fc.constantFrom(
      'sudo',
      'env',
      'nice',
      'timeout',
      'direnv',
      'exec',
      'if',
      '!',
      '-u',
      '-n',
      '-s',
      '-E',
      '-k',
      '5',
      '.',
      'X=1',
      'ci',
      'bazel',
      'build',
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 14 }), words => {
        const [first] = findInvocations(words.join(' '));
        const expected = firstInvocationReference(words);
        expect(first && { program: first.program, args: first.args }).toEqual(
          expected,
        );
      }),
      { numRuns: 3000, seed: 35 },
    );
  });

  it.each([
    ['assignments', 'X=1 '],
    ['sudo', 'sudo -E '],
    ['timeout', 'timeout -s KILL 5 '],
    ['env', 'env -u HOME A=1 '],
    ['direnv', 'direnv exec . '],
  ])('finds bazel after 20,000 %s prefixes', (_, prefix) => {
    expect(
      findBazelInvocations(`${prefix.repeat(20_000)}bazel build //...`),
    ).toEqual([{ subcommand: 'build', line: 0 }]);
  });
});
