// Headless Chromium (wasm) benchmarks: kernels (simd128, forced scalar, no-simd128 build) on one
// page; then, on a fresh page (a fresh wasm instance), MNIST end to end and TF.js training in the
// same browser session; then, on a cross-origin isolated page (bench/threads.html), the threaded
// build against the single-thread one and TF.js wasm with its own threads.
// Usage: node bench/chromium.mjs [threads] > out.json   (`threads`: only that last section)
import { startServer, startIsolatedServer, launch } from './server.mjs';

const log = (s) => process.stderr.write(`[chromium] ${s}\n`);
const server = await startServer();
const browser = await launch();
const out = { chromium: browser.version() };
const onlyThreads = process.argv[2] === 'threads';
try {
  if (!onlyThreads) await singleThreadSections();
  await threadsSection();
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
