import crypto from 'node:crypto';

/** Who a request is: a PAT user, an App installation, or the App itself (JWT). */
export type GitHubPrincipal =
  | { kind: 'user'; id: number; login: string; rateKey: string }
  | {
      kind: 'installation';
      installationId: number;
      rateKey: string;
      /** the token's permissions when it asked for fewer than the installation has */
      permissions?: Record<string, string>;
    }
  | { kind: 'app'; appId: number; rateKey: string };

export type GitHubAuthResult =
  | { ok: true; principal: GitHubPrincipal }
  | { ok: false; status: 401; message: string };

export interface GitHubAppIdentity {
  appId: number;
  /** client id (GitHub accepts it as JWT `iss` too) */
  clientId: string;
  slug: string;
  installationId: number;
  /** PKCS#1 PEM, like the key GitHub lets you download */
  privateKey: string;
  publicKey: crypto.KeyObject;
}

export function createAppIdentity(opts: {
  appId?: number;
  installationId?: number;
  slug?: string;
  privateKey?: string;
}): GitHubAppIdentity {
  // a fixed key (e.g. from the portal's local config) or a fresh one per start
  const privateKey = opts.privateKey
    ? crypto.createPrivateKey(opts.privateKey)
    : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const publicKey = crypto.createPublicKey(privateKey);
  return {
    appId: opts.appId ?? 424242,
    clientId: 'Iv23liSandboxFlywheel',
    slug: opts.slug ?? 'gloriousflywheel-sandbox',
    installationId: opts.installationId ?? 55501,
    privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKey,
  };
}

const b64urlJson = (s: string) =>
  JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

/**
 * Verifies an App JWT as GitHub does: RS256 signed by the App's key, `iss` = App id (or client
 * id), `exp` in the future and at most 10 minutes after `iat`, `iat` not in the future (60 s
 * clock drift allowed). Returns GitHub's error message or undefined when valid.
 */
export function verifyAppJwt(
  jwt: string,
  app: GitHubAppIdentity,
  nowMs = Date.now(),
): string | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3) return 'A JSON web token could not be decoded';
  let header: any;
  let claims: any;
  try {
    header = b64urlJson(parts[0]);
    claims = b64urlJson(parts[1]);
  } catch {
    return 'A JSON web token could not be decoded';
  }
  if (header?.alg !== 'RS256') return 'A JSON web token could not be decoded';
  const signatureOk = crypto.verify(
    'RSA-SHA256',
    Buffer.from(`${parts[0]}.${parts[1]}`),
    app.publicKey,
    Buffer.from(parts[2], 'base64url'),
  );
  if (!signatureOk) return 'A JSON web token could not be decoded';
  if (String(claims.iss) !== String(app.appId) && claims.iss !== app.clientId)
    return `'Issuer' claim ('iss') must be an Integer`;
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= now)
    return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
  if (typeof claims.iat !== 'number' || claims.iat > now + 60)
    return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
  if (claims.exp - claims.iat > 600 + 60 || claims.exp > now + 600 + 60)
    return "'Expiration time' claim ('exp') is too far in the future";
  return undefined;
}

const looksLikeJwt = (t: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(t);

export class GitHubTokens {
  /** installation token → expiry (ms) */
  private installationTokens = new Map<
    string,
    {
      installationId: number;
      expiresAt: number;
      permissions?: Record<string, string>;
    }
  >();
  private counter = 0;

  constructor(
    readonly pat: string,
    readonly app: GitHubAppIdentity,
    private readonly tokenTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issueInstallationToken(
    installationId: number,
    permissions?: Record<string, string>,
  ) {
    this.counter++;
    const token = `ghs_${crypto
      .createHash('sha256')
      .update(`${installationId}:${this.counter}:${crypto.randomUUID()}`)
      .digest('base64url')
      .slice(0, 36)}`;
    const expiresAt = this.now() + this.tokenTtlMs;
    this.installationTokens.set(token, {
      installationId,
      expiresAt,
      ...(permissions && { permissions }),
    });
    return { token, expiresAt };
  }

  revoke(token: string) {
    return this.installationTokens.delete(token);
  }

  /** Reads `Authorization: token X` / `Bearer X`; `wantApp` = the route needs an App JWT. */
  authenticate(header: string | undefined, wantApp: boolean): GitHubAuthResult {
    if (!header) {
      return {
        ok: false,
        status: 401,
        message: wantApp
          ? 'A JSON web token could not be decoded'
          : 'Requires authentication',
      };
    }
    const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header);
    if (!m) return { ok: false, status: 401, message: 'Bad credentials' };
    const credential = m[1];
    if (wantApp) {
      if (!looksLikeJwt(credential))
        return {
          ok: false,
          status: 401,
          message: 'A JSON web token could not be decoded',
        };
      const err = verifyAppJwt(credential, this.app, this.now());
      if (err) return { ok: false, status: 401, message: err };
      return {
        ok: true,
        principal: {
          kind: 'app',
          appId: this.app.appId,
          rateKey: `app:${this.app.appId}`,
        },
      };
    }
    if (credential === this.pat) {
      return {
        ok: true,
        principal: {
          kind: 'user',
          id: 1,
          login: 'flywheel-bot',
          rateKey: 'user:1',
        },
      };
    }
    const inst = this.installationTokens.get(credential);
    if (inst && inst.expiresAt > this.now()) {
      return {
        ok: true,
        principal: {
          kind: 'installation',
          installationId: inst.installationId,
          // an installation's tokens share one budget, as on GitHub
          rateKey: `installation:${inst.installationId}`,
          ...(inst.permissions && { permissions: inst.permissions }),
        },
      };
    }
    return { ok: false, status: 401, message: 'Bad credentials' };
  }
}
