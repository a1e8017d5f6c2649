import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { createFleetSeed } from '../seed/fleetSeed';
import {
  CacheSandbox,
  cacheSandboxProtoDir,
  EMPTY_BLOB_SHA256,
  startCacheSandbox,
} from '.';

let sandbox: CacheSandbox;
let clients: { health: any; caps: any };

function grpcClients(url: string) {
  const def = protoLoader.loadSync(
    [
      'grpc/health/v1/health.proto',
      'build/bazel/remote/execution/v2/capabilities.proto',
    ],
    {
      includeDirs: [cacheSandboxProtoDir()],
      enums: String,
      longs: String,
      defaults: true,
    },
  );
  const pkg = grpc.loadPackageDefinition(def) as any;
  const target = url.replace('grpc://', '');
  const creds = grpc.credentials.createInsecure();
  return {
    health: new pkg.grpc.health.v1.Health(target, creds),
    caps: new pkg.build.bazel.remote.execution.v2.Capabilities(target, creds),
  };
}

function unary(client: any, method: string, req: object): Promise<any> {
  return new Promise((resolve, reject) =>
    client[method](req, { deadline: Date.now() + 2000 }, (err: any, res: any) =>
      err ? reject(err) : resolve(res),
    ),
  );
}

beforeAll(async () => {
  sandbox = await startCacheSandbox({
    host: '127.0.0.1',
    port: 0,
    grpcPort: 0,
    seed: createFleetSeed(),
  });
  clients = grpcClients(sandbox.urls['bazel-grpc']);
});

afterAll(async () => {
  clients?.health.close();
  clients?.caps.close();
  await sandbox?.close();
});

afterEach(async () => {
  for (const name of Object.keys(sandbox.urls))
    await sandbox.setMode(name, 'healthy');
  sandbox.resetRequestCounts();
});

const attic = () => sandbox.urls.attic;
const bazel = () => sandbox.urls['bazel-cache'];
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('Attic-like cache', () => {
  it('serves nix-cache-info for the seeded cache', async () => {
    const res = await fetch(`${attic()}/main/nix-cache-info`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      'StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 41\n',
    );
  });

  it('answers 404 NoSuchCache for an unknown cache', async () => {
    const res = await fetch(`${attic()}/nope/nix-cache-info`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 404, error: 'NoSuchCache' });
  });

  it('requires a valid bearer JWT for cache-config', async () => {
    const url = `${attic()}/_api/v1/cache-config/main`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: bearer('not.a.jwt') })).status).toBe(
      401,
    );
    const res = await fetch(url, { headers: bearer(sandbox.atticToken) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      is_public: true,
      store_dir: '/nix/store',
      priority: 41,
      substituter_endpoint: `${attic()}/main`,
    });
    expect(body.public_key).toMatch(/^main:[A-Za-z0-9+/]{43}=$/);
  });

  it('answers 403 to a token without pull permission, 404 to an unknown cache', async () => {
    const other = sandbox.signAtticToken({ 'team-*': { r: 1 } });
    const url = `${attic()}/_api/v1/cache-config/main`;
    expect((await fetch(url, { headers: bearer(other) })).status).toBe(403);
    const all = sandbox.signAtticToken({ '*': { r: 1 } });
    const res = await fetch(`${attic()}/_api/v1/cache-config/ghost`, {
      headers: bearer(all),
    });
    expect(res.status).toBe(404);
  });

  it('refuses an expired token', async () => {
    const expired = sandbox.signAtticToken(
      { main: { r: 1 } },
      { expiresInSec: -10 },
    );
    const res = await fetch(`${attic()}/_api/v1/cache-config/main`, {
      headers: bearer(expired),
    });
    expect(res.status).toBe(401);
  });
});

