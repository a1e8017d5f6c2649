import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWorkflow } from './analyzeWorkflow';
import { MAX_WORKFLOW_FILE_BYTES } from './limits';
import { MAX_YAML_DEPTH } from './yamlView';

const BOMBS = join(__dirname, '..', '__fixtures__', 'workflow-bombs');
const WORKFLOWS = join(__dirname, '..', '__fixtures__', 'workflows');
const bomb = (name: string) => readFileSync(join(BOMBS, name), 'utf8');

/** A valid one-job workflow padded with a comment to exactly `bytes` UTF-8 bytes. */
function workflowOfSize(bytes: number, pad = '#') {
  const head = 'on: push\njobs:\n  a:\n    runs-on: tinyland-nix\n# ';
  const padBytes = Buffer.byteLength(pad);
  const text =
    head + pad.repeat(Math.floor((bytes - head.length - 1) / padBytes));
  return `${text}${'#'.repeat(bytes - 1 - Buffer.byteLength(text))}\n`;
}

/** `levels` mappings, each merging the one below twice; the first sets `runs-on`. */
function mergeChain(levels: number) {
  const lines = ['x0: &a0 {runs-on: tinyland-nix}'];
  for (let i = 1; i <= levels; i++)
    lines.push(`x${i}: &a${i} {<<: [*a${i - 1}, *a${i - 1}], k${i}: ${i}}`);
  return lines;
}

