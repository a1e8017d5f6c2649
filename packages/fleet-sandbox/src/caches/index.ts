import { FleetSeed } from '../seed/fleetSeed';
import { listen } from '../http';

export interface CacheSandboxOptions {
  host: string;
  port: number;
  grpcPort: number;
  seed: FleetSeed;
}

/** The build-cache stand-ins (skeleton: Attic, bazel-remote and gRPC come with the cache work). */
export interface CacheSandbox {
  /** base URL per seeded cache name */
  urls: Record<string, string>;
  close(): Promise<void>;
}

export async function startCacheSandbox(
  options: CacheSandboxOptions,
): Promise<CacheSandbox> {
  const server = await listen(
    (req, res) => {
      res.statusCode = req.url === '/healthz' ? 200 : 404;
      res.end();
    },
    options.host,
    options.port,
  );
  const urls: Record<string, string> = {};
  for (const c of options.seed.caches) urls[c.name] = `${server.url}/${c.name}`;
  return { urls, close: server.close };
}
