// The wasm benchmark suite, shared by Node (bench/node.mjs) and headless Chromium (bench/page.html).
// `m` is an initialised s3nn module built with the `wasm-bench` feature (target/bench-pkg/*).
// Timing loops of the kernel cases run inside wasm; the end-to-end runs time the public JS API.

export const ARCH = '784-400-400-10';
export const FIRING_RATES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.6];
const BATCH = 100;
const WARMUP_STEPS = 20;
const RUN_STEPS = 100;
const RUNS = 3;
const INFER_BATCH = 1000;

export function median(v) {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

const now = () => globalThis.performance.now();

/** Kernel cases and the firing sweep on one module. forceScalar: dispatch to the scalar path. */
export function kernelSuite(m, { forceScalar = false, log = () => {} } = {}) {
  const cases = [];
  for (const c of m.benchKernelCases()) {
    const r = m.benchKernel(c.name, { forceScalar });
    log(`  ${c.name.padEnd(24)} ${r.isa.padEnd(8)} ${r.msPerCall.toFixed(4)} ms`);
    cases.push({ ...r, desc: c.desc });
  }
  const firing = [];
  for (const rate of FIRING_RATES) {
    const r = m.benchKernel('spike_acc', { density: rate, forceScalar });
    log(`  spike_acc @ ${(rate * 100).toFixed(0).padStart(2)} %      ${r.msPerCall.toFixed(4)} ms`);
    firing.push({ rate, ms: r.msPerCall });
  }
  return { isa: m.benchKernel('broadcast_rows', { forceScalar, minSampleMs: 1, samples: 1 }).isa, cases, firing };
}

/** Parses MNIST IDX bytes (u8 images, u8 labels) into Float32Array inputs (byte / 255) and labels. */
export function idxToArrays(images, labels) {
  const dv = new DataView(images.buffer, images.byteOffset, images.byteLength);
  const n = dv.getUint32(4);
  const f = dv.getUint32(8) * dv.getUint32(12);
  const x = new Float32Array(n * f);
  for (let i = 0; i < n * f; i++) x[i] = images[16 + i] / 255;
  return { x, y: labels.subarray(8, 8 + n), n, f };
}

/**
 * End to end on MNIST with the public JS API: training samples/s (median of RUNS × RUN_STEPS steps
 * after WARMUP_STEPS), the rest of the first epoch, then inference samples/s at batch 1000 over the
 * test set, for neuron 's3nn' and 'relu'; the dense ANN (matmul kernels) inference; wasm memory.
 * `mnist` = {trainImages, trainLabels, testImages, testLabels} (Uint8Array IDX files).
 */
export function e2eSuite(m, mnist, { log = () => {} } = {}) {
  const out = { isa: m.activeIsa(), nets: {} };
  const t0 = now();
  const train = m.Dataset.fromIdx('mnist-train', mnist.trainImages, mnist.trainLabels);
  const test = m.Dataset.fromIdx('mnist-test', mnist.testImages, mnist.testLabels);
  out.loadSeconds = (now() - t0) / 1e3;
  out.memAfterLoadBytes = m.wasmMemoryBytes();
  const tx = idxToArrays(mnist.testImages, mnist.testLabels);
  const epochSteps = Math.ceil(train.length / BATCH);
  for (const neuron of ['s3nn', 'relu']) {
    const net = new m.Network({ arch: ARCH, neuron, optimizer: 'adam', lr: 1e-3, seed: 1 });
    net.trainSteps(train, WARMUP_STEPS, BATCH);
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const t = now();
      net.trainSteps(train, RUN_STEPS, BATCH);
      runs.push((RUN_STEPS * BATCH) / ((now() - t) / 1e3));
    }
    const rest = epochSteps - WARMUP_STEPS - RUNS * RUN_STEPS;
    let t = now();
    const st = net.trainSteps(train, rest, BATCH);
    const restSps = (rest * BATCH) / ((now() - t) / 1e3);
    const memAfterEpoch = m.wasmMemoryBytes();
    // Inference: warm-up pass (also counts accuracy and firing rates), then RUNS timed passes.
    const pass = (withStats) => {
      let correct = 0;
      const rates = [];
      let batches = 0;
      for (let s = 0; s < tx.n; s += INFER_BATCH) {
        const e = Math.min(s + INFER_BATCH, tx.n);
        const xb = tx.x.subarray(s * tx.f, e * tx.f);
        const p = net.predict(xb, e - s);
        if (withStats) {
          for (let i = 0; i < p.length; i++) if (p[i] === tx.y[s + i]) correct++;
          const rec = net.record(xb, e - s);
          rec.forEach((l, i) => (rates[i] = (rates[i] || 0) + l.firingRate));
          batches++;
        }
      }
      return { acc: correct / tx.n, rates: rates.map((r) => r / batches) };
    };
    const stats = pass(true);
    const iruns = [];
    for (let r = 0; r < RUNS; r++) {
      t = now();
      pass(false);
      iruns.push(tx.n / ((now() - t) / 1e3));
    }
    out.nets[neuron] = {
      trainSamplesPerSec: median(runs),
      trainRuns: runs,
      epochRestSamplesPerSec: restSps,
      epochTrainAccuracy: st.accuracy,
      trainFiringRates: st.firingRates,
      inferSamplesPerSec: median(iruns),
      inferRuns: iruns,
      testAccuracy: stats.acc,
      testFiringRates: stats.rates,
      memAfterEpochBytes: memAfterEpoch,
    };
    log(`  ${neuron}: train ${median(runs).toFixed(0)} samples/s, infer ${median(iruns).toFixed(0)} samples/s, ` +
      `test acc ${(stats.acc * 100).toFixed(2)} %, firing ${stats.rates.map((r) => r.toFixed(3)).join(' ')}`);
    net.free();
  }
  const d = m.benchDenseMlp(test, new Uint32Array([784, 400, 400, 10]), INFER_BATCH, test.length, RUNS);
  out.denseAnn = { inferSamplesPerSec: d.samplesPerSec, inferRuns: d.runsSamplesPerSec };
  log(`  dense ANN (matmul) inference ${d.samplesPerSec.toFixed(0)} samples/s`);
  out.wasmMemoryBytes = m.wasmMemoryBytes();
  train.free();
  test.free();
  return out;
}
