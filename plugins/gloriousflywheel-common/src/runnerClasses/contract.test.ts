import {
  ContractScaleSet,
  evaluateRunnerClassContracts,
  formatContractScore,
  parseQuantity,
  RunnerClassContractInput,
} from './contract';
import {
  githubConfigScope,
  imageTag,
  readArcVersion,
  readRunnerTemplate,
  RunnerPodTemplate,
} from './contractFacts';
import {
  ContractCache,
  ContractCheckId,
  RunnerClassContract,
} from './contractTypes';
import { DEFAULT_RUNNER_CLASSES } from './runnerClass';

const ATTIC = 'http://attic-api.nix-cache.svc.cluster.local:8080';
const BAZEL = 'grpc://bazel-cache.nix-cache.svc.cluster.local:9092';
const caches: ContractCache[] = [
  {
    name: 'attic',
    kind: 'attic',
    url: ATTIC,
    cache: 'main',
    health: 'healthy',
  },
  { name: 'bazel', kind: 'bazel-grpc', url: BAZEL, health: 'healthy' },
];
const nixContract: RunnerClassContract = {
  cacheEnv: [
    { name: 'NIX_CONFIG' },
    { name: 'ATTIC_SERVER', cache: 'attic' },
    { name: 'ATTIC_CACHE', cache: '*' },
    { name: 'BAZEL_REMOTE_CACHE', cache: 'bazel' },
  ],
  memory: { min: '2Gi', max: '8Gi' },
  arcVersion: '0.14.0',
};

type Env = {
  name: string;
  value?: string;
  valueFrom?: Record<string, unknown>;
};
const goodEnv: Env[] = [
  { name: 'NIX_CONFIG', value: 'experimental-features = nix-command flakes' },
  { name: 'ATTIC_SERVER', value: ATTIC },
  { name: 'ATTIC_CACHE', value: 'main' },
  { name: 'BAZEL_REMOTE_CACHE', value: BAZEL },
];

function scaleSet(
  name: string,
  opts: {
    env?: Env[];
    limit?: string | null;
    request?: string;
    image?: string;
    version?: string | null;
    template?: RunnerPodTemplate;
    runnerClass?: string;
  } = {},
): ContractScaleSet {
  const template: RunnerPodTemplate = opts.template ?? {
    spec: {
      containers: [
        {
          name: 'runner',
          image: opts.image ?? 'ghcr.io/actions/actions-runner:2.321.0',
          env: opts.env ?? goodEnv,
          resources: {
            requests: { memory: opts.request ?? '1Gi' },
            limits: opts.limit === null ? {} : { memory: opts.limit ?? '8Gi' },
          },
        },
      ],
    },
  };
  const labels: Record<string, string> =
    opts.version === null
      ? {}
      : { 'app.kubernetes.io/version': opts.version ?? '0.14.0' };
  return {
    cluster: 'honey',
    namespace: 'arc-runners',
    name,
    runnerClass: opts.runnerClass ?? 'nix',
    runner: readRunnerTemplate(template),
    arc: readArcVersion(labels),
  };
}

function run(
  scaleSets: ContractScaleSet[],
  over: Partial<RunnerClassContractInput> = {},
  contract = nixContract,
) {
  return evaluateRunnerClassContracts({
    classes: [{ name: 'nix', contract }],
    scaleSets,
    caches,
    staleEndpoints: ['*.attic-cache-dev.*'],
    ...over,
  })[0];
}
const verdictOf = (r: ReturnType<typeof run>, id: ContractCheckId) =>
  r.checks.find(c => c.id === id)!;

