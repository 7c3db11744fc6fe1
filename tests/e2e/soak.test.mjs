// Soak: the page trains for many steps through its worker (a toy set, then MNIST) and its memory
// stays flat. Every 500 steps the worker pauses by itself (the `playUntil` probe), the views
// settle, garbage is collected on both threads and the test samples the worker's wasm memory
// (WebAssembly.Memory buffer size), the worker's JS heap and the page's JS heap. After the
// warm-up (the first epoch's full evaluation) each may grow by at most 1 %. The JS heaps are
// judged by their JS objects in heap snapshots (helpers.mjs memoryProbe), without what grows on
// purpose: compiled code and hidden classes (V8 keeps optimizing hot functions for minutes; bounded
// by the program) and the run history (history.js on the page: every progress row, halved past a
// fixed row count; in both threads the per-epoch evaluations, at most EPOCH_EVALS_MAX, halved).
// What grew most is printed per kind, and named when the test fails.
// The raw heap figures (Runtime.getHeapUsage) are printed too.
//
// S3NN_SOAK_STEPS sets the steps per data set (default: a short soak for the test command);
// S3NN_SOAK_STEPS=10000 is the long one of the README.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSuite, waitReady, waitFor, pauseAndSettle, settle, memoryProbe } from './helpers.mjs';

const SAMPLE_EVERY = 500;
const MAX_GROWTH = 0.01;
const stepsFromEnv = Number(process.env.S3NN_SOAK_STEPS || 0);
const STEPS = { toy: stepsFromEnv || 3000, mnist: stepsFromEnv || 1500 };
// The warm-up ends at the sample taken as the baseline: a fifth of the run, at least 1000 steps
// (MNIST's first epoch, 600 steps of 100, ends with a full test evaluation before that).
const warmup = (steps) => Math.max(1000, Math.round(steps / 5 / SAMPLE_EVERY) * SAMPLE_EVERY);

const demo = demoSuite();
const kb = (b) => `${(b / 1024).toFixed(0)} KiB`;
const pct = (x) => `${(x * 100).toFixed(2)} %`;

/** Trains `steps` steps in SAMPLE_EVERY-step legs from a paused page; returns the samples. */
async function soak(t, page, steps) {
  const probe = await memoryProbe(page);
  const samples = [];
  try {
    for (let target = SAMPLE_EVERY; target <= steps; target += SAMPLE_EVERY) {
      const now = await page.evaluate(() => window.__s3nn.trainSteps);
      const t0 = Date.now();
      await page.evaluate((n) => window.__s3nn.playUntil(n), target);
      await waitFor(page, (n) => !window.__s3nn.playing && window.__s3nn.trainSteps === n, target, 120000, `paused at ${target} steps`);
      const seconds = (Date.now() - t0) / 1000;
      await settle(page);
      const s = { ...(await probe.sample()), stepsPerSec: (target - now) / seconds };
      assert.equal(s.steps, target, 'the worker paused at the step asked for');
      assert.equal(s.page.historyObjects, 3, 'the run history (log, plot, compare) is found in the heap snapshot');
      samples.push(s);
    }
  } finally {
    await probe.detach();
  }
  for (const s of samples) {
    t.diagnostic(
      `${String(s.steps).padStart(6)} steps: wasm ${kb(s.wasmBytes)}; worker heap ${kb(s.worker.heap)} (objects ${kb(s.worker.objects)} of which history ${kb(s.worker.history)}, code ${kb(s.worker.code)}); ` +
        `page heap ${kb(s.page.heap)} (objects ${kb(s.page.objects)} of which history ${kb(s.page.history)}, code ${kb(s.page.code)}); ${Math.round(s.stepsPerSec)} steps/s`,
    );
  }
  return samples;
}

/** Largest growth over the baseline sample (the first at or after the warm-up) of each figure. */
function growth(samples, steps) {
  const from = warmup(steps);
  const i0 = samples.findIndex((s) => s.steps >= from);
  assert.ok(i0 >= 0 && samples.length - i0 >= 2, `samples after the ${from}-step warm-up: ${samples.length - i0}`);
  const figures = {
    wasm: (s) => s.wasmBytes,
    workerData: (s) => s.worker.objects - s.worker.history,
    pageData: (s) => s.page.objects - s.page.history,
    workerHeap: (s) => s.worker.heap,
    pageHeap: (s) => s.page.heap,
  };
  const out = {};
  for (const [k, f] of Object.entries(figures)) {
    const base = f(samples[i0]);
    out[k] = Math.max(...samples.slice(i0).map((s) => (f(s) - base) / base));
  }
  out.from = samples[i0].steps;
  out.worker = grownKinds(samples[i0].worker.kinds, samples.at(-1).worker.kinds);
  out.page = grownKinds(samples[i0].page.kinds, samples.at(-1).page.kinds);
  return out;
}

