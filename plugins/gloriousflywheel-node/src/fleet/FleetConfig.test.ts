import { ConfigReader } from '@backstage/config';
import {
  readClusterConfigs,
  readRunnerClassOwners,
  readRunnerClasses,
} from './FleetConfig';

const read = (gloriousflywheel: unknown) =>
  new ConfigReader({ gloriousflywheel } as any);

describe('readClusterConfigs', () => {
  it('reads service-account, kubeconfig and in-cluster entries with their defaults', () => {
    const clusters = readClusterConfigs(
      read({
        clusters: [
          {
            name: 'honey',
            url: 'https://k8s.example:6443',
            serviceAccountToken: 't',
            namespaces: ['arc-runners'],
          },
          {
            name: 'lab',
            authProvider: 'kubeconfig',
            kubeconfigContext: 'lab-admin',
          },
          { name: 'self', authProvider: 'inCluster' },
        ],
      }),
    );
    expect(clusters).toEqual([
      expect.objectContaining({
        name: 'honey',
        authProvider: 'serviceAccount',
        skipTLSVerify: false,
        namespaces: ['arc-runners'],
      }),
      expect.objectContaining({
        name: 'lab',
        authProvider: 'kubeconfig',
        kubeconfigContext: 'lab-admin',
        namespaces: undefined,
      }),
      expect.objectContaining({ name: 'self', authProvider: 'inCluster' }),
    ]);
  });

  it.each([
    [
      { clusters: [{ name: 'Honey!', url: 'http://x' }] },
      /clusters\[0\]\.name/,
    ],
    [
      {
        clusters: [
          { name: 'a', url: 'http://x' },
          { name: 'a', url: 'http://y' },
        ],
      },
      /clusters\[1\]\.name "a" is configured twice/,
    ],
    [
      { clusters: [{ name: 'a', authProvider: 'serviceAccount' }] },
      /clusters\[0\]\.url is required/,
    ],
    [
      { clusters: [{ name: 'a', url: 'not a url' }] },
      /clusters\[0\]\.url "not a url" is not a URL/,
    ],
    [
      { clusters: [{ name: 'a', authProvider: 'magic' }] },
      /clusters\[0\]\.authProvider/,
    ],
    [
      { clusters: [{ name: 'x'.repeat(64), url: 'http://x' }] },
      /clusters\[0\]\.name "x{64}" must be a DNS label/,
    ],
    [
      {
        clusters: [
          { name: 'a', url: 'http://x', namespaces: ['arc-runners', 'ARC'] },
        ],
      },
      /clusters\[0\]\.namespaces has "ARC"/,
    ],
    [
      {
        clusters: [
          { name: 'a', url: 'http://x', namespaces: ['n'.repeat(64)] },
        ],
      },
      /clusters\[0\]\.namespaces has "n{64}"/,
    ],
  ])('rejects %j naming the key', (cfg, message) => {
    expect(() => readClusterConfigs(read(cfg))).toThrow(message);
  });

  it('is empty without config', () => {
    expect(readClusterConfigs(new ConfigReader({}))).toEqual([]);
  });
});

describe('readRunnerClasses', () => {
  it('defaults to the four tinyland classes', () => {
    expect(readRunnerClasses(new ConfigReader({})).map(c => c.name)).toEqual([
      'tinyland-nix',
      'tinyland-docker',
      'tinyland-dind',
      'tinyland-nix-heavy',
    ]);
  });

  it('reads configured classes, defaulting labels and scale sets to the name', () => {
    const [gpu] = readRunnerClasses(
      read({
        runnerClasses: [{ name: 'tinyland-gpu', capabilities: ['heavy'] }],
      }),
    );
    expect(gpu).toEqual({
      name: 'tinyland-gpu',
      title: undefined,
      capabilities: ['heavy'],
      labels: ['tinyland-gpu'],
      scaleSets: ['tinyland-gpu'],
    });
  });

  it.each(['tinyland nix', 'x'.repeat(64), 'unclassified', '-nix', 'a..b'])(
    'rejects the class name %j naming the key',
    name => {
      expect(() =>
        readRunnerClasses(read({ runnerClasses: [{ name }] })),
      ).toThrow(/runnerClasses\[0\]\.name .* must be a catalog entity name/);
    },
  );

  it('accepts the longest class name the catalog allows', () => {
    expect(
      readRunnerClasses(
        read({ runnerClasses: [{ name: `a.${'b'.repeat(61)}` }] }),
      )[0].name,
    ).toHaveLength(63);
  });

  it('rejects unknown capabilities naming the key', () => {
    expect(() =>
      readRunnerClasses(
        read({ runnerClasses: [{ name: 'x', capabilities: ['gpu'] }] }),
      ),
    ).toThrow(/runnerClasses\[0\]\.capabilities has unknown values gpu/);
  });
});

