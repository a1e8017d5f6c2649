import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWorkflow } from './analyzeWorkflow';

const FIXTURES = join(__dirname, '..', '__fixtures__', 'workflows');
const corpus = readdirSync(FIXTURES)
  .filter(f => /\.ya?ml$/.test(f))
  .sort()
  .map(f => readFileSync(join(FIXTURES, f), 'utf8'));

/** Characters that matter to YAML and shell structure, to make mutations bite. */
const YAML_NOISE = [
  ':',
  '-',
  ' ',
  '\n',
  '\t',
  '[',
  ']',
  '{',
  '}',
  '&',
  '*',
  '<<',
  '|',
  '>',
  '"',
  "'",
  '#',
  '${{',
  '}}',
  '---',
  '? ',
  '!',
  '%',
  '\\',
  '@',
];

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...YAML_NOISE), fc.string({ maxLength: 8 })),
  }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 60 }),
  }),
);

function mutate(
  text: string,
  mutations: { kind: string; at: number; length?: number; text?: string }[],
): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + 1);
    if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.length!);
    else if (m.kind === 'insert')
      out = out.slice(0, at) + m.text + out.slice(at);
    else out = out.slice(0, at) + out.slice(at, at + m.length!) + out.slice(at);
  }
  return out;
}

/** The contract: a result of the documented shape for any input, never an exception. */
function assertWellFormed(text: string) {
  const result = analyzeWorkflow('fuzz.yml', text);
  expect(result.path).toBe('fuzz.yml');
  expect(Array.isArray(result.jobs)).toBe(true);
  if (result.error) {
    expect(typeof result.error.message).toBe('string');
    expect(result.error.line).toBeGreaterThanOrEqual(1);
    expect(result.error.column).toBeGreaterThanOrEqual(1);
  }
  for (const job of result.jobs) {
    expect(typeof job.id).toBe('string');
    expect(job.line).toBeGreaterThanOrEqual(1);
    expect(
      job.labels.every(l => typeof l === 'string' && !l.includes('${{')),
    ).toBe(true);
    if (job.reusable)
      expect([job.labels.length, job.runsBazel, job.usesNix]).toEqual([
        0,
        false,
        false,
      ]);
  }
}

describe('analyzeWorkflow under fuzzing', () => {
  it('never throws on mutated fixtures (1,500 runs)', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...corpus),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (text, mutations) => {
          runs++;
          assertWellFormed(mutate(text, mutations));
        },
      ),
      { numRuns: 1500, seed: 4242 },
    );
    expect(runs).toBe(1500);
  });

  it('never throws on arbitrary text (1,000 runs)', () => {
    let runs = 0;
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            ...YAML_NOISE,
            'a',
            'jobs',
            'runs-on',
            'bazel build',
            '\n  ',
          ),
          maxLength: 60,
        }),
        text => {
          runs++;
          assertWellFormed(text);
        },
      ),
      { numRuns: 1000, seed: 7 },
    );
    expect(runs).toBe(1000);
  });

  it('reports a malformed file as an error, never as an empty success', () => {
    // A structurally broken variant of a valid workflow: an unclosed flow sequence.
    fc.assert(
      fc.property(
        fc.constantFrom('tinyland-nix', 'ubuntu-latest', 'self-hosted'),
        label => {
          const result = analyzeWorkflow(
            'b.yml',
            `on: push\njobs:\n  a:\n    runs-on: [${label}\n    steps: []\n`,
          );
          expect(result.error).not.toBeNull();
        },
      ),
      { numRuns: 50 },
    );
  });
});
