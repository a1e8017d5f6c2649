import { DEFAULT_RUNNER_CLASSES } from '../runnerClasses';
import { ClusterStatus, ScaleSet } from '../fleet/types';
import { diagnoseJob, JobDiagnosisInput } from './diagnoseJob';

const NOW = new Date('2026-12-01T12:00:00Z');

function scaleSet(name: string, extra: Partial<ScaleSet> = {}): ScaleSet {
  return {
    cluster: 'honey',
    namespace: 'arc-runners',
    name,
    runnerScaleSetName: name,
    githubConfigUrl: 'https://github.com/tinyland-inc',
    owner: 'tinyland-inc',
    runnerGroup: null,
    minRunners: 0,
    maxRunners: 4,
    labels: [],
    runnerClass: name,
    matchedBy: 'scale-set-name',
    runners: { current: 1, pending: 0, running: 1, failed: 0 },
    paused: null,
    managedBy: null,
    resourceVersion: '1',
    createdAt: null,
    ...extra,
  };
}

const cluster: ClusterStatus = {
  name: 'honey',
  state: 'synced',
  since: '2026-12-01T10:00:00Z',
  lastSyncAt: '2026-12-01T11:59:00Z',
  message: null,
  scaleSets: 4,
};

function input(
  labels: string[],
  extra: Partial<JobDiagnosisInput> = {},
): JobDiagnosisInput {
  return {
    job: {
      id: 100,
      repo: 'tinyland-inc/lab',
      name: 'build',
      labels,
      status: 'queued',
      createdAt: '2026-12-01T11:58:00Z',
      startedAt: null,
      htmlUrl: null,
    },
    now: NOW,
    runnerClasses: DEFAULT_RUNNER_CLASSES,
    scaleSets: ['tinyland-nix', 'tinyland-docker', 'tinyland-dind'].map(n =>
      scaleSet(n),
    ),
    clusters: [cluster],
    listeners: [],
    runnerFailures: [],
    queuedJobs: [],
    caches: [],
    classP95Seconds: 300,
    ...extra,
  };
}

const PAUSED = {
  minRunners: 1,
  maxRunners: 4,
  by: 'oscar',
  at: '2026-12-01T11:00:00Z',
  reason: 'node drain',
};
const kinds = (i: JobDiagnosisInput) =>
  diagnoseJob(i).reasons.map(r => `${r.kind}:${r.severity}`);

