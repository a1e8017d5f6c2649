import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ROOT,
  portalFixture,
  signInAsGuest,
  waitForEntity,
} from './portal.mjs';
import { describeFindings, scanPage } from './axe.mjs';

const ctx = portalFixture();

async function setCacheMode(name, body) {
  const res = await fetch(
    `${ctx.portal.sandboxUrls.caches}/_sandbox/caches/${name}/mode`,
    {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  );
  assert.equal(res.status, 200, await res.text());
}

const row = (page, name) =>
  page
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name, exact: true }) });

test('the Caches page shows the seeded caches healthy, then degraded and down as the sandbox changes', async () => {
  // bypassCSP: for the axe scan's injected script
  const page = await ctx.browser.newPage({
    viewport: { width: 1500, height: 1100 },
    bypassCSP: true,
  });
  await signInAsGuest(page, ctx.portal.baseUrl);
  await page.getByRole('link', { name: 'Build caches' }).first().click();

  for (const name of ['attic', 'bazel-cache', 'bazel-grpc']) {
    await row(page, name).getByText('healthy').waitFor({ timeout: 30000 });
  }
  await page.getByText('History of attic').waitFor();
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/caches.png'),
    fullPage: true,
  });

  // Slow answers: degraded with the measured latency as the reason (page refreshes every 15 s).
  await setCacheMode('bazel-cache', { mode: 'slow', latencyMs: 1500 });
  await row(page, 'bazel-cache')
    .getByText('degraded')
    .waitFor({ timeout: 40000 });
  assert.match(await row(page, 'bazel-cache').innerText(), /slow: \d+ ms/);

  await setCacheMode('attic', { mode: 'down' });
  await row(page, 'attic').getByText('down').waitFor({ timeout: 40000 });
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/caches-degraded.png'),
    fullPage: true,
  });

  // degraded and down chips, on this page and on the overview: no serious axe finding of ours
  const scans = [await scanPage(page, 'caches (degraded)')];
  await page.getByRole('link', { name: 'GloriousFlywheel' }).first().click();
  await page
    .getByTestId('overview-cache-attic')
    .getByText('attic: down')
    .waitFor({ timeout: 30000 });
  scans.push(await scanPage(page, 'overview (caches degraded)'));
  const ours = scans.flatMap(s => s.ours);
  assert.deepEqual(
    ours,
    [],
    `serious axe findings in our components:\n${describeFindings(ours)}`,
  );
});

test('a build-cache entity shows the live probe and the runner-class entity shows its caches', async () => {
  await waitForEntity(ctx.portal.baseUrl, 'resource:default/bazel-grpc');
  const page = await ctx.browser.newPage({
    viewport: { width: 1500, height: 1100 },
  });
  await signInAsGuest(page, ctx.portal.baseUrl);
  await page.goto(
    `${ctx.portal.baseUrl}/catalog/default/resource/bazel-grpc/gloriousflywheel`,
  );
  await page.getByText('Cache bazel-grpc').waitFor({ timeout: 30000 });
  await page.getByText('not offered', { exact: false }).first().waitFor();
  await page.getByRole('cell', { name: 'capabilities', exact: true }).waitFor();
  await page.goto(
    `${ctx.portal.baseUrl}/catalog/default/resource/tinyland-nix-heavy/gloriousflywheel`,
  );
  await page
    .getByTestId('class-caches')
    .getByText('bazel-grpc', { exact: false })
    .waitFor({ timeout: 30000 });
});
