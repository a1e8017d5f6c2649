// Accessibility scan of a page as it is on screen: axe-core injected into Chromium, only serious and
// critical findings counted. A finding is ours unless ALLOWED names its rule and element and says
// why it belongs to Backstage's own components; ours must be zero.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

/**
 * Findings that come from Backstage's own components, keyed by rule and the element's selector,
 * with the upstream reason. Nothing is disabled wholesale: a new finding of the same rule elsewhere
 * still fails.
 */
export const ALLOWED = [];

const allowedBy = v =>
  ALLOWED.find(
    a =>
      a.rule === v.rule &&
      a.selector.test(v.target) &&
      (!a.html || a.html.test(v.html)),
  );

/** Runs axe on the page; returns its serious/critical findings, each as one element. */
export async function axeFindings(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined')))
    await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() =>
    window.axe.run(document, {
      resultTypes: ['violations'],
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    }),
  );
  const out = [];
  for (const v of results.violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue;
    for (const n of v.nodes) {
      out.push({
        rule: v.id,
        impact: v.impact,
        target: n.target.join(' '),
        html: n.html.slice(0, 200),
        summary: n.failureSummary,
      });
    }
  }
  return out;
}

/**
 * Scans the page and splits its findings into ours and Backstage's (allowed, with the reason).
 * `label` names the page in messages.
 */
export async function scanPage(page, label) {
  const findings = await axeFindings(page);
  const ours = findings.filter(f => !allowedBy(f));
  const upstream = findings
    .filter(f => allowedBy(f))
    .map(f => ({ ...f, reason: allowedBy(f).reason }));
  return { label, ours, upstream, total: findings.length };
}

/** A readable list of findings for an assertion message. */
export const describeFindings = findings =>
  findings
    .map(f => `  ${f.rule} (${f.impact}) at ${f.target}: ${f.html}`)
    .join('\n');