describe('bazel-remote-like HTTP cache', () => {
  it('serves /status with the bazel-remote fields', async () => {
    const res = await fetch(`${bazel()}/status`);
    expect(res.headers.get('content-type')).toBe('application/json');
    const status = await res.json();
    expect(Object.keys(status).sort()).toEqual(
      [
        'CurrSize',
        'GitCommit',
        'MaxSize',
        'NumFiles',
        'NumGoroutines',
        'ReservedSize',
        'ServerTime',
        'UncompressedSize',
      ].sort(),
    );
    expect(status.MaxSize).toBeGreaterThan(status.CurrSize);
    expect(Math.abs(status.ServerTime - Date.now() / 1000)).toBeLessThan(5);
  });

  it('always holds the empty blob', async () => {
    const head = await fetch(`${bazel()}/cas/${EMPTY_BLOB_SHA256}`, {
      method: 'HEAD',
    });
    expect(head.status).toBe(200);
    const get = await fetch(`${bazel()}/cas/${EMPTY_BLOB_SHA256}`);
    expect((await get.arrayBuffer()).byteLength).toBe(0);
  });

  it('stores CAS blobs under their sha256 and AC entries under any key', async () => {
    const blob = Buffer.from('hello, flywheel');
    const key = createHash('sha256').update(blob).digest('hex');
    const before = (await (await fetch(`${bazel()}/status`)).json()).NumFiles;
    expect(
      (await fetch(`${bazel()}/cas/${key}`, { method: 'HEAD' })).status,
    ).toBe(404);
    expect(
      (await fetch(`${bazel()}/cas/${key}`, { method: 'PUT', body: blob }))
        .status,
    ).toBe(200);
    expect(
      Buffer.from(await (await fetch(`${bazel()}/cas/${key}`)).arrayBuffer()),
    ).toEqual(blob);
    const acKey = 'a'.repeat(64);
    expect(
      (await fetch(`${bazel()}/ac/${acKey}`, { method: 'PUT', body: 'x' }))
        .status,
    ).toBe(200);
    expect(await (await fetch(`${bazel()}/ac/${acKey}`)).text()).toBe('x');
    expect((await (await fetch(`${bazel()}/status`)).json()).NumFiles).toBe(
      before + 2,
    );
  });

  it('refuses a CAS blob whose content does not match its key, and bad keys', async () => {
    const res = await fetch(`${bazel()}/cas/${'b'.repeat(64)}`, {
      method: 'PUT',
      body: 'nope',
    });
    expect(res.status).toBe(400);
    expect((await fetch(`${bazel()}/cas/not-a-hash`)).status).toBe(400);
    expect(
      (await fetch(`${bazel()}/cas/${EMPTY_BLOB_SHA256}`, { method: 'DELETE' }))
        .status,
    ).toBe(405);
  });
});

describe('gRPC cache', () => {
  it('answers health Check and REAPI GetCapabilities without execution', async () => {
    expect(await unary(clients.health, 'Check', { service: '' })).toEqual({
      status: 'SERVING',
    });
    await expect(
      unary(clients.health, 'Check', { service: 'nope' }),
    ).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
    });
    const caps = await unary(clients.caps, 'GetCapabilities', {
      instanceName: '',
    });
    expect(caps.cacheCapabilities.digestFunctions).toEqual([
      'SHA256',
      'BLAKE3',
    ]);
    expect(caps.cacheCapabilities.actionCacheUpdateCapabilities).toEqual({
      updateEnabled: true,
    });
    expect(caps.executionCapabilities).toBeNull();
    expect(caps.highApiVersion).toMatchObject({ major: 2, minor: 3 });
  });
});

