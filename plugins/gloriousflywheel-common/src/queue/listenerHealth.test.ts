import { listenerHealthOf, runnerFailuresOf } from './listenerHealth';

const sets = [
  { namespace: 'arc-runners', name: 'tinyland-nix' },
  { namespace: 'arc-runners', name: 'tinyland-docker' },
  { namespace: 'arc-runners', name: 'tinyland-dind' },
  { namespace: 'arc-runners', name: 'tinyland-nix-heavy' },
];
const listener = (set: string, name = `${set}-abc-listener`) => ({
  metadata: {
    name,
    namespace: 'arc-systems',
    labels: {
      'actions.github.com/scale-set-name': set,
      'actions.github.com/scale-set-namespace': 'arc-runners',
    },
  },
  spec: {
    autoscalingRunnerSetName: set,
    autoscalingRunnerSetNamespace: 'arc-runners',
  },
});
const pod = (name: string, ready: boolean, phase = 'Running') => ({
  metadata: { name, namespace: 'arc-systems' },
  status: {
    phase,
    conditions: [
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        lastTransitionTime: '2026-12-01T10:00:00Z',
      },
    ],
    containerStatuses: [
      {
        state: ready
          ? {}
          : {
              waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' },
            },
      },
    ],
  },
});

describe('listenerHealthOf', () => {
  it('tells ready, crash-looping, pod-less and missing listeners apart', () => {
    const health = listenerHealthOf(
      'honey',
      sets,
      [
        listener('tinyland-nix'),
        listener('tinyland-docker'),
        listener('tinyland-dind'),
      ],
      [
        pod('tinyland-nix-abc-listener', true),
        pod('tinyland-docker-abc-listener', false),
      ],
    );
    expect(health.map(h => [h.scaleSet, h.state, h.message])).toEqual([
      ['tinyland-nix', 'ready', null],
      [
        'tinyland-docker',
        'not-ready',
        'Pod Running: CrashLoopBackOff: back-off 5m0s',
      ],
      ['tinyland-dind', 'not-ready', 'listener Pod missing'],
      [
        'tinyland-nix-heavy',
        'missing',
        'no AutoscalingListener for this scale set',
      ],
    ]);
    expect(health[0]).toMatchObject({
      cluster: 'honey',
      listener: 'arc-systems/tinyland-nix-abc-listener',
      since: '2026-12-01T10:00:00.000Z',
    });
  });

  it('matches by labels when the spec lacks the scale set, and a pending pod is not ready', () => {
    const byLabels = { metadata: listener('tinyland-nix').metadata };
    const [h] = listenerHealthOf(
      'honey',
      sets.slice(0, 1),
      [byLabels],
      [pod('tinyland-nix-abc-listener', false, 'Pending')],
    );
    expect(h.state).toBe('not-ready');
    expect(h.message).toMatch(/^Pod Pending/);
  });
});

describe('runnerFailuresOf', () => {
  it('lists failed EphemeralRunners with their reason and message', () => {
    const failures = runnerFailuresOf('honey', [
      {
        metadata: {
          name: 'tinyland-nix-x-runner-1',
          namespace: 'arc-runners',
          labels: { 'actions.github.com/scale-set-name': 'tinyland-nix' },
          creationTimestamp: '2026-12-01T11:00:00Z',
        },
        status: {
          phase: 'Failed',
          reason: 'TooManyPodFailures',
          message: 'Pod has failed to start more than 5 times',
        },
      },
      {
        metadata: {
          name: 'ok',
          labels: { 'actions.github.com/scale-set-name': 'tinyland-nix' },
        },
        status: { phase: 'Running' },
      },
      { metadata: { name: 'orphan' }, status: { phase: 'Failed' } },
    ]);
    expect(failures).toEqual([
      {
        cluster: 'honey',
        namespace: 'arc-runners',
        scaleSet: 'tinyland-nix',
        runner: 'tinyland-nix-x-runner-1',
        message:
          'TooManyPodFailures: Pod has failed to start more than 5 times',
        at: '2026-12-01T11:00:00.000Z',
      },
    ]);
  });
});
