import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { atticPermissionsFor, verifyAtticToken } from './atticToken';

/** One Attic cache (the Attic cache name, e.g. `main`) the sandbox serves. */
export interface AtticSandboxCache {
  name: string;
  isPublic: boolean;
  priority: number;
  /** Nix public key, `name:base64` */
  publicKey: string;
}

/** Makes an Attic cache with a fresh ed25519 signing key, as `attic cache create` would. */
export function createAtticSandboxCache(
  name: string,
  isPublic = true,
): AtticSandboxCache {
  const { publicKey } = generateKeyPairSync('ed25519');
  // The raw 32-byte key is the tail of the SPKI DER encoding; Nix prints it as name:base64.
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return {
    name,
    isPublic,
    priority: 41,
    publicKey: `${name}:${raw.toString('base64')}`,
  };
}

type AtticError = 'Unauthorized' | 'Forbidden' | 'NoSuchCache' | 'NotFound';

/** Attic answers errors as JSON `{code, error, message}`. */
export function sendAtticError(
  res: ServerResponse,
  code: number,
  error: AtticError,
  message: string,
) {
  res.statusCode = code;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ code, error, message }));
}

export interface AtticHandlerOptions {
  caches: AtticSandboxCache[];
  secret: Buffer;
  /** the sandbox URL of this Attic server (e.g. http://127.0.0.1:7007/attic) */
  baseUrl: string;
}

/** Extra refusal the current fault mode asks for (unauthorized with scope `api`). */
export interface AtticFault {
  rejectTokens?: 401 | 403;
}

/**
 * The Attic routes the probes use: `GET /{cache}/nix-cache-info` (public caches need no token) and
 * `GET /_api/v1/cache-config/{cache}` (bearer JWT with pull permission). `path` excludes the base.
 */
export function handleAttic(
  options: AtticHandlerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  fault: AtticFault = {},
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendAtticError(res, 405, 'NotFound', 'Method not allowed.');
    return;
  }
  /** The named cache, or undefined once Attic's 404 is sent. */
  const cacheOr404 = (n: string) => {
    const cache = options.caches.find(c => c.name === n);
    if (!cache)
      sendAtticError(
        res,
        404,
        'NoSuchCache',
        'The requested cache does not exist.',
      );
    return cache;
  };

  const auth = () => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) return undefined;
    const check = verifyAtticToken(m[1], options.secret);
    return check.ok ? check.claims : undefined;
  };

  const cfg = /^\/_api\/v1\/cache-config\/([^/]+)$/.exec(path);
  if (cfg) {
    const name = decodeURIComponent(cfg[1]);
    if (fault.rejectTokens) {
      sendAtticError(
        res,
        fault.rejectTokens,
        fault.rejectTokens === 401 ? 'Unauthorized' : 'Forbidden',
        'The token was rejected.',
      );
      return;
    }
    const claims = auth();
    if (!claims) {
      sendAtticError(res, 401, 'Unauthorized', 'Unauthorized.');
      return;
    }
    if (!atticPermissionsFor(claims, name).r) {
      sendAtticError(res, 403, 'Forbidden', 'Permission denied.');
      return;
    }
    const cache = cacheOr404(name);
    if (!cache) return;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        substituter_endpoint: `${options.baseUrl}/${cache.name}`,
        api_endpoint: `${options.baseUrl}/`,
        public_key: cache.publicKey,
        is_public: cache.isPublic,
        store_dir: '/nix/store',
        priority: cache.priority,
        upstream_cache_key_names: ['cache.nixos.org-1'],
        retention_period: 'Global',
      }),
    );
    return;
  }

  const info = /^\/([^/_][^/]*)\/nix-cache-info$/.exec(path);
  if (info) {
    const cache = cacheOr404(decodeURIComponent(info[1]));
    if (!cache) return;
    if (!cache.isPublic) {
      const claims = auth();
      if (!claims || !atticPermissionsFor(claims, cache.name).r) {
        sendAtticError(res, 401, 'Unauthorized', 'Unauthorized.');
        return;
      }
    }
    const body = `StoreDir: /nix/store\nWantMassQuery: 1\nPriority: ${cache.priority}\n`;
    res.setHeader('content-type', 'text/x-nix-cache-info');
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }

  // Store paths (narinfo, nar) are not seeded: a lookup is an honest miss.
  sendAtticError(res, 404, 'NotFound', 'Not found.');
}
