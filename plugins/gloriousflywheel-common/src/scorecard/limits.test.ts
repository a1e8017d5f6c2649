import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_WORKFLOW_FILE_BYTES } from '../workflows/limits';
import { MAX_EXCERPT_CHARS, MAX_SCAN_MATCHES } from './scanFiles';
import { evaluateCheck, workflow } from './__testing__/evaluateCheck';
import { bazelCacheWrapperCheck } from './checks/bazelCacheWrapper';
import { hostedRunnersCheck } from './checks/hostedRunners';
import { remoteExecutionClaimCheck } from './checks/remoteExecutionClaim';
import {
  staleCacheEndpointsCheck,
  staleEndpointMatcher,
  staleEndpointRegExp,
} from './checks/staleCacheEndpoints';
import { MAX_SCANNED_FILE_BYTES } from './checks/workflowErrors';
import { parseExceptionRegister } from './exceptionRegister';

const REGISTER = '.github/gloriousflywheel-exceptions.yaml';
const W = '.github/workflows/ci.yml';
const BUDGET_ERROR =
  'Aliases and merge keys expand beyond the analysis budget of 1000000 steps';
const MERGE_BOMB = readFileSync(
  join(__dirname, '..', '__fixtures__', 'workflow-bombs', 'merge-bomb.yml'),
  'utf8',
);

/** ASCII text of exactly `bytes` bytes, in lines. */
const textOfSize = (bytes: number, line = 'x') =>
  `${line}\n`.repeat(Math.floor(bytes / (line.length + 1))).padEnd(bytes, '#');

