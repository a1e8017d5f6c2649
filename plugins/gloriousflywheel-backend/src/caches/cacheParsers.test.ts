import {
  parseAtticCacheConfig,
  parseBazelRemoteStatus,
  parseNixCacheInfo,
  summarizeCapabilities,
} from './cacheParsers';

describe('parseNixCacheInfo', () => {
  it.each([
    [
      'Attic',
      'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 41\n',
      { storeDir: '/nix/store', wantMassQuery: true, priority: 41 },
    ],
    [
      'cache.nixos.org order, no trailing newline',
      'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40',
      { storeDir: '/nix/store', wantMassQuery: true, priority: 40 },
    ],
    [
      'CRLF and blank lines',
      'StoreDir: /nix/store\r\n\r\nWantMassQuery: 0\r\n',
      { storeDir: '/nix/store', wantMassQuery: false },
    ],
    [
      'unknown keys ignored',
      'StoreDir: /nix/store\nCompression: zstd\n',
      { storeDir: '/nix/store' },
    ],
    ['only a priority', 'Priority: -5\n', { priority: -5 }],
  ])('parses %s', (_name, text, value) => {
    expect(parseNixCacheInfo(text)).toEqual({ ok: true, value });
  });

  it.each([
    ['an HTML page', '<html><body>Welcome to nginx!</body></html>', /line 1/],
    ['an empty body', '\n\n', /empty/],
    ['a JSON body', '{"StoreDir":"/nix/store"}', /line 1/],
    ['a bad WantMassQuery', 'WantMassQuery: yes\n', /WantMassQuery/],
    ['a bad Priority', 'Priority: high\n', /Priority/],
    ['a relative StoreDir', 'StoreDir: nix/store\n', /absolute/],
  ])('refuses %s', (_name, text, error) => {
    const r = parseNixCacheInfo(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(error);
  });
});

describe('parseAtticCacheConfig', () => {
  const full = {
    substituter_endpoint: 'https://attic.example/main',
    api_endpoint: 'https://attic.example/',
    public_key: 'main:5sYIBD5GGZ6z0m2Hd7zCEXWDXeWvmjjsOiU3QRi5WWI=',
    is_public: true,
    store_dir: '/nix/store',
    priority: 41,
    upstream_cache_key_names: ['cache.nixos.org-1'],
    retention_period: 'Global',
  };

  it.each([
    [
      'a full answer',
      full,
      {
        substituterEndpoint: 'https://attic.example/main',
        apiEndpoint: 'https://attic.example/',
        publicKey: full.public_key,
        isPublic: true,
        storeDir: '/nix/store',
        priority: 41,
        upstreamCacheKeyNames: ['cache.nixos.org-1'],
        retentionPeriod: 'global',
      },
    ],
    [
      'a retention period in seconds',
      {
        is_public: false,
        store_dir: '/nix/store',
        priority: 41,
        retention_period: { Period: 86400 },
      },
      {
        isPublic: false,
        storeDir: '/nix/store',
        priority: 41,
        retentionPeriod: { seconds: 86400 },
      },
    ],
    ['a minimal answer', { is_public: true }, { isPublic: true }],
  ])('parses %s', (_name, body, value) => {
    expect(parseAtticCacheConfig(body)).toEqual({ ok: true, value });
  });

  it('never keeps a keypair', () => {
    const r = parseAtticCacheConfig({
      ...full,
      keypair: { Keypair: 'main:SECRETKEY' },
    });
    expect(JSON.stringify(r)).not.toContain('SECRETKEY');
  });

  it.each([
    ['null', null],
    ['an array', [full]],
    ['a string', 'Global'],
    ['an unrelated object', { hello: 'world' }],
    ['a wrong type', { ...full, priority: 'high' }],
    [
      'an unknown retention form',
      { ...full, retention_period: { Forever: true } },
    ],
  ])('refuses %s', (_name, body) => {
    expect(parseAtticCacheConfig(body).ok).toBe(false);
  });
});

describe('parseBazelRemoteStatus', () => {
  it.each([
    [
      'a current bazel-remote',
      {
        CurrSize: 414081024,
        UncompressedSize: 1000000000,
        ReservedSize: 876400,
        MaxSize: 8589934592,
        NumFiles: 621,
        ServerTime: 1588329927,
        GitCommit: '940d540d3a7f17939c3df0038530122eabef2f19',
        NumGoroutines: 12,
      },
      {
        currSizeBytes: 414081024,
        uncompressedSizeBytes: 1000000000,
        reservedSizeBytes: 876400,
        maxSizeBytes: 8589934592,
        numFiles: 621,
        serverTime: '2020-05-01T10:45:27.000Z',
        gitCommit: '940d540d3a7f17939c3df0038530122eabef2f19',
        numGoroutines: 12,
      },
    ],
    [
      'an old bazel-remote (no ReservedSize, empty GitCommit)',
      { CurrSize: 0, MaxSize: 1024, NumFiles: 0, ServerTime: 0, GitCommit: '' },
      {
        currSizeBytes: 0,
        maxSizeBytes: 1024,
        numFiles: 0,
        serverTime: '1970-01-01T00:00:00.000Z',
      },
    ],
  ])('parses %s', (_name, body, value) => {
    expect(parseBazelRemoteStatus(body)).toEqual({ ok: true, value });
  });

  it.each([
    ['undefined', undefined, /required|expected object/i],
    [
      'a missing MaxSize',
      { CurrSize: 1, NumFiles: 1, ServerTime: 1 },
      /MaxSize/,
    ],
    [
      'a negative size',
      { CurrSize: -1, MaxSize: 1, NumFiles: 1, ServerTime: 1 },
      /CurrSize/,
    ],
    [
      'string sizes',
      { CurrSize: '1', MaxSize: 1, NumFiles: 1, ServerTime: 1 },
      /CurrSize/,
    ],
  ])('refuses %s', (_name, body, error) => {
    const r = parseBazelRemoteStatus(body);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(error);
  });
});

describe('summarizeCapabilities', () => {
  const cache = {
    digestFunctions: ['SHA256'],
    actionCacheUpdateCapabilities: { updateEnabled: true },
    maxBatchTotalSizeBytes: '4194304',
    maxCasBlobSizeBytes: '0',
    symlinkAbsolutePathStrategy: 'ALLOWED',
    supportedCompressors: ['ZSTD'],
  };

  it.each([
    [
      'a cache-only server (bazel-remote)',
      {
        cacheCapabilities: cache,
        executionCapabilities: null,
        lowApiVersion: { major: 2 },
        highApiVersion: { major: 2, minor: 3 },
      },
      {
        cache: {
          digestFunctions: ['SHA256'],
          actionCacheUpdateEnabled: true,
          maxBatchTotalSizeBytes: 4194304,
          supportedCompressors: ['ZSTD'],
          symlinkAbsolutePathStrategy: 'ALLOWED',
        },
        remoteExecution: 'not offered',
        lowApiVersion: '2.0',
        highApiVersion: '2.3',
      },
    ],
    [
      'execution capabilities present but disabled',
      {
        cacheCapabilities: cache,
        executionCapabilities: { digestFunction: 'SHA256', execEnabled: false },
      },
      expect.objectContaining({ remoteExecution: 'not offered' }),
    ],
    [
      'a server offering remote execution',
      {
        cacheCapabilities: cache,
        executionCapabilities: {
          digestFunction: 'SHA256',
          execEnabled: true,
          digestFunctions: [],
        },
      },
      expect.objectContaining({
        remoteExecution: 'offered',
        executionDigestFunctions: ['SHA256'],
      }),
    ],
    [
      'an execution-only server',
      {
        cacheCapabilities: null,
        executionCapabilities: {
          execEnabled: true,
          digestFunctions: ['SHA256', 'BLAKE3'],
        },
      },
      {
        remoteExecution: 'offered',
        executionDigestFunctions: ['SHA256', 'BLAKE3'],
      },
    ],
    ['an empty answer', {}, { remoteExecution: 'not offered' }],
  ])('summarises %s', (_name, caps, expected) => {
    expect(summarizeCapabilities(caps as any)).toEqual(expected);
  });
});
