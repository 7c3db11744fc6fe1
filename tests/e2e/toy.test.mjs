// Toy set: page loads cleanly, reaches ≥ 97 % test accuracy within 20 s of pressing play, keeps the
// main thread free of long tasks while training, and spike maps react to the chosen input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSuite, waitReady, waitFor, pauseAndSettle, settle, screenshot, longTasksSince, recordTasks, taskSummary, blockingTasks } from './helpers.mjs';

const demo = demoSuite();

test('spiral: autoplay, ≥97 % test accuracy within 20 s of play, no long tasks, spike maps', async (t) => {
  const { page, errors } = await demo.open();
  await waitReady(page);
  // Autoplay: training starts on load without a click.
  await waitFor(page, () => window.__s3nn.trainSteps > 0, undefined, 20000, 'autoplay');
  // Restart from scratch and time from pressing play.
  await pauseAndSettle(page);
  await page.click('#b-reset');
  await waitFor(page, () => window.__s3nn.trainSteps === 0 && !window.__s3nn.playing, undefined, 10000, 'reset');
  const stopTrace = await recordTasks(page);
  const t0 = await page.evaluate(() => performance.now());
  await page.click('#b-play');
  const wall0 = Date.now();
  await waitFor(page, () => window.__s3nn.testAccuracy >= 0.97, undefined, 20000, 'test accuracy ≥ 97 %');
  const seconds = (Date.now() - wall0) / 1000;
  const m = await page.evaluate(() => ({ steps: window.__s3nn.trainSteps, acc: window.__s3nn.testAccuracy, rate: window.__s3nn.maxSamplesPerSec, n: window.__s3nn.testSamples }));
  t.diagnostic(`97 % after ${seconds.toFixed(1)} s, ${m.steps} steps, test acc ${(m.acc * 100).toFixed(1)} % on ${m.n} points, ${Math.round(m.rate)} samples/s`);
  // keep training a few seconds more for the long-task window, then check
  await page.waitForTimeout(3000);
  const tasks = await longTasksSince(page, t0);
  const tracedTasks = await stopTrace();
  const traced = taskSummary(page, tracedTasks, t0);
  t.diagnostic(`main thread while training: ${traced.text}; ${tasks.length} long tasks (≥ 50 ms)${tasks.length ? `: ${tasks.map((x) => x.duration.toFixed(0)).join(', ')} ms` : ''}`);
  assert.ok(Array.isArray(await page.evaluate(() => window.__longtasks)), 'longtask observer installed');
  const blocking = blockingTasks(tasks, tracedTasks, t0, page);
  assert.equal(blocking.length, 0, `main-thread tasks ≥ 50 ms while training: ${JSON.stringify(blocking)} (long-task observer: ${JSON.stringify(tasks)})`);
  await screenshot(page, 'toy-spiral');

  // Spike maps: non-empty, and change with the input.
  await pauseAndSettle(page);
  const box = await page.locator('#boundary').boundingBox();
  const probeAt = async (fx, fy) => {
    const before = await page.evaluate(() => JSON.stringify(window.__s3nn.probe.x));
    await page.mouse.click(box.x + fx * box.width, box.y + fy * box.height);
    await waitFor(page, (b) => JSON.stringify(window.__s3nn.probe.x) !== b, before, 5000, 'probe update');
    return page.evaluate(() => window.__s3nn.probe);
  };
  const p1 = await probeAt(0.3, 0.3);
  const p2 = await probeAt(0.75, 0.6);
  assert.ok(p1.layers.length >= 1, 'spike maps for the hidden layers');
  const total = (p) => p.layers.reduce((a, l) => a + l.spikes, 0);
  assert.ok(total(p1) > 0 && total(p2) > 0, `spike maps non-empty (${total(p1)}, ${total(p2)})`);
  assert.notDeepEqual(p1.layers.map((l) => l.pattern), p2.layers.map((l) => l.pattern), 'spike maps change with the input');
  const canvases = await page.locator('#spike-maps canvas').count();
  assert.equal(canvases, p1.layers.length);
  // Hover a neuron cell: its spike region is drawn over the boundary.
  const cell = await page.locator('#spike-maps canvas').first().boundingBox();
  await page.mouse.move(cell.x + 5, cell.y + 5);
  await page.waitForTimeout(400);
  await screenshot(page, 'toy-spikes-hover');
  assert.deepEqual(errors, [], 'no console errors');
});
