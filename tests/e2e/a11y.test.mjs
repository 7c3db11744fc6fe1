// Accessibility and small screens (issue #14): an axe-core scan with no serious or critical
// violations, the play button's pressed state, the epoch progress bar's role, reduced motion (no
// autoplay); at 390×844 and 1024×768 nothing wider than the viewport and status values that do
// not overlap, with screenshots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { demoSuite, waitReady, waitFor, pauseAndSettle, screenshot, screenshotOf, shotsDir } from './helpers.mjs';

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
  await waitFor(page, () => window.__s3nn.trainSteps > 2000, undefined, 20000, 'training');
  await pauseAndSettle(page);
  // The network graph: every hidden neuron drawn has its spike map, the weights between them are
  // drawn, and pointing at a neuron (mouse or touch) names it.
  const g = await page.evaluate(() => {
    const m = window.__s3nn.graph;
    return m && { layers: m.layers.map((L) => ({ shown: L.shown.length, maps: L.maps?.length ?? 0, rates: [...L.rates] })), edges: m.edges.map((e) => e?.length ?? 0), mapRes: m.mapRes };
  });
  assert.ok(g && g.layers.length >= 1 && g.layers.every((L) => L.shown > 0 && L.maps === L.shown * g.mapRes ** 2), `graph layers: ${JSON.stringify(g)}`);
  assert.ok(g.edges.every((n) => n > 0), `weights for every connection: ${g.edges}`);
  await page.locator('#graph').scrollIntoViewIfNeeded();
  const box = await page.locator('#graph').boundingBox();
  const hit = await page.evaluate(() => {
    const c = document.getElementById('graph');
    const r = c.getBoundingClientRect();
    return { w: r.width, h: r.height };
  });
  // a point in the second column (the first hidden layer), scanned down until a neuron answers
  for (let y = 5; y < hit.h - 20; y += 6) {
    await page.mouse.move(box.x + 20 + (hit.w - 40 - 24) / (g.layers.length + 1) + 6, box.y + y);
    if (/neuron \d+: spikes on/.test(await page.textContent('#graph-info'))) break;
  }
  assert.match(await page.textContent('#graph-info'), /layer1 neuron \d+: spikes on [\d.]+% of 64 test samples/);
  await page.mouse.down(); // a click pins the neuron: its half-plane stays for the screenshot (tests/e2e/graph.test.mjs checks it)
  await page.mouse.up();
  // Keyboard probing of a spike map: arrows choose a neuron, whose region the plot then shades.
  await page.focus('#spike-maps canvas[data-layer="0"]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.match(await page.getAttribute('#spike-maps canvas[data-layer="0"]', 'aria-label'), /layer1 neuron 1: shaded region/);
  await waitFor(page, () => window.__s3nn.region?.neuron === 1, undefined, 5000, 'region of neuron 1');
  await page.keyboard.press('Tab'); // leaving the map clears the region
  await screenshotOf(page, '#intro', 'onboarding');
  await screenshotOf(page, '#p-ops', 'energy-explainer');
  await screenshotOf(page, '#p-train', 'network-graph');
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
    // what a phone shows first: the controls, the status bar and the main plot
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(shotsDir, `${name}-${width}x${height}-first-screen.png`) });
    await context.close();
    assert.deepEqual(errors, []);
  });
}
