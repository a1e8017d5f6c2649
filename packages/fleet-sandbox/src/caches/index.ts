import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { FleetSeed } from '../seed/fleetSeed';
import { listen } from '../http';
import {
  CacheSandboxCacheState,
  CacheSandboxEntry,
  CacheSandboxModeSettings,
  Delays,
  parseModeSettings,
} from './cacheModes';
import {
  AtticSandboxCache,
  createAtticSandboxCache,
  handleAttic,
  sendAtticError,
} from './atticCache';
import {
  ATTIC_CLAIM,
  AtticCachePermissions,
  signAtticToken,
} from './atticToken';
import {
  BazelRemoteSandboxCache,
  BazelRemoteSandboxOptions,
} from './bazelRemoteCache';
import { GrpcSandboxCache } from './grpcCache';

export type {
  CacheSandboxMode,
  CacheSandboxModeSettings,
  CacheSandboxCacheState,
} from './cacheModes';
export type { AtticCachePermissions, AtticTokenClaims } from './atticToken';
export { ATTIC_CLAIM, verifyAtticToken } from './atticToken';
export { EMPTY_BLOB_SHA256 } from './bazelRemoteCache';
export type { BazelRemoteSandboxOptions } from './bazelRemoteCache';
export { cacheSandboxProtoDir, bazelRemoteCapabilities } from './grpcCache';

export interface CacheSandboxOptions {
  host: string;
  /** HTTP port for the Attic and bazel-remote caches and the admin endpoint (0 = random) */
  port: number;
  /** gRPC port of the first bazel-grpc cache (0 = random; further gRPC caches get random ports) */
  grpcPort: number;
  seed: FleetSeed;
  /** sizes of the bazel-remote caches */
  bazelRemote?: BazelRemoteSandboxOptions;
}

/**
 * The build-cache stand-ins: an Attic-like Nix cache and a bazel-remote-like HTTP cache under
 * `{httpUrl}/{cacheName}`, a gRPC cache (health + REAPI GetCapabilities) per bazel-grpc cache, and
 * an admin endpoint to switch faults at run time:
 *
 * - `GET /_sandbox/caches`: every cache's state (mode, request counts)
 * - `GET /_sandbox/caches/{name}/mode`: one cache's state
 * - `PUT|POST /_sandbox/caches/{name}/mode` with `{"mode":"healthy"|"slow"|"down"|"unauthorized",
 *   "latencyMs"?, "downAs"?: "reset"|"503", "status"?: 401|403, "scope"?: "all"|"api"}`
 * - `DELETE /_sandbox/caches/{name}/requests`: reset that cache's request counts
 */
export interface CacheSandbox {
  /** base URL per seeded cache name (attic: the Attic server URL; bazel-grpc: grpc://host:port) */
  urls: Record<string, string>;
  /** the HTTP server (admin endpoint at `{httpUrl}/_sandbox/caches`) */
  httpUrl: string;
  /** an Attic token (HS256 JWT) with pull permission on every seeded Attic cache */
  atticToken: string;
  /** signs another Attic token with the sandbox's secret (e.g. one lacking a cache's permission) */
  signAtticToken(
    caches: Record<string, AtticCachePermissions>,
    options?: { sub?: string; expiresInSec?: number },
  ): string;
  /** switches a cache's fault mode; resolves once it applies (a gRPC cache stops or listens again) */
  setMode(
    name: string,
    settings: CacheSandboxModeSettings | CacheSandboxModeSettings['mode'],
  ): Promise<CacheSandboxCacheState>;
  /** one cache's mode and request counts; throws for an unknown name */
  state(name: string): CacheSandboxCacheState;
  states(): CacheSandboxCacheState[];
  /** requests that reached a cache since start or the last reset */
  requestCount(name: string): number;
  resetRequestCounts(name?: string): void;
  close(): Promise<void>;
}