/** The kinds of JS object (heap snapshot "type name") that grew most between two samples, as text. */
function grownKinds(before, after, top = 6) {
  const delta = [];
  for (const [k, v] of after) delta.push([k, v - (before.get(k) || 0)]);
  for (const [k, v] of before) if (!after.has(k)) delta.push([k, -v]);
  delta.sort((a, b) => b[1] - a[1]);
  return delta.slice(0, top).filter(([, d]) => d > 0).map(([k, d]) => `${k.trim() || '(unnamed)'} +${d} B`).join(', ') || 'nothing';
}

async function soakTest(t, hash, steps, readyTimeout) {
  const { page, errors, context } = await demo.open(hash);
  try {
    await waitReady(page, readyTimeout);
    await waitFor(page, () => window.__s3nn.trainSteps > 0, undefined, 60000, 'autoplay');
    // From step 0 (autoplay may have run past the first samples before the pause landed).
    await pauseAndSettle(page);
    await page.click('#b-reset');
    await waitFor(page, () => window.__s3nn.trainSteps === 0 && !window.__s3nn.playing, undefined, 30000, 'reset');
    await settle(page);
    const samples = await soak(t, page, steps);
    const g = growth(samples, steps);
    t.diagnostic(
      `largest growth over the sample at ${g.from} steps (${samples.length} samples): wasm ${pct(g.wasm)}; ` +
        `worker JS objects without the history ${pct(g.workerData)} (heap ${pct(g.workerHeap)} raw); page JS objects without the history ${pct(g.pageData)} (heap ${pct(g.pageHeap)} raw)`,
    );
    t.diagnostic(`grew most in the worker: ${g.worker}; on the page: ${g.page}`);
    assert.ok(g.wasm <= MAX_GROWTH, `wasm memory grew ${pct(g.wasm)} after the warm-up`);
    assert.ok(g.workerData <= MAX_GROWTH, `worker JS objects (without the run history) grew ${pct(g.workerData)} after the warm-up (most: ${g.worker})`);
    assert.ok(g.pageData <= MAX_GROWTH, `page JS objects (without the run history) grew ${pct(g.pageData)} after the warm-up (most: ${g.page})`);
    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await context.close();
  }
}

test(`soak, toy set: ${STEPS.toy} steps, memory flat after the warm-up`, { timeout: 600000 }, (t) => soakTest(t, '', STEPS.toy, 30000));

test(`soak, MNIST: ${STEPS.mnist} steps, memory flat after the warm-up`, { timeout: 1800000 }, (t) => soakTest(t, 'data=mnist', STEPS.mnist, 120000));

// A toy set of 40 points crosses an epoch in every training chunk, and each crossing adds an
// entry to the epoch evaluations, which every 'epoch' message sends whole: the list must stay
// bounded (it grew by ~25 entries a second, for ever) and keep the first epoch.
test('epoch evaluations stay bounded on a tiny toy set', { timeout: 120000 }, async (t) => {
  const { page, errors, context } = await demo.open('n=40');
  try {
    await waitReady(page);
    await waitFor(page, () => (window.__s3nn.epochEvals?.[0]?.epochEvals?.length ?? 0) > 0, undefined, 30000, 'a first epoch');
    const first = await page.evaluate(() => window.__s3nn.epochEvals[0].epochEvals[0]);
    // Until the list has shrunk once: the longest it was, and its first entry then.
    const seen = await waitFor(
      page,
      () => {
        const list = window.__s3nn.epochEvals[0].epochEvals;
        window.__soakLongest = Math.max(window.__soakLongest ?? 0, list.length);
        return list.length < window.__soakLongest ? { longest: window.__soakLongest, length: list.length, first: list[0], steps: window.__s3nn.trainSteps } : false;
      },
      undefined,
      90000,
      'the epoch list to shrink',
    ).then((h) => h.jsonValue());
    t.diagnostic(`epoch list: at most ${seen.longest} entries, ${seen.length} after shrinking, at ${seen.steps} steps`);
    assert.ok(seen.longest <= 200, `epoch list reached ${seen.longest} entries`);
    assert.deepEqual(seen.first, first, 'the first epoch is kept');
    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await context.close();
  }
});
