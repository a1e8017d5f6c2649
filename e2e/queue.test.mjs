// "Why is my job stuck?" end to end: jobs queued in the sandbox's job simulator reach the portal as
// signed workflow_job webhooks, and the page diagnoses them against the live (sandbox) fleet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, guestToken, portalFixture, signInAsGuest } from './portal.mjs';

const ctx = portalFixture();

/** Queues a job in the simulator (it delivers the `queued` webhook); returns the simulator's job. */
async function enqueue(labels, extra = {}) {
  const res = await fetch(
    `${ctx.portal.sandboxUrls.github}/_sandbox/github/jobs`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        repo: 'lab',
        labels,
        durationMs: 600_000,
        ...extra,
      }),
    },
  );
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text);
}

const jobUrl = job =>
  `https://github.com/${job.repository}/actions/runs/${job.runId}/job/${job.id}`;

/** A token for a seeded user through the real dev auth provider. */
async function tokenFor(user) {
  const res = await fetch(`${ctx.portal.baseUrl}/api/auth/dev/refresh`, {
    headers: {
      'x-requested-with': 'XMLHttpRequest',
      'x-gloriousflywheel-dev-user': user,
    },
  });
  assert.equal(res.status, 200, `dev sign-in as ${user}`);
  return (await res.json()).backstageIdentity.token;
}

async function api(path, token) {
  const res = await fetch(`${ctx.portal.baseUrl}/api/gloriousflywheel${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.json() };
}

/** Until `check` passes (the webhook, the informers and the stats cache are asynchronous). */
async function eventually(check, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise(r => setTimeout(r, 500));
    }
  }
}

/** Opens the page for a job URL (a ?url= link diagnoses at once) and waits for a reason's summary. */
async function diagnoseOnPage(page, job, summary) {
  // the portal knows the job once its webhook arrived
  const token = await guestToken(ctx.portal.baseUrl);
  await eventually(async () =>
    assert.equal(
      (
        await api(`/queue/jobs/tinyland-inc/lab/${job.id}`, token)
      ).status,
      200,
    ),
  );
  await page.goto(
    `${ctx.portal.baseUrl}/gloriousflywheel/stuck-job?url=${encodeURIComponent(
      jobUrl(job),
    )}`,
  );
  await page.getByText(summary).first().waitFor({ timeout: 30000 });
}

test('a job on a mistyped label: "no runner class matches; did you mean tinyland-nix"', async () => {
  const page = await ctx.browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  // the first load of the app bundle may be slow on a busy machine
  await page.goto(ctx.portal.baseUrl);
  await page
    .getByRole('button', { name: 'Sign in as Guest (developer)' })
    .waitFor({ timeout: 90000 });
  await signInAsGuest(page, ctx.portal.baseUrl);
  const job = await enqueue(['tinyland-nixx']);
  const token = await guestToken(ctx.portal.baseUrl);
  await eventually(async () =>
    assert.equal(
      (
        await api(`/queue/jobs/tinyland-inc/lab/${job.id}`, token)
      ).status,
      200,
    ),
  );
  // typed into the page, as a developer would
  await page
    .getByRole('link', { name: 'Why is my job stuck?' })
    .first()
    .click();
  await page.getByTestId('job-url').fill(jobUrl(job));
  await page.getByRole('button', { name: 'Diagnose', exact: true }).click();
  await page
    .getByText('no runner class matches; did you mean tinyland-nix?')
    .waitFor({ timeout: 30000 });
  await page
    .getByText('Change runs-on to tinyland-nix.', { exact: false })
    .waitFor();
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/stuck-job.png'),
    fullPage: true,
    animations: 'disabled',
  });
  await page.close();
});

test('after Oscar pauses tinyland-docker, a queued docker job says who paused it and why', async () => {
  const oscar = await tokenFor('oscar-operator');
  const pause = await fetch(
    `${ctx.portal.baseUrl}/api/gloriousflywheel/scale-sets/honey/arc-runners/tinyland-docker/pause`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${oscar}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ reason: 'e2e: node drain on honey' }),
    },
  );
  assert.equal(pause.status, 200, await pause.text());
  try {
    // the informer sees the pause before the job is diagnosed
    const guest = await guestToken(ctx.portal.baseUrl);
    await eventually(async () =>
      assert.ok(
        (
          await api(
            '/fleet/scale-sets/honey/arc-runners/tinyland-docker',
            guest,
          )
        ).body.item.paused,
      ),
    );
    const job = await enqueue(['tinyland-docker']);
    const page = await ctx.browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    await signInAsGuest(page, ctx.portal.baseUrl);
    await diagnoseOnPage(page, job, 'paused by user:default/oscar-operator');
    await page
      .getByText(
        /paused by user:default\/oscar-operator at .*: e2e: node drain on honey/,
      )
      .waitFor();
    await page.close();
  } finally {
    await fetch(
      `${ctx.portal.baseUrl}/api/gloriousflywheel/scale-sets/honey/arc-runners/tinyland-docker/resume`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${oscar}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ reason: 'e2e: drain done' }),
      },
    );
  }
});

test('tinyland-dind filled to its maximum: "at capacity" with the jobs ahead', async () => {
  const guest = await guestToken(ctx.portal.baseUrl);
  const { body } = await api(
    '/fleet/scale-sets/honey/arc-runners/tinyland-dind',
    guest,
  );
  const max = body.item.maxRunners;
  assert.ok(max > 0);
  for (let i = 0; i < max; i++) await enqueue(['tinyland-dind']);
  await eventually(async () => {
    const s = (
      await api('/fleet/scale-sets/honey/arc-runners/tinyland-dind', guest)
    ).body.item;
    assert.ok(
      s.runners.current >= max,
      `current ${s.runners.current} of ${max}`,
    );
  });
  const waiting = await enqueue(['tinyland-dind']);
  const last = await enqueue(['tinyland-dind']);
  const page = await ctx.browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  await signInAsGuest(page, ctx.portal.baseUrl);
  await diagnoseOnPage(page, last, /^at capacity, [1-9]\d* job\(s\) ahead$/);
  await page
    .getByText(`honey/arc-runners/tinyland-dind: `, { exact: false })
    .first()
    .waitFor();
  assert.ok(waiting.id < last.id);
  await page.close();
});

test('a stopped listener shows as the reason a nix-heavy job waits', async () => {
  const admin = `${ctx.portal.sandboxUrls.k8s}/_sandbox/scale-sets/arc-runners/tinyland-nix-heavy/listener`;
  const stop = await fetch(`${admin}/stop`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(stop.status, 200, await stop.text());
  try {
    const job = await enqueue(['tinyland-nix-heavy']);
    const page = await ctx.browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    await signInAsGuest(page, ctx.portal.baseUrl);
    await diagnoseOnPage(page, job, 'listener not ready');
    await page
      .getByText(/CrashLoopBackOff/)
      .first()
      .waitFor();
    await page.close();
  } finally {
    await fetch(`${admin}/start`, { method: 'POST' });
  }
});
