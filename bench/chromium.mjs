// Headless Chromium (wasm) benchmarks: kernels (simd128, forced scalar, no-simd128 build) on one
// page; then, on a fresh page (a fresh wasm instance), MNIST end to end and TF.js training in the
// same browser session. Usage: node bench/chromium.mjs > out.json
import { startServer, launch } from './server.mjs';

const log = (s) => process.stderr.write(`[chromium] ${s}\n`);
const server = await startServer();
const browser = await launch();
const out = { chromium: browser.version() };
try {
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
} finally {
  await browser.close();
  await server.close();
}
process.stdout.write(JSON.stringify(out) + '\n');
