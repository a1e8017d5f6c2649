import path from 'node:path';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { CacheSandboxEntry, Delays } from './cacheModes';

/**
 * Where the sandbox's .proto files live. The sandbox keeps its own server-side copy (not the
 * backend's client copy) so the two are written independently from the REAPI spec and a wrong
 * field number on either side shows up as a failed probe test instead of agreeing with itself.
 */
export function cacheSandboxProtoDir(): string {
  // Through the package, so the path holds from src/ and from a build alike.
  return path.join(
    path.dirname(require.resolve('@internal/fleet-sandbox/package.json')),
    'proto',
  );
}

type Loaded = {
  healthService: grpc.ServiceDefinition;
  capabilitiesService: grpc.ServiceDefinition;
};

let loaded: Loaded | undefined;
function loadServices(): Loaded {
  if (loaded) return loaded;
  const dir = cacheSandboxProtoDir();
  const def = protoLoader.loadSync(
    [
      'grpc/health/v1/health.proto',
      'build/bazel/remote/execution/v2/capabilities.proto',
    ],
    {
      includeDirs: [dir],
      keepCase: false,
      longs: String,
      enums: String,
      defaults: true,
    },
  );
  const pkg = grpc.loadPackageDefinition(def) as any;
  loaded = {
    healthService: pkg.grpc.health.v1.Health.service,
    capabilitiesService:
      pkg.build.bazel.remote.execution.v2.Capabilities.service,
  };
  return loaded;
}

/** What a bazel-remote gRPC endpoint answers to GetCapabilities: a cache, no remote execution. */
export function bazelRemoteCapabilities() {
  return {
    cacheCapabilities: {
      digestFunctions: ['SHA256', 'BLAKE3'],
      actionCacheUpdateCapabilities: { updateEnabled: true },
      cachePriorityCapabilities: {
        priorities: [{ minPriority: 0, maxPriority: 0 }],
      },
      maxBatchTotalSizeBytes: String(4 * 1024 * 1024),
      symlinkAbsolutePathStrategy: 'ALLOWED',
      supportedCompressors: ['ZSTD'],
      supportedBatchUpdateCompressors: ['ZSTD'],
      maxCasBlobSizeBytes: '0',
    },
    lowApiVersion: { major: 2, minor: 0, patch: 0 },
    highApiVersion: { major: 2, minor: 3, patch: 0 },
  };
}

const KNOWN_SERVICES = new Set([
  '',
  'build.bazel.remote.execution.v2.Capabilities',
  'build.bazel.remote.execution.v2.ContentAddressableStorage',
  'build.bazel.remote.execution.v2.ActionCache',
]);

/**
 * One gRPC cache endpoint (grpc.health.v1.Health/Check and REAPI Capabilities/GetCapabilities).
 * In mode `down` it stops listening, so clients see a refused connection; it binds the same port
 * again when the mode changes back.
 */
export class GrpcSandboxCache {
  private server?: grpc.Server;
  port = 0;

  constructor(
    private readonly entry: CacheSandboxEntry,
    private readonly delays: Delays,
    private readonly host: string,
  ) {}

  get url() {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `grpc://${h}:${this.port}`;
  }

  async start(port: number): Promise<void> {
    const { healthService, capabilitiesService } = loadServices();
    const server = new grpc.Server();
    server.addService(healthService, {
      Check: this.unary('Health/Check', (req: { service: string }) => {
        if (!KNOWN_SERVICES.has(req.service)) {
          throw Object.assign(new Error(`unknown service ${req.service}`), {
            code: grpc.status.NOT_FOUND,
          });
        }
        return { status: 'SERVING' };
      }),
    });
    server.addService(capabilitiesService, {
      GetCapabilities: this.unary('Capabilities/GetCapabilities', () =>
        bazelRemoteCapabilities(),
      ),
    });
    const h = this.host.includes(':') ? `[${this.host}]` : this.host;
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(
        `${h}:${port}`,
        grpc.ServerCredentials.createInsecure(),
        (err, p) => (err ? reject(err) : resolve(p)),
      ),
    );
    this.server = server;
  }

  /** Applies the entry's current mode: stop listening for `down`, listen again otherwise. */
  async applyMode(): Promise<void> {
    if (this.entry.settings.mode === 'down') {
      await this.stop();
    } else if (!this.server) {
      await this.start(this.port);
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.forceShutdown();
    // forceShutdown closes the listener asynchronously; wait until connects are refused so `down`
    // really means down when setMode resolves.
    for (let i = 0; i < 100 && (await accepts(this.host, this.port)); i++) {
      await new Promise(r => setTimeout(r, 20));
    }
  }

  private unary<Req>(route: string, answer: (req: Req) => object) {
    return (
      call: grpc.ServerUnaryCall<Req, object>,
      callback: grpc.sendUnaryData<object>,
    ) => {
      this.entry.count(`grpc ${route}`);
      const s = this.entry.settings;
      const respond = () => {
        if (s.mode === 'unauthorized') {
          const code =
            s.status === 403
              ? grpc.status.PERMISSION_DENIED
              : grpc.status.UNAUTHENTICATED;
          callback({ code, details: 'credentials rejected' });
          return;
        }
        try {
          callback(null, answer(call.request));
        } catch (e: any) {
          callback({
            code: e.code ?? grpc.status.INTERNAL,
            details: String(e.message),
          });
        }
      };
      if (s.mode === 'slow') {
        this.delays.wait(s.latencyMs ?? 0).then(respond);
      } else {
        respond();
      }
    };
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
