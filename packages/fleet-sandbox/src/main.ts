import os from 'node:os';
import path from 'node:path';
import { startFleetSandbox } from './sandbox';

/**
 * `fleet-sandbox [--host h] [--k8s-port n] [--github-port n] [--caches-port n] [--grpc-port n]
 *  [--long-tail n] [--ca-file path] [--plain-http] [--webhook-url url[,url…]]`
 */
function parseArgs(argv: string[]) {
  const opts: Record<string, string> = {};
  const flags = new Set(['plain-http']);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    opts[m[1]] = m[2] ?? (flags.has(m[1]) ? 'true' : argv[++i]);
  }
  const port = (key: string, dflt: number) => {
    const v = Number(opts[key] ?? dflt);
    if (!Number.isInteger(v) || v < 0 || v > 65535)
      throw new Error(`--${key} must be a port number`);
    return v;
  };
  const ports = {
    k8s: port('k8s-port', 7101),
    github: port('github-port', 7102),
    caches: port('caches-port', 7103),
    grpc: port('grpc-port', 7104),
  };
  const webhookUrls = (opts['webhook-url'] ?? '').split(',').filter(Boolean);
  return {
    host: opts.host ?? '127.0.0.1',
    ports,
    seedOptions: {
      longTailRepos: Number(opts['long-tail'] ?? 20),
      // the runner pods' cache env points at this sandbox's caches (random ports: the seed's defaults)
      cacheEndpoints:
        ports.caches && ports.grpc
          ? {
              atticServer: `http://${opts.host ?? '127.0.0.1'}:${
                ports.caches
              }/attic`,
              bazelRemoteCache: `grpc://${opts.host ?? '127.0.0.1'}:${
                ports.grpc
              }`,
            }
          : undefined,
    },
    tls: opts['plain-http'] !== 'true',
    caFile: path.resolve(
      opts['ca-file'] ??
        path.join(os.tmpdir(), `fleet-sandbox-ca-${ports.k8s}.pem`),
    ),
    webhookUrls,
  };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const sandbox = await startFleetSandbox(options);
  const lines = [
    `kubernetes  ${sandbox.k8s.url}${
      sandbox.k8s.caFile
        ? ` (CA: ${sandbox.k8s.caFile}; admin: ${sandbox.k8s.adminUrl}/_sandbox/)`
        : ''
    }`,
    `github      ${sandbox.github.url}`,
    `github auth token ${sandbox.github.token}, App ${sandbox.github.app.appId} installation ${sandbox.github.app.installationId} (key: GET ${sandbox.github.url}/_sandbox/github/app)`,
    `workflow_job webhooks → ${
      options.webhookUrls.join(', ') ||
      'none (PUT /_sandbox/github/webhook-urls)'
    }`,
    ...Object.entries(sandbox.caches.urls).map(
      ([n, u]) => `cache ${n.padEnd(12)}${u}`,
    ),
  ];
  process.stdout.write(`fleet sandbox ready\n  ${lines.join('\n  ')}\n`);
  const stop = () => {
    sandbox.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch(e => {
  process.stderr.write(`fleet sandbox failed to start: ${e?.message ?? e}\n`);
  process.exit(1);
});
