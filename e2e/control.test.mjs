import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, portalFixture, signInAs, waitForEntity } from './portal.mjs';

const ctx = portalFixture();

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

async function sandboxScaleSet(name) {
  const res = await fetch(`${ctx.portal.sandboxUrls.k8s}/_sandbox/scale-sets`);
  return (await res.json()).items.find(o => o.metadata.name === name);
}

test('an operator pauses a scale set with a reason, sees it paused and audited, then resumes it exactly', async () => {
  const page = await ctx.browser.newPage({
    viewport: { width: 1500, height: 1100 },
  });
  await signInAs(page, ctx.portal.baseUrl, 'Oscar (operator)');
  await page.getByRole('link', { name: 'Runner classes' }).first().click();

  await page
    .getByRole('button', { name: 'pause tinyland-docker' })
    .click({ timeout: 30000 });
  await page
    .getByTestId('control-effect')
    .filter({ hasText: 'min 0 / max 6 → min 0 / max 0' })
    .waitFor();
  await page.getByLabel(/Reason/).fill('e2e: drain honey for kernel upgrade');
  // animations off: the dialog's fade-in would otherwise be caught half-transparent
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/pause-dialog.png'),
    animations: 'disabled',
  });
  await page.getByRole('button', { name: 'Pause', exact: true }).click();

  // Paused everywhere: the row's chip, the class card, and in the cluster itself.
  await page
    .getByRole('button', { name: 'resume tinyland-docker' })
    .waitFor({ timeout: 20000 });
  const row = page.getByRole('row').filter({
    has: page.getByRole('link', { name: 'tinyland-docker', exact: true }),
  });
  await row.getByText('paused').waitFor();
  await page
    .getByTestId('runner-class-tinyland-docker')
    .getByText('1 paused')
    .waitFor({ timeout: 20000 });
  const obj = await sandboxScaleSet('tinyland-docker');
  assert.equal(obj.spec.maxRunners, 0);
  assert.equal(obj.spec.minRunners, 0);
  assert.match(
    obj.metadata.annotations['gloriousflywheel.io/paused-from'],
    /"maxRunners":6/,
  );

  // Not the operator's class (tinyland-dind belongs to platform-team): no button.
  assert.equal(
    await page.getByRole('button', { name: 'pause tinyland-dind' }).count(),
    0,
  );

  await page.getByRole('link', { name: 'Audit log' }).first().click();
  await page
    .getByText('e2e: drain honey for kernel upgrade')
    .waitFor({ timeout: 20000 });
  await page.getByTestId('audit-chain').filter({ hasText: 'intact' }).waitFor();
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/audit-log.png'),
    fullPage: true,
  });

  // The scale set's own catalog page says who paused it, when and why, and offers Resume.
  await waitForEntity(
    ctx.portal.baseUrl,
    'resource:default/honey.arc-runners.tinyland-docker',
  );
  await page.goto(
    `${ctx.portal.baseUrl}/catalog/default/resource/honey.arc-runners.tinyland-docker/gloriousflywheel`,
  );
  const pausedBy = page.getByText('Paused by user:default/oscar-operator', {
    exact: false,
  });
  await pausedBy.waitFor({ timeout: 30000 });
  await pausedBy.click(); // the warning panel opens on click to show the reason
  await page
    .getByText('Reason: e2e: drain honey for kernel upgrade', { exact: false })
    .waitFor();
  await page.getByRole('button', { name: 'resume tinyland-docker' }).waitFor();
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/scale-set-paused.png'),
    fullPage: true,
    animations: 'disabled',
  });

  // Resume restores exactly the prior values.
  const token = await tokenFor('oscar-operator');
  const res = await fetch(
    `${ctx.portal.baseUrl}/api/gloriousflywheel/scale-sets/honey/arc-runners/tinyland-docker/resume`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ reason: 'e2e: upgrade done' }),
    },
  );
  assert.equal(res.status, 200, await res.text());
  const restored = await sandboxScaleSet('tinyland-docker');
  assert.equal(restored.spec.maxRunners, 6);
  assert.equal(
    restored.metadata.annotations?.['gloriousflywheel.io/paused-from'],
    undefined,
  );
});

