import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ROOT,
  portalFixture,
  signInAs,
  waitFor,
  waitForEntity,
} from './portal.mjs';
import { describeFindings, scanPage } from './axe.mjs';

const ctx = portalFixture();

const ROLES = {
  guest: 'Guest (developer)',
  operator: 'Oscar (operator)',
  admin: 'Ada (admin)',
};
const SIZES = {
  '1440x900': { width: 1440, height: 900 },
  '1024x768': { width: 1024, height: 768 },
};
// The review pictures of every page (docs/screenshots keeps only those the docs show).
const REVIEW_DIR =
  process.env.GF_REVIEW_SCREENSHOTS ??
  path.join(os.tmpdir(), 'gf-review-screenshots');

/** Every page of the plugin, with what shows it has loaded. */
const PAGES = [
  {
    name: 'overview',
    path: '/gloriousflywheel',
    ready: p => p.getByTestId('overview-class-tinyland-nix'),
  },
  {
    name: 'runner-classes',
    path: '/gloriousflywheel/runner-classes',
    ready: p => p.getByTestId('runner-class-tinyland-nix'),
  },
  {
    name: 'caches',
    path: '/gloriousflywheel/caches',
    ready: p => p.getByText('History of attic'),
  },
  {
    name: 'tranches',
    path: '/gloriousflywheel/tranches',
    ready: p => p.getByTestId('tranche-first'),
  },
  {
    name: 'stuck-job',
    path: '/gloriousflywheel/stuck-job',
    ready: p => p.getByRole('heading', { name: 'Diagnose a job' }),
  },
  {
    name: 'audit-log',
    path: '/gloriousflywheel/audit',
    ready: p => p.getByRole('heading', { name: 'Audit log' }).first(),
  },
  {
    name: 'runner-class-entity',
    path: '/catalog/default/resource/tinyland-nix/gloriousflywheel',
    ready: p => p.getByText('Runner class tinyland-nix'),
  },
  {
    name: 'repo-entity',
    path: '/catalog/default/component/tinyland-dev/runners',
    ready: p =>
      p.getByText('tinyland-inc/tinyland.dev', { exact: false }).first(),
  },
];

const restarts = () =>
  (
    fs
      .readFileSync(ctx.portal.backendLog, 'utf8')
      .match(/Change detected, restarting/g) ?? []
  ).length;

/**
 * Runs `step` again when the dev-mode backend restarted under it (it restarts when a source file it
 * watches changes, e.g. while the repository is being edited); any other failure fails the test.
 */
async function ridingOutRestarts(step) {
  for (let attempt = 0; ; attempt++) {
    const before = restarts();
    try {
      return await step();
    } catch (e) {
      // refused: the backend is down, which in dev mode means it is restarting
      const restarted =
        restarts() !== before || /ERR_CONNECTION_REFUSED/.test(String(e));
      if (!restarted || attempt >= 3) throw e;
      await waitFor(`${ctx.portal.baseUrl}/.backstage/health/v1/readiness`, {
        timeoutMs: 120000,
        proc: { exitCode: null },
        name: 'backend after a restart',
      });
    }
  }
}

async function newSignedInPage(role, viewport = SIZES['1440x900']) {
  // bypassCSP: the portal's CSP (rightly) refuses the injected axe script
  const page = await ctx.browser.newPage({ viewport, bypassCSP: true });
  await ridingOutRestarts(() =>
    signInAs(page, ctx.portal.baseUrl, ROLES[role]),
  );
  return page;
}

async function openOverview(role) {
  const page = await newSignedInPage(role);
  await ridingOutRestarts(async () => {
    await page.goto(ctx.portal.baseUrl);
    await page.getByRole('link', { name: 'GloriousFlywheel' }).first().click();
    await page
      .getByTestId('overview-class-tinyland-nix')
      .waitFor({ timeout: 30000 });
  });
  return page;
}

