import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWorkflow } from './analyzeWorkflow';
import { inspectWorkflow } from './inspectWorkflow';
import { parseRemoteUses } from './followBlocks';
import { RemoteBlockFile, WorkflowAnalysisOptions, WorkflowJob } from './types';

const ROOT = join(__dirname, '..', '__fixtures__', 'following');
const CI = '.github/workflows/ci.yml';

function readRepo(path: string): string | undefined {
  const file = join(ROOT, 'repo', path);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Remote blocks of tinyland-inc only, from the fixture's `remote/` checkouts. */
function readRemote(file: RemoteBlockFile) {
  if (file.owner !== 'tinyland-inc') return undefined;
  const path = join(ROOT, 'remote', file.owner, file.repo, file.path);
  return existsSync(path)
    ? { text: readFileSync(path, 'utf8') }
    : { missing: true as const };
}

const OPTIONS: WorkflowAnalysisOptions = {
  readFile: readRepo,
  readRemoteFile: readRemote,
};

const jobs = (options: WorkflowAnalysisOptions = OPTIONS) =>
  Object.fromEntries(
    analyzeWorkflow(CI, readRepo(CI)!, options).jobs.map(j => [j.id, j]),
  ) as Record<string, WorkflowJob>;

const inspected = (options: WorkflowAnalysisOptions = OPTIONS) =>
  Object.fromEntries(
    inspectWorkflow(CI, readRepo(CI)!, options).jobs.map(j => [j.id, j]),
  );

describe('following building blocks', () => {
  const SETUP = './.github/actions/setup';
  const REMOTE_WF = 'tinyland-inc/ci-templates/.github/workflows/nix.yml@main';
  it.each([
    ['local-action', { runsBazel: true, usesNix: true, via: [SETUP] }],
    [
      'nested',
      {
        runsBazel: true,
        usesNix: true,
        via: ['./.github/actions/outer', SETUP],
      },
    ],
    ['cycle', { runsBazel: false, usesNix: false, via: [] }],
    ['missing', { runsBazel: false, usesNix: false, via: [] }],
    ['docker', { runsBazel: false, usesNix: false, via: [] }],
    [
      'call-local',
      {
        runsBazel: true,
        usesNix: true,
        calledLabels: ['tinyland-nix', 'self-hosted', 'tinyland-docker'],
        via: ['./.github/workflows/reusable.yml', SETUP],
      },
    ],
    [
      'call-local-hosted',
      {
        calledLabels: ['ubuntu-latest', 'self-hosted', 'tinyland-docker'],
      },
    ],
    [
      'call-chain',
      {
        runsBazel: false,
        usesNix: true,
        calledLabels: ['self-hosted', 'tinyland-nix'],
        via: [
          './.github/workflows/cycle-a.yml',
          './.github/workflows/cycle-b.yml',
        ],
      },
    ],
    [
      'call-remote',
      {
        usesNix: true,
        via: [REMOTE_WF, 'tinyland-inc/ci-templates/actions/setup-nix@main'],
      },
    ],
    ['call-other-org', { usesNix: false, via: [] }],
    [
      'remote-action',
      {
        usesNix: true,
        via: ['tinyland-inc/ci-templates/actions/setup-nix@main'],
      },
    ],
  ])('%s', (id, expected) => {
    const job = jobs()[id];
    expect(job).toMatchObject(expected);
    // calledLabels only for a local reusable-workflow caller
    expect('calledLabels' in job).toBe('calledLabels' in expected);
  });

  it('reports why a block was not followed, never as "no"', () => {
    const all = inspected();
    const status = (id: string) =>
      all[id].called?.status ?? all[id].steps[0].block?.status;
    expect(status('missing')).toBe('missing');
    expect(status('docker')).toBe('not-followed');
    expect(status('call-other-org')).toBe('not-followed');
    expect(all['call-other-org'].called?.reason).toBe(
      'Remote workflow someone-else/templates/.github/workflows/build.yml@main is not followed',
    );
    expect(all['remote-missing'].steps[0].block).toMatchObject({
      status: 'missing',
      remote: true,
      reason:
        'No action.yml or action.yaml at tinyland-inc/ci-templates/actions/absent@main',
    });
    expect(all['remote-action'].steps[1].block).toMatchObject({
      status: 'not-followed',
      uses: 'actions/checkout@v4',
    });
    // loop-a -> loop-b -> loop-a
    const loopB = all.cycle.steps[0].block!.steps[0].block!;
    expect(loopB.steps[0].block?.status).toBe('cycle');
    const chain = all['call-chain'].called!.jobs[0].called!;
    expect(chain.jobs[0].called?.status).toBe('cycle');
  });

  it('exposes the followed steps, with their file, for evidence', () => {
    const block = inspected()['local-action'].steps[0].block!;
    expect(block.path).toBe('.github/actions/setup/action.yml');
    expect(block.steps[1]).toMatchObject({
      run: 'bazel build //... --remote_executor=grpcs://rbe.example',
      runLine: 7,
    });
  });

  it('analyses a called workflow with the caller inputs, else the callee defaults', () => {
    const all = inspected();
    expect(all['call-remote'].called?.jobs[0].labels).toEqual(['tinyland-nix']);
    expect(all['call-remote-default'].called?.jobs[0]).toMatchObject({
      labels: ['ubuntu-latest'],
      hosted: true,
    });
  });

  it('says why a remote file could not be read, and refuses one over the size limit', () => {
    const text = `on: push
jobs:
  a:
    uses: o/templates/.github/workflows/t.yml@v1
`;
    const failing = inspectWorkflow('w.yml', text, {
      readRemoteFile: () => ({ error: 'FORBIDDEN' }),
    }).jobs[0].called;
    expect(failing).toMatchObject({
      status: 'unreadable',
      reason: 'o/templates/.github/workflows/t.yml@v1: FORBIDDEN',
    });
    const huge = inspectWorkflow('w.yml', text, {
      readRemoteFile: () => ({
        text: `# ${'x'.repeat(600 * 1024)}\non: push\n`,
      }),
    });
    expect(huge.jobs).toEqual([]);
    expect(huge.error?.message).toMatch(
      /^Job `a`: Remote workflow o\/templates\/\.github\/workflows\/t\.yml@v1: File too large to analyse/,
    );
  });

  it('without readers, blocks stay unread and nothing is claimed', () => {
    const job = jobs({})['call-remote'];
    expect(job).toMatchObject({ usesNix: false, via: [] });
    expect(jobs({})['call-local'].calledLabels).toBeUndefined();
  });
});

describe('runner choice by expression', () => {
  it.each([
    [
      'toggle',
      [
        {
          labels: ['ubuntu-latest'],
          condition: "vars.USE_SELFHOSTED != 'true'",
          hosted: true,
        },
        {
          labels: ['tinyland-nix'],
          condition: "vars.USE_SELFHOSTED == 'true'",
          hosted: false,
        },
      ],
    ],
    [
      'from-json',
      [
        {
          labels: ['self-hosted', 'tinyland-docker'],
          condition: "vars.RUNNER_LABELS == ''",
        },
        // the variable's own value is not known: no labels to check
        { labels: [], condition: "vars.RUNNER_LABELS != ''" },
      ],
    ],
    ['negated-input', [{ labels: ['tinyland-nix'], condition: '' }]],
    [
      'matrix-choice',
      [
        { labels: ['tinyland-nix'], condition: "matrix.os == 'linux'" },
        { labels: ['macos-14'], condition: "matrix.os == 'mac'", hosted: true },
      ],
    ],
    [
      'github-literal',
      [
        {
          labels: ['ubuntu-latest'],
          condition: "github.event_name == 'pull_request'",
        },
        {
          labels: ['tinyland-nix'],
          condition: "github.event_name != 'pull_request'",
        },
      ],
    ],
  ])('%s', (id, choices) => {
    const choice = inspected()[id].runnerChoice!;
    expect(choice.choices).toMatchObject(choices);
  });

  it('checks every candidate while a variable is unknown, and names it', () => {
    const job = inspected().toggle;
    expect(job.candidates).toEqual(['ubuntu-latest', 'tinyland-nix']);
    expect(job.runnerChoice?.variables).toEqual([
      { name: 'vars.USE_SELFHOSTED' },
    ]);
    expect(job.runnerChoice?.chosen).toBeUndefined();
  });

  it.each([
    ['true', ['tinyland-nix'], false],
    ['TRUE', ['tinyland-nix'], false],
    ['false', ['ubuntu-latest'], true],
  ])(
    'decides the runner from vars.USE_SELFHOSTED=%s',
    (value, labels, hosted) => {
      const job = inspected({
        ...OPTIONS,
        variables: { use_selfhosted: value },
      }).toggle;
      expect(job).toMatchObject({ labels, hosted });
      expect(job.candidates).toBeUndefined();
      expect(job.runnerChoice?.variables).toEqual([
        { name: 'vars.USE_SELFHOSTED', value },
      ]);
    },
  );

  it('reads a known JSON variable through fromJSON', () => {
    const job = inspected({
      ...OPTIONS,
      variables: { RUNNER_LABELS: '["self-hosted","tinyland-nix"]' },
    })['from-json'];
    expect(job.labels).toEqual(['self-hosted', 'tinyland-nix']);
    expect(job.runnerClass).toBe('tinyland-nix');
  });

  it('treats a job if: on the same variables the same way', () => {
    expect(inspected()['hosted-when-off']).toMatchObject({ hosted: true });
    const off = inspected({
      ...OPTIONS,
      variables: { USE_SELFHOSTED: 'true' },
    })['hosted-when-off'];
    expect(off).toMatchObject({
      hosted: false,
      runnerChoice: { skipped: true },
    });
  });

  it('reads the {group, labels} object built with format and toJSON, braces in strings included', () => {
    const text = `on:
  workflow_call:
    inputs:
      runner_group: { type: string, default: '' }
      runner_class: { type: string, default: tinyland-nix }
jobs:
  a:
    if: needs.gate.result == 'success'
    runs-on: >-
      \${{ inputs.runner_group != '' &&
      fromJSON(format('{{"group":{0},"labels":{1}}}', toJSON(inputs.runner_group), toJSON(inputs.runner_class)))
      || inputs.runner_class }}
    steps: [{ run: echo }]
`;
    const [job] = inspectWorkflow('w.yml', text).jobs;
    expect(job).toMatchObject({
      labels: ['tinyland-nix'],
      runnerClass: 'tinyland-nix',
    });
    // an if: that does not read variables says whether the job runs, not where: left out
    expect(job.runnerChoice?.choices).toEqual([
      {
        labels: ['tinyland-nix'],
        condition: '',
        runnerClass: 'tinyland-nix',
        hosted: false,
      },
    ]);
    const called = inspectWorkflow(
      'w.yml',
      text.replace("default: ''", "default: 'pool'"),
    ).jobs[0];
    expect(called.labels).toEqual(['tinyland-nix']);
  });

  it('leaves expressions outside the subset unevaluated, saying why', () => {
    const text = `on: push
jobs:
  a:
    runs-on: \${{ contains(github.ref, 'main') && 'x' || 'y' }}
    steps: [{ run: echo }]
`;
    const [job] = inspectWorkflow('w.yml', text).jobs;
    expect(job.runnerChoice?.unsupported).toBe(
      'function contains() is not evaluated',
    );
    expect(job.candidates).toBeUndefined();
  });
});

describe('parseRemoteUses', () => {
  it.each([
    [
      'o/r/.github/workflows/x.yml@v1',
      {
        ref: { owner: 'o', repo: 'r', ref: 'v1' },
        path: '.github/workflows/x.yml',
      },
    ],
    ['o/r@main', { ref: { owner: 'o', repo: 'r', ref: 'main' }, path: '' }],
    ['./.github/actions/x', undefined],
    ['docker://alpine:3@sha256:abc', undefined],
    ['o/r/../x@v1', undefined],
    ['o/r', undefined],
  ])('%s', (uses, expected) => {
    expect(parseRemoteUses(uses)).toEqual(expected);
  });
});
