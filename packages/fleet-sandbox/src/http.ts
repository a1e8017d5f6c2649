import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A started loopback HTTP server. */
export interface ListeningServer {
  server: http.Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts `handler` on host:port (0 = random) and returns its base URL. close() also ends
 * keep-alive and long-poll (watch) connections, so tests never hang on shutdown.
 */
export async function listen(
  handler: http.RequestListener,
  host: string,
  port: number,
): Promise<ListeningServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  let closing: Promise<void> | undefined;
  return {
    server,
    url,
    port: addr.port,
    close() {
      closing ??= new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
