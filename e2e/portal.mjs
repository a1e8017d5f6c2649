// Starts the real portal for browser tests: the fleet sandbox and the backend (serving the built
// app) on free loopback ports, with a throw-away SQLite directory. Used by the e2e tests only.
import { spawn } from 'node:child_process';
import { after, before } from 'node:test';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** `failOn`: a pattern of the process's log that means it will never be ready (checked each poll). */
export async function waitFor(url, { timeoutMs, proc, name, failOn }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null)
      throw new Error(`${name} exited early (code ${proc.exitCode})`);
    if (failOn && failOn.test(fs.readFileSync(proc.logFile, 'utf8')))
      throw new Error(`${name} failed to start`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 300));
  }
  throw new Error(`${name} not ready at ${url} after ${timeoutMs} ms`);
}

/** The sandbox's CA certificate, once it has written it (it does so before it listens). */
async function waitForCa(file, proc) {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null)
      throw new Error(
        `sandbox exited early (code ${proc.exitCode}, log: ${proc.logFile})`,
      );
    const pem = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (pem.includes('-----END CERTIFICATE-----')) return pem;
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`the sandbox wrote no CA to ${file} within 60 s`);
}

export function startProcess(name, cmd, args, opts) {
  const logFile = path.join(opts.logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'w');
  const proc = spawn(cmd, args, {
    ...opts,
    stdio: ['ignore', out, out],
    detached: true,
  });
  proc.logFile = logFile;
  return proc;
}

