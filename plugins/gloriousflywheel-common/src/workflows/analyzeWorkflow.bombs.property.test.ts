import fc from 'fast-check';
import { analyzeWorkflow } from './analyzeWorkflow';
import { WorkflowAnalysis } from './types';
import {
  MAX_YAML_DEPTH,
  YAML_LIMIT_MESSAGES,
  YAML_WORK_BUDGET,
} from './yamlView';

const BUDGET_ERROR = YAML_LIMIT_MESSAGES.budget(YAML_WORK_BUDGET);

/** What these tests compare: the error, and each job's id, labels and matrix candidates. */
function outcome(result: WorkflowAnalysis) {
  return {
    error: result.error,
    jobs: result.jobs.map(j => ({
      id: j.id,
      labels: j.labels,
      candidates: j.candidates ?? [],
    })),
  };
}

/** A file refused as a whole at the `bomb` job, which follows `on:`, the anchors and `jobs:`. */
const refusedAtBomb = (message: string, anchorLines: number) => ({
  error: {
    message: `Job \`bomb\`: ${message}`,
    line: anchorLines + 3,
    column: 3,
  },
  jobs: [],
});

/** How often each outcome came up, so a run that never crossed the limit is noticed. */
function tally() {
  const seen = { read: 0, refused: 0 };
  const count = (refused: boolean) => {
    if (refused) seen.refused++;
    else seen.read++;
  };
  return { seen, count };
}