describe('evaluateRunnerClassContracts', () => {
  it('passes every check for a scale set that keeps the contract', () => {
    const r = run([scaleSet('a')]);
    expect(r.checks.map(c => [c.id, c.verdict])).toEqual([
      ['cache-env-present', 'pass'],
      ['cache-env-target', 'pass'],
      ['no-stale-endpoint', 'pass'],
      ['memory-envelope', 'pass'],
      ['arc-version', 'pass'],
      ['image-tag', 'pass'],
    ]);
    expect(formatContractScore(r)).toBe('6/6');
  });

  describe('cache-env-present', () => {
    it('fails naming the missing variable, with the env list as evidence', () => {
      const c = verdictOf(
        run([
          scaleSet('a', { env: goodEnv.filter(e => e.name !== 'ATTIC_CACHE') }),
        ]),
        'cache-env-present',
      );
      expect(c.verdict).toBe('fail');
      expect(c.message).toBe('missing ATTIC_CACHE');
      expect(c.evidence).toContainEqual(
        expect.objectContaining({
          path: 'spec.template.spec.containers[0].env',
          note: 'ATTIC_CACHE is not set',
        }),
      );
    });
    it('counts a valueFrom reference as present', () => {
      const env = goodEnv.map(e =>
        e.name === 'ATTIC_SERVER'
          ? {
              name: e.name,
              valueFrom: { secretKeyRef: { name: 'attic', key: 'url' } },
            }
          : e,
      );
      expect(
        verdictOf(run([scaleSet('a', { env })]), 'cache-env-present').verdict,
      ).toBe('pass');
    });
    it('is not applicable when the class promises no cache env', () => {
      const r = run([scaleSet('a')], {}, { ...nixContract, cacheEnv: [] });
      expect(verdictOf(r, 'cache-env-present').verdict).toBe('not-applicable');
      expect(verdictOf(r, 'cache-env-target').verdict).toBe('not-applicable');
    });
    it('is unknown without a runner container', () => {
      const r = run([
        scaleSet('a', {
          template: { spec: { containers: [{ name: 'sidecar' }] } },
        }),
      ]);
      // the ARC version is read from the labels, not the template
      expect(
        r.checks.filter(c => c.verdict !== 'unknown').map(c => c.id),
      ).toEqual(['arc-version']);
      expect(formatContractScore(r)).toBe('1/6');
    });
  });

  describe('cache-env-target', () => {
    it('fails when a value points at another endpoint', () => {
      const env = goodEnv.map(e =>
        e.name === 'BAZEL_REMOTE_CACHE'
          ? { ...e, value: 'grpc://elsewhere:9092' }
          : e,
      );
      const c = verdictOf(run([scaleSet('a', { env })]), 'cache-env-target');
      expect(c.verdict).toBe('fail');
      expect(c.message).toBe(
        'BAZEL_REMOTE_CACHE does not point at cache bazel',
      );
    });
    it('fails when it points at a configured cache other than the one named', () => {
      const env = goodEnv.map(e =>
        e.name === 'ATTIC_SERVER' ? { ...e, value: BAZEL } : e,
      );
      expect(
        verdictOf(run([scaleSet('a', { env })]), 'cache-env-target').verdict,
      ).toBe('fail');
    });
    it('fails when the cache it points at is down, unknown when not probed yet', () => {
      const down = caches.map(c =>
        c.name === 'bazel' ? { ...c, health: 'down' as const } : c,
      );
      const c = verdictOf(
        run([scaleSet('a')], { caches: down }),
        'cache-env-target',
      );
      expect(c.verdict).toBe('fail');
      expect(c.message).toBe('BAZEL_REMOTE_CACHE → bazel, which is down');
      const unprobed = caches.map(x => ({ ...x, health: 'unknown' as const }));
      expect(
        verdictOf(
          run([scaleSet('a')], { caches: unprobed }),
          'cache-env-target',
        ).verdict,
      ).toBe('unknown');
    });
    it('is unknown for a valueFrom reference, which is never resolved', () => {
      const env = goodEnv.map(e =>
        e.name === 'ATTIC_SERVER'
          ? {
              name: e.name,
              valueFrom: { secretKeyRef: { name: 'attic', key: 'url' } },
            }
          : e,
      );
      const c = verdictOf(run([scaleSet('a', { env })]), 'cache-env-target');
      expect(c.verdict).toBe('unknown');
      expect(c.evidence).toContainEqual({
        scaleSet: 'honey/arc-runners/a',
        path: 'spec.template.spec.containers[0].env[1].valueFrom',
        value: null,
        note: 'reference secretKeyRef attic/url, not resolved',
      });
    });
    it('matches an endpoint by host, port and path prefix, an Attic cache by name', () => {
      const values: Record<string, string> = {
        ATTIC_SERVER: `${ATTIC}/`,
        ATTIC_CACHE: 'other',
      };
      const env = goodEnv.map(e => ({
        ...e,
        value: values[e.name] ?? e.value,
      }));
      const c = verdictOf(run([scaleSet('a', { env })]), 'cache-env-target');
      expect(c.verdict).toBe('fail');
      expect(c.message).toBe(
        'ATTIC_CACHE does not point at a configured cache',
      );
    });
  });

  describe('no-stale-endpoint', () => {
    it('fails on an env value at a stale endpoint', () => {
      const env = goodEnv.map(e =>
        e.name === 'BAZEL_REMOTE_CACHE'
          ? {
              ...e,
              value:
                'grpc://bazel-cache.attic-cache-dev.svc.cluster.local:9092',
            }
          : e,
      );
      const c = verdictOf(run([scaleSet('a', { env })]), 'no-stale-endpoint');
      expect(c.verdict).toBe('fail');
      expect(c.evidence[0]).toMatchObject({
        path: 'spec.template.spec.containers[0].env[3].value',
        note: 'matches stale endpoint *.attic-cache-dev.*',
      });
    });
    it('is unknown when a promised variable is a reference, n/a without patterns', () => {
      const env = goodEnv.map(e =>
        e.name === 'ATTIC_SERVER'
          ? {
              name: e.name,
              valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } },
            }
          : e,
      );
      expect(
        verdictOf(run([scaleSet('a', { env })]), 'no-stale-endpoint').verdict,
      ).toBe('unknown');
      expect(
        verdictOf(
          run([scaleSet('a')], { staleEndpoints: [] }),
          'no-stale-endpoint',
        ).verdict,
      ).toBe('not-applicable');
    });
  });

  describe('memory-envelope', () => {
    it.each([
      ['1Gi', '512Mi', 'fail', /below the class's envelope/],
      ['16Gi', '1Gi', 'fail', /above the class's envelope/],
      ['8Gi', '1Gi', 'pass', /within/],
      ['8589934592', '1Gi', 'pass', /within/],
      ['lots', '1Gi', 'unknown', /cannot read/],
    ])('limit %s, request %s → %s', (limit, request, verdict, message) => {
      const c = verdictOf(
        run([scaleSet('a', { limit, request })]),
        'memory-envelope',
      );
      expect(c.verdict).toBe(verdict);
      expect(c.message).toMatch(message);
      expect(c.evidence[0]).toEqual({
        scaleSet: 'honey/arc-runners/a',
        path: 'spec.template.spec.containers[0].resources.limits.memory',
        value: limit,
      });
    });
    it('fails without a limit; n/a without an envelope', () => {
      expect(
        verdictOf(run([scaleSet('a', { limit: null })]), 'memory-envelope')
          .verdict,
      ).toBe('fail');
      expect(
        verdictOf(
          run([scaleSet('a')], {}, { ...nixContract, memory: undefined }),
          'memory-envelope',
        ).verdict,
      ).toBe('not-applicable');
    });
  });

  describe('arc-version', () => {
    it('fails off the pin, and for the odd one out in the fleet', () => {
      const r = run([
        scaleSet('a'),
        scaleSet('b'),
        scaleSet('c', { version: '0.13.1' }),
      ]);
      const byScaleSet = r.scaleSets.map(s => [
        s.scaleSet.split('/')[2],
        s.checks.find(c => c.id === 'arc-version')!.verdict,
      ]);
      expect(byScaleSet).toEqual([
        ['a', 'pass'],
        ['b', 'pass'],
        ['c', 'fail'],
      ]);
      expect(
        r.scaleSets[2].checks.find(c => c.id === 'arc-version')!.message,
      ).toBe('ARC 0.13.1, pinned 0.14.0; the rest of the fleet runs 0.14.0');
      // without a pin the fleet alone decides; other classes' scale sets count as fleet
      const other = {
        ...scaleSet('x', { version: '0.13.1' }),
        runnerClass: 'docker',
      };
      const unpinned = run(
        [scaleSet('a', { version: '0.14.0' }), other, { ...other, name: 'y' }],
        {},
        { ...nixContract, arcVersion: undefined },
      );
      expect(verdictOf(unpinned, 'arc-version').message).toBe(
        'the rest of the fleet runs 0.13.1',
      );
    });
    it('reads the chart label when the version label is absent, unknown with neither', () => {
      expect(readArcVersion({ 'helm.sh/chart': 'gha-rs-0.14.0' })).toEqual({
        version: '0.14.0',
        chart: 'gha-rs-0.14.0',
        path: "metadata.labels['helm.sh/chart']",
      });
      expect(
        verdictOf(run([scaleSet('a', { version: null })]), 'arc-version')
          .verdict,
      ).toBe('unknown');
    });
  });

  describe('image-tag', () => {
    it('fails when the class runs more than one tag', () => {
      const r = run([
        scaleSet('a'),
        scaleSet('b', { image: 'ghcr.io/actions/actions-runner:latest' }),
        scaleSet('c'),
      ]);
      const c = verdictOf(r, 'image-tag');
      expect(c.verdict).toBe('fail');
      expect(c.message).toBe(
        '1/3 scale sets fail: tag latest; other scale sets of the class run 2.321.0 (honey/arc-runners/a, honey/arc-runners/c)',
      );
      // a tie: each side is at fault
      const tie = run([
        scaleSet('a'),
        scaleSet('b', { image: 'ghcr.io/actions/actions-runner:latest' }),
      ]);
      expect(
        tie.scaleSets.map(
          s => s.checks.find(x => x.id === 'image-tag')!.verdict,
        ),
      ).toEqual(['fail', 'fail']);
    });
    it('is unknown when the runner container names no image', () => {
      const r = run([
        scaleSet('a', {
          template: { spec: { containers: [{ name: 'runner' }] } },
        }),
      ]);
      expect(verdictOf(r, 'image-tag').verdict).toBe('unknown');
    });
  });

  it('rolls up: fail beats unknown beats pass; a class without scale sets is unknown, never pass', () => {
    const r = run([
      scaleSet('a'),
      scaleSet('b', { version: null }),
      scaleSet('c', { limit: '1Gi' }),
    ]);
    expect(verdictOf(r, 'memory-envelope').verdict).toBe('fail');
    expect(verdictOf(r, 'memory-envelope').message).toMatch(
      /^1\/3 scale sets fail/,
    );
    expect(verdictOf(r, 'arc-version').verdict).toBe('unknown');
    const empty = run([]);
    expect(empty.checks.map(c => c.verdict)).toEqual(Array(6).fill('unknown'));
    expect(empty.passed).toBe(0);
  });

  it('gives the default tinyland classes the real module env: dind promises no cache env', () => {
    const dind = DEFAULT_RUNNER_CLASSES.find(c => c.name === 'tinyland-dind')!;
    const r = evaluateRunnerClassContracts({
      classes: [dind],
      scaleSets: [
        {
          ...scaleSet('d', {
            env: [{ name: 'DOCKER_HOST', value: 'tcp://localhost:2375' }],
          }),
          runnerClass: 'tinyland-dind',
        },
      ],
      caches,
      staleEndpoints: [],
    })[0];
    expect(formatContractScore(r)).toBe('3/3');
  });
});

