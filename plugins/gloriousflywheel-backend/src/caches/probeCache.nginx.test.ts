import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { probeCache } from './probeCache';
import { EMPTY_BLOB_SHA256 } from './bazelRemoteProbe';
import type { CacheTarget } from '@tinyland/backstage-plugin-gloriousflywheel-node';
import { NginxServer, startNginx } from './__testUtils__/nginx';

// A real Debian nginx: as a Bazel HTTP cache (WebDAV PUT, no /status) and a static Nix cache.
// If nginx is missing, startNginx throws and every test here fails with that message.
let nginx: NginxServer;
const opts = { timeoutMs: 3000, slowThresholdMs: 1000 };

beforeAll(async () => {
  nginx = await startNginx();
}, 15_000);

afterAll(async () => {
  await nginx?.stop();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('nginx as a Bazel HTTP cache', () => {
  const blob = Buffer.from('action output from a tinyland-nix runner');
  const key = sha256(blob);
  let bazel: CacheTarget;

  beforeAll(() => {
    bazel = {
      name: 'nginx-bazel',
      kind: 'bazel-remote',
      url: nginx.url,
      runnerClasses: [],
    };
  });

  it('stores with PUT and serves with HEAD/GET, as Bazel uses it', async () => {
    const put = await fetch(`${nginx.url}/cas/${key}`, {
      method: 'PUT',
      body: blob,
    });
    expect([201, 204]).toContain(put.status);
    const head = await fetch(`${nginx.url}/cas/${key}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(blob.length));
    expect(
      Buffer.from(await (await fetch(`${nginx.url}/cas/${key}`)).arrayBuffer()),
    ).toEqual(blob);
    const ac = await fetch(`${nginx.url}/ac/${'d'.repeat(64)}`, {
      method: 'PUT',
      body: 'ar',
    });
    expect([201, 204]).toContain(ac.status);
    expect(
      await (await fetch(`${nginx.url}/ac/${'d'.repeat(64)}`)).text(),
    ).toBe('ar');
  });

  it('is healthy without /status: the empty-blob miss proves a working cache', async () => {
    const r = await probeCache(bazel, opts);
    expect(r).toMatchObject({
      status: 'healthy',
      details: {
        statusPage: 'absent',
        casProbe: { key: EMPTY_BLOB_SHA256, hit: false },
      },
    });
    expect(
      r.details.checks.map(c => [c.name, c.outcome, c.httpStatus]),
    ).toEqual([
      ['status', 'skipped', 404],
      ['cas-head', 'ok', 404],
    ]);
    expect(r.details.sizeBytes).toBeUndefined();
  });

  it('is healthy with a known key: HEAD hit and GET content matching its sha256', async () => {
    const r = await probeCache({ ...bazel, casKey: key }, opts);
    expect(r.status).toBe('healthy');
    expect(r.details.casProbe).toEqual({ key, hit: true });
    expect(r.details.checks.map(c => [c.name, c.outcome])).toEqual([
      ['status', 'skipped'],
      ['cas-head', 'ok'],
      ['cas-get', 'ok'],
    ]);
  });

  it('flags a known key whose content no longer matches (corrupted cache)', async () => {
    const bad = Buffer.from('not what the key says');
    const badKey = sha256(Buffer.from('original'));
    fs.mkdirSync(path.join(nginx.root, 'cas'), { recursive: true });
    fs.writeFileSync(path.join(nginx.root, 'cas', badKey), bad);
    const r = await probeCache({ ...bazel, casKey: badKey }, opts);
    expect(r).toMatchObject({ status: 'degraded', errorKind: 'protocol' });
  });

  it('reports a missing known key as degraded (not-found)', async () => {
    const r = await probeCache({ ...bazel, casKey: 'e'.repeat(64) }, opts);
    expect(r).toMatchObject({ status: 'degraded', errorKind: 'not-found' });
  });
});

describe('nginx as a static Nix binary cache', () => {
  beforeAll(() => {
    fs.mkdirSync(path.join(nginx.root, 'main'), { recursive: true });
    fs.writeFileSync(
      path.join(nginx.root, 'main', 'nix-cache-info'),
      'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 41\n',
    );
  });

  it('is healthy as kind nix', async () => {
    const r = await probeCache(
      {
        name: 'nginx-nix',
        kind: 'nix',
        url: nginx.url,
        cache: 'main',
        runnerClasses: [],
      },
      opts,
    );
    expect(r).toMatchObject({
      status: 'healthy',
      details: {
        nixCacheInfo: {
          storeDir: '/nix/store',
          wantMassQuery: true,
          priority: 41,
        },
      },
    });
  });

  it('is healthy as kind attic without a token (no cache-config to ask)', async () => {
    const r = await probeCache(
      {
        name: 'nginx-attic',
        kind: 'attic',
        url: nginx.url,
        cache: 'main',
        runnerClasses: [],
      },
      opts,
    );
    expect(r.status).toBe('healthy');
  });

  it('is degraded as attic with a token: nginx has no Attic API (partial, not-found)', async () => {
    const r = await probeCache(
      {
        name: 'nginx-attic',
        kind: 'attic',
        url: nginx.url,
        cache: 'main',
        token: 'token-abcdef-123',
        runnerClasses: [],
      },
      opts,
    );
    expect(r).toMatchObject({ status: 'degraded', errorKind: 'not-found' });
    expect(JSON.stringify(r)).not.toContain('token-abcdef-123');
  });

  it('reports an unknown cache as down (not-found)', async () => {
    const r = await probeCache(
      {
        name: 'nginx-nix',
        kind: 'nix',
        url: nginx.url,
        cache: 'ghost',
        runnerClasses: [],
      },
      opts,
    );
    expect(r).toMatchObject({ status: 'down', errorKind: 'not-found' });
  });
});

describe('nginx stopped', () => {
  it('is down (network) once nginx is gone', async () => {
    const url = nginx.url;
    await nginx.stop();
    const r = await probeCache(
      { name: 'nginx-bazel', kind: 'bazel-remote', url, runnerClasses: [] },
      opts,
    );
    expect(r).toMatchObject({ status: 'down', errorKind: 'network' });
  });
});
