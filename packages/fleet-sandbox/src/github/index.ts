import { FleetSeed } from '../seed/fleetSeed';
import { listen } from '../http';

export interface GitHubSandboxOptions {
  host: string;
  port: number;
  seed: FleetSeed;
}

/** The GitHub API stand-in (skeleton: REST + GraphQL come with the adoption work). */
export interface GitHubSandbox {
  url: string;
  /** bearer token the API accepts */
  token: string;
  close(): Promise<void>;
}

export async function startGitHubSandbox(
  options: GitHubSandboxOptions,
): Promise<GitHubSandbox> {
  const token = 'ghs_sandbox_token';
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