/** `levels` of lists of nine aliases to the level below: 9^levels values in full. */
function aliasBomb(levels: number) {
  const lines = ['x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i <= levels; i++)
    lines.push(
      `x${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return lines;
}

describe('scorecard inputs over the limits', () => {
  it('leaves workflow checks undecided on a merge bomb, naming the file', () => {
    const result = evaluateCheck(hostedRunnersCheck, {
      '.github/workflows/bomb.yml': MERGE_BOMB,
      [W]: workflow('tinyland-nix'),
    });
    expect(result.verdict).toBe('unknown');
    expect(result.evidence).toEqual([
      {
        path: '.github/workflows/bomb.yml',
        line: 36,
        excerpt: `Job \`bomb\`: ${BUDGET_ERROR}`,
        verdict: 'unknown',
        note: 'Workflow could not be parsed',
      },
    ]);
  });

  it('leaves workflow checks undecided on an oversized workflow', () => {
    const big = `${workflow('ubuntu-latest')}${textOfSize(
      MAX_WORKFLOW_FILE_BYTES,
      '# padding',
    )}`;
    const result = evaluateCheck(hostedRunnersCheck, { [W]: big });
    expect(result.verdict).toBe('unknown');
    expect(result.evidence).toEqual([
      expect.objectContaining({
        path: W,
        line: 1,
        excerpt: `File too large to analyse: ${big.length} bytes, over the 512 KiB limit`,
      }),
    ]);
  });

  describe('exception register', () => {
    it('refuses an oversized register', () => {
      const register = parseExceptionRegister(
        REGISTER,
        textOfSize(MAX_WORKFLOW_FILE_BYTES + 1, '# note'),
      );
      expect(register).toEqual({
        path: REGISTER,
        present: true,
        exceptions: [],
        problems: [
          {
            message:
              'Exception register not read: File too large to analyse: 524289 bytes, over the 512 KiB limit',
            line: 1,
          },
        ],
      });
    });

    it('refuses a register whose aliases expand beyond the budget, exempting nothing', () => {
      const register = parseExceptionRegister(
        REGISTER,
        [
          ...aliasBomb(8),
          'exceptions:',
          '  - {job: fine, reason: r, owner: o, expires: 2026-01-01}',
          '  - {job: bomb, reason: *a8, owner: o, expires: 2026-01-01}',
        ].join('\n'),
      );
      expect(register.exceptions).toEqual([]);
      expect(register.problems).toEqual([
        { message: `Exception register not read: ${BUDGET_ERROR}`, line: 12 },
      ]);
    });

    it('reports an entry with an alias to no anchor instead of throwing', () => {
      const register = parseExceptionRegister(
        REGISTER,
        'exceptions:\n  - {job: a, reason: *nope, owner: o, expires: 2026-01-01}\n',
      );
      expect(register.problems).toEqual([
        {
          message:
            'Exception entry could not be read: Unresolved alias (the anchor must be set before the alias): nope',
          line: 2,
        },
      ]);
    });

    it('reads aliases as before, and `<<` as a plain key (the register has no merge keys)', () => {
      const register = parseExceptionRegister(
        REGISTER,
        [
          'owner: &owner "@jess"',
          'base: &base {reason: r, owner: o, expires: 2026-01-01}',
          'exceptions:',
          '  - {job: a, reason: r, owner: *owner, expires: 2026-01-01}',
          '  - {<<: *base, job: b}',
        ].join('\n'),
      );
      expect(register.exceptions.map(e => [e.job, e.owner])).toEqual([
        ['a', '@jess'],
      ]);
      expect(register.problems).toEqual([
        {
          message: 'Exception entry lacks reason, owner, expires',
          line: 5,
        },
      ]);
    });

    it('reports a repeated key with its line', () => {
      expect(
        parseExceptionRegister(
          REGISTER,
          'exceptions:\n  - job: a\n    job: b\n',
        ).problems,
      ).toEqual([
        {
          message:
            'Exception register is not valid YAML: Map keys must be unique',
          line: 3,
        },
      ]);
    });
  });

  describe('files scanned line by line', () => {
    const huge = textOfSize(MAX_SCANNED_FILE_BYTES + 1, 'endpoint');
    const tooLarge = `File too large to analyse: ${
      MAX_SCANNED_FILE_BYTES + 1
    } bytes, over the 1 MiB limit`;

    it('leaves stale endpoints undecided when a surface is too large to scan', () => {
      const result = evaluateCheck(staleCacheEndpointsCheck, {
        '.bazelrc': huge,
        'flake.nix': '{ }\n',
      });
      expect(result).toEqual({
        verdict: 'unknown',
        summary: 'No stale endpoints in 1 live surfaces; 1 too large to scan',
        evidence: [
          {
            path: '.bazelrc',
            excerpt: tooLarge,
            verdict: 'unknown',
            note: 'File too large to scan',
          },
        ],
      });
    });

    it('still fails a stale endpoint found in the files it could scan', () => {
      const result = evaluateCheck(staleCacheEndpointsCheck, {
        '.bazelrc': huge,
        'flake.nix': 'url = "https://bazel-cache.attic-cache-dev.svc";\n',
      });
      expect(result.verdict).toBe('fail');
      expect(result.summary).toBe(
        '1 stale endpoint references; 1 too large to scan',
      );
    });

    it('leaves the remote-execution claim undecided when docs are too large to scan', () => {
      const result = evaluateCheck(remoteExecutionClaimCheck, {
        'README.md': huge,
      });
      expect(result.verdict).toBe('unknown');
      expect(result.evidence).toEqual([
        expect.objectContaining({ path: 'README.md', excerpt: tooLarge }),
      ]);
    });

    it('does not fail a claim whose backing may be in a file too large to scan', () => {
      const result = evaluateCheck(remoteExecutionClaimCheck, {
        'README.md': 'Builds use Bazel remote execution.\n',
        '.bazelrc': huge,
        [W]: workflow('tinyland-nix', [
          '- run: bazel build --config=rbe //...',
        ]),
      });
      expect(result.verdict).toBe('unknown');
      expect(result.evidence.map(e => [e.path, e.verdict])).toEqual([
        ['README.md', 'unknown'],
        ['.bazelrc', 'unknown'],
      ]);
    });

    it('leaves the wrapper check undecided when a workflow is too large to look for the contract', () => {
      const result = evaluateCheck(bazelCacheWrapperCheck, {
        [W]: huge,
      });
      expect(result.verdict).toBe('unknown');
      expect(result.evidence).toEqual([
        expect.objectContaining({ path: W, excerpt: tooLarge }),
      ]);
    });
  });

  describe('matching lines a repository repeats', () => {
    it('lists at most MAX_SCAN_MATCHES lines per file, with excerpts cut, and counts the rest', () => {
      const stale = `build --remote_cache=grpc://bazel-cache.attic-cache-dev.svc.cluster.local:9092 ${'x'.repeat(
        500,
      )}`;
      const result = evaluateCheck(staleCacheEndpointsCheck, {
        '.github/workflows/ci.yml': workflow('tinyland-nix'),
        '.bazelrc': `${stale}\n`.repeat(MAX_SCAN_MATCHES + 25),
      });
      expect(result.verdict).toBe('fail');
      expect(result.summary).toBe(
        `${MAX_SCAN_MATCHES + 25} stale endpoint references`,
      );
      const listed = result.evidence.filter(e => e.line !== undefined);
      expect(listed).toHaveLength(MAX_SCAN_MATCHES);
      expect(
        listed.every(e => e.excerpt!.length <= MAX_EXCERPT_CHARS + 1),
      ).toBe(true);
      expect(result.evidence).toContainEqual({
        path: '.bazelrc',
        verdict: 'fail',
        note: '25 more matching lines not listed',
      });
    });
  });

  describe('staleEndpointRegExp', () => {
    /** The construction before leading and trailing `*` were dropped. */
    function previous(pattern: string): RegExp {
      const source = pattern
        .split('*')
        .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[A-Za-z0-9_.-]*');
      return new RegExp(source, 'i');
    }

    it('matches exactly what the previous glob construction matched, for globs that are not a plain name', () => {
      const chars = fc.constantFrom('a', 'B', '.', '-', '*', ':', '/', ' ');
      fc.assert(
        fc.property(
          fc.string({ unit: chars, maxLength: 8 }),
          fc.string({ unit: chars, maxLength: 30 }),
          (pattern, text) => {
            if (/^\/.+\/[a-z]*$/.test(pattern)) return;
            // a plain name (or `*.name.*`) is matched as whole DNS labels instead
            const bare = /^\*\.(.+)\.\*$/.exec(pattern)?.[1] ?? pattern;
            if (/^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/.test(bare)) return;
            expect(staleEndpointRegExp(pattern).test(text)).toBe(
              previous(pattern).test(text),
            );
          },
        ),
        { numRuns: 2000, seed: 34 },
      );
    });

    it('staleEndpointMatcher matches exactly what the RegExp matches, globs with inner `*` included', () => {
      const chars = fc.constantFrom(
        'a',
        'B',
        'b',
        '.',
        '-',
        '*',
        ':',
        '/',
        ' ',
        '_',
        '9',
      );
      fc.assert(
        fc.property(
          fc.string({ unit: chars, maxLength: 8 }),
          fc.string({ unit: chars, maxLength: 40 }),
          (pattern, text) => {
            // the `/regex/` form is the RegExp itself
            if (/^\/.+\/[a-z]*$/.test(pattern)) return;
            expect(staleEndpointMatcher(pattern).test(text)).toBe(
              staleEndpointRegExp(pattern).test(text),
            );
          },
        ),
        { numRuns: 4000, seed: 35 },
      );
    });

    it('staleEndpointMatcher reads a 1 MiB line once for a glob with inner `*` (no backtracking RegExp)', () => {
      // `attic[host]*dev[host]*main` as a RegExp retries from every `attic`: cubic on this line.
      const line = `${'attic'.repeat(200_000)}x`;
      const matcher = staleEndpointMatcher('*attic*dev*main*');
      expect(matcher).not.toBeInstanceOf(RegExp);
      expect(matcher.test(line)).toBe(false);
      expect(matcher.test(`${line} attic-cache-dev.main`)).toBe(true);
    });

    it('matches a plain name with fixed-width look-arounds only (nothing to backtrack)', () => {
      expect(staleEndpointRegExp('attic-cache-dev').source).toBe(
        '(?<![A-Za-z0-9_-])attic-cache-dev(?![A-Za-z0-9_-])',
      );
      expect(staleEndpointRegExp('*.attic-cache-dev.*').source).toBe(
        staleEndpointRegExp('attic-cache-dev').source,
      );
      const line = 'attic-cache-devx'.repeat(65_536);
      expect(staleEndpointMatcher('attic-cache-dev').test(line)).toBe(false);
      expect(
        staleEndpointMatcher('attic-cache-dev').test(
          `${line} attic-cache-dev:9092`,
        ),
      ).toBe(true);
    });
  });
});
