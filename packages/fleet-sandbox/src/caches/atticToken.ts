import { createHmac, timingSafeEqual } from 'node:crypto';

/** Claim namespace Attic puts its per-cache permissions under. */
export const ATTIC_CLAIM = 'https://jwt.attic.rs/v1';

/**
 * Attic's per-cache permission bits as they appear in a token: `r` pull, `w` push, `d` delete,
 * `cc` create cache, `cr` configure cache, `cq` configure retention, `cd` destroy cache.
 */
export interface AtticCachePermissions {
  r?: 1;
  w?: 1;
  d?: 1;
  cc?: 1;
  cr?: 1;
  cq?: 1;
  cd?: 1;
}

/** The claims of an Attic token (HS256 JWT). Cache keys may be glob patterns (`*`). */
export interface AtticTokenClaims {
  sub: string;
  exp: number;
  nbf?: number;
  [ATTIC_CLAIM]: { caches: Record<string, AtticCachePermissions> };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** Signs Attic token claims as an HS256 JWT. */
export function signAtticToken(
  claims: AtticTokenClaims,
  secret: Buffer,
): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  return `${head}.${body}.${b64url(sig)}`;
}

export type AtticTokenCheck =
  | { ok: true; claims: AtticTokenClaims }
  | { ok: false; reason: string };

/** Verifies an HS256 JWT the way an Attic server does: algorithm, signature, expiry, not-before. */
export function verifyAtticToken(
  token: string,
  secret: Buffer,
  nowSec = Math.floor(Date.now() / 1000),
): AtticTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [head, body, sig] = parts;
  let header: { alg?: unknown };
  let claims: AtticTokenClaims;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  // Only HS256: a token declaring `none` or another algorithm is refused, never trusted.
  if (header.alg !== 'HS256')
    return { ok: false, reason: 'unsupported algorithm' };
  const expected = createHmac('sha256', secret)
    .update(`${head}.${body}`)
    .digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad signature' };
  }
  if (typeof claims.exp !== 'number' || claims.exp <= nowSec) {
    return { ok: false, reason: 'token expired' };
  }
  if (typeof claims.nbf === 'number' && claims.nbf > nowSec) {
    return { ok: false, reason: 'token not yet valid' };
  }
  return { ok: true, claims };
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\?]/g, '\\$&')
    .replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** The permissions a token grants on one cache (patterns merged, as Attic does). */
export function atticPermissionsFor(
  claims: AtticTokenClaims,
  cache: string,
): AtticCachePermissions {
  const merged: AtticCachePermissions = {};
  for (const [pattern, perms] of Object.entries(
    claims[ATTIC_CLAIM]?.caches ?? {},
  )) {
    if (globToRegExp(pattern).test(cache)) Object.assign(merged, perms);
  }
  return merged;
}
