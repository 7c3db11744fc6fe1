// The threaded wasm build in the page (issue #12). Served by the demo server (cross-origin
// isolated: COOP same-origin + COEP require-corp), the training worker loads pkg/threads/, starts a
// pool of navigator.hardwareConcurrency Web Workers, reports that many threads in the threads menu
// and trains MNIST to ≥ 95 % in one epoch with no main-thread task ≥ 50 ms. Served without those
// headers, the same page falls back to the single-thread build (1 thread) with no error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer as startStaticServer } from '../../scripts/lib/server.mjs';
import { demoMounts } from '../../scripts/lib/demo-server.mjs';
import { demoSuite, openDemo, waitReady, waitFor, longTasksSince, recordTasks, taskSummary, blockingTasks } from './helpers.mjs';

const demo = demoSuite();
let plain; // the same mounts, without the isolation headers
before(async () => {
  plain = await startStaticServer({ mounts: demoMounts(), port: 0, host: '127.0.0.1' });
});
after(() => plain?.close());

const threadsMenu = (page) =>
  page.evaluate(() => {
    const sel = document.getElementById('c-threads');
    return { value: Number(sel.value), options: [...sel.options].map((o) => Number(o.value)), disabled: sel.disabled, title: sel.title,
      isolated: self.crossOriginIsolated, sab: typeof SharedArrayBuffer, cores: navigator.hardwareConcurrency };
  });

test('isolated page: the threaded build reports hardwareConcurrency (here 2) threads and trains MNIST to ≥ 95 % in one epoch', { timeout: 600000 }, async (t) => {
  const { page, errors } = await demo.open('data=mnist');
  const failed = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.url()}: HTTP ${r.status()}`));
  await waitReady(page, 120000);
  const menu = await threadsMenu(page);
  t.diagnostic(`threads menu: ${JSON.stringify(menu)}`);
  assert.equal(menu.isolated, true, 'the demo server makes the page cross-origin isolated');
  // The pool has navigator.hardwareConcurrency threads: 2 on the project's 2-core machines.
  assert.ok(menu.cores >= 2, `threads need ≥ 2 cores, Chromium reports ${menu.cores}`);
  assert.equal(menu.value, menu.cores, `training splits over ${menu.cores} threads`);
  assert.deepEqual(menu.options, Array.from({ length: menu.cores }, (_, i) => i + 1), 'the menu offers 1…hardwareConcurrency');
  assert.match(menu.title, /threaded wasm build/);

  await waitFor(page, () => window.__s3nn.trainSteps > 50, undefined, 60000, 'MNIST training');
  const stopTrace = await recordTasks(page);
  const t0 = await page.evaluate(() => performance.now());
  const wall0 = Date.now();
  await waitFor(page, () => (window.__s3nn.epochEvals?.[0]?.epochEvals?.length ?? 0) >= 1, undefined, 540000, 'one epoch');
  const ev = await page.evaluate(() => ({ first: window.__s3nn.epochEvals[0].epochEvals[0], arch: window.__s3nn.models[0].arch, rate: window.__s3nn.maxSamplesPerSec }));
  const tasks = await longTasksSince(page, t0);
  const tracedTasks = await stopTrace();
  t.diagnostic(`${ev.arch} on ${menu.cores} threads: epoch 1 test accuracy ${(ev.first.testAcc * 100).toFixed(2)} % after ${((Date.now() - wall0) / 1000).toFixed(0)} s more, peak ${Math.round(ev.rate)} samples/s (load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()})`);
  t.diagnostic(`main thread while training: ${taskSummary(page, tracedTasks, t0).text}`);
  assert.ok(ev.first.testAcc >= 0.95, `epoch-1 test accuracy ${ev.first.testAcc}`);
  const blocking = blockingTasks(tasks, tracedTasks, t0, page);
  assert.equal(blocking.length, 0, `main-thread tasks ≥ 50 ms while training: ${JSON.stringify(blocking)} (long-task observer: ${JSON.stringify(tasks)})`);

  // The menu sets the count: 1 thread, then 2 again, while training goes on.
  for (const n of [1, menu.cores]) {
    await page.selectOption('#c-threads', String(n));
    await waitFor(page, ([n, max]) => document.getElementById('c-threads').title.includes(`over ${n} of ${max}`), [n, menu.cores], 10000, `${n} thread(s)`);
    const steps = await page.evaluate(() => window.__s3nn.trainSteps);
    await waitFor(page, (s) => window.__s3nn.trainSteps > s + 20, steps, 60000, `training on ${n} thread(s)`);
  }
  assert.deepEqual(failed, [], 'every resource loads under COEP require-corp');
  assert.deepEqual(errors, []);
});

test('without the isolation headers the page falls back to the single-thread build', { timeout: 120000 }, async (t) => {
  const { page, errors } = await openDemo(demo.browser, plain.url, 'data=spiral');
  await waitReady(page, 60000);
  const menu = await threadsMenu(page);
  t.diagnostic(`threads menu: ${JSON.stringify(menu)}`);
  assert.equal(menu.isolated, false);
  assert.equal(menu.value, 1);
  assert.deepEqual(menu.options, [1]);
  assert.equal(menu.disabled, true);
  assert.match(menu.title, /single-thread wasm build/);
  await waitFor(page, () => window.__s3nn.trainSteps > 200 && window.__s3nn.testAccuracy > 0.8, undefined, 60000, 'toy training');
  assert.deepEqual(errors, []);
});