describe('workflow analysis limits', () => {
  it('refuses the merge bomb as a whole, naming the job where the budget ran out', () => {
    expect(
      analyzeWorkflow(
        '.github/workflows/merge-bomb.yml',
        bomb('merge-bomb.yml'),
      ),
    ).toEqual({
      path: '.github/workflows/merge-bomb.yml',
      jobs: [],
      error: {
        message:
          'Job `bomb`: Aliases and merge keys expand beyond the analysis budget of 1000000 steps',
        line: 36,
        column: 3,
      },
    });
  });

  it('reads thirty levels of `<<: [*a, *a]` as an ordinary workflow', () => {
    expect(analyzeWorkflow('chain.yml', bomb('merge-chain.yml'))).toEqual({
      path: 'chain.yml',
      jobs: [
        {
          id: 'chained',
          line: 36,
          labels: ['self-hosted', 'tinyland-nix'],
          group: null,
          dynamic: false,
          reusable: false,
          runnerClass: 'tinyland-nix',
          hosted: false,
          runsBazel: true,
          usesNix: false,
          via: [],
        },
      ],
      error: null,
    });
  });

  it('refuses merge keys nested deeper than MAX_YAML_DEPTH, and only those', () => {
    const job = (levels: number) =>
      analyzeWorkflow(
        'deep.yml',
        [
          'on: push',
          ...mergeChain(levels),
          'jobs:',
          '  deep:',
          `    <<: *a${levels}`,
          '',
        ].join('\n'),
      );
    // The job mapping is one level, so its chain may be one shorter.
    expect(job(MAX_YAML_DEPTH - 1).jobs[0].labels).toEqual(['tinyland-nix']);
    expect(job(MAX_YAML_DEPTH)).toEqual({
      path: 'deep.yml',
      jobs: [],
      error: {
        message:
          'Job `deep`: Aliases or merge keys nest more than 64 levels deep',
        line: MAX_YAML_DEPTH + 4,
        column: 3,
      },
    });
  });

  it('refuses a mapping that merges itself', () => {
    expect(
      analyzeWorkflow(
        'self.yml',
        'on: push\njobs:\n  loop: &j\n    runs-on: x\n    <<: *j\n',
      ).error,
    ).toEqual({
      message:
        'Job `loop`: An alias or merge key refers to a node that contains it',
      line: 3,
      column: 3,
    });
  });

  it(`reads a file of exactly ${MAX_WORKFLOW_FILE_BYTES} bytes and refuses one byte more`, () => {
    const fits = workflowOfSize(MAX_WORKFLOW_FILE_BYTES);
    expect(Buffer.byteLength(fits)).toBe(MAX_WORKFLOW_FILE_BYTES);
    expect(analyzeWorkflow('fits.yml', fits).error).toBeNull();
    expect(
      analyzeWorkflow('big.yml', workflowOfSize(MAX_WORKFLOW_FILE_BYTES + 1)),
    ).toEqual({
      path: 'big.yml',
      jobs: [],
      error: {
        message:
          'File too large to analyse: 524289 bytes, over the 512 KiB limit',
        line: 1,
        column: 1,
      },
    });
  });

  it('counts the limit in UTF-8 bytes, not characters', () => {
    const text = workflowOfSize(MAX_WORKFLOW_FILE_BYTES + 2, 'é');
    expect(text.length).toBeLessThan(MAX_WORKFLOW_FILE_BYTES);
    expect(analyzeWorkflow('wide.yml', text).error?.message).toBe(
      'File too large to analyse: 524290 bytes, over the 512 KiB limit',
    );
  });

  it('names a local action that is too large', () => {
    const files: Record<string, string> = {
      '.github/actions/big/action.yml': workflowOfSize(
        MAX_WORKFLOW_FILE_BYTES + 1,
      ),
    };
    const result = analyzeWorkflow(
      'w.yml',
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/big\n',
      { readFile: path => files[path] },
    );
    expect(result).toEqual({
      path: 'w.yml',
      jobs: [],
      error: {
        message:
          'Job `a`: Local action .github/actions/big/action.yml: File too large to analyse: 524289 bytes, over the 512 KiB limit',
        line: 3,
        column: 3,
      },
    });
  });

  it('names a local action whose merge keys go over a limit', () => {
    const levels = MAX_YAML_DEPTH + 1;
    const files: Record<string, string> = {
      '.github/actions/deep/action.yaml': [
        ...mergeChain(levels),
        'runs:',
        '  steps:',
        `    - <<: *a${levels}`,
        '',
      ].join('\n'),
    };
    const result = analyzeWorkflow(
      'w.yml',
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/deep\n',
      { readFile: path => files[path] },
    );
    expect(result.jobs).toEqual([]);
    expect(result.error?.message).toBe(
      'Job `a`: Local action .github/actions/deep/action.yaml: Aliases or merge keys nest more than 64 levels deep',
    );
  });

  it('reads each local action once, however many steps use it', () => {
    const reads: string[] = [];
    const readFile = (path: string) => {
      reads.push(path);
      return path.endsWith('.yml')
        ? 'runs:\n  steps:\n    - uses: DeterminateSystems/nix-installer-action@main\n'
        : undefined;
    };
    const steps = Array(50).fill('      - uses: ./.github/actions/nix\n');
    const result = analyzeWorkflow(
      'w.yml',
      `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${steps.join('')}`,
      { readFile },
    );
    expect(result.jobs[0].usesNix).toBe(true);
    expect(reads).toEqual(['.github/actions/nix/action.yml']);
  });

  it('keeps the other jobs when one has an alias with no anchor', () => {
    const result = analyzeWorkflow(
      'w.yml',
      'on: push\njobs:\n  a:\n    runs-on: [*nope]\n  b:\n    runs-on: tinyland-nix\n',
    );
    expect(result.error).toEqual({
      message:
        'Job `a`: Unresolved alias (the anchor must be set before the alias): nope',
      line: 3,
      column: 3,
    });
    expect(result.jobs.map(j => j.id)).toEqual(['b']);
  });

  it('reports a repeated key as yaml does', () => {
    const text = readFileSync(
      join(WORKFLOWS, 'malformed-duplicate-key.yml'),
      'utf8',
    );
    expect(analyzeWorkflow('d.yml', text).error).toEqual({
      message: 'Map keys must be unique',
      line: 5,
      column: 3,
    });
  });

  it('reads the densest plain file at the size limit within the budget', () => {
    // Every two bytes a value: the most work a file without aliases can ask for.
    const head = 'on: push\njobs:\n  a:\n    runs-on: [';
    const count = Math.floor((MAX_WORKFLOW_FILE_BYTES - head.length - 3) / 2);
    const text = `${head}${'a,'.repeat(count)}b]\n`;
    const result = analyzeWorkflow('dense.yml', text);
    expect(result.error).toBeNull();
    expect(result.jobs[0].labels).toHaveLength(count + 1);
  });
});