describe('facts', () => {
  it('reads the runner container only, with paths; valueFrom stays a reference', () => {
    const facts = readRunnerTemplate({
      spec: {
        containers: [
          { name: 'dind', image: 'docker:27-dind' },
          {
            name: 'runner',
            image: 'ghcr.io/actions/actions-runner@sha256:abc',
            env: [
              {
                name: 'TOKEN',
                valueFrom: { secretKeyRef: { name: 's', key: 'k' } },
              },
              { name: 'EMPTY' },
            ],
            resources: {
              requests: { cpu: '250m', memory: '512Mi' },
              limits: { cpu: 2, memory: '4Gi' },
            },
          },
        ],
      },
    });
    expect(facts).toEqual({
      containerPath: 'spec.template.spec.containers[1]',
      image: 'ghcr.io/actions/actions-runner@sha256:abc',
      imageTag: 'sha256:abc',
      env: [
        {
          name: 'TOKEN',
          value: null,
          valueFrom: 'secretKeyRef s/k',
          path: 'spec.template.spec.containers[1].env[0]',
        },
        {
          name: 'EMPTY',
          value: '',
          valueFrom: null,
          path: 'spec.template.spec.containers[1].env[1]',
        },
      ],
      cpuRequest: '250m',
      cpuLimit: '2',
      memoryRequest: '512Mi',
      memoryLimit: '4Gi',
    });
  });
  it.each([
    ['alpine', 'latest'],
    ['localhost:5000/runner', 'latest'],
    ['localhost:5000/runner:v2', 'v2'],
  ])('image %s has tag %s', (image, tag) => expect(imageTag(image)).toBe(tag));
  it.each([
    ['https://github.com/tinyland-inc', 'organization'],
    ['https://github.com/tinyland-inc/lab', 'repository'],
    ['https://github.com/enterprises/tinyland', 'enterprise'],
    ['not a url', 'unknown'],
  ])('%s is scoped to %s', (url, scope) =>
    expect(githubConfigScope(url)).toBe(scope),
  );
  it.each([
    ['512Mi', 512 * 2 ** 20],
    ['4Gi', 4 * 2 ** 30],
    ['1.5G', 1.5e9],
    ['1e3', 1000],
    ['4 Gi', null],
    ['Gi', null],
  ])('quantity %s = %s', (q, n) => expect(parseQuantity(q)).toBe(n));
});
