import { ConfigReader } from '@backstage/config';
import {
  CacheConfig,
  findStaleCacheEndpoints,
  readCacheProbeSchedule,
  readCacheProbeSettings,
  readCacheTargets,
  staleEndpointPattern,
} from './CacheConfig';
import { FleetConfig } from '../fleet/FleetConfig';

// Loosely typed on purpose: the tests feed invalid shapes too.
const withCaches = (caches: unknown[], cacheProbe?: object) =>
  new ConfigReader({
    gloriousflywheel: { caches, ...(cacheProbe ? { cacheProbe } : {}) },
  } as any);

const attic = {
  name: 'attic-main',
  kind: 'attic',
  url: 'http://attic-api.nix-cache.svc.cluster.local:8080/',
  cache: 'main',
  token: 'eyJhbGciOiJIUzI1NiJ9.e30.sig',
  runnerClasses: ['tinyland-nix', 'tinyland-nix-heavy'],
};

describe('readCacheTargets', () => {
  it('reads every kind with defaults', () => {
    const targets = readCacheTargets(
      withCaches([
        attic,
        { name: 'nix-static', kind: 'nix', url: 'https://cache.example.org' },
        {
          name: 'bazel',
          kind: 'bazel-remote',
          url: 'http://bazel-cache.nix-cache.svc.cluster.local:8080',
          casKey: 'a'.repeat(64),
          timeoutMs: 2000,
        },
        {
          name: 'bazel-grpc',
          kind: 'bazel-grpc',
          url: 'grpc://bazel-cache.nix-cache.svc.cluster.local:9092',
        },
        {
          name: 'bazel-on-grpc',
          kind: 'bazel-remote',
          url: 'grpcs://cache.example.org',
        },
      ]),
    );
    expect(targets).toEqual([
      {
        name: 'attic-main',
        kind: 'attic',
        url: 'http://attic-api.nix-cache.svc.cluster.local:8080',
        cache: 'main',
        token: attic.token,
        runnerClasses: ['tinyland-nix', 'tinyland-nix-heavy'],
      },
      {
        name: 'nix-static',
        kind: 'nix',
        url: 'https://cache.example.org',
        runnerClasses: [],
      },
      {
        name: 'bazel',
        kind: 'bazel-remote',
        url: 'http://bazel-cache.nix-cache.svc.cluster.local:8080',
        casKey: 'a'.repeat(64),
        timeoutMs: 2000,
        runnerClasses: [],
      },
      {
        name: 'bazel-grpc',
        kind: 'bazel-grpc',
        url: 'grpc://bazel-cache.nix-cache.svc.cluster.local:9092',
        runnerClasses: [],
      },
      {
        name: 'bazel-on-grpc',
        kind: 'bazel-remote',
        url: 'grpcs://cache.example.org',
        runnerClasses: [],
      },
    ]);
  });

  it('reads nothing when no caches are configured', () => {
    expect(readCacheTargets(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [
      'a missing name',
      [{ kind: 'nix', url: 'http://x' }],
      'gloriousflywheel.caches[0].name',
    ],
    [
      'a bad name',
      [{ ...attic, name: 'attic main' }],
      'gloriousflywheel.caches[0].name',
    ],
    [
      'a name the catalog would refuse (trailing "-")',
      [{ ...attic, name: 'attic-' }],
      'gloriousflywheel.caches[0].name',
    ],
    [
      'a name the catalog would refuse (two separators)',
      [{ ...attic, name: 'attic--main' }],
      'gloriousflywheel.caches[0].name',
    ],
    [
      'a duplicate name',
      [attic, { ...attic }],
      'gloriousflywheel.caches[1].name',
    ],
    [
      'an unknown kind',
      [{ ...attic, kind: 'redis' }],
      'gloriousflywheel.caches[0].kind',
    ],
    [
      'a non-URL',
      [{ ...attic, url: 'attic:8080' }],
      'gloriousflywheel.caches[0].url',
    ],
    [
      'a gRPC URL for attic',
      [{ ...attic, url: 'grpc://attic:8080' }],
      'gloriousflywheel.caches[0].url',
    ],
    [
      'an HTTP URL for bazel-grpc',
      [{ name: 'g', kind: 'bazel-grpc', url: 'http://x:9092' }],
      'gloriousflywheel.caches[0].url',
    ],
    [
      'credentials in the URL',
      [{ ...attic, url: 'http://user:pw@attic:8080' }],
      'gloriousflywheel.caches[0].url',
    ],
    [
      'a query in the URL',
      [{ ...attic, url: 'http://attic:8080/?token=x' }],
      'gloriousflywheel.caches[0].url',
    ],
    [
      'attic without a cache name',
      [{ ...attic, cache: undefined }],
      'gloriousflywheel.caches[0].cache',
    ],
    [
      'a number as token',
      [{ ...attic, token: 12 }],
      'gloriousflywheel.caches[0].token',
    ],
    [
      'a zero timeout',
      [{ ...attic, timeoutMs: 0 }],
      'gloriousflywheel.caches[0].timeoutMs',
    ],
    [
      'runnerClasses not a list',
      [{ ...attic, runnerClasses: 'tinyland-nix' }],
      'gloriousflywheel.caches[0].runnerClasses',
    ],
    [
      'casKey on attic',
      [{ ...attic, casKey: 'a'.repeat(64) }],
      'gloriousflywheel.caches[0].casKey',
    ],
    [
      'a short casKey',
      [{ name: 'b', kind: 'bazel-remote', url: 'http://b', casKey: 'abc' }],
      'gloriousflywheel.caches[0].casKey',
    ],
  ])('refuses %s, naming the key', (_name, caches, key) => {
    expect(() => readCacheTargets(withCaches(caches))).toThrow(key);
  });

  it('never puts the token in an error message', () => {
    let message = '';
    try {
      readCacheTargets(withCaches([{ ...attic, url: 'nope' }]));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('url');
    expect(message).not.toContain(attic.token);
  });
});

describe('readCacheProbeSettings', () => {
  it('defaults', () => {
    expect(readCacheProbeSettings(new ConfigReader({}))).toEqual({
      timeoutMs: 5000,
      slowThresholdMs: 1000,
      staleEndpoints: [],
    });
  });

  it('reads overrides', () => {
    expect(
      readCacheProbeSettings(
        withCaches([], {
          timeoutMs: 3000,
          slowThresholdMs: 400,
          staleEndpoints: ['*.attic-cache-dev.svc.cluster.local'],
        }),
      ),
    ).toEqual({
      timeoutMs: 3000,
      slowThresholdMs: 400,
      staleEndpoints: ['*.attic-cache-dev.svc.cluster.local'],
    });
  });

  it.each([
    [{ timeoutMs: -1 }, 'gloriousflywheel.cacheProbe.timeoutMs'],
    [{ slowThresholdMs: 1.5 }, 'gloriousflywheel.cacheProbe.slowThresholdMs'],
    [
      { staleEndpoints: ['ok', ' '] },
      'gloriousflywheel.cacheProbe.staleEndpoints[1]',
    ],
    [
      { staleEndpoints: ['/(unclosed/'] },
      'gloriousflywheel.cacheProbe.staleEndpoints[0]',
    ],
    [{ staleEndpoints: 'one' }, 'gloriousflywheel.cacheProbe.staleEndpoints'],
  ])('refuses %j naming the key', (cacheProbe, key) => {
    expect(() => readCacheProbeSettings(withCaches([], cacheProbe))).toThrow(
      key,
    );
  });
});

describe('stale endpoints', () => {
  it.each([
    [
      '*.attic-cache-dev.svc.cluster.local',
      'http://attic-api.attic-cache-dev.svc.cluster.local:8080',
      true,
    ],
    [
      '*.attic-cache-dev.*',
      'grpc://bazel-cache.attic-cache-dev.svc.cluster.local:9092',
      true,
    ],
    [
      '*.attic-cache-dev.*',
      'http://attic-api.nix-cache.svc.cluster.local:8080',
      false,
    ],
    ['*.ATTIC-CACHE-DEV.*', 'http://x.attic-cache-dev.svc', true],
    // `*` spans host-name characters only, never a scheme or a path separator.
    ['attic-cache-dev*/main', 'http://attic-cache-dev.svc/other/main', false],
    ['/attic-(old|dev)\\./', 'http://attic-old.example', true],
  ])('%s vs %s → %s', (pattern, url, hit) => {
    expect(staleEndpointPattern(pattern).test(url)).toBe(hit);
  });

  it('flags configured caches on the deny-list', () => {
    const targets = readCacheTargets(
      withCaches([
        attic,
        {
          name: 'old-attic',
          kind: 'attic',
          cache: 'main',
          url: 'http://attic-api.attic-cache-dev.svc.cluster.local:8080',
        },
        {
          name: 'bazel',
          kind: 'bazel-grpc',
          url: 'grpc://bazel-cache.nix-cache.svc.cluster.local:9092',
        },
      ]),
    );
    expect(
      findStaleCacheEndpoints(targets, [
        '*.attic-cache-dev.svc.cluster.local',
        '*.attic-cache-dev.*',
      ]),
    ).toEqual([
      {
        cache: 'old-attic',
        url: 'http://attic-api.attic-cache-dev.svc.cluster.local:8080',
        pattern: '*.attic-cache-dev.svc.cluster.local',
      },
    ]);
    expect(findStaleCacheEndpoints(targets, [])).toEqual([]);
  });
});

describe('readCacheProbeSchedule', () => {
  it('defaults to every minute and 14 days of history', () => {
    expect(readCacheProbeSchedule(new ConfigReader({}))).toEqual({
      schedule: { frequency: { minutes: 1 }, timeout: { minutes: 3 } },
      retentionDays: 14,
    });
  });

  it('reads the SchedulerService definition and the retention', () => {
    const config = new ConfigReader({
      gloriousflywheel: {
        schedule: {
          cacheProbe: {
            frequency: { seconds: 30 },
            timeout: { seconds: 20 },
            initialDelay: { seconds: 5 },
          },
        },
        cacheProbe: { retentionDays: 3 },
      },
    });
    expect(readCacheProbeSchedule(config)).toEqual({
      schedule: {
        frequency: { seconds: 30 },
        timeout: { seconds: 20 },
        initialDelay: { seconds: 5 },
      },
      retentionDays: 3,
    });
  });

  it.each([
    [
      { cacheProbe: { retentionDays: 0 } },
      'gloriousflywheel.cacheProbe.retentionDays',
    ],
    [
      { cacheProbe: { retentionDays: 1.5 } },
      'gloriousflywheel.cacheProbe.retentionDays',
    ],
    [
      { schedule: { cacheProbe: { frequency: 'often' } } },
      'gloriousflywheel.schedule.cacheProbe',
    ],
  ])('rejects %j naming %s', (gloriousflywheel, key) => {
    expect(() =>
      readCacheProbeSchedule(new ConfigReader({ gloriousflywheel } as any)),
    ).toThrow(key);
  });
});

describe('CacheConfig.cachesByRunnerClass', () => {
  const caches = [
    {
      name: 'attic',
      kind: 'attic',
      url: 'http://a',
      cache: 'main',
      runnerClasses: ['tinyland-nix'],
    },
    {
      name: 'bazel',
      kind: 'bazel-remote',
      url: 'http://b',
      runnerClasses: ['tinyland-nix', 'tinyland-docker'],
    },
  ];

  it('merges caches[].runnerClasses and runnerClasses[].caches without duplicates', () => {
    const config = new ConfigReader({
      gloriousflywheel: {
        caches,
        runnerClasses: [
          { name: 'tinyland-nix', caches: ['bazel'] },
          { name: 'tinyland-dind', caches: ['attic'] },
        ],
      },
    } as any);
    expect(
      CacheConfig.fromConfig(config).cachesByRunnerClass(
        FleetConfig.fromConfig(config),
      ),
    ).toEqual({
      'tinyland-nix': ['attic', 'bazel'],
      'tinyland-docker': ['bazel'],
      'tinyland-dind': ['attic'],
    });
  });

  it('rejects a runner class naming an unconfigured cache (FleetConfig, at start-up)', () => {
    const config = new ConfigReader({
      gloriousflywheel: {
        caches,
        runnerClasses: [{ name: 'tinyland-nix', caches: ['gone'] }],
      },
    } as any);
    expect(() => FleetConfig.fromConfig(config)).toThrow(
      "Invalid config at 'gloriousflywheel.runnerClasses[0].caches[0]': no cache named 'gone'",
    );
  });
});
