import { startFleetSandbox } from './sandbox';

/** `fleet-sandbox [--host h] [--k8s-port n] [--github-port n] [--caches-port n] [--grpc-port n] [--long-tail n]` */
function parseArgs(argv: string[]) {
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]}`);
    opts[m[1]] = m[2] ?? argv[++i];
  }
  const port = (key: string, dflt: number) => {
    const v = Number(opts[key] ?? dflt);
    if (!Number.isInteger(v) || v < 0 || v > 65535) throw new Error(`--${key} must be a port number`);
    return v;
  };
  return {
    host: opts.host ?? '127.0.0.1',
    ports: {
      k8s: port('k8s-port', 7101),
      github: port('github-port', 7102),
      caches: port('caches-port', 7103),
      grpc: port('grpc-port', 7104),
    },
    seedOptions: {
      longTailRepos: Number(opts['long-tail'] ?? 20),
      // the runner pods' cache env points at this sandbox's caches (random ports: the seed's defaults)
      cacheEndpoints:
        port('caches-port', 7103) && port('grpc-port', 7104)
          ? {
              atticServer: `http://${opts.host ?? '127.0.0.1'}:${port('caches-port', 7103)}/attic`,
              bazelRemoteCache: `grpc://${opts.host ?? '127.0.0.1'}:${port('grpc-port', 7104)}`,
            }
          : undefined,
    },
  };
}

async function main() {
  const sandbox = await startFleetSandbox(parseArgs(process.argv.slice(2)));
  const lines = [
    `kubernetes  ${sandbox.k8s.url}`,
    `github      ${sandbox.github.url}`,
    `github auth token ${sandbox.github.token}, App ${sandbox.github.app.appId} installation ${sandbox.github.app.installationId} (key: GET ${sandbox.github.url}/_sandbox/github/app)`,
    ...Object.entries(sandbox.caches.urls).map(([n, u]) => `cache ${n.padEnd(12)}${u}`),
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
