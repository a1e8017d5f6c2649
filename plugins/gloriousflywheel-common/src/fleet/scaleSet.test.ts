import { DEFAULT_RUNNER_CLASSES } from '../runnerClasses';
import {
  detectManagedBy,
  matchRunnerClassForScaleSet,
  ownerFromConfigUrl,
  parsePausedFrom,
  toScaleSet,
} from './scaleSet';

describe('matchRunnerClassForScaleSet', () => {
  it.each([
    [
      'scale-set name',
      { runnerScaleSetName: 'tinyland-docker', labels: [] },
      'tinyland-docker',
      'scale-set-name',
    ],
    [
      'name case-insensitively',
      { runnerScaleSetName: 'Tinyland-Nix', labels: [] },
      'tinyland-nix',
      'scale-set-name',
    ],
    [
      'a label when the name is unknown',
      { runnerScaleSetName: 'lab-pool', labels: ['x', 'tinyland-dind'] },
      'tinyland-dind',
      'label',
    ],
    [
      'the annotation over the name',
      {
        runnerScaleSetName: 'tinyland-nix',
        labels: [],
        annotations: {
          'gloriousflywheel.io/runner-class': 'tinyland-nix-heavy',
        },
      },
      'tinyland-nix-heavy',
      'annotation',
    ],
    [
      'the name when the annotation names an unknown class',
      {
        runnerScaleSetName: 'tinyland-nix',
        labels: [],
        annotations: { 'gloriousflywheel.io/runner-class': 'nope' },
      },
      'tinyland-nix',
      'scale-set-name',
    ],
  ])('matches by %s', (_what, input, cls, by) => {
    expect(matchRunnerClassForScaleSet(input, DEFAULT_RUNNER_CLASSES)).toEqual({
      runnerClass: cls,
      matchedBy: by,
    });
  });

  it('returns null when nothing matches (the scale set is then unclassified)', () => {
    expect(
      matchRunnerClassForScaleSet(
        { runnerScaleSetName: 'gpu', labels: ['cuda'] },
        DEFAULT_RUNNER_CLASSES,
      ),
    ).toBeNull();
  });
});

describe('toScaleSet', () => {
  const obj = {
    metadata: {
      name: 'jess-tinyland-nix',
      namespace: 'arc-runners',
      resourceVersion: '42',
      creationTimestamp: '2026-04-16T10:00:00Z',
      labels: { 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: {
        'gloriousflywheel.io/paused-from': JSON.stringify({
          minRunners: 1,
          maxRunners: null,
          by: 'user:default/ada',
          at: 'T',
          reason: 'drain',
        }),
      },
    },
    spec: {
      githubConfigUrl: 'https://github.com/Jesssullivan',
      runnerScaleSetName: 'tinyland-nix',
      minRunners: 0,
      maxRunners: 0,
      runnerScaleSetLabels: ['tinyland-nix'],
    },
    status: {
      currentRunners: 2,
      pendingEphemeralRunners: 1,
      runningEphemeralRunners: 1,
      failedEphemeralRunners: 0,
    },
  };

  it('maps the CRD fields, the owner overlay and the paused state', () => {
    const s = toScaleSet('honey', obj, DEFAULT_RUNNER_CLASSES);
    expect(s).toMatchObject({
      cluster: 'honey',
      namespace: 'arc-runners',
      name: 'jess-tinyland-nix',
      owner: 'Jesssullivan',
      runnerClass: 'tinyland-nix',
      maxRunners: 0,
      managedBy: 'Helm',
      runners: { current: 2, pending: 1, running: 1, failed: 0 },
      paused: { minRunners: 1, maxRunners: null, reason: 'drain' },
      createdAt: '2026-04-16T10:00:00.000Z',
    });
  });

  it('keeps an absent maxRunners as null (unlimited), not 0', () => {
    const s = toScaleSet(
      'honey',
      { ...obj, spec: { ...obj.spec, maxRunners: undefined } },
      DEFAULT_RUNNER_CLASSES,
    );
    expect(s.maxRunners).toBeNull();
  });

  it('prefers live EphemeralRunner counts over the status', () => {
    const s = toScaleSet('honey', obj, DEFAULT_RUNNER_CLASSES, {
      pending: 5,
      running: 0,
      failed: 2,
    });
    expect(s.runners).toEqual({
      current: 2,
      pending: 5,
      running: 0,
      failed: 2,
    });
  });
});

describe('small parsers', () => {
  it.each([
    ['https://github.com/tinyland-inc', 'tinyland-inc'],
    ['https://github.com/tinyland-inc/lab', 'tinyland-inc'],
    ['https://ghe.example.com/enterprises/acme', 'acme'],
  ])('ownerFromConfigUrl(%s) = %s', (url, owner) =>
    expect(ownerFromConfigUrl(url)).toBe(owner),
  );

  it.each([
    [{}, { 'argocd.argoproj.io/tracking-id': 'x' }, 'Argo CD'],
    [{ 'kustomize.toolkit.fluxcd.io/name': 'arc' }, {}, 'Flux'],
    [{}, { 'meta.helm.sh/release-name': 'arc' }, 'Helm'],
    [{ 'app.kubernetes.io/managed-by': 'tofu' }, {}, 'tofu'],
    [{}, {}, null],
  ])('detectManagedBy(%j, %j) = %s', (labels, annotations, expected) =>
    expect(detectManagedBy(labels, annotations)).toBe(expected),
  );

  it.each([[undefined], ['not json'], ['"a string"'], ['null']])(
    'parsePausedFrom(%s) is null',
    v => expect(parsePausedFrom(v)).toBeNull(),
  );
});
