import { createHmac } from 'node:crypto';
import {
  ATTIC_CLAIM,
  AtticTokenClaims,
  atticPermissionsFor,
  signAtticToken,
  verifyAtticToken,
} from './atticToken';

const secret = Buffer.from('0123456789abcdef0123456789abcdef');
const now = 1_800_000_000;
const claims: AtticTokenClaims = {
  sub: 'probe',
  exp: now + 60,
  [ATTIC_CLAIM]: { caches: { main: { r: 1 }, 'team-*': { r: 1, w: 1 } } },
};

describe('Attic tokens', () => {
  it('accepts a token it signed', () => {
    const check = verifyAtticToken(signAtticToken(claims, secret), secret, now);
    expect(check).toEqual({ ok: true, claims });
  });

  it.each([
    [
      'another secret',
      () => signAtticToken(claims, Buffer.from('x'.repeat(32))),
      'bad signature',
    ],
    [
      'an expired token',
      () => signAtticToken({ ...claims, exp: now - 1 }, secret),
      'token expired',
    ],
    [
      'a token from the future',
      () => signAtticToken({ ...claims, nbf: now + 10 }, secret),
      'token not yet valid',
    ],
    ['a malformed token', () => 'abc.def', 'malformed token'],
    [
      // alg "none" with an empty signature must never pass.
      'alg none',
      () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
          JSON.stringify(claims),
        ).toString('base64url')}.`,
      'unsupported algorithm',
    ],
    [
      'a tampered payload',
      () => {
        const [h, , s] = signAtticToken(claims, secret).split('.');
        const body = Buffer.from(
          JSON.stringify({ ...claims, sub: 'admin' }),
        ).toString('base64url');
        return `${h}.${body}.${s}`;
      },
      'bad signature',
    ],
  ])('refuses %s', (_name, make, reason) => {
    expect(verifyAtticToken(make(), secret, now)).toEqual({
      ok: false,
      reason,
    });
  });

  it('signs exactly HS256 over header.payload', () => {
    const token = signAtticToken(claims, secret);
    const [h, b, s] = token.split('.');
    const expected = createHmac('sha256', secret)
      .update(`${h}.${b}`)
      .digest('base64url');
    expect(s).toBe(expected);
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
  });

  it('merges permissions of matching cache patterns', () => {
    expect(atticPermissionsFor(claims, 'main')).toEqual({ r: 1 });
    expect(atticPermissionsFor(claims, 'team-nix')).toEqual({ r: 1, w: 1 });
    expect(atticPermissionsFor(claims, 'other')).toEqual({});
  });
});
