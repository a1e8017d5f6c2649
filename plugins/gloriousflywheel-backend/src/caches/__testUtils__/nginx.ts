import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A real nginx on loopback with WebDAV PUT, serving `root`. */
export interface NginxServer {
  url: string;
  port: number;
  /** the document root; files written here are served */
  root: string;
  stop(): Promise<void>;
}

const CANDIDATES = [process.env.NGINX_BIN, '/usr/sbin/nginx', '/usr/bin/nginx'];

/** The nginx binary, or a clear failure: these tests must not silently skip. */
export function findNginx(candidates = CANDIDATES): string {
  for (const c of candidates) {
    if (!c) continue;
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return c;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    `nginx not found (looked at ${candidates.filter(Boolean).join(', ')}). ` +
      'These cache probe tests need a real nginx with the WebDAV module: apt-get install nginx ' +
      '(or set NGINX_BIN).',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function config(dir: string, root: string, port: number): string {
  const p = (x: string) => path.join(dir, x);
  return `# test nginx: foreground, single process, everything under ${dir}
daemon off;
master_process off;
worker_processes 1;
pid ${p('nginx.pid')};
error_log ${p('error.log')} warn;
events { worker_connections 64; }
http {
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path ${p('client_body')};
  proxy_temp_path ${p('proxy')};
  fastcgi_temp_path ${p('fastcgi')};
  uwsgi_temp_path ${p('uwsgi')};
  scgi_temp_path ${p('scgi')};
  server {
    listen 127.0.0.1:${port};
    root ${root};
    client_max_body_size 16m;
    location / {
      dav_methods PUT DELETE;
      create_full_put_path on;
      dav_access user:rw;
    }
  }
}
`;
}

async function waitForListening(
  child: ChildProcess,
  port: number,
  errorLog: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  child.once('exit', code => {
    exited = code;
  });
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      const log = fs.existsSync(errorLog)
        ? fs.readFileSync(errorLog, 'utf8')
        : '';
      throw new Error(
        `nginx exited with code ${exited} before listening:\n${log}`,
      );
    }
    const up = await new Promise<boolean>(resolve => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(
    `nginx did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`,
  );
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise(resolve => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    // SIGQUIT is nginx's graceful shutdown.
    child.kill('SIGQUIT');
  });
}

/**
 * Starts Debian's nginx in the foreground on 127.0.0.1 and a free port, with its config, pid,
 * logs and temp paths in a fresh temp dir. Call `stop()` in afterAll.
 */
export async function startNginx(): Promise<NginxServer> {
  const bin = findNginx();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gf-nginx-'));
  const root = path.join(dir, 'root');
  fs.mkdirSync(root);
  const errorLog = path.join(dir, 'error.log');
  // The port can be taken between probing and binding; try a few times.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const conf = path.join(dir, 'nginx.conf');
    fs.writeFileSync(conf, config(dir, root, port));
    // -e keeps nginx from opening the default /var/log/nginx/error.log before reading the config.
    const child = spawn(bin, ['-p', dir, '-c', conf, '-e', errorLog], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', d => {
      stderr += String(d);
    });
    try {
      await waitForListening(child, port, errorLog, 5000);
    } catch (e) {
      await stopChild(child);
      if (
        attempt < 3 &&
        /Address already in use/.test(`${(e as Error).message}${stderr}`)
      )
        continue;
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`${(e as Error).message}\n${stderr}`);
    }
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      root,
      async stop() {
        await stopChild(child);
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error('nginx could not bind a free port in 3 attempts');
}
