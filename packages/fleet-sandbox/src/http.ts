import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** The sandboxes' admin APIs answer loopback callers only. */
export const isLoopback = (addr: string | undefined) =>
  addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';

/** A JSON answer of an admin API. */
export function sendJson(
  res: http.ServerResponse,
  code: number,
  body: unknown,
) {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** An admin API path's segments after its `prefix` ones, decoded. */
export const adminPathParts = (url: URL, prefix: number) =>
  url.pathname.split('/').filter(Boolean).slice(prefix).map(decodeURIComponent);

/** A started loopback HTTP(S) server. */
export interface ListeningServer {
  /** the HTTP server (with TLS: the one behind the TLS layer) */
  server: http.Server;
  url: string;
  port: number;
  /** Stops accepting connections and ends the open ones (the port is closed). */
  stopListening(): Promise<void>;
  /** Listens on the same port again after stopListening. */
  listenAgain(): Promise<void>;
  close(): Promise<void>;
}

/** TLS for a server; plain-HTTP requests on the same port go to `plainHandler`. */
export interface ListenTls {
  key: string;
  cert: string;
  /**
   * Requests that arrive without TLS (the first byte is not a TLS handshake). Go's servers answer
   * these with 400 "Client sent an HTTP request to an HTTPS server."; callers decide what else.
   */
  plainHandler: http.RequestListener;
}

/**
 * Starts `handler` on host:port (0 = random) and returns its base URL. close() also ends
 * keep-alive and long-poll (watch) connections, so tests never hang on shutdown. With `tls`, one
 * port speaks both: TLS connections reach `handler`, plain HTTP reaches `tls.plainHandler`.
 */
export async function listen(
  handler: http.RequestListener,
  host: string,
  port: number,
  tls?: ListenTls,
): Promise<ListeningServer> {
  const main = tls
    ? https.createServer({ key: tls.key, cert: tls.cert }, handler)
    : http.createServer(handler);
  const plain = tls ? http.createServer(tls.plainHandler) : undefined;
  const sockets = new Set<net.Socket>();
  // with TLS a raw TCP server sniffs the first byte (0x16 = TLS handshake record)
  const front: net.Server = tls
    ? net.createServer(socket => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        socket.once('data', data => {
          socket.pause();
          socket.unshift(data);
          (data[0] === 0x16 ? main : plain!).emit('connection', socket);
          process.nextTick(() => socket.resume());
        });
        socket.on('error', () => socket.destroy());
      })
    : main;
  const start = (p: number) =>
    new Promise<void>((resolve, reject) => {
      front.once('error', reject);
      front.listen(p, host, () => {
        front.off('error', reject);
        resolve();
      });
    });
  await start(port);
  const addr = front.address() as AddressInfo;
  const scheme = tls ? 'https' : 'http';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${
    addr.port
  }`;
  const stopListening = () =>
    new Promise<void>(resolve => {
      front.close(() => resolve());
      main.closeAllConnections();
      plain?.closeAllConnections();
      for (const s of sockets) s.destroy();
    });
  let closing: Promise<void> | undefined;
  return {
    server: main,
    url,
    port: addr.port,
    stopListening,
    listenAgain: () => start(addr.port),
    close() {
      closing ??= stopListening();
      return closing;
    },
  };
}
