import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { packageFile } from '../packageFiles';
import {
  DecodedServerCapabilities,
  summarizeCapabilities,
} from './cacheParsers';
import { CacheFailure, classifyGrpcError } from './classifyFailure';
import { failCheck, ProbeContext, ProbeOutcome } from './probeContext';
import type {
  CacheProbeDetails,
  CacheTarget,
} from '@tinyland/backstage-plugin-gloriousflywheel-node';

/**
 * The plugin's `proto/` folder (gRPC health, and the REAPI Capabilities subset), resolved through
 * the package so it works from `src/` in tests and from `dist/` when built.
 */
export function cacheProbeProtoDir(): string {
  return packageFile('proto');
}

/** The .proto files the gRPC probe loads, relative to {@link cacheProbeProtoDir}. */
export const CACHE_PROBE_PROTO_FILES = [
  'grpc/health/v1/health.proto',
  'build/bazel/remote/execution/v2/capabilities.proto',
];

type Clients = {
  Health: grpc.ServiceClientConstructor;
  Capabilities: grpc.ServiceClientConstructor;
};
let clients: Clients | undefined;

function loadClients(): Clients {
  if (clients) return clients;
  const def = protoLoader.loadSync(CACHE_PROBE_PROTO_FILES, {
    includeDirs: [cacheProbeProtoDir()],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
  });
  const pkg = grpc.loadPackageDefinition(def) as any;
  clients = {
    Health: pkg.grpc.health.v1.Health,
    Capabilities: pkg.build.bazel.remote.execution.v2.Capabilities,
  };
  return clients;
}

/** `host:port` for grpc-js from a `grpc://` or `grpcs://` URL. */
function grpcAddress(url: string): { address: string; tls: boolean } {
  const u = new URL(url);
  if (u.protocol !== 'grpc:' && u.protocol !== 'grpcs:') {
    throw new Error(`not a grpc:// or grpcs:// URL: ${u.protocol}`);
  }
  const tls = u.protocol === 'grpcs:';
  return { address: `${u.hostname}:${u.port || (tls ? '443' : '80')}`, tls };
}

function call<T>(
  client: grpc.Client,
  method: string,
  request: object,
  metadata: grpc.Metadata,
  deadlineMs: number,
): Promise<
  | { ok: true; value: T; latencyMs: number }
  | { ok: false; failure: CacheFailure; latencyMs: number }
> {
  const t0 = performance.now();
  const since = () => Math.round(performance.now() - t0);
  return new Promise(resolve => {
    (client as any)[method](
      request,
      metadata,
      { deadline: Date.now() + Math.max(1, deadlineMs) },
      (err: grpc.ServiceError | null, value: T) =>
        resolve(
          err
            ? { ok: false, failure: classifyGrpcError(err), latencyMs: since() }
            : { ok: true, value, latencyMs: since() },
        ),
    );
  });
}

/**
 * Probes a REAPI cache over gRPC: `grpc.health.v1.Health/Check` (service ""), then
 * `Capabilities/GetCapabilities` for the configured instance. GetCapabilities is what Bazel calls
 * first, so its failure means down; a failing health check alone means degraded, UNIMPLEMENTED
 * health is only noted. Remote execution is reported exactly as the server states it.
 */
export async function probeBazelGrpc(
  target: CacheTarget,
  ctx: ProbeContext,
  details: CacheProbeDetails,
): Promise<ProbeOutcome> {
  const { Health, Capabilities } = loadClients();
  const { address, tls } = grpcAddress(target.url);
  const creds = tls
    ? grpc.credentials.createSsl()
    : grpc.credentials.createInsecure();
  const health = new Health(address, creds, { 'grpc.enable_retries': 0 });
  const caps = new Capabilities(address, creds, {
    channelOverride: health.getChannel(),
  });
  const metadata = new grpc.Metadata();
  if (target.token) metadata.set('authorization', `Bearer ${target.token}`);
  let partial: ProbeOutcome['partial'];
  try {
    const h = await call<{ status: string }>(
      health,
      'Check',
      { service: '' },
      metadata,
      ctx.remainingMs(),
    );
    if (h.ok) {
      details.grpcHealth = h.value.status;
      if (h.value.status !== 'SERVING') {
        const failure: CacheFailure = {
          errorKind: 'http-5xx',
          message: `health: ${h.value.status}`,
        };
        return {
          down: {
            check: 'health',
            failure: failCheck(ctx, 'health', failure, h.latencyMs),
          },
        };
      }
      ctx.record({
        name: 'health',
        outcome: 'ok',
        latencyMs: h.latencyMs,
        grpcCode: 'OK',
      });
    } else if (h.failure.grpcCode === 'UNIMPLEMENTED') {
      details.grpcHealth = 'not implemented';
      ctx.record({
        name: 'health',
        outcome: 'skipped',
        latencyMs: h.latencyMs,
        grpcCode: 'UNIMPLEMENTED',
        message: 'health service not offered',
      });
    } else if (['network', 'timeout', 'tls'].includes(h.failure.errorKind)) {
      return {
        down: {
          check: 'health',
          failure: failCheck(ctx, 'health', h.failure, h.latencyMs),
        },
      };
    } else {
      partial = {
        check: 'health',
        failure: failCheck(ctx, 'health', h.failure, h.latencyMs),
      };
    }

    const c = await call<DecodedServerCapabilities>(
      caps,
      'GetCapabilities',
      { instanceName: target.cache ?? '' },
      metadata,
      ctx.remainingMs(),
    );
    if (!c.ok) {
      return {
        down: {
          check: 'capabilities',
          failure: failCheck(ctx, 'capabilities', c.failure, c.latencyMs),
        },
      };
    }
    const summary = summarizeCapabilities(c.value);
    details.capabilities = summary;
    if (!summary.cache) {
      const failure = failCheck(
        ctx,
        'capabilities',
        {
          errorKind: 'protocol',
          message: 'no cache capabilities (execution-only endpoint)',
        },
        c.latencyMs,
      );
      return { partial: partial ?? { check: 'capabilities', failure } };
    }
    ctx.record({
      name: 'capabilities',
      outcome: 'ok',
      latencyMs: c.latencyMs,
      grpcCode: 'OK',
      message: `digest functions ${
        summary.cache.digestFunctions.join(', ') || 'none'
      }; remote execution: ${summary.remoteExecution}`,
    });
    return partial ? { partial } : {};
  } finally {
    caps.close();
    health.close();
  }
}