describe('fault modes', () => {
  it('slow adds latency', async () => {
    await sandbox.setMode('bazel-cache', { mode: 'slow', latencyMs: 300 });
    const t0 = Date.now();
    expect((await fetch(`${bazel()}/status`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('down destroys connections, or answers 503', async () => {
    await sandbox.setMode('attic', 'down');
    await expect(fetch(`${attic()}/main/nix-cache-info`)).rejects.toThrow(
      'fetch failed',
    );
    await sandbox.setMode('attic', { mode: 'down', downAs: '503' });
    expect((await fetch(`${attic()}/main/nix-cache-info`)).status).toBe(503);
    expect(sandbox.requestCount('attic')).toBe(2);
  });

  it('unauthorized refuses every path, or only the token API with scope api', async () => {
    await sandbox.setMode('bazel-cache', 'unauthorized');
    const res = await fetch(`${bazel()}/status`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Basic');
    await sandbox.setMode('attic', { mode: 'unauthorized', status: 403 });
    expect((await fetch(`${attic()}/main/nix-cache-info`)).status).toBe(403);
    await sandbox.setMode('attic', { mode: 'unauthorized', scope: 'api' });
    expect((await fetch(`${attic()}/main/nix-cache-info`)).status).toBe(200);
    const cfg = await fetch(`${attic()}/_api/v1/cache-config/main`, {
      headers: bearer(sandbox.atticToken),
    });
    expect(cfg.status).toBe(401);
  });

  it('gRPC: down refuses connections, slow delays, unauthorized fails calls, healthy listens again', async () => {
    await sandbox.setMode('bazel-grpc', 'down');
    const fresh = grpcClients(sandbox.urls['bazel-grpc']);
    try {
      await expect(
        unary(fresh.health, 'Check', { service: '' }),
      ).rejects.toMatchObject({
        code: grpc.status.UNAVAILABLE,
      });
    } finally {
      fresh.health.close();
      fresh.caps.close();
    }
    await sandbox.setMode('bazel-grpc', { mode: 'unauthorized' });
    const again = grpcClients(sandbox.urls['bazel-grpc']);
    try {
      await expect(
        unary(again.caps, 'GetCapabilities', {}),
      ).rejects.toMatchObject({
        code: grpc.status.UNAUTHENTICATED,
      });
      await sandbox.setMode('bazel-grpc', { mode: 'slow', latencyMs: 200 });
      const t0 = Date.now();
      expect(await unary(again.health, 'Check', { service: '' })).toEqual({
        status: 'SERVING',
      });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    } finally {
      again.health.close();
      again.caps.close();
    }
    expect(sandbox.state('bazel-grpc').requestsByRoute).toEqual({
      'grpc Capabilities/GetCapabilities': 1,
      'grpc Health/Check': 1,
    });
  });

  it('switches through the admin endpoint and counts requests', async () => {
    const admin = `${sandbox.httpUrl}/_sandbox/caches`;
    const put = (name: string, body: unknown) =>
      fetch(`${admin}/${name}/mode`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await put('bazel-cache', { mode: 'slow', latencyMs: 50 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name: 'bazel-cache',
      mode: 'slow',
      latencyMs: 50,
    });
    expect((await put('bazel-cache', { mode: 'sideways' })).status).toBe(400);
    expect(
      (await put('bazel-cache', { mode: 'slow', latencyMs: -1 })).status,
    ).toBe(400);
    expect((await put('ghost', { mode: 'down' })).status).toBe(404);

    await fetch(`${bazel()}/status`);
    await fetch(`${bazel()}/cas/${EMPTY_BLOB_SHA256}`, { method: 'HEAD' });
    const state = await (await fetch(`${admin}/bazel-cache/mode`)).json();
    expect(state).toMatchObject({
      requests: 2,
      requestsByRoute: { 'GET /status': 1, 'HEAD /cas': 1 },
    });
    const list = await (await fetch(admin)).json();
    expect(list.items.map((i: any) => i.name)).toEqual([
      'attic',
      'bazel-cache',
      'bazel-grpc',
    ]);
    expect(
      (await fetch(`${admin}/bazel-cache/requests`, { method: 'DELETE' }))
        .status,
    ).toBe(200);
    expect(sandbox.requestCount('bazel-cache')).toBe(0);
  });
});
