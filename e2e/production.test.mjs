// The production config (app-config.yaml + app-config.production.yaml) started as a deployment would:
// packages/backend's src/index.ts in its own Node process, NODE_ENV=production, values from environment
// variables, serving the built app. A third file adds only what a test needs: a loopback port, SQLite
// in a temporary directory, a static access token to call the API with (production has no sign-in a
// test could use) and no adoption scan during the test (it would go to github.com).
// What the config contains is checked in packages/backend/src/productionConfig.test.ts.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ROOT,
  freePort,
  startProcess,
  stopProcess,
  waitFor,
} from './portal.mjs';

const BACKEND_DIR = path.join(ROOT, 'packages/backend');
const NODE_TRANSFORM = createRequire(
  path.join(BACKEND_DIR, 'package.json'),
).resolve('@backstage/cli/config/nodeTransform.cjs');

/** Starts the backend on the production config; `extraEnv` adds environment variables. */
async function startProductionBackend(extraEnv = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gf-production-'));
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const token = randomBytes(24).toString('hex');
  const testConfig = path.join(tmp, 'app-config.test.yaml');
  fs.writeFileSync(
    testConfig,
    JSON.stringify({
      backend: {
        listen: `127.0.0.1:${port}`,
        database: {
          client: 'better-sqlite3',
          connection: { directory: path.join(tmp, 'sqlite') },
        },
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token, subject: 'production-config-test' },
            },
          ],
        },
      },
      gloriousflywheel: {
        schedule: {
          adoptionScan: {
            frequency: { hours: 24 },
            timeout: { minutes: 20 },
            initialDelay: { hours: 1 },
          },
        },
      },
    }),
  );
  // Only what a deployment sets: nothing of the test runner's environment leaks in.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmp,
    NODE_ENV: 'production',
    APP_BASE_URL: baseUrl,
    BACKEND_BASE_URL: baseUrl,
    ...extraEnv,
  };
  const proc = startProcess(
    'backend',
    process.execPath,
    [
      '--require',
      NODE_TRANSFORM,
      'src/index.ts',
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      path.join(ROOT, 'app-config.production.yaml'),
      '--config',
      testConfig,
    ],
    { cwd: BACKEND_DIR, logDir: tmp, env },
  );
  try {
    await waitFor(`${baseUrl}/.backstage/health/v1/readiness`, {
      timeoutMs: 150000,
      proc,
      name: `production backend (log: ${proc.logFile})`,
      failOn: /Backend startup failed/,
    });
  } catch (e) {
    await stopProcess(proc); // the log stays for reading
    throw e;
  }
  /** Calls the API as this test's static access token. */
  const api = (p, init = {}) =>
    fetch(`${baseUrl}${p}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'x-requested-with': 'XMLHttpRequest',
        ...init.headers,
      },
    });
  const stop = async () => {
    await stopProcess(proc);
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  return { baseUrl, api, stop };
}

const WEBHOOK = '/api/gloriousflywheel/adoption/webhook';

describe('production config', () => {
  let backend;
  before(async () => {
    backend = await startProductionBackend();
  });
  after(async () => {
    await backend?.stop();
  });

  it('has no dev and no guest sign-in', async () => {
    const dev = await backend.api('/api/auth/dev/refresh');
    assert.equal(dev.status, 404);
    assert.equal(
      (await dev.json()).error.message,
      "Unknown auth provider 'dev'",
    );
    const guest = await backend.api('/api/auth/guest/refresh');
    assert.equal(guest.status, 404);
    assert.equal(
      (await guest.json()).error.message,
      "No auth provider registered for 'guest'",
    );
  });

  it('has no webhook route without GF_WEBHOOK_SECRET', async () => {
    // authenticated, so that 404 means no route (an unauthenticated call stops at 401 either way)
    const res = await backend.api(WEBHOOK, { method: 'POST', body: '{}' });
    assert.equal(res.status, 404);
  });

  it('watches no cluster and probes no cache (no sandbox URL)', async () => {
    const res = await backend.api('/api/gloriousflywheel/health');
    assert.equal(res.status, 200);
    const { sources } = await res.json();
    for (const name of ['fleet', 'caches']) {
      assert.deepEqual(
        (({ configured, state }) => ({ configured, state }))(
          sources.find(s => s.source === name),
        ),
        { configured: 0, state: 'not-configured' },
      );
    }
  });
});

describe('production config with a real GF_WEBHOOK_SECRET', () => {
  let backend;
  before(async () => {
    backend = await startProductionBackend({
      GF_WEBHOOK_SECRET: randomBytes(20).toString('hex'),
    });
  });
  after(async () => {
    await backend?.stop();
  });

  it('serves the webhook route, which refuses a wrongly signed delivery', async () => {
    const res = await backend.api(WEBHOOK, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      },
      body: '{}',
    });
    assert.equal(res.status, 401);
  });
});