export async function stopProcess(proc) {
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise(r => proc.once('exit', r));
  // SIGINT lets Backstage run its shutdown hooks (SIGTERM to the group logs EPIPE).
  try {
    process.kill(-proc.pid, 'SIGINT');
  } catch {
    /* already gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 10000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts sandbox + backend. Returns { baseUrl, sandbox: {k8s, github, caches, grpc}, stop() }.
 */
export async function startPortal() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gf-e2e-'));
  const ports = {
    backend: await freePort(),
    k8s: await freePort(),
    github: await freePort(),
    caches: await freePort(),
    grpc: await freePort(),
    metrics: await freePort(),
  };
  const baseUrl = `http://localhost:${ports.backend}`;
  const sandboxUrls = {
    // the Kubernetes API is https (CA made at start); plain HTTP on that port is the admin API
    k8s: `http://127.0.0.1:${ports.k8s}`,
    k8sApi: `https://127.0.0.1:${ports.k8s}`,
    github: `http://127.0.0.1:${ports.github}`,
    caches: `http://127.0.0.1:${ports.caches}`,
    grpc: `grpc://127.0.0.1:${ports.grpc}`,
  };
  const configFile = path.join(tmp, 'app-config.e2e.yaml');
  const caFile = path.join(tmp, 'k8s-ca.pem');
  // written once the sandbox has made its CA: the backend trusts the API server through caData
  const writeConfig = caData =>
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        app: { baseUrl },
        // the adoption scan reads this portal's own GitHub sandbox (arrays replace app-config.sandbox.yaml's)
        integrations: {
          github: [
            {
              host: `127.0.0.1:${ports.github}`,
              apiBaseUrl: sandboxUrls.github,
              token: 'ghp_sandbox_token',
            },
          ],
        },
        backend: {
          baseUrl,
          listen: { port: ports.backend, host: '127.0.0.1' },
          database: {
            client: 'better-sqlite3',
            connection: { directory: path.join(tmp, 'sqlite') },
          },
        },
        gloriousflywheel: {
          clusters: [
            {
              name: 'honey',
              url: sandboxUrls.k8sApi,
              authProvider: 'serviceAccount',
              serviceAccountToken: 'sandbox-k8s-token',
              caData,
              namespaces: ['arc-runners'],
            },
          ],
          caches: [
            {
              name: 'attic',
              kind: 'attic',
              url: `${sandboxUrls.caches}/attic`,
              cache: 'main',
              runnerClasses: ['tinyland-nix', 'tinyland-nix-heavy'],
            },
            {
              name: 'bazel-cache',
              kind: 'bazel-remote',
              url: `${sandboxUrls.caches}/bazel-cache`,
              runnerClasses: [
                'tinyland-nix',
                'tinyland-docker',
                'tinyland-nix-heavy',
              ],
            },
            {
              name: 'bazel-grpc',
              kind: 'bazel-grpc',
              url: sandboxUrls.grpc,
              runnerClasses: ['tinyland-nix-heavy'],
            },
          ],
          github: { orgs: ['tinyland-inc'], host: `127.0.0.1:${ports.github}` },
          // Probe often so a cache switched to slow/down shows within seconds.
          schedule: {
            cacheProbe: { frequency: { seconds: 2 }, timeout: { seconds: 30 } },
          },
        },
      }),
    );

  const procs = [];
  const stop = async () => {
    for (const p of procs.reverse()) await stopProcess(p);
  };
  try {
    const sandbox = startProcess(
      'sandbox',
      process.execPath,
      [
        path.join(ROOT, 'packages/fleet-sandbox/bin/fleet-sandbox'),
        '--k8s-port',
        String(ports.k8s),
        '--github-port',
        String(ports.github),
        '--caches-port',
        String(ports.caches),
        '--grpc-port',
        String(ports.grpc),
        '--ca-file',
        caFile,
        '--webhook-url',
        `${baseUrl}/api/gloriousflywheel/adoption/webhook`,
      ],
      { cwd: ROOT, logDir: tmp, env: process.env },
    );
    procs.push(sandbox);
    writeConfig(await waitForCa(caFile, sandbox));
    const backend = startProcess(
      'backend',
      'yarn',
      [
        'backstage-cli',
        'package',
        'start',
        // the Prometheus endpoint (docs/metrics.md), on loopback
        '--require',
        './src/instrumentation.js',
        '--config',
        path.join(ROOT, 'app-config.yaml'),
        '--config',
        path.join(ROOT, 'app-config.sandbox.yaml'),
        '--config',
        configFile,
      ],
      {
        cwd: path.join(ROOT, 'packages/backend'),
        logDir: tmp,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          GF_METRICS_PORT: String(ports.metrics),
        },
      },
    );
    procs.push(backend);
    await waitFor(`${baseUrl}/.backstage/health/v1/readiness`, {
      timeoutMs: 120000,
      proc: backend,
      name: `backend (log: ${backend.logFile})`,
    });
    return {
      baseUrl,
      sandboxUrls,
      metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`,
      tmp,
      backendLog: backend.logFile,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Launches Debian's Chromium through playwright-core (browsers cannot be downloaded here). */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: process.env.GF_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Signs in on the portal's sign-in page as one of the seeded users (the dev provider resolves them
 * in the catalog, with their real group memberships).
 */
export async function signInAs(page, baseUrl, title) {
  await page.goto(baseUrl);
  await page.getByRole('button', { name: `Sign in as ${title}` }).click();
}

export const signInAsGuest = (page, baseUrl) =>
  signInAs(page, baseUrl, 'Guest (developer)');

/** A guest token from the real auth backend, for API calls made by the tests themselves. */
export async function guestToken(baseUrl) {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest refresh failed: ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

/** Waits until the catalog has processed an entity (providers and processing are asynchronous). */
export async function waitForEntity(baseUrl, ref, { timeoutMs = 60000 } = {}) {
  const [kind, rest] = ref.split(':');
  const [namespace, name] = rest.split('/');
  const token = await guestToken(baseUrl);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(
      `${baseUrl}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    if (res.ok) return res.json();
    if (Date.now() > deadline)
      throw new Error(
        `${ref} not in the catalog after ${timeoutMs} ms (last ${res.status})`,
      );
    await new Promise(r => setTimeout(r, 500));
  }
}

/**
 * One portal and one browser for a test file: started before its tests, stopped after them.
 * Returns an object whose `portal` and `browser` are set once started.
 */
export function portalFixture() {
  const ctx = { portal: undefined, browser: undefined };
  before(async () => {
    ctx.portal = await startPortal();
    ctx.browser = await launchBrowser();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.portal?.stop();
  });
  return ctx;
}