describe('analyzeWorkflow under merge-key and alias bombs', () => {
  it('merge chains (`<<: [*a, *a]`, up to 80 levels): the right job, or the depth error', () => {
    const { seen, count } = tally();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('job', 'runs-on', 'matrix'),
        (levels, fanout, placement) => {
          const anchors = [
            'x0: &a0 {label: tinyland-nix, runs-on: tinyland-nix}',
          ];
          for (let i = 1; i <= levels; i++) {
            const sources = Array(fanout)
              .fill(`*a${i - 1}`)
              .join(', ');
            anchors.push(`x${i}: &a${i} {<<: [${sources}], k${i}: ${i}}`);
          }
          const top = `*a${levels}`;
          const job = {
            job: [`    <<: ${top}`],
            'runs-on': [`    runs-on: {<<: ${top}, labels: [self-hosted]}`],
            matrix: [
              '    runs-on: ${{ matrix.label }}',
              `    strategy: {matrix: {include: [${top}]}}`,
            ],
          }[placement];
          const text = [
            'on: push',
            ...anchors,
            'jobs:',
            '  bomb:',
            ...job,
          ].join('\n');
          // Merge depth counts from the mapping holding the `<<`: the job or runs-on mapping is one
          // level above the chain; an include entry is the chain's top itself.
          const tooDeep =
            levels + (placement === 'matrix' ? 0 : 1) > MAX_YAML_DEPTH;
          count(tooDeep);
          const read = {
            job: { labels: ['tinyland-nix'], candidates: [] },
            'runs-on': { labels: ['self-hosted'], candidates: [] },
            matrix: { labels: [], candidates: ['tinyland-nix'] },
          }[placement];
          expect(outcome(analyzeWorkflow('bomb.yml', text))).toEqual(
            tooDeep
              ? refusedAtBomb(YAML_LIMIT_MESSAGES.depth, anchors.length)
              : { error: null, jobs: [{ id: 'bomb', ...read }] },
          );
        },
      ),
      { numRuns: 60, seed: 2030, examples: [[64, 2, 'job']] },
    );
    expect(seen.read).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('merges that also nest the level below (2^levels values): the right job, or the budget error', () => {
    const { seen, count } = tally();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), levels => {
        const anchors = ['x0: &a0 {os: [tinyland-nix]}'];
        for (let i = 1; i <= levels; i++)
          anchors.push(
            `x${i}: &a${i} {<<: [*a${i - 1}, *a${i - 1}], m${i}: *a${i - 1}}`,
          );
        const text = [
          'on: push',
          ...anchors,
          'jobs:',
          '  bomb:',
          '    runs-on: ${{ matrix.os }}',
          `    strategy: {matrix: *a${levels}}`,
        ].join('\n');
        // Values in the expanded matrix: a0 is 3 (map, list, label); each level adds its map, its
        // list and label, and one copy of every level below.
        const sizes = [3];
        for (let i = 1; i <= levels; i++)
          sizes.push(3 + sizes.reduce((a, b) => a + b, 0));
        // Far from the budget either way (the sizes roughly double), so other work cannot tip it.
        const refused = sizes[levels] > YAML_WORK_BUDGET;
        count(refused);
        expect(outcome(analyzeWorkflow('bomb.yml', text))).toEqual(
          refused
            ? refusedAtBomb(BUDGET_ERROR, anchors.length)
            : {
                error: null,
                jobs: [
                  { id: 'bomb', labels: [], candidates: ['tinyland-nix'] },
                ],
              },
        );
      }),
      // The last level that fits, the first that does not, and the reported thirty.
      { numRuns: 4, seed: 2031, examples: [[18], [19], [30]] },
    );
    expect(seen.read).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('alias bombs in runs-on: a result, or the budget error', () => {
    const { seen, count } = tally();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 2, max: 9 }),
        (levels, width) => {
          // Values in the expanded list: one per node of a tree `width` wide, `levels + 1` deep.
          let size = 0;
          for (let i = 0; i <= levels + 1; i++) size += width ** i;
          // Near the budget other work decides; stay clear of it.
          fc.pre(size < YAML_WORK_BUDGET * 0.9 || size > YAML_WORK_BUDGET);
          const anchors = [`x0: &a0 [${Array(width).fill('lol').join(', ')}]`];
          for (let i = 1; i <= levels; i++)
            anchors.push(
              `x${i}: &a${i} [${Array(width)
                .fill(`*a${i - 1}`)
                .join(', ')}]`,
            );
          const text = [
            'on: push',
            ...anchors,
            'jobs:',
            '  bomb:',
            `    runs-on: [tinyland-nix, *a${levels}]`,
          ].join('\n');
          const refused = size > YAML_WORK_BUDGET;
          count(refused);
          // Nested lists are not labels; the literal one is.
          expect(outcome(analyzeWorkflow('bomb.yml', text))).toEqual(
            refused
              ? refusedAtBomb(BUDGET_ERROR, anchors.length)
              : {
                  error: null,
                  jobs: [
                    { id: 'bomb', labels: ['tinyland-nix'], candidates: [] },
                  ],
                },
          );
        },
      ),
      { numRuns: 15, seed: 2032, examples: [[9, 9]] },
    );
    expect(seen.read).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  it('wide merges into many jobs: every job, or the budget error', () => {
    const { seen, count } = tally();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 40 }),
        (anchorCount, keys, jobCount) => {
          // Each job copies every anchor's keys once; stay clear of the budget's edge.
          const copies = jobCount * anchorCount * keys;
          fc.pre(copies < YAML_WORK_BUDGET * 0.9 || copies > YAML_WORK_BUDGET);
          const anchors: string[] = [];
          for (let a = 0; a < anchorCount; a++) {
            const pairs = Array.from({ length: keys }, (_, k) => `k${k}: ${a}`);
            anchors.push(`x${a}: &m${a} {${pairs.join(', ')}}`);
          }
          const all = Array.from({ length: anchorCount }, (_, a) => `*m${a}`);
          const jobs = Array.from(
            { length: jobCount },
            (_, j) =>
              `  j${j}: {<<: [${all.join(', ')}], runs-on: tinyland-nix}`,
          );
          const text = ['on: push', ...anchors, 'jobs:', ...jobs].join('\n');
          const refused = copies > YAML_WORK_BUDGET;
          count(refused);
          const result = outcome(analyzeWorkflow('wide.yml', text));
          expect({
            ...result,
            // Which job ran out of budget depends on the order of work; that one ran out does not.
            error: result.error && {
              message: result.error.message.replace(/^Job `j\d+`/, 'Job `j?`'),
              column: result.error.column,
            },
          }).toEqual(
            refused
              ? {
                  error: {
                    message: `Job \`j?\`: ${BUDGET_ERROR}`,
                    column: 3,
                  },
                  jobs: [],
                }
              : {
                  error: null,
                  jobs: Array.from({ length: jobCount }, (_, j) => ({
                    id: `j${j}`,
                    labels: ['tinyland-nix'],
                    candidates: [],
                  })),
                },
          );
        },
      ),
      // Random sizes stay small; the examples cross the budget.
      {
        numRuns: 12,
        seed: 2033,
        examples: [
          [200, 100, 60],
          [100, 200, 51],
        ],
      },
    );
    expect(seen.read).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });
});
