// Accessibility and small screens (issue #14): an axe-core scan with no serious or critical
// violations, the play button's pressed state, the epoch progress bar's role, reduced motion (no
// autoplay); at 390×844 and 1024×768 nothing wider than the viewport and status values that do
// not overlap, with screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { demoSuite, waitReady, waitFor, pauseAndSettle, screenshot } from './helpers.mjs';

const demo = demoSuite();
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations of impact serious or critical on the page as it is now. */
async function seriousViolations(page) {
  await page.addScriptTag({ content: AXE });
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe-core finds no serious or critical violation; play has aria-pressed; reduced motion does not autoplay', async () => {
  const { page, errors, context } = await demo.open('', { width: 1440, height: 960, reducedMotion: 'reduce' });
  await waitReady(page);
  await pauseAndSettle(page);
  assert.equal(await page.evaluate(() => window.__s3nn.trainSteps), 0, 'prefers-reduced-motion: the run waits for play');
  assert.equal(await page.getAttribute('#b-play', 'aria-pressed'), 'false');
  assert.equal(await page.getAttribute('#s-progress', 'role'), 'progressbar');
  assert.deepEqual(await seriousViolations(page), [], 'paused spiral page');
  await page.click('#b-play');
  await waitFor(page, () => window.__s3nn.playing, undefined, 5000, 'playing');
  await waitFor(page, () => document.getElementById('b-play').getAttribute('aria-pressed') === 'true', undefined, 5000, 'aria-pressed');
  await page.waitForTimeout(500);
  await pauseAndSettle(page);
  // compare mode and an image set bring their own panels
  await page.selectOption('#c-data', 'mnist');
  await waitFor(page, () => window.__s3nn.info?.kind === 'image' && window.__s3nn.ready, undefined, 60000, 'MNIST');
  await pauseAndSettle(page);
  await page.check('#c-compare');
  await waitFor(page, () => window.__s3nn.models.length === 4, undefined, 20000, 'compare');
  await pauseAndSettle(page);
  assert.deepEqual(await seriousViolations(page), [], 'MNIST compare page');
  await context.close();
  assert.deepEqual(errors, []);
});

/** Elements whose box reaches past the viewport's right edge, and overlapping status values. */
const layoutProblems = (page) =>
  page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getClientRects().length && getComputedStyle(e).position !== 'fixed')
      .filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.right > vw + 0.5;
      })
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')} right=${e.getBoundingClientRect().right.toFixed(0)}`);
    const stats = [...document.querySelectorAll('#status .stat, #status .progress, #status .exports')].filter((e) => e.getClientRects().length).map((e) => ({ id: e.querySelector('[id]')?.id ?? e.className, r: e.getBoundingClientRect() }));
    const overlaps = [];
    for (let i = 0; i < stats.length; i++)
      for (let j = i + 1; j < stats.length; j++) {
        const [a, b] = [stats[i].r, stats[j].r];
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps.push(`${stats[i].id} × ${stats[j].id}`);
      }
    return { vw, scrollW: document.documentElement.scrollWidth, wide, overlaps };
  });

for (const [name, width, height] of [['phone', 390, 844], ['tablet', 1024, 768]]) {
  test(`${width}×${height}: nothing wider than the viewport, status values apart (screenshot ${name})`, async () => {
    const { page, errors, context } = await demo.open('#data=spiral', { width, height });
    await waitReady(page);
    await waitFor(page, () => window.__s3nn.trainSteps > 300, undefined, 20000, 'training');
    await pauseAndSettle(page);
    const p = await layoutProblems(page);
    assert.deepEqual(p.wide, [], `elements wider than ${p.vw} px`);
    assert.ok(p.scrollW <= p.vw, `no horizontal scroll: ${p.scrollW} > ${p.vw}`);
    assert.deepEqual(p.overlaps, [], 'status values overlap');
    await screenshot(page, `${name}-${width}x${height}`);
    await context.close();
    assert.deepEqual(errors, []);
  });
}