test('a guest opens the GloriousFlywheel nav item onto the overview and looks a repository up', async () => {
  const page = await openOverview('guest');
  const fleet = page.getByTestId('overview-fleet');
  assert.ok(await fleet.getByText('honey: synced').isVisible());
  await page.getByTestId('overview-cache-attic').waitFor({ timeout: 30000 });
  // the first scan starts 15 s after the backend: the tranche fills in when it has finished
  await page
    .getByTestId('overview-tranche-first')
    .filter({ hasText: / \/ 5 adopted/ })
    .waitFor({ timeout: 60000 });
  assert.ok(
    await page
      .getByTestId('overview-sources')
      .getByText('Backend plugin v0.1.0')
      .isVisible(),
  );
  // a guest may not read the audit log: the section is not there
  assert.equal(await page.getByText('Recent control actions').count(), 0);

  await page.getByRole('combobox', { name: 'Repository' }).fill('tinyland.d');
  await page
    .getByRole('option', { name: /tinyland-inc\/tinyland\.dev/ })
    .click();
  const result = page.getByTestId('lookup-result');
  await result.waitFor();
  assert.ok(
    await result
      .getByRole('table', { name: 'Jobs of tinyland-inc/tinyland.dev' })
      .isVisible(),
  );
  await result
    .getByRole('link', { name: 'Open the Runners & dogfood tab' })
    .waitFor({ timeout: 30000 });
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/overview.png'),
    fullPage: true,
  });
  await result
    .getByRole('link', { name: 'Open the Runners & dogfood tab' })
    .click();
  await page.waitForURL(/\/catalog\/default\/component\/tinyland-dev\/runners/);
});

for (const role of ['operator', 'admin']) {
  test(`an ${role} also sees the recent control actions`, async () => {
    const page = await openOverview(role);
    const audit = page.getByTestId('overview-audit');
    await audit.waitFor({ timeout: 30000 });
    assert.ok(
      await page.getByRole('link', { name: 'Open the audit log' }).isVisible(),
    );
    if (role === 'operator') {
      await page.screenshot({
        path: path.join(ROOT, 'docs/screenshots/overview-operator.png'),
        fullPage: true,
      });
    }
  });
}

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
  assert.deepEqual(
    body.sources.map(s => s.source),
    ['fleet', 'caches', 'adoption'],
  );
});

test('every page as each role at two sizes: screenshots for review, and no serious axe finding of ours as an operator', async () => {
  await waitForEntity(ctx.portal.baseUrl, 'component:default/tinyland-dev');
  await waitForEntity(ctx.portal.baseUrl, 'resource:default/tinyland-nix');
  fs.mkdirSync(REVIEW_DIR, { recursive: true });
  const scans = [];
  for (const role of Object.keys(ROLES)) {
    const page = await newSignedInPage(role);
    for (const p of PAGES) {
      await ridingOutRestarts(async () => {
        await page.goto(`${ctx.portal.baseUrl}${p.path}`);
        await p.ready(page).waitFor({ timeout: 60000 });
      });
      // Backstage's and our own loading indicators gone
      await page
        .waitForFunction(
          () =>
            !document.querySelector(
              '[data-testid="progress"], [role="progressbar"]:not([aria-valuenow])',
            ),
          null,
          { timeout: 30000 },
        )
        .catch(() => {});
      if (role === 'operator') scans.push(await scanPage(page, p.name));
      for (const [size, viewport] of Object.entries(SIZES)) {
        await page.setViewportSize(viewport);
        await page.screenshot({
          path: path.join(REVIEW_DIR, `${p.name}-${role}-${size}.png`),
          fullPage: true,
        });
      }
      await page.setViewportSize(SIZES['1440x900']);
    }
    await page.close();
  }
  const ours = scans.flatMap(s =>
    s.ours.map(f => ({ ...f, target: `${s.label}: ${f.target}` })),
  );
  const upstream = scans.flatMap(s => s.upstream);
  console.log(
    `axe (serious/critical elements) per page: ${scans
      .map(
        s =>
          `${s.label} ${s.ours.length} ours + ${s.upstream.length} Backstage's`,
      )
      .join(', ')}; review screenshots in ${REVIEW_DIR}`,
  );
  if (upstream.length)
    console.log(`Backstage's own (allowed):\n${describeFindings(upstream)}`);
  assert.equal(scans.length, PAGES.length);
  assert.deepEqual(
    ours,
    [],
    `serious axe findings in our components:\n${describeFindings(ours)}`,
  );
});
