import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { remoteBlockFileKey } from '../../workflows';
import {
  TEST_NOW,
  evaluateCheck,
  workflow,
} from '../__testing__/evaluateCheck';
import { createScorecardContext } from '../runScorecard';
import { DEFAULT_SCORECARD_CONFIG } from '../scorecardConfig';
import { hostedRunnersCheck } from './hostedRunners';

const REGISTER = '.github/gloriousflywheel-exceptions.yaml';
const W = '.github/workflows/ci.yml';

describe('hosted-runners check', () => {
  it('passes when every job runs on a runner class', () => {
    const result = evaluateCheck(hostedRunnersCheck, {
      [W]: workflow('tinyland-nix'),
    });
    expect(result.verdict).toBe('pass');
    expect(result.evidence).toEqual([]);
  });

  it('fails a hosted job with no exception, pointing at its runs-on line', () => {
    const result = evaluateCheck(hostedRunnersCheck, {
      [W]: workflow('ubuntu-latest'),
    });
    expect(result.verdict).toBe('fail');
    expect(result.evidence).toEqual([
      expect.objectContaining({
        path: W,
        line: 4,
        excerpt: 'runs-on: ubuntu-latest',
        verdict: 'fail',
      }),
    ]);
  });

  it('exempts a hosted job listed in the register until its expiry', () => {
    const files = {
      [W]: workflow('ubuntu-latest'),
      [REGISTER]:
        'exceptions:\n  - {job: build, reason: Pages OIDC, owner: "@jess", expires: 2026-04-25, category: control-plane}\n',
    };
    const result = evaluateCheck(hostedRunnersCheck, files);
    expect(result.verdict).toBe('exempt');
    expect(result.evidence[0]).toMatchObject({
      verdict: 'exempt',
      note: expect.stringContaining('@jess'),
    });
  });

  it('fails once the exception has expired', () => {
    const files = {
      [W]: workflow('ubuntu-latest'),
      [REGISTER]:
        'exceptions:\n  - {job: build, reason: r, owner: "@jess", expires: 2026-04-24}\n',
    };
    const result = evaluateCheck(hostedRunnersCheck, files, { now: TEST_NOW });
    expect(result.verdict).toBe('fail');
    expect(result.evidence[0].note).toMatch(/expired on 2026-04-24/);
  });

  it('does not let an exception for another workflow exempt the job', () => {
    const files = {
      [W]: workflow('ubuntu-latest'),
      [REGISTER]:
        '- {job: build, workflow: pages.yml, reason: r, owner: o, expires: 2099-01-01}\n',
    };
    expect(evaluateCheck(hostedRunnersCheck, files).verdict).toBe('fail');
  });

  it('fails on an invalid register entry even with no hosted job', () => {
    const files = {
      [W]: workflow('tinyland-nix'),
      [REGISTER]: '- {job: build, reason: r}\n',
    };
    const result = evaluateCheck(hostedRunnersCheck, files);
    expect(result.verdict).toBe('fail');
    expect(result.evidence[0]).toMatchObject({ path: REGISTER, line: 1 });
  });

  it('is unknown for expression runners, remote reusable workflows and unparsable files', () => {
    const files = {
      '.github/workflows/a.yml': workflow('${{ inputs.runner }}'),
      '.github/workflows/b.yml':
        'on: push\njobs:\n  lint:\n    uses: org/templates/.github/workflows/lint.yml@v1\n',
      '.github/workflows/c.yml': 'on: push\njobs: [\n',
    };
    const result = evaluateCheck(hostedRunnersCheck, files);
    expect(result.verdict).toBe('unknown');
    expect(result.evidence.map(e => [e.path, e.verdict])).toEqual([
      ['.github/workflows/c.yml', 'unknown'],
      ['.github/workflows/a.yml', 'unknown'],
      ['.github/workflows/b.yml', 'unknown'],
    ]);
  });

  it('fails a matrix that can resolve to a hosted image', () => {
    const text = [
      'on: push',
      'jobs:',
      '  test:',
      '    strategy: {matrix: {os: [tinyland-nix, macos-14]}}',
      '    runs-on: ${{ matrix.os }}',
      '    steps: [{run: make}]',
    ].join('\n');
    const result = evaluateCheck(hostedRunnersCheck, { [W]: text });
    expect(result.verdict).toBe('fail');
    expect(result.evidence[0].note).toMatch(/macos-14/);
  });

  it('judges a local reusable workflow by its jobs and ignores non-workflow paths', () => {
    const files = {
      [W]: 'on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n',
      '.github/workflows/build.yml': `on: workflow_call\n${workflow(
        'tinyland-nix',
      )
        .split('\n')
        .slice(1)
        .join('\n')}`,
      '.github/workflows/nested/old.yml': workflow('ubuntu-latest'),
      'examples/ci.yml': workflow('ubuntu-latest'),
    };
    expect(evaluateCheck(hostedRunnersCheck, files).verdict).toBe('pass');
    // the called file missing is said, never a pass
    const { '.github/workflows/build.yml': _, ...missing } = files;
    const result = evaluateCheck(hostedRunnersCheck, missing);
    expect(result.verdict).toBe('unknown');
    expect(result.evidence[0].note).toBe(
      'Job call calls ./.github/workflows/build.yml: No file at ./.github/workflows/build.yml',
    );
  });

  it('uses configured larger-runner names', () => {
    const files = { [W]: workflow('org-gpu-large') };
    // unconfigured, it is a label no runner class serves
    expect(evaluateCheck(hostedRunnersCheck, files).verdict).toBe('unknown');
    expect(
      evaluateCheck(hostedRunnersCheck, files, {
        config: { hostedLabels: ['org-*-large'] },
      }).verdict,
    ).toBe('fail');
  });

  // issue 15: every job that is not hosted and matches no runner class gets a verdict
  it.each([
    ['[self-hosted, honey]', 'fail', /pins self-hosted host honey/],
    ['[self-hosted, linux, honey]', 'fail', /pins self-hosted host honey/],
    [
      'tinyland-nix-kvm',
      'unknown',
      /did you mean tinyland-nix-kvm → tinyland-nix\?/,
    ],
    ['tinyland-nixx', 'unknown', /did you mean tinyland-nixx → tinyland-nix\?/],
    [
      '[self-hosted, tinyland-nixx]',
      'unknown',
      /did you mean tinyland-nixx → tinyland-nix\?/,
    ],
    ['[self-hosted, linux, x64]', 'unknown', /any self-hosted runner/],
    ['my-build-box', 'unknown', /no runner class serves(?!.*did you mean)/],
  ])('runs-on %s -> %s', (runsOn, verdict, note) => {
    const result = evaluateCheck(hostedRunnersCheck, { [W]: workflow(runsOn) });
    expect(result.verdict).toBe(verdict);
    expect(result.evidence).toEqual([
      expect.objectContaining({
        path: W,
        line: 4,
        verdict,
        note: expect.stringMatching(note),
      }),
    ]);
  });

  it('takes a host pin off the pool only by a register entry whose category the org allows', () => {
    const register = (category: string) => ({
      [W]: workflow('[self-hosted, honey-gpu]'),
      [REGISTER]: `exceptions:\n  - {job: build, reason: GPU node, owner: "@jess", expires: 2099-01-01, category: ${category}}\n`,
    });
    const allowed = evaluateCheck(hostedRunnersCheck, register('hardware'), {
      config: { exceptionCategories: ['control-plane', 'hardware'] },
    });
    expect(allowed.verdict).toBe('exempt');
    expect(allowed.evidence[0]).toMatchObject({
      line: 4,
      verdict: 'exempt',
      note: expect.stringMatching(/^Exempt as hardware until 2099-01-01/),
    });
    // the same entry under the default categories does not exempt it
    const refused = evaluateCheck(hostedRunnersCheck, register('hardware'));
    expect(refused.verdict).toBe('fail');
    expect(refused.evidence[0].note).toMatch(
      /is hardware, a category that does not exempt/,
    );
    // without an entry the pin fails as before
    const none = evaluateCheck(hostedRunnersCheck, {
      [W]: workflow('[self-hosted, honey-gpu]'),
    });
    expect(none.evidence[0].note).toBe(
      'Job build pins self-hosted host honey-gpu, outside the runner classes with no exception',
    );
  });

  it('passes a self-hosted job whose labels select a runner class', () => {
    const result = evaluateCheck(hostedRunnersCheck, {
      [W]: workflow('[self-hosted, tinyland-docker]'),
    });
    expect(result).toMatchObject({ verdict: 'pass', evidence: [] });
  });

  it('suggests the hosted image a typo was meant to be', () => {
    const result = evaluateCheck(hostedRunnersCheck, {
      [W]: workflow('ubuntu-lates'),
    });
    expect(result.verdict).toBe('fail');
    expect(result.evidence[0].note).toMatch(
      /did you mean ubuntu-lates → ubuntu-latest\?/,
    );
  });

  it.each([
    [{}, /No CI: no workflows/],
    [{ [W]: '# all commented out\n' }, /No CI: 1 workflows with no jobs/],
    [{ 'README.md': '# x\n' }, /No CI/],
  ])(
    'is unknown ("no CI"), never pass, for a repository with no jobs: %j',
    (files, summary) => {
      const result = evaluateCheck(hostedRunnersCheck, files);
      expect(result.verdict).toBe('unknown');
      expect(result.summary).toMatch(summary);
    },
  );

  // hosted-runner exceptions carry a category; only allowed ones exempt
  it.each([
    ['control-plane', {}, 'exempt', /Exempt as control-plane until 2099-01-01/],
    ['Control-Plane', {}, 'exempt', /Exempt as Control-Plane/],
    [
      'low-risk',
      {},
      'fail',
      /is low-risk, a category that does not exempt \(allowed: control-plane\)/,
    ],
    [undefined, {}, 'fail', /has no category \(one of control-plane\)/],
    [
      'low-risk',
      { exceptionCategories: ['control-plane', 'low-risk'] },
      'exempt',
      /Exempt as low-risk/,
    ],
  ])(
    'an exception of category %s with config %j -> %s',
    (category, config, verdict, note) => {
      const entry = `{job: build, reason: r, owner: "@jess", expires: 2099-01-01${
        category ? `, category: ${category}` : ''
      }}`;
      const result = evaluateCheck(
        hostedRunnersCheck,
        {
          [W]: workflow('ubuntu-latest'),
          [REGISTER]: `exceptions:\n  - ${entry}\n`,
        },
        { config },
      );
      expect(result.verdict).toBe(verdict);
      expect(result.evidence).toEqual([
        expect.objectContaining({ verdict, note: expect.stringMatching(note) }),
      ]);
    },
  );

  it('fails an expired exception whatever its category', () => {
    const files = {
      [W]: workflow('ubuntu-latest'),
      [REGISTER]:
        '- {job: build, reason: r, owner: o, expires: 2026-04-24, category: control-plane}\n',
    };
    expect(evaluateCheck(hostedRunnersCheck, files).evidence[0].note).toMatch(
      /expired on 2026-04-24/,
    );
  });

  // the org's opt-in toggle: the variable decides, so without its value the job is undecided
  const TOGGLE =
    "${{ vars.USE_SELFHOSTED == 'true' && 'tinyland-nix' || 'ubuntu-latest' }}";
  it('is unknown for a USE_SELFHOSTED toggle whose value is not known, naming both sides', () => {
    const result = evaluateCheck(hostedRunnersCheck, { [W]: workflow(TOGGLE) });
    expect(result.verdict).toBe('unknown');
    expect(result.evidence[0].note).toBe(
      "Job build runs on tinyland-nix when vars.USE_SELFHOSTED == 'true', else on hosted ubuntu-latest when vars.USE_SELFHOSTED != 'true'; vars.USE_SELFHOSTED not known",
    );
  });

  it('still fails a matrix over a hosted image (every value runs)', () => {
    const text = [
      'on: push',
      'jobs:',
      '  build:',
      '    strategy: {matrix: {os: [tinyland-nix, ubuntu-latest]}}',
      '    runs-on: ${{ matrix.os }}',
      '    steps: [{run: make}]',
    ].join('\n');
    expect(evaluateCheck(hostedRunnersCheck, { [W]: text }).verdict).toBe(
      'fail',
    );
  });

  it.each([
    ['true', 'pass'],
    ['false', 'fail'],
  ])(
    'decides the toggle when the variable is known (USE_SELFHOSTED=%s -> %s)',
    (value, verdict) => {
      const context = createScorecardContext(
        {
          defaultBranch: 'main',
          files: { [W]: workflow(TOGGLE) },
          blocks: { variables: { USE_SELFHOSTED: value } },
        },
        DEFAULT_SCORECARD_CONFIG,
        TEST_NOW,
      );
      expect(hostedRunnersCheck.rule(context).verdict).toBe(verdict);
    },
  );

  it('gives a verdict to a matrix candidate no runner class serves', () => {
    const text = [
      'on: push',
      'jobs:',
      '  build:',
      '    strategy: {matrix: {runner: [tinyland-nix, tinyland-nix-kvm]}}',
      '    runs-on: ${{ matrix.runner }}',
      '    steps: [{run: make}]',
    ].join('\n');
    const result = evaluateCheck(hostedRunnersCheck, { [W]: text });
    expect(result.verdict).toBe('unknown');
    expect(result.evidence[0].note).toBe(
      'Job build may run on tinyland-nix-kvm, which no runner class serves (did you mean tinyland-nix-kvm → tinyland-nix?)',
    );
  });

  // issue 14: a job that calls a reusable workflow is judged by the jobs it calls, at its own line
  describe('jobs that call reusable workflows (fixture __fixtures__/callers)', () => {
    const ROOT = join(__dirname, '..', '..', '__fixtures__', 'callers');
    const CI = '.github/workflows/ci.yml';
    const read = (dir: string) =>
      Object.fromEntries(
        readdirSync(dir, { recursive: true, withFileTypes: true })
          .filter(e => e.isFile())
          .map(e => {
            const full = join(e.parentPath, e.name);
            return [
              full
                .slice(dir.length + 1)
                .split('\\')
                .join('/'),
              readFileSync(full, 'utf8'),
            ];
          }),
      );
    const templates = read(
      join(ROOT, 'remote', 'tinyland-inc', 'ci-templates'),
    );
    // the org's template repository at v1, as the backend scan stores what it read
    const remoteFiles = Object.fromEntries([
      ...Object.entries(templates).map(([path, text]) => [
        remoteBlockFileKey({
          owner: 'tinyland-inc',
          repo: 'ci-templates',
          path,
          ref: 'v1',
        }),
        { text },
      ]),
      [
        remoteBlockFileKey({
          owner: 'tinyland-inc',
          repo: 'ci-templates',
          path: '.github/workflows/absent.yml',
          ref: 'v1',
        }),
        { missing: true as const },
      ],
    ]);
    const files = read(join(ROOT, 'repo'));
    const run = (
      variables: Record<string, string> = {},
      extra: Record<string, string> = {},
    ) =>
      hostedRunnersCheck.rule(
        createScorecardContext(
          {
            defaultBranch: 'main',
            files: { ...files, ...extra },
            blocks: { remoteFiles, variables },
          },
          DEFAULT_SCORECARD_CONFIG,
          TEST_NOW,
        ),
      );
    const lineOf = (text: string, job: string) =>
      text.split('\n').indexOf(`  ${job}:`) + 2;
    const ofJob = (result: ReturnType<typeof run>, job: string) =>
      result.evidence.filter(
        e => e.path === CI && e.line === lineOf(files[CI], job),
      );
    const BUILD = 'tinyland-inc/ci-templates/.github/workflows/build.yml@v1';

    it.each([
      [
        'remote-hosted',
        'fail',
        `Job remote-hosted calls ${BUILD}, whose job build runs on hosted ubuntu-latest (${BUILD}:9: runs-on: \${{ inputs.runner }}) with no exception`,
      ],
      ['remote-pooled', 'pass', undefined],
      [
        'remote-host-pin',
        'fail',
        'Job remote-host-pin calls tinyland-inc/ci-templates/.github/workflows/pinned.yml@v1: Job deploy pins self-hosted host honey, outside the runner classes (tinyland-inc/ci-templates/.github/workflows/pinned.yml@v1:4: runs-on: [self-hosted, honey])',
      ],
      [
        'remote-nested',
        'fail',
        `Job remote-nested calls tinyland-inc/ci-templates/.github/workflows/outer.yml@v1, whose job inner calls ${BUILD}, whose job build runs on hosted ubuntu-latest (${BUILD}:9: runs-on: \${{ inputs.runner }}) with no exception`,
      ],
      [
        'remote-toggle',
        'unknown',
        "Job remote-toggle calls tinyland-inc/ci-templates/.github/workflows/toggle.yml@v1: Job test runs on tinyland-nix when vars.USE_SELFHOSTED == 'true', else on hosted ubuntu-latest when vars.USE_SELFHOSTED != 'true'; vars.USE_SELFHOSTED not known (tinyland-inc/ci-templates/.github/workflows/toggle.yml@v1:4: runs-on: ${{ vars.USE_SELFHOSTED == 'true' && 'tinyland-nix' || 'ubuntu-latest' }})",
      ],
      [
        'remote-cycle',
        'unknown',
        'Job remote-cycle calls tinyland-inc/ci-templates/.github/workflows/loop.yml@v1, whose job again calls tinyland-inc/ci-templates/.github/workflows/loop.yml@v1: tinyland-inc/ci-templates/.github/workflows/loop.yml@v1 calls itself',
      ],
      [
        'remote-missing',
        'unknown',
        'Job remote-missing calls tinyland-inc/ci-templates/.github/workflows/absent.yml@v1: No file at tinyland-inc/ci-templates/.github/workflows/absent.yml@v1',
      ],
      [
        'remote-other-org',
        'unknown',
        'Job remote-other-org calls someone-else/templates/.github/workflows/build.yml@v1: Remote workflow someone-else/templates/.github/workflows/build.yml@v1 is not followed',
      ],
      [
        'local-hosted',
        'fail',
        'Job local-hosted calls ./.github/workflows/reusable.yml, whose job build runs on hosted ubuntu-latest (.github/workflows/reusable.yml:9: runs-on: ${{ inputs.runner }}) with no exception',
      ],
      ['local-pooled', 'pass', undefined],
      [
        'local-missing',
        'unknown',
        'Job local-missing calls ./.github/workflows/absent.yml: No file at ./.github/workflows/absent.yml',
      ],
    ])('%s -> %s at the caller line', (job, verdict, note) => {
      const line = lineOf(files[CI], job);
      const excerpt = files[CI].split('\n')[line - 1].trim();
      const expected =
        verdict === 'pass' ? [] : [{ path: CI, line, excerpt, verdict, note }];
      expect(ofJob(run(), job)).toEqual(expected);
    });

    it('fails overall, and judges the local callee on its own file too', () => {
      const result = run();
      expect(result.verdict).toBe('fail');
      // reusable.yml standalone runs on its default (tinyland-nix): nothing to say
      expect(result.evidence.every(e => e.path === CI)).toBe(true);
    });

    it.each([
      ['true', []],
      ['false', ['fail']],
    ])(
      'a known USE_SELFHOSTED=%s decides the callee toggle',
      (value, verdicts) => {
        const found = ofJob(run({ USE_SELFHOSTED: value }), 'remote-toggle');
        expect(found.map(e => e.verdict)).toEqual(verdicts);
      },
    );

    it('an exception for the caller job exempts a hosted callee', () => {
      const result = run(
        {},
        {
          [REGISTER]:
            '- {job: remote-hosted, workflow: ci.yml, reason: template migration, owner: "@jess", expires: 2099-01-01, category: control-plane}\n',
        },
      );
      expect(ofJob(result, 'remote-hosted')).toEqual([
        expect.objectContaining({
          verdict: 'exempt',
          note: 'Exempt as control-plane until 2099-01-01 (owner @jess): template migration',
        }),
      ]);
      // another caller of the same callee is not exempted
      expect(ofJob(result, 'remote-nested').map(e => e.verdict)).toEqual([
        'fail',
      ]);
    });

    it('an exception for a local callee job exempts its callers; a remote callee needs the caller', () => {
      const result = run(
        {},
        {
          [REGISTER]:
            '- {job: build, workflow: .github/workflows/reusable.yml, reason: r, owner: "@jess", expires: 2099-01-01, category: control-plane}\n',
        },
      );
      expect(ofJob(result, 'local-hosted').map(e => e.verdict)).toEqual([
        'exempt',
      ]);
      expect(ofJob(result, 'remote-hosted').map(e => e.verdict)).toEqual([
        'fail',
      ]);
    });

    it('says the remote callee was not followed when its file was not read', () => {
      const result = hostedRunnersCheck.rule(
        createScorecardContext(
          { defaultBranch: 'main', files },
          DEFAULT_SCORECARD_CONFIG,
          TEST_NOW,
        ),
      );
      expect(ofJob(result, 'remote-pooled')).toEqual([
        expect.objectContaining({
          verdict: 'unknown',
          note: `Job remote-pooled calls ${BUILD}: Remote workflow ${BUILD} is not followed`,
        }),
      ]);
    });
  });
});
