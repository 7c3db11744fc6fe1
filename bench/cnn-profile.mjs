// Where s3nn's wasm CNN training step spends its time in Chromium: a V8 CPU profile (CDP
// Profiler, sampling every 200 µs) of `steps` training steps of a net on the benchmark page
// (target/bench-pkg/simd, one thread), summed by function (self time), top 25 printed.
// Usage: node bench/cnn-profile.mjs [arch] [steps]   (default: the science CNN, 6 steps after 2 warm-up)
import { startServer, launch } from './server.mjs';

const arch = process.argv[2] || '1x28x28-c32-c32-mp-c64-c64-mp-256-10';
const steps = Number(process.argv[3] || 6);
if (!Number.isInteger(steps) || steps < 1) {
  process.stderr.write('error: steps must be a positive integer\n');
  process.exit(2);
}
const server = await startServer();
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${server.url}bench/page.html`);
  await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60000 });
  await page.evaluate(async (arch) => {
    const { fetchMnist } = await import('/bench/wasm-suite.mjs');
    const m = await import('/target/bench-pkg/simd/s3nn.js');
    await m.default();
    const d = await fetchMnist();
    window.prof = { train: m.Dataset.fromIdx('mnist-train', d.trainImages, d.trainLabels) };
    window.prof.net = new m.Network({ arch, batchNorm: true, neuron: 's3nn', optimizer: 'adam', lr: 1e-3, seed: 1 });
    window.prof.net.trainSteps(window.prof.train, 2, 100);
  }, arch);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const ms = await page.evaluate((n) => {
    const t = performance.now();
    window.prof.net.trainSteps(window.prof.train, n, 100);
    return performance.now() - t;
  }, steps);
  const { profile } = await cdp.send('Profiler.stop');
  // Self time per node = its sample count × the mean interval; summed over nodes of one function.
  const dt = (profile.endTime - profile.startTime) / 1e3 / profile.samples.length;
  const hits = new Map();
  for (const id of profile.samples) hits.set(id, (hits.get(id) || 0) + 1);
  const byFn = new Map();
  for (const node of profile.nodes) {
    const name = node.callFrame.functionName || `(${node.callFrame.url || 'anonymous'})`;
    byFn.set(name, (byFn.get(name) || 0) + (hits.get(node.id) || 0) * dt);
  }
  const total = [...byFn.values()].reduce((a, b) => a + b, 0);
  console.log(`${arch}, batch 100: ${steps} steps in ${ms.toFixed(0)} ms (${(ms / steps).toFixed(0)} ms per step, ${((steps * 100) / (ms / 1e3)).toFixed(1)} samples/s); self time by function:`);
  for (const [name, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${((t / total) * 100).toFixed(1).padStart(5)} %  ${t.toFixed(0).padStart(6)} ms  ${name}`);
  }
} catch (e) {
  // A bad arch (or a page failure) surfaces here with s3nn's own message.
  process.stderr.write(`error: ${String(e?.message || e).split('\n')[0]}\n`);
  process.exitCode = 2;
} finally {
  await browser.close();
  await server.close();
}
