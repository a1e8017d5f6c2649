import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ROOT,
  guestToken,
  portalFixture,
  signInAsGuest,
  waitForEntity,
} from './portal.mjs';

const ctx = portalFixture();

/** Waits until the scanner has a result for the repository (the first scan starts at start-up). */
async function waitForScan(owner, repo, timeoutMs = 90000) {
  const token = await guestToken(ctx.portal.baseUrl);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(
      `${
        ctx.portal.baseUrl
      }/api/gloriousflywheel/adoption/repos/${owner}/${encodeURIComponent(
        repo,
      )}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    if (res.ok) return (await res.json()).item;
    if (Date.now() > deadline)
      throw new Error(
        `${owner}/${repo} not scanned after ${timeoutMs} ms (last ${res.status})`,
      );
    await new Promise(r => setTimeout(r, 1000));
  }
}

test('a developer opens a first-tranche component and sees its runner class and a failing check with evidence', async () => {
  // XoxdWM carries the seeded stale attic-cache-dev endpoint and direct Bazel (issue seed 003).
  const adoption = await waitForScan('tinyland-inc', 'XoxdWM');
  assert.ok(
    adoption.runnerClasses.length > 0,
    'the seeded repo uses a runner class',
  );
  const failing = adoption.scorecard.checks.find(
    c => c.verdict === 'fail' && c.evidence.length > 0,
  );
  assert.ok(failing, 'the seeded repo has a failing check with evidence');

  await waitForEntity(ctx.portal.baseUrl, 'component:default/xoxdwm');
  const page = await ctx.browser.newPage({
    viewport: { width: 1500, height: 1200 },
  });
  await signInAsGuest(page, ctx.portal.baseUrl);
  await page.goto(
    `${ctx.portal.baseUrl}/catalog/default/component/xoxdwm/runners`,
  );
  await page
    .getByText('Default-branch workflow jobs')
    .waitFor({ timeout: 30000 });
  await page
    .getByRole('link', { name: adoption.runnerClasses[0], exact: false })
    .first()
    .waitFor();
  const check = page.getByTestId(`check-${failing.id}`);
  await check.waitFor();
  const evidence = failing.evidence[0];
  const linkText = `${evidence.path}${
    evidence.line ? `:${evidence.line}` : ''
  }`;
  assert.ok(
    await check.getByText(linkText, { exact: false }).first().isVisible(),
    `evidence ${linkText} shown`,
  );
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/runners-and-dogfood.png'),
    fullPage: true,
  });
});

test('the platform team sees every tranche with progress and the repos × checks matrix', async () => {
  await waitForScan('tinyland-inc', 'GloriousFlywheel');
  const page = await ctx.browser.newPage({
    viewport: { width: 1600, height: 1200 },
  });
  await signInAsGuest(page, ctx.portal.baseUrl);
  await page.getByRole('link', { name: 'Tranches' }).first().click();
  await page.getByTestId('tranche-first').waitFor({ timeout: 30000 });
  // The matrix is virtualized: narrow it to the first tranche so its five rows are on screen.
  await page
    .getByTestId('tranche-first')
    .getByRole('button', { name: 'Show in matrix' })
    .click();
  for (const repo of [
    'XoxdWM',
    'tinyland.dev',
    'lab',
    'blahaj',
    'GloriousFlywheel',
  ]) {
    await page.getByTestId(`matrix-row-${repo}`).waitFor();
  }
  assert.ok(await page.getByText('5 of', { exact: false }).isVisible());
  // The seeded org tells the seeds' story: real progress, and the merged migrations link to GitHub.
  const progress = await page
    .getByTestId('tranche-first')
    .getByText(/\d+% adopted/)
    .first()
    .textContent();
  assert.ok(
    Number(/(\d+)%/.exec(progress)[1]) > 0,
    `first tranche shows progress (${progress})`,
  );
  const blahaj = await waitForScan('tinyland-inc', 'blahaj');
  assert.equal(blahaj.stage, 'adopted');
  for (const [repo, number] of [
    ['lab', 72],
    ['blahaj', 68],
  ]) {
    const link = page.getByTestId(`matrix-row-${repo}`).getByRole('link', {
      name: `merged migration pull request #${number}`,
      exact: false,
    });
    await link.waitFor();
    assert.equal(
      await link.getAttribute('href'),
      `https://github.com/tinyland-inc/${repo}/pull/${number}`,
    );
  }
  await page
    .getByTestId('matrix-row-XoxdWM')
    .getByRole('link', {
      name: 'open migration pull request #31',
      exact: false,
    })
    .waitFor();
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/tranches.png'),
    fullPage: true,
  });

  // What blocks a repository: its row opens the full result, with the blocker from config.
  await page
    .getByRole('button', { name: 'open tinyland-inc/tinyland.dev' })
    .click();
  const drawer = page
    .getByRole('presentation')
    .filter({ hasText: 'Blocked by:' });
  await drawer.getByText('Blocked by:').waitFor();
  await drawer
    .getByText('tinyland-inc/tinyland.dev#136', { exact: false })
    .first()
    .waitFor();
  await drawer.getByText('Dogfood scorecard').waitFor();
  await page.screenshot({
    path: path.join(ROOT, 'docs/screenshots/tranches-repo-blocked.png'),
    animations: 'disabled',
  });
});
