import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ROOT,
  portalFixture,
  signInAsGuest,
  waitForEntity,
} from './portal.mjs';

const ctx = portalFixture();

const CLASSES = [
  'tinyland-nix',
  'tinyland-docker',
  'tinyland-dind',
  'tinyland-nix-heavy',
];

/** What the sandbox holds per class, computed from its own objects (not through the plugin). */
async function expectedFromSandbox() {
  const res = await fetch(`${ctx.portal.sandboxUrls.k8s}/_sandbox/scale-sets`);
  const { items } = await res.json();
  const out = {};
  for (const cls of CLASSES) {
    const members = items.filter(
      o =>
        (o.metadata.annotations?.['gloriousflywheel.io/runner-class'] ??
          o.spec.runnerScaleSetName) === cls,
    );
    const unlimited = members.some(o => o.spec.maxRunners === undefined);
    out[cls] = {
      runners: `${members.reduce(
        (n, o) => n + (o.status?.currentRunners ?? 0),
        0,
      )} / ${
        unlimited ? '∞' : members.reduce((n, o) => n + o.spec.maxRunners, 0)
      }`,
    };
  }
  return out;
}

test('the Runner classes page shows the four seeded classes with the sandbox counts, and follows changes', async () => {
  const page = await ctx.browser.newPage({
    viewport: { width: 1500, height: 1100 },
  });
  await signInAsGuest(page, ctx.portal.baseUrl);
  await page.getByRole('link', { name: 'Runner classes' }).first().click();

  const expected = await expectedFromSandbox();
  for (const cls of CLASSES) {
    const card = page.getByTestId(`runner-class-${cls}`);
    await card.waitFor({ timeout: 30000 });
    await assert.doesNotReject(
      card
        .getByTestId('figure-runners')
        .filter({ hasText: expected[cls].runners })
        .waitFor({ timeout: 15000 }),
      `${cls} shows ${expected[cls].runners}`,
    );
  }
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/runner-classes.png'),
    fullPage: true,
  });

  // A change in the cluster reaches the page without a reload (watch + 10 s refresh).
  const patch = await fetch(
    `${ctx.portal.sandboxUrls.k8s}/_sandbox/scale-sets/arc-runners/tinyland-docker`,
    {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: { currentRunners: 5 } }),
    },
  );
  assert.equal(patch.status, 200);
  await page
    .getByTestId('runner-class-tinyland-docker')
    .getByTestId('figure-runners')
    .filter({ hasText: '5 / 6' })
    .waitFor({ timeout: 20000 });

  // Drill down: selecting a class filters the table to its scale sets (owner overlay included).
  await page
    .getByTestId('runner-class-tinyland-nix')
    .getByRole('button')
    .first()
    .click();
  await page.getByText('Scale sets of tinyland-nix').waitFor();
  assert.ok(
    await page.getByRole('link', { name: 'jess-tinyland-nix' }).isVisible(),
  );
  assert.equal(
    await page.getByRole('link', { name: 'tinyland-dind' }).count(),
    0,
  );
});

test('a runner-class entity in the catalog shows the live class overview', async () => {
  const page = await ctx.browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  await waitForEntity(
    ctx.portal.baseUrl,
    'resource:default/tinyland-nix-heavy',
  );
  await signInAsGuest(page, ctx.portal.baseUrl);
  await page.goto(
    `${ctx.portal.baseUrl}/catalog/default/resource/tinyland-nix-heavy`,
  );
  await page.getByText('Live state', { exact: true }).click();
  await page
    .getByText('Runner class tinyland-nix-heavy')
    .waitFor({ timeout: 30000 });
  assert.ok(await page.getByText('1 / unlimited').isVisible());
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/runner-class-entity.png'),
  });
});

test('a runner class failing its contract: red "contract n/6" on its card, the failing check with its field path on its entity', async () => {
  const page = await ctx.browser.newPage({
    viewport: { width: 1500, height: 1200 },
  });
  await signInAsGuest(page, ctx.portal.baseUrl);
  await page.getByRole('link', { name: 'Runner classes' }).first().click();
  // the sandbox seeds tinyland-nix-heavy with a nix runner's 8Gi limit: below its 16Gi–64Gi envelope
  const chip = page.getByTestId('contract-tinyland-nix-heavy');
  await chip.waitFor({ timeout: 30000 });
  assert.match(await chip.textContent(), /^contract \d\/6$/);
  assert.equal(await chip.getAttribute('data-verdict'), 'error');
  // docker keeps its contract once its cache has been probed
  await page
    .getByTestId('contract-tinyland-docker')
    .filter({ hasText: 'contract 6/6' })
    .waitFor({ timeout: 30000 });

  await waitForEntity(
    ctx.portal.baseUrl,
    'resource:default/tinyland-nix-heavy',
  );
  await page.goto(
    `${ctx.portal.baseUrl}/catalog/default/resource/tinyland-nix-heavy`,
  );
  await page.getByText('Live state', { exact: true }).click();
  const checks = page.getByTestId('contract-checks');
  await checks.waitFor({ timeout: 30000 });
  const memory = checks
    .getByRole('row')
    .filter({ hasText: 'Memory limit within the envelope' });
  await memory.getByText('fail', { exact: true }).waitFor();
  assert.match(
    await memory.textContent(),
    /honey\/arc-runners\/tinyland-nix-heavy: spec\.template\.spec\.containers\[0\]\.resources\.limits\.memory = "8Gi"/,
  );
  await checks.scrollIntoViewIfNeeded();
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/runner-class-contract.png'),
    fullPage: true,
  });
});
