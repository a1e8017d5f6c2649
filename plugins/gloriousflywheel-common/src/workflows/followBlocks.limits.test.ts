import { inspectWorkflow } from './inspectWorkflow';
import { MAX_BLOCK_DEPTH } from './followBlocks';
import {
  MAX_EXPRESSION_COMBINATIONS,
  MAX_EXPRESSION_UNKNOWNS,
} from './runsOnExpression';
import { YAML_WORK_BUDGET } from './yamlView';

const workflow = (steps: string) => `on: push
jobs:
  a:
    runs-on: [self-hosted]
    steps:
${steps}`;

describe('following limits', () => {
  it(`follows at most ${MAX_BLOCK_DEPTH} levels of actions`, () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) {
      files[`a${i}/action.yml`] = `runs:
  using: composite
  steps:
    - uses: ./a${i + 1}
`;
    }
    const [job] = inspectWorkflow('w.yml', workflow('      - uses: ./a0\n'), {
      readFile: p => files[p],
    }).jobs;
    let block = job.steps[0].block!;
    let depth = 1;
    while (block.steps[0]?.block) {
      block = block.steps[0].block;
      depth++;
    }
    expect(block.status).toBe('too-deep');
    expect(depth).toBe(MAX_BLOCK_DEPTH + 1);
  });

  it('shares followed actions, so a fan-out costs linear work', () => {
    // Each action runs the next one 200 times: 200^4 steps if nothing were shared.
    const step = (next: string) => `    - uses: ./${next}\n`.repeat(200);
    const files: Record<string, string> = {};
    for (let i = 0; i < 3; i++)
      files[`f${i}/action.yml`] = `runs:\n  using: composite\n  steps:\n${step(
        `f${i + 1}`,
      )}`;
    files['f3/action.yml'] =
      'runs:\n  using: composite\n  steps:\n    - run: nix build\n';
    const result = inspectWorkflow(
      'w.yml',
      workflow(step('f0').replace(/^/gm, '  ')),
      {
        readFile: p => files[p],
      },
    );
    // Shared per action: linear work, so this stays within the budget and is read in full.
    expect(result.error).toBeNull();
    expect(result.jobs[0].usesNix).toBe(true);
  });

  it('refuses calls that go over the budget, naming the file', () => {
    const files: Record<string, string> = {
      '.github/workflows/r.yml': `on: workflow_call
jobs:
${Array.from(
  { length: 2000 },
  (_, i) => `  j${i}:\n    runs-on: x\n    steps: [{ run: echo }]\n`,
).join('')}`,
    };
    // Different inputs each call: no sharing, so the work adds up.
    const calls = Array.from(
      { length: 400 },
      (_, i) =>
        `  c${i}:\n    uses: ./.github/workflows/r.yml\n    with: { n: ${i} }\n`,
    ).join('');
    const result = inspectWorkflow('w.yml', `on: push\njobs:\n${calls}`, {
      readFile: p => files[p],
    });
    expect(result.jobs).toEqual([]);
    expect(result.error?.message).toMatch(
      new RegExp(
        `^Job \`c\\d+\`: Local workflow \\.github/workflows/r\\.yml: .*${YAML_WORK_BUDGET}`,
      ),
    );
  });

  it('leaves expressions with too many unknowns unevaluated', () => {
    const many = Array.from(
      { length: MAX_EXPRESSION_UNKNOWNS + 1 },
      (_, i) => `vars.V${i}`,
    ).join(' && ');
    const [job] = inspectWorkflow(
      'w.yml',
      `on: push
jobs:
  a:
    runs-on: \${{ ${many} && 'x' || 'y' }}
`,
    ).jobs;
    expect(job.runnerChoice?.unsupported).toBe(
      `depends on more than ${MAX_EXPRESSION_UNKNOWNS} unknown values`,
    );
  });

  it('leaves a matrix with too many combinations unevaluated', () => {
    const axis = (name: string) =>
      `        ${name}: [${Array.from({ length: 40 }, (_, i) => `v${i}`).join(
        ', ',
      )}]`;
    const [job] = inspectWorkflow(
      'w.yml',
      `on: push
jobs:
  a:
    strategy:
      matrix:
${axis('x')}
${axis('y')}
    runs-on: \${{ matrix.x == 'v1' && matrix.y || 'z' }}
`,
    ).jobs;
    expect(job.runnerChoice?.unsupported).toBe(
      `has more than ${MAX_EXPRESSION_COMBINATIONS} combinations of values`,
    );
  });
});
