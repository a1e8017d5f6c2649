import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, portalFixture, signInAsGuest } from './portal.mjs';

const ctx = portalFixture();

test('a guest opens the GloriousFlywheel page and sees the backend health', async () => {
  const page = await ctx.browser.newPage({ viewport: { width: 1400, height: 900 } });
  await signInAsGuest(page, ctx.portal.baseUrl);
  await page.getByRole('link', { name: 'GloriousFlywheel' }).first().click();
  await page.getByText('Backend plugin v0.1.0').waitFor({ timeout: 30000 });
  assert.ok(await page.getByRole('cell', { name: 'Fleet (ARC scale sets)' }).isVisible());
  assert.ok(await page.getByRole('cell', { name: 'Build caches' }).isVisible());
  await page.screenshot({ path: path.join(ROOT, 'docs/screenshots/overview.png') });
});

test('the health API refuses anonymous callers and answers a guest token', async () => {
  const anon = await fetch(`${ctx.portal.baseUrl}/api/gloriousflywheel/health`);
  assert.equal(anon.status, 401);
  const refresh = await fetch(`${ctx.portal.baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  const token = (await refresh.json()).backstageIdentity.token;
  const res = await fetch(`${ctx.portal.baseUrl}/api/gloriousflywheel/health`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.plugin, 'gloriousflywheel');
  assert.deepEqual(body.sources.map(s => s.source), ['fleet', 'caches', 'adoption']);
});