test('a viewer sees no pause buttons and gets 403 from the API', async () => {
  const page = await ctx.browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  await signInAs(page, ctx.portal.baseUrl, 'Vera (viewer)');
  await page.getByRole('link', { name: 'Runner classes' }).first().click();
  await page
    .getByTestId('runner-class-tinyland-nix')
    .waitFor({ timeout: 30000 });
  await page.getByText('All scale sets').waitFor();
  // Give the permission checks time to answer before asserting absence.
  await page.waitForTimeout(1500);
  assert.equal(
    await page.getByRole('button', { name: /^(pause|resume) / }).count(),
    0,
  );

  const token = await tokenFor('vera-viewer');
  const res = await fetch(
    `${ctx.portal.baseUrl}/api/gloriousflywheel/scale-sets/honey/arc-runners/tinyland-nix/pause`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ reason: 'should be denied' }),
    },
  );
  assert.equal(res.status, 403);
  const audit = await fetch(
    `${ctx.portal.baseUrl}/api/gloriousflywheel/audit`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  assert.equal(audit.status, 403);
  assert.equal((await sandboxScaleSet('tinyland-nix')).spec.maxRunners, 8);
});

test('the Prometheus endpoint shows the plugin metrics after a scan, probes and pause/resume', async () => {
  const control = async (user, action) => {
    const res = await fetch(
      `${ctx.portal.baseUrl}/api/gloriousflywheel/scale-sets/honey/arc-runners/tinyland-nix/${action}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await tokenFor(user)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ reason: `e2e metrics: ${action}` }),
      },
    );
    return res.status;
  };
  // the seeded users sign in once the catalog has them
  for (const user of ['oscar-operator', 'vera-viewer'])
    await waitForEntity(ctx.portal.baseUrl, `user:default/${user}`);
  assert.equal(await control('oscar-operator', 'pause'), 200);
  assert.equal(await control('oscar-operator', 'resume'), 200);
  assert.equal(await control('vera-viewer', 'pause'), 403);

  const scrape = async () => (await fetch(ctx.portal.metricsUrl)).text();
  const tryScrape = () => scrape().catch(() => ''); // while it is not up yet
  // The adoption scan starts 15 s after the backend and probes run every 2 s: wait (bounded) for the scan.
  const deadline = Date.now() + 90_000;
  let text = await tryScrape();
  while (
    !/^gloriousflywheel_adoption_scan_duration_count\{/m.test(text) &&
    Date.now() < deadline
  ) {
    await new Promise(r => setTimeout(r, 1000));
    text = await tryScrape();
  }
  for (const sample of [
    /^gloriousflywheel_adoption_scan_duration_count\{trigger="schedule",outcome="idle"/m,
    /^gloriousflywheel_github_requests_total\{org="tinyland-inc",kind="graphql"[^}]*\} [1-9]/m,
    /^gloriousflywheel_github_rate_limit_remaining\{org="tinyland-inc"[^}]*\} \d+/m,
    /^gloriousflywheel_fleet_cluster_synced\{cluster="honey"[^}]*\} 1$/m,
    /^gloriousflywheel_fleet_cluster_lag\{cluster="honey"[^}]*\} [\d.e-]+$/m,
    /^gloriousflywheel_cache_probe_duration_count\{cache="attic",status="healthy"/m,
    /^gloriousflywheel_control_requests_total\{action="pause",outcome="succeeded"[^}]*\} [1-9]/m,
    /^gloriousflywheel_control_requests_total\{action="resume",outcome="succeeded"[^}]*\} [1-9]/m,
    /^gloriousflywheel_control_requests_total\{action="pause",outcome="denied"[^}]*\} [1-9]/m,
    /^gloriousflywheel_queue_jobs\{runner_class="tinyland-nix",state="queued"[^}]*\} \d+$/m,
  ]) {
    assert.match(text, sample);
  }
});
