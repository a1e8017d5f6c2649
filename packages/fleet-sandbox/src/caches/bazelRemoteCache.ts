import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';

/** sha256 of zero bytes: Bazel's empty blob, always present in a bazel-remote CAS. */
export const EMPTY_BLOB_SHA256 =
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Sizes a bazel-remote-like cache starts with. */
export interface BazelRemoteSandboxOptions {
  /** MaxSize in /status (default 50 GiB) */
  maxSizeBytes?: number;
  /** bytes and entries a warm cache already holds, added to what tests PUT (defaults: 12.5 GiB, 183,204) */
  preloadedBytes?: number;
  preloadedFiles?: number;
  /** largest PUT body accepted (default 16 MiB) */
  maxBlobBytes?: number;
}

// Same key rule as bazel-remote: an optional ignored pool prefix, then ac/ or cas/ and 64 hex.
const BLOB_PATH = /^\/?(?:.*\/)?(ac|cas)\/([a-f0-9]{64})$/;
const GIT_COMMIT = '0000000000000000000000000000000000000000';

function text(res: ServerResponse, code: number, body: string) {
  res.statusCode = code;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`${body}\n`);
}

/** An in-memory bazel-remote: `/status`, and GET/HEAD/PUT of `/ac/{sha256}` and `/cas/{sha256}`. */
export class BazelRemoteSandboxCache {
  private blobs = {
    ac: new Map<string, Buffer>(),
    cas: new Map<string, Buffer>(),
  };
  private readonly maxSize: number;
  private readonly preBytes: number;
  private readonly preFiles: number;
  private readonly maxBlob: number;
  private inFlight = 0;

  constructor(options: BazelRemoteSandboxOptions = {}) {
    this.maxSize = options.maxSizeBytes ?? 50 * 1024 ** 3;
    this.preBytes = options.preloadedBytes ?? Math.round(12.5 * 1024 ** 3);
    this.preFiles = options.preloadedFiles ?? 183_204;
    this.maxBlob = options.maxBlobBytes ?? 16 * 1024 ** 2;
    this.blobs.cas.set(EMPTY_BLOB_SHA256, Buffer.alloc(0));
  }

  /** The /status document, field for field as bazel-remote writes it. */
  status() {
    let bytes = 0;
    let files = 0;
    for (const m of [this.blobs.ac, this.blobs.cas]) {
      for (const b of m.values()) bytes += b.length;
      files += m.size;
    }
    return {
      CurrSize: this.preBytes + bytes,
      UncompressedSize: this.preBytes + bytes,
      ReservedSize: 0,
      MaxSize: this.maxSize,
      NumFiles: this.preFiles + files,
      ServerTime: Math.floor(Date.now() / 1000),
      GitCommit: GIT_COMMIT,
      NumGoroutines: 9 + this.inFlight,
    };
  }

  /** Route key for request counting. */
  static route(method: string | undefined, path: string): string {
    const m = BLOB_PATH.exec(path);
    return `${method} ${m ? `/${m[1]}` : path}`;
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): Promise<void> {
    this.inFlight++;
    try {
      await this.route(req, res, path);
    } finally {
      this.inFlight--;
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string) {
    if (path === '/status' && req.method === 'GET') {
      res.setHeader('content-type', 'application/json');
      // bazel-remote encodes with a one-space indent.
      res.end(`${JSON.stringify(this.status(), null, 1)}\n`);
      return;
    }
    const m = BLOB_PATH.exec(path);
    if (!m) {
      text(
        res,
        400,
        `resource name must be a SHA256 hash in hex. got '${path}'`,
      );
      return;
    }
    const store = this.blobs[m[1] as 'ac' | 'cas'];
    const key = m[2];
    switch (req.method) {
      case 'GET':
      case 'HEAD': {
        const blob = store.get(key);
        if (!blob) {
          text(res, 404, 'Not found');
          return;
        }
        res.setHeader('content-type', 'application/octet-stream');
        res.setHeader('content-length', blob.length);
        res.end(req.method === 'HEAD' ? undefined : blob);
        return;
      }
      case 'PUT': {
        const declared = req.headers['content-length'];
        if (declared === undefined) {
          text(res, 400, `PUT without Content-Length (key = /${m[1]}/${key})`);
          return;
        }
        if (Number(declared) > this.maxBlob) {
          text(
            res,
            413,
            `blob of ${declared} bytes is over the ${this.maxBlob} byte limit`,
          );
          req.resume();
          return;
        }
        const body = await readBody(req, this.maxBlob);
        if (m[1] === 'cas') {
          const actual = createHash('sha256').update(body).digest('hex');
          if (actual !== key) {
            text(res, 400, `hash mismatch: key ${key}, content ${actual}`);
            return;
          }
        }
        store.set(key, body);
        res.statusCode = 200;
        res.end();
        return;
      }
      default:
        text(res, 405, `Method '${req.method}' not supported.`);
    }
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.destroy(new Error('body over limit'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
