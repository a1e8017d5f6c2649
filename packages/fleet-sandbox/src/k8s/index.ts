import { FleetSeed } from '../seed/fleetSeed';
import { listen } from '../http';

export interface KubernetesSandboxOptions {
  host: string;
  port: number;
  seed: FleetSeed;
}

/** The Kubernetes API stand-in (skeleton: the strict API comes with the fleet work). */
export interface KubernetesSandbox {
  url: string;
  /** bearer token the API accepts */
  token: string;
  close(): Promise<void>;
}

export async function startKubernetesSandbox(
  options: KubernetesSandboxOptions,
): Promise<KubernetesSandbox> {
  const token = 'sandbox-k8s-token';
  const server = await listen(
    (req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/healthz') {
        res.end('"ok"');
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ kind: 'Status', status: 'Failure', code: 404 }));
    },
    options.host,
    options.port,
  );
  return { url: server.url, token, close: server.close };
}
