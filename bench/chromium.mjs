// Headless Chromium (wasm) benchmarks: kernels (simd128, forced scalar, no-simd128 build) on one
// page; then, on a fresh page (a fresh wasm instance), MNIST end to end and TF.js training in the
// same browser session; then, on a cross-origin isolated page (bench/threads.html), the threaded
// build against the single-thread one and TF.js wasm with its own threads.
// `cnn` runs only the CNN section instead (bench/cnn-suite.mjs: s3nn's single-thread build and TF.js
// on every backend training the same CNNs, one page), with the load and the stolen CPU time beside it.
// Usage: node bench/chromium.mjs [threads|cnn] > out.json   (`threads`: only that last section)
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startServer, startIsolatedServer, launch } from './server.mjs';

const log = (s) => process.stderr.write(`[chromium] ${s}\n`);
const mode = process.argv[2] ?? 'all';
if (!['all', 'threads', 'cnn'].includes(mode)) {
  process.stderr.write(`error: unknown section '${mode}' (threads, cnn, or none for all but cnn)\n`);
  process.exit(2);
}
const server = await startServer();
const browser = await launch();
const out = { chromium: browser.version() };
try {
  if (mode === 'cnn') await cnnSection();
  else {
    if (mode === 'all') await singleThreadSections();
    await threadsSection();
  }
} finally {
  await browser.close();
  await server.close();
}
process.stdout.write(JSON.stringify(out) + '\n');

async function singleThreadSections() {
  const open = async () => {
    const page = await browser.newPage();
    page.on('console', (m) => log(m.text()));
    page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
    await page.goto(`${server.url}bench/page.html`);
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60000 });
    return page;
  };
  let page = await open();
  out.userAgent = await page.evaluate(() => navigator.userAgent);
  log('kernels');
  out.kernels = await page.evaluate(() => window.runKernels());
  await page.close();
  page = await open();
  log('e2e');
  out.e2e = await page.evaluate(() => window.runE2e());
  out.tfjs = {};
  for (const backend of ['wasm', 'cpu']) {
    log(`tfjs ${backend}`);
    out.tfjs[backend] = await page.evaluate((b) => window.runTfjs(b), backend);
    if (out.tfjs[backend].error) log(`  tfjs ${backend}: ${out.tfjs[backend].error}`);
  }
  await page.close();
}

// Threads (issue #12): s3nn's two builds side by side in one worker, then TF.js wasm with its
// threaded-simd binary at the same thread count, on one isolated page of the same browser.
async function threadsSection() {
  const iso = await startIsolatedServer();
  try {
    const page = await browser.newPage();
    page.on('console', (m) => log(m.text()));
    page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
    await page.goto(`${iso.url}bench/threads.html`);
    await page.waitForFunction(() => window.benchReady === true && window.runThreads, null, { timeout: 60000 });
    log('threads: s3nn single-thread vs threaded build');
    out.threads = await page.evaluate(() => window.runThreads());
    log('threads: two single-thread workers side by side (the ceiling two cores give this page)');
    out.threads.pair = await page.evaluate(() => window.runPair());
    log('threads: tfjs wasm with threads');
    const tfjs = await page.evaluate(() => window.runTfjs('wasm'));
    if (!tfjs.error) tfjs.threadsCount = await page.evaluate(() => window.tfjsThreads());
    else log(`  tfjs wasm (threads): ${tfjs.error}`);
    out.threads.tfjsWasmThreads = tfjs;
    await page.close();
  } finally {
    await iso.close();
  }
}

/** All CPUs' ticks and stolen ticks so far (/proc/stat), and the 1/5/15-minute load average. */
function machine() {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return { ticks: cpu.reduce((a, b) => a + b, 0), stealTicks: cpu[7], loadavg: fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ') };
}

// The CNN section (issue #10): one page, s3nn and TF.js in turn on the same nets.
async function cnnSection() {
  const page = await browser.newPage();
  page.on('console', (m) => log(m.text()));
  page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
  await page.goto(`${server.url}bench/page.html`);
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60000 });
  out.userAgent = await page.evaluate(() => navigator.userAgent);
  log('cnn: s3nn (wasm, one thread) and TF.js, same nets');
  const [m0, t0] = [machine(), Date.now()];
  out.cnn = await page.evaluate(() => window.runCnn());
  const m1 = machine();
  // Steal over all CPUs, as the other sections report it; /proc/stat counts in USER_HZ ticks.
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  Object.assign(out.cnn, {
    wallSeconds: (Date.now() - t0) / 1e3,
    loadavgBefore: m0.loadavg,
    loadavgAfter: m1.loadavg,
    stealSeconds: (m1.stealTicks - m0.stealTicks) / hz,
    cpuSeconds: (m1.ticks - m0.ticks) / hz,
  });
  log(`cnn: ${out.cnn.wallSeconds.toFixed(0)} s, load ${m0.loadavg} → ${m1.loadavg}, ${out.cnn.stealSeconds.toFixed(1)} s stolen`);
  await page.close();
}
