// MNIST in the page: download with progress, one epoch of the default MLP ≥ 95 % test accuracy,
// no long main-thread tasks while training, and a digit drawn on the pad gets a prediction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { root, demoSuite, waitReady, waitFor, pauseAndSettle, screenshot, longTasksSince, recordTasks, taskSummary, blockingTasks, ensureFashionData } from './helpers.mjs';

const demo = demoSuite();

test('MNIST: one epoch of the default MLP reaches ≥ 95 % test accuracy', { timeout: 600000 }, async (t) => {
  const { page, errors } = await demo.open('data=mnist');
  await waitReady(page, 120000);
  const load = await page.evaluate(() => window.__s3nn.loading);
  assert.ok(load && load.total > 50e6 && load.loaded === load.total, `download progress reported: ${JSON.stringify(load)}`);
  const tReady = await page.evaluate(() => performance.now());
  const wall0 = Date.now();
  await waitFor(page, () => window.__s3nn.trainSteps > 50, undefined, 60000, 'MNIST training');
  // Steady-state window: from here on every view has been built once. Tasks in the first second
  // after the download (building the views for the new data set) are reported, not asserted.
  const stopTrace = await recordTasks(page);
  const t0 = await page.evaluate(() => performance.now());
  const startup = await longTasksSince(page, tReady);
  t.diagnostic(`start-up (first ${(t0 - tReady).toFixed(0)} ms of training): ${startup.length} long tasks, longest ${Math.max(0, ...startup.map((x) => x.duration)).toFixed(0)} ms`);
  await page.waitForTimeout(2500);
  await screenshot(page, 'mnist-training');
  await waitFor(page, () => (window.__s3nn.epochEvals?.[0]?.epochEvals?.length ?? 0) >= 1, undefined, 540000, 'one epoch');
  const seconds = (Date.now() - wall0) / 1000;
  const ev = await page.evaluate(() => ({ first: window.__s3nn.epochEvals[0].epochEvals[0], arch: window.__s3nn.models[0].arch, rate: window.__s3nn.maxSamplesPerSec }));
  t.diagnostic(`${ev.arch}: epoch 1 test accuracy ${(ev.first.testAcc * 100).toFixed(2)} % (10 000 test images) after ${seconds.toFixed(0)} s, peak ${Math.round(ev.rate)} samples/s`);
  const tasks = await longTasksSince(page, t0);
  const tracedTasks = await stopTrace();
  const traced = taskSummary(page, tracedTasks, t0);
  t.diagnostic(`main thread while training: ${traced.text}; ${tasks.length} long tasks (≥ 50 ms)${tasks.length ? `: ${tasks.map((x) => x.duration.toFixed(0)).join(', ')} ms` : ''}`);
  assert.ok(ev.first.testAcc >= 0.95, `epoch-1 test accuracy ${ev.first.testAcc}`);
  const blocking = blockingTasks(tasks, tracedTasks, t0, page);
  assert.equal(blocking.length, 0, `main-thread tasks ≥ 50 ms while training: ${JSON.stringify(blocking)} (long-task observer: ${JSON.stringify(tasks)})`);

  // Draw a "1"-ish and a "7"-ish stroke on the pad: each gets a prediction.
  await pauseAndSettle(page);
  const pad = await page.locator('#pad').boundingBox();
  const stroke = async (pts) => {
    await page.mouse.move(pad.x + pts[0][0] * pad.width, pad.y + pts[0][1] * pad.height);
    await page.mouse.down();
    for (const [x, y] of pts.slice(1)) await page.mouse.move(pad.x + x * pad.width, pad.y + y * pad.height, { steps: 8 });
    await page.mouse.up();
  };
  await page.click('#b-clear');
  await stroke([[0.3, 0.25], [0.7, 0.25], [0.45, 0.8]]);
  // The pad sends its drawing at most every 80 ms; let the last send land before reading it, so
  // that no drawn probe is still in flight when the test image is selected below.
  await page.waitForTimeout(400);
  await waitFor(page, () => window.__s3nn.probe?.source?.kind === 'drawn', undefined, 5000, 'drawn probe');
  const p = await page.evaluate(() => window.__s3nn.probe);
  assert.ok(p.prediction >= 0 && p.prediction < 10, 'the drawing gets a prediction');
  assert.ok(p.x.some((v) => v > 0.5), 'the drawing reached the model');
  assert.ok(p.layers.some((l) => l.spikes > 0), 'spike maps for the drawing');
  assert.match(await page.textContent('#prediction'), /^\d$/);
  t.diagnostic(`drawn digit predicted as ${p.prediction}`);
  // a test image changes the spike maps
  await page.fill('#c-testidx', '3');
  await page.dispatchEvent('#c-testidx', 'change');
  await waitFor(page, () => window.__s3nn.probe?.source?.index === 3, undefined, 5000, 'test image probe');
  const q = await page.evaluate(() => window.__s3nn.probe);
  assert.notDeepEqual(q.layers.map((l) => l.pattern), p.layers.map((l) => l.pattern));
  await screenshot(page, 'mnist-epoch1');
  assert.deepEqual(errors, []);
});

test('Fashion-MNIST loads and trains (conv stack)', { timeout: 300000 }, async (t) => {
  // The page fetches Fashion-MNIST as IDX files from data-cache/fashion (made from the npm package).
  ensureFashionData();
  const { page, errors } = await demo.open('data=fashion&arch=c8-mp-64');
  await waitReady(page, 120000);
  await waitFor(page, () => window.__s3nn.trainSteps > 100 && window.__s3nn.testAccuracy > 0.6, undefined, 240000, 'Fashion training');
  const m = await page.evaluate(() => ({ acc: window.__s3nn.testAccuracy, arch: window.__s3nn.models[0].arch, probe: window.__s3nn.probe }));
  t.diagnostic(`${m.arch}: ${(m.acc * 100).toFixed(1)} % after a few hundred steps`);
  assert.equal(m.probe.layers[0].kind, 'conv');
  await page.waitForTimeout(1500);
  await screenshot(page, 'fashion-conv');
  assert.deepEqual(errors, []);
});