describe('diagnoseJob', () => {
  it.each<[string, JobDiagnosisInput, string[]]>([
    [
      'a healthy class within its p95',
      input(['tinyland-nix']),
      ['within-p95:info'],
    ],
    [
      'a healthy class beyond its p95',
      input(['tinyland-nix'], { classP95Seconds: 60 }),
      ['beyond-p95:info'],
    ],
    ['a hosted job', input(['ubuntu-latest']), ['hosted:info']],
    ['a label typo', input(['tinyland-nixx']), ['no-match:block']],
    ['a hosted-image typo', input(['ubuntu-lates']), ['no-match:block']],
    [
      'generic labels only',
      input(['self-hosted', 'linux']),
      ['no-match:block'],
    ],
    [
      'the only scale set paused',
      input(['tinyland-docker'], {
        scaleSets: [
          scaleSet('tinyland-docker', {
            paused: PAUSED,
            maxRunners: 0,
            runners: { current: 0, pending: 0, running: 0, failed: 0 },
          }),
        ],
      }),
      ['paused:block'],
    ],
    [
      'one of two scale sets paused',
      input(['tinyland-docker'], {
        scaleSets: [
          scaleSet('tinyland-docker', { paused: PAUSED }),
          scaleSet('tinyland-docker', { cluster: 'blahaj' }),
        ],
      }),
      ['paused:warning', 'within-p95:info'],
    ],
    [
      'at capacity',
      input(['tinyland-dind'], {
        scaleSets: [
          scaleSet('tinyland-dind', {
            runners: { current: 4, pending: 0, running: 4, failed: 0 },
          }),
        ],
      }),
      ['at-capacity:block'],
    ],
    [
      'unlimited is never at capacity',
      input(['tinyland-dind'], {
        scaleSets: [
          scaleSet('tinyland-dind', {
            maxRunners: null,
            runners: { current: 40, pending: 0, running: 40, failed: 0 },
          }),
        ],
      }),
      ['within-p95:info'],
    ],
    [
      'listener missing',
      input(['tinyland-nix'], {
        listeners: [
          {
            cluster: 'honey',
            namespace: 'arc-runners',
            scaleSet: 'tinyland-nix',
            state: 'missing',
            listener: null,
            message: null,
            since: null,
          },
        ],
      }),
      ['listener:block'],
    ],
    [
      'a ready listener',
      input(['tinyland-nix'], {
        listeners: [
          {
            cluster: 'honey',
            namespace: 'arc-runners',
            scaleSet: 'tinyland-nix',
            state: 'ready',
            listener: 'arc-systems/l',
            message: null,
            since: null,
          },
        ],
      }),
      ['within-p95:info'],
    ],
    [
      'stale cluster data',
      input(['tinyland-nix'], { clusters: [{ ...cluster, state: 'stale' }] }),
      ['stale-cluster:warning', 'within-p95:info'],
    ],
    [
      'a scale set of another organisation',
      input(['tinyland-nix'], {
        scaleSets: [
          scaleSet('tinyland-nix', {
            githubConfigUrl: 'https://github.com/jess',
          }),
        ],
      }),
      ['scope:block'],
    ],
    [
      'a scale set of another repository',
      input(['tinyland-nix'], {
        scaleSets: [
          scaleSet('tinyland-nix', {
            githubConfigUrl: 'https://github.com/tinyland-inc/XoxdWM',
          }),
        ],
      }),
      ['scope:block'],
    ],
    [
      'a scale set of the repository itself',
      input(['tinyland-nix'], {
        scaleSets: [
          scaleSet('tinyland-nix', {
            githubConfigUrl: 'https://github.com/Tinyland-Inc/lab',
          }),
        ],
      }),
      ['within-p95:info'],
    ],
    [
      'an enterprise scale set',
      input(['tinyland-nix'], {
        scaleSets: [
          scaleSet('tinyland-nix', {
            githubConfigUrl: 'https://github.com/enterprises/tiny',
          }),
        ],
      }),
      ['within-p95:info'],
    ],
    [
      'another runner group',
      input(['tinyland-nix'], {
        requestedGroup: 'gpu',
        scaleSets: [scaleSet('tinyland-nix', { runnerGroup: 'nix' })],
      }),
      ['scope:block'],
    ],
    [
      'the default runner group',
      input(['tinyland-nix'], { requestedGroup: 'Default' }),
      ['within-p95:info'],
    ],
    [
      'runners failing to start',
      input(['tinyland-nix'], {
        runnerFailures: [
          {
            cluster: 'honey',
            namespace: 'arc-runners',
            scaleSet: 'tinyland-nix',
            runner: 'tinyland-nix-abc-runner-x',
            message: 'ImagePullBackOff',
            at: null,
          },
        ],
      }),
      ['runners-failing:block'],
    ],
    [
      'caches down',
      input(['tinyland-nix'], {
        caches: [
          { name: 'attic-main', status: 'down', message: 'timeout' },
          { name: 'bazel', status: 'healthy' },
        ],
      }),
      ['caches-down:warning', 'within-p95:info'],
    ],
    [
      'several reasons in order',
      input(['tinyland-dind'], {
        clusters: [{ ...cluster, state: 'error' }],
        caches: [{ name: 'attic-main', status: 'down' }],
        listeners: [
          {
            cluster: 'honey',
            namespace: 'arc-runners',
            scaleSet: 'tinyland-dind',
            state: 'not-ready',
            listener: 'arc-systems/l',
            message: 'CrashLoopBackOff',
            since: null,
          },
        ],
        scaleSets: [
          scaleSet('tinyland-dind', {
            runners: { current: 4, pending: 0, running: 3, failed: 1 },
          }),
        ],
      }),
      [
        'at-capacity:block',
        'listener:block',
        'stale-cluster:warning',
        'runners-failing:block',
        'caches-down:warning',
      ],
    ],
  ])('%s', (_name, i, expected) => {
    expect(kinds(i)).toEqual(expected);
  });

  it('suggests the closest label for a typo', () => {
    const [r] = diagnoseJob(input(['tinyland-nixx'])).reasons;
    expect(r.summary).toBe(
      'no runner class matches; did you mean tinyland-nix?',
    );
    expect(r.fix).toContain('tinyland-nix');
    expect(r.evidence).toContain(
      'tinyland-nixx is not served; closest known label: tinyland-nix',
    );
  });

  it('suggests the hosted image for a hosted-label typo', () => {
    const [r] = diagnoseJob(input(['ubuntu-lates'])).reasons;
    expect(r.summary).toBe(
      'no GitHub-hosted image matches; did you mean ubuntu-latest?',
    );
  });

  it('says who paused, when, why, and links the audit record', () => {
    const d = diagnoseJob(
      input(['tinyland-docker'], {
        scaleSets: [scaleSet('tinyland-docker', { paused: PAUSED })],
      }),
    );
    const [r] = d.reasons;
    expect(r.summary).toBe('paused by oscar');
    expect(r.evidence[0]).toBe(
      'honey/arc-runners/tinyland-docker paused by oscar at 2026-12-01T11:00:00Z: node drain',
    );
    expect(r.links[0].url).toBe(
      '/gloriousflywheel/audit?target=honey%2Farc-runners%2Ftinyland-docker',
    );
  });

  it('counts the waiting jobs queued earlier for the same scale sets as ahead', () => {
    const i = input(['tinyland-dind'], {
      scaleSets: [
        scaleSet('tinyland-dind', {
          runners: { current: 4, pending: 0, running: 4, failed: 0 },
        }),
      ],
      queuedJobs: [
        {
          id: 1,
          labels: ['tinyland-dind'],
          repo: 'tinyland-inc/a',
          status: 'queued',
          createdAt: '2026-12-01T11:50:00Z',
        },
        {
          id: 2,
          labels: ['self-hosted', 'Tinyland-Dind'],
          repo: 'tinyland-inc/b',
          status: 'waiting',
          createdAt: '2026-12-01T11:57:00Z',
        },
        {
          id: 99,
          labels: ['tinyland-dind'],
          repo: 'tinyland-inc/a',
          status: 'queued',
          createdAt: '2026-12-01T11:58:00Z',
        },
        {
          id: 101,
          labels: ['tinyland-dind'],
          repo: 'tinyland-inc/a',
          status: 'queued',
          createdAt: '2026-12-01T11:58:00Z',
        },
        {
          id: 3,
          labels: ['tinyland-dind'],
          repo: 'tinyland-inc/c',
          status: 'in_progress',
          createdAt: '2026-12-01T11:40:00Z',
        },
        {
          id: 4,
          labels: ['tinyland-nix'],
          repo: 'tinyland-inc/c',
          status: 'queued',
          createdAt: '2026-12-01T11:40:00Z',
        },
        {
          id: 5,
          labels: ['tinyland-dind'],
          repo: 'tinyland-inc/c',
          status: 'queued',
          createdAt: '2026-12-01T11:59:00Z',
        },
      ],
    });
    const [r] = diagnoseJob(i).reasons;
    expect(r.summary).toBe('at capacity, 3 job(s) ahead');
    expect(r.evidence[0]).toBe(
      'honey/arc-runners/tinyland-dind: 4 of at most 4 runners',
    );
  });

  it('reports the wait against the class p95', () => {
    const d = diagnoseJob(input(['tinyland-nix']));
    expect(d.queuedSeconds).toBe(120);
    expect(d.reasons[0].summary).toBe(
      "queued 120 s, within this class's p95 of 300 s",
    );
    expect(d.runnerClass).toBe('tinyland-nix');
    expect(d.scaleSets).toEqual(['honey/arc-runners/tinyland-nix']);
  });

  it('gives a job that no longer waits no reasons', () => {
    const i = input(['tinyland-nix']);
    const d = diagnoseJob({
      ...i,
      job: {
        ...i.job,
        status: 'in_progress',
        startedAt: '2026-12-01T11:59:00Z',
      },
    });
    expect(d.reasons).toEqual([]);
    expect(d.queuedSeconds).toBe(60);
  });

  it('matches scale sets by runnerScaleSetLabels too', () => {
    const d = diagnoseJob(
      input(['gpu'], {
        scaleSets: [scaleSet('honey-gpu', { labels: ['gpu', 'cuda'] })],
      }),
    );
    expect(d.scaleSets).toEqual(['honey/arc-runners/honey-gpu']);
    expect(d.reasons.map(r => r.kind)).toEqual(['within-p95']);
  });
});