function json(res: ServerResponse, code: number, body: unknown) {
  res.statusCode = code;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

function readJson(req: IncomingMessage, limit = 16 * 1024): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      data += c;
      if (data.length > limit) req.destroy(new Error('body too large'));
    });
    req.on('end', () => {
      try {
        resolve(data ? JSON.parse(data) : {});
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

export async function startCacheSandbox(
  options: CacheSandboxOptions,
): Promise<CacheSandbox> {
  const secret = randomBytes(32);
  const delays = new Delays();
  const entries = new Map<string, CacheSandboxEntry>();
  const attic = new Map<string, AtticSandboxCache[]>();
  const bazel = new Map<string, BazelRemoteSandboxCache>();
  const grpcCaches = new Map<string, GrpcSandboxCache>();
  let httpUrl = '';

  const entryOf = (name: string) => {
    const e = entries.get(name);
    if (!e) throw new Error(`no sandbox cache named '${name}'`);
    return e;
  };

  const setMode: CacheSandbox['setMode'] = async (name, input) => {
    const entry = entryOf(name);
    entry.settings = parseModeSettings(input);
    await grpcCaches.get(name)?.applyMode();
    return entry.state();
  };

  async function admin(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ) {
    if (path === '/_sandbox/caches' && req.method === 'GET') {
      json(res, 200, { items: [...entries.values()].map(e => e.state()) });
      return;
    }
    const m = /^\/_sandbox\/caches\/([^/]+)\/(mode|requests)$/.exec(path);
    const entry = m && entries.get(decodeURIComponent(m[1]));
    if (!m || !entry) {
      json(res, 404, { error: 'no such sandbox cache' });
      return;
    }
    if (m[2] === 'requests' && req.method === 'DELETE') {
      entry.resetCounts();
      json(res, 200, entry.state());
    } else if (req.method === 'GET') {
      json(res, 200, entry.state());
    } else if (
      m[2] === 'mode' &&
      (req.method === 'PUT' || req.method === 'POST')
    ) {
      try {
        json(
          res,
          200,
          await setMode(entry.seed.name, (await readJson(req)) as any),
        );
      } catch (e) {
        json(res, 400, { error: (e as Error).message });
      }
    } else {
      json(res, 405, { error: 'method not allowed' });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    if (path === '/healthz') {
      res.end('ok');
      return;
    }
    if (path.startsWith('/_sandbox/')) {
      await admin(req, res, path);
      return;
    }
    const m = /^\/([^/]+)(\/.*)?$/.exec(path);
    const entry = m && entries.get(decodeURIComponent(m[1]));
    if (!m || !entry || entry.seed.kind === 'bazel-grpc') {
      res.statusCode = 404;
      res.end('no such cache\n');
      return;
    }
    const rest = m[2] ?? '/';
    const kind = entry.seed.kind;
    entry.count(
      kind === 'bazel-remote'
        ? BazelRemoteSandboxCache.route(req.method, rest)
        : `${req.method} ${rest.replace(/^\/(?!_api)[^/]+\//, '/{cache}/')}`,
    );
    const s = entry.settings;
    if (s.mode === 'slow') await delays.wait(s.latencyMs ?? 0);
    if (s.mode === 'down') {
      if (s.downAs === '503') {
        res.statusCode = 503;
        res.end('Service Unavailable\n');
      } else {
        req.socket.destroy();
      }
      return;
    }
    const rejectAll = s.mode === 'unauthorized' && s.scope !== 'api';
    if (kind === 'attic') {
      if (rejectAll) {
        const code = s.status ?? 401;
        sendAtticError(
          res,
          code,
          code === 401 ? 'Unauthorized' : 'Forbidden',
          'Unauthorized.',
        );
        return;
      }
      handleAttic(
        { caches: attic.get(entry.seed.name)!, secret, baseUrl: entry.url },
        req,
        res,
        rest,
        { rejectTokens: s.mode === 'unauthorized' ? s.status : undefined },
      );
      return;
    }
    if (s.mode === 'unauthorized') {
      // bazel-remote with an htpasswd file answers Basic auth challenges.
      res.statusCode = s.status ?? 401;
      if (res.statusCode === 401)
        res.setHeader('www-authenticate', 'Basic realm="bazel-remote"');
      res.end('Unauthorized\n');
      return;
    }
    await bazel.get(entry.seed.name)!.handle(req, res, rest);
  }

  const server = await listen(
    (req, res) => {
      handle(req, res).catch(e => {
        if (!res.headersSent)
          json(res, 500, { error: String(e?.message ?? e) });
        else res.destroy();
      });
    },
    options.host,
    options.port,
  );
  httpUrl = server.url;

  const started: GrpcSandboxCache[] = [];
  try {
    let grpcPort: number | undefined = options.grpcPort;
    for (const c of options.seed.caches) {
      const entry = new CacheSandboxEntry(c, `${httpUrl}/${c.name}`);
      entries.set(c.name, entry);
      if (c.kind === 'attic') {
        attic.set(c.name, [createAtticSandboxCache(c.cache ?? 'main')]);
      } else if (c.kind === 'bazel-remote') {
        bazel.set(c.name, new BazelRemoteSandboxCache(options.bazelRemote));
      } else {
        const g = new GrpcSandboxCache(entry, delays, options.host);
        await g.start(grpcPort ?? 0);
        started.push(g);
        grpcPort = undefined;
        entry.url = g.url;
        grpcCaches.set(c.name, g);
      }
    }
  } catch (e) {
    await Promise.allSettled(started.map(g => g.stop()));
    await server.close();
    throw e;
  }

  const atticPerms: Record<string, AtticCachePermissions> = {};
  for (const list of attic.values())
    for (const c of list) atticPerms[c.name] = { r: 1 };

  const sign: CacheSandbox['signAtticToken'] = (caches, opts = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return signAtticToken(
      {
        sub: opts.sub ?? 'gloriousflywheel-probe',
        exp: now + (opts.expiresInSec ?? 365 * 24 * 3600),
        [ATTIC_CLAIM]: { caches },
      },
      secret,
    );
  };

  let closing: Promise<void> | undefined;
  return {
    urls: Object.fromEntries([...entries].map(([n, e]) => [n, e.url])),
    httpUrl,
    atticToken: sign(atticPerms),
    signAtticToken: sign,
    setMode,
    state: name => entryOf(name).state(),
    states: () => [...entries.values()].map(e => e.state()),
    requestCount: name => entryOf(name).state().requests,
    resetRequestCounts(name) {
      for (const e of name ? [entryOf(name)] : entries.values())
        e.resetCounts();
    },
    close() {
      closing ??= (async () => {
        delays.clear();
        await Promise.all([...grpcCaches.values()].map(g => g.stop()));
        await server.close();
      })();
      return closing;
    },
  };
}