describe('readRunnerClasses: the contract', () => {
  const caches = [
    { name: 'attic', kind: 'attic', url: 'http://attic:8080', cache: 'main' },
  ];

  it('gives a configured tinyland class the default contract for keys it leaves out', () => {
    const [nix] = readRunnerClasses(
      read({
        caches,
        runnerClasses: [
          { name: 'tinyland-nix', memory: { min: '1Gi', max: '6Gi' } },
        ],
      }),
    );
    expect(nix.contract).toEqual({
      cacheEnv: [
        { name: 'NIX_CONFIG' },
        { name: 'ATTIC_SERVER', cache: '*' },
        { name: 'ATTIC_CACHE', cache: '*' },
        { name: 'BAZEL_REMOTE_CACHE', cache: '*' },
      ],
      memory: { min: '1Gi', max: '6Gi' },
      arcVersion: '0.14.0',
    });
  });

  it('reads cacheEnv as names or { name, cache } naming a configured cache', () => {
    const [own] = readRunnerClasses(
      read({
        caches,
        runnerClasses: [
          {
            name: 'own',
            cacheEnv: ['NIX_CONFIG', { name: 'ATTIC_SERVER', cache: 'attic' }],
            arcVersion: '0.14.1',
          },
        ],
      }),
    );
    expect(own.contract).toEqual({
      cacheEnv: [
        { name: 'NIX_CONFIG' },
        { name: 'ATTIC_SERVER', cache: 'attic' },
      ],
      arcVersion: '0.14.1',
    });
    const [none] = readRunnerClasses(
      read({ runnerClasses: [{ name: 'plain' }] }),
    );
    expect(none.contract).toBeUndefined();
  });

  it.each([
    [
      { cacheEnv: [{ name: 'ATTIC_SERVER', cache: 'attic-dev' }] },
      /cacheEnv\[0\]\.cache "attic-dev" is not a name in gloriousflywheel.caches/,
    ],
    [
      { cacheEnv: ['not a name'] },
      /cacheEnv\[0\] must be an environment variable name/,
    ],
    [{ cacheEnv: 'ATTIC_SERVER' }, /cacheEnv must be a list/],
    [{ memory: { min: '8Gi', max: '2Gi' } }, /memory.min 8Gi is above max 2Gi/],
    [
      { memory: { min: 'lots', max: '2Gi' } },
      /memory min\/max must be Kubernetes quantities/,
    ],
  ])('rejects %j naming the key', (extra, message) => {
    expect(() =>
      readRunnerClasses(
        read({ caches, runnerClasses: [{ name: 'x', ...extra }] }),
      ),
    ).toThrow(message);
  });
});

describe('readRunnerClassOwners', () => {
  it('reads the default owner and per-class owners as full entity refs', () => {
    const owners = readRunnerClassOwners(
      read({
        owner: 'group:default/platform-team',
        runnerClasses: [
          { name: 'tinyland-nix', owner: 'platform-operators' },
          { name: 'tinyland-dind' },
          { name: 'tinyland-docker', owner: 'group:infra/docker-team' },
        ],
      }),
    );
    expect(owners.defaultOwner).toBe('group:default/platform-team');
    expect([...owners.byClass]).toEqual([
      ['tinyland-nix', 'group:default/platform-operators'],
      ['tinyland-docker', 'group:infra/docker-team'],
    ]);
  });

  it('resolves every class, and unclassified scale sets, to one owner: its own, else the default', () => {
    const owners = readRunnerClassOwners(
      read({
        owner: 'platform',
        runnerClasses: [
          { name: 'tinyland-nix', owner: 'user:default/ada' },
          { name: 'tinyland-dind' },
        ],
      }),
    );
    expect(owners.ownerOf('tinyland-nix')).toBe('user:default/ada');
    expect(owners.ownerOf('tinyland-dind')).toBe('group:default/platform');
    expect(owners.ownerOf('not-configured')).toBe('group:default/platform');
    expect(owners.ownerOf(null)).toBe('group:default/platform');
  });

  it('defaults the owner to group:default/platform-team, so no class is left without one', () => {
    const owners = readRunnerClassOwners(
      read({ runnerClasses: [{ name: 'tinyland-dind' }] }),
    );
    expect(owners.defaultOwner).toBe('group:default/platform-team');
    expect(owners.ownerOf('tinyland-dind')).toBe('group:default/platform-team');
    expect(readRunnerClassOwners(new ConfigReader({})).ownerOf(null)).toBe(
      'group:default/platform-team',
    );
  });

  it('rejects an owner that is not an entity ref, naming the key', () => {
    expect(() =>
      readRunnerClassOwners(
        read({ runnerClasses: [{ name: 'a', owner: 'group:' }] }),
      ),
    ).toThrow(/runnerClasses\[0\]\.owner/);
  });
});
