// The Chromium CNN benchmark (issue #10: "the same CNN ≥ 10× TensorFlow.js's fastest backend on the
// same net, same session"), browser side: s3nn's single-thread wasm build and TF.js (the twin of
// bench/tfjs-cnn.mjs) train the same nets on MNIST, batch 100, Adam 1e-3, on one page.
// s3nn's timed blocks are split in two halves, one before and one after the TF.js backends, so a
// change of load during the section hits both sides. Each TF.js backend is capped by time (the JSON
// says how many blocks it got). On the science CNN one TF.js step takes 1–2.5 minutes (webgl runs on
// SwiftShader under --disable-gpu; cpu is plain JS), so there only the backend that was fastest on the
// small CNN in this session is timed; a backend that failed there (wasm: no conv filter gradient) is
// tried again, since failing costs nothing.

import { idxToArrays, median } from './wasm-suite.mjs';
import { tfjsTwin } from './tfjs-cnn.mjs';

export const BATCH = 100;
export const LR = 1e-3;
/** TF.js backends tried, in this order (webgl may not load in headless Chromium with --disable-gpu). */
export const TFJS_BACKENDS = ['wasm', 'webgl', 'cpu'];

/**
 * The nets (the `cnn` and `small-cnn` cases of bench/e2e.rs and bench/torch_peer.py) and how long
 * each side runs: s3nn `warmup` steps then `blocks` timed blocks of `steps`; TF.js `warmup` steps
 * then timed blocks of `steps` until `blocks` are done or `budgetS` seconds (warm-up included) have
 * passed — but always at least one timed block.
 */
export const CNN_PLAN = [
  {
    name: 'small-cnn',
    arch: '1x28x28-c16-mp-c32-mp-10',
    s3nn: { warmup: 3, blocks: 6, steps: 5 },
    tfjs: { warmup: 1, blocks: 3, steps: 1, budgetS: 25 },
  },
  {
    name: 'cnn',
    arch: '1x28x28-c32-c32-mp-c64-c64-mp-256-10',
    s3nn: { warmup: 2, blocks: 6, steps: 2 },
    tfjs: { warmup: 1, blocks: 2, steps: 1, budgetS: 60, onlyFastestOf: 'small-cnn' },
  },
];

const now = () => globalThis.performance.now();

/** Mean of the first and the last `k` values of a loss sequence, and whether it fell. */
function lossTrend(losses) {
  const k = Math.max(1, Math.min(3, Math.floor(losses.length / 2)));
  const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
  const first = mean(losses.slice(0, k));
  const last = mean(losses.slice(-k));
  return { firstLoss: first, lastLoss: last, learned: losses.length >= 2 && last < first };
}

/** s3nn: a fresh net of `plan`; returns a runner of timed blocks (samples/s, loss of each). */
function s3nnRunner(m, train, plan) {
  const net = new m.Network({ arch: plan.arch, batchNorm: true, neuron: 's3nn', optimizer: 'adam', lr: LR, seed: 1 });
  const losses = [];
  const runs = [];
  let stats = null;
  const t0 = now();
  stats = net.trainSteps(train, plan.s3nn.warmup, BATCH);
  losses.push(stats.loss);
  const warmupS = (now() - t0) / 1e3;
  return {
    net,
    block() {
      const t = now();
      stats = net.trainSteps(train, plan.s3nn.steps, BATCH);
      runs.push((plan.s3nn.steps * BATCH) / ((now() - t) / 1e3));
      losses.push(stats.loss);
    },
    result: () => ({
      isa: m.activeIsa(),
      parameterCount: net.parameterCount,
      warmupSteps: plan.s3nn.warmup,
      warmupSeconds: warmupS,
      stepsPerBlock: plan.s3nn.steps,
      trainSamplesPerSec: median(runs),
      trainRuns: runs,
      // Mean cross-entropy of the warm-up, then of each timed block.
      losses,
      ...lossTrend(losses),
      firingRates: stats.firingRates,
    }),
  };
}

/** Switches TF.js to `backend`; an error string when it does not load. */
async function useBackend(tf, backend) {
  if (backend === 'wasm') tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  try {
    const ok = await tf.setBackend(backend);
    await tf.ready();
    if (!ok || tf.getBackend() !== backend) return `setBackend('${backend}') failed`;
  } catch (e) {
    return String(e?.message || e);
  }
  return null;
}

/** TF.js on one backend: the twin of `spec`, trained per `plan.tfjs` on batches of `tr`. */
async function tfjsRun(tf, backend, spec, tr, plan) {
  const error = await useBackend(tf, backend);
  if (error) return { backend, error };
  const info = { backend, version: tf.version.tfjs };
  if (backend === 'wasm') {
    info.wasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.wasmThreads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  if (backend === 'webgl') {
    // Under --disable-gpu this is a software rasteriser (SwiftShader), which the table should say.
    const gl = tf.backend().gpgpu?.gl;
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    info.webglRenderer = gl ? String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : null;
  }
  const p = plan.tfjs;
  const [c, h, w] = spec.input;
  const nBatches = p.warmup + p.blocks * p.steps;
  const xb = [];
  const yb = [];
  for (let i = 0; i < nBatches; i++) {
    const s = i * BATCH;
    // The IDX images are C×H×W with C = 1, which is also NHWC.
    xb.push(tf.tensor4d(tr.x.subarray(s * tr.f, (s + BATCH) * tr.f), [BATCH, h, w, c]));
    yb.push(tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(tr.y.subarray(s, s + BATCH)), 'int32'), spec.classes).toFloat()));
  }
  const twin = tfjsTwin(tf, spec);
  info.parameterCount = twin.parameterCount;
  const opt = tf.train.adam(LR);
  let k = 0;
  const step = () => {
    const i = k++ % nBatches;
    return opt.minimize(() => twin.loss(xb[i], yb[i]), true, twin.trainable);
  };
  // Loss scalars are read at block ends only (reading one per step would stall webgl's queue).
  const read = (costs) => costs.map((t) => {
    const v = t.dataSync()[0];
    t.dispose();
    return v;
  });
  const losses = [];
  const runs = [];
  const t0 = now();
  try {
    const warm = [];
    for (let i = 0; i < p.warmup; i++) warm.push(step());
    losses.push(...read(warm));
    info.warmupSeconds = (now() - t0) / 1e3;
    // Tensors alive after the warm-up: compared at the end, a leak per step would show.
    info.tensorsAfterWarmup = tf.memory().numTensors;
    while (runs.length < p.blocks && (runs.length === 0 || now() - t0 < p.budgetS * 1e3)) {
      const t = now();
      const costs = [];
      for (let i = 0; i < p.steps; i++) costs.push(step());
      losses.push(...read(costs));
      runs.push((p.steps * BATCH) / ((now() - t) / 1e3));
    }
    info.tensorsAtEnd = tf.memory().numTensors;
  } catch (e) {
    info.error = String(e?.message || e);
    // A backend that cannot train the net may still run it forward: how fast, for context
    // (a training step costs about three forward passes).
    try {
      const f = [];
      for (let i = 0; i < 3 && (i < 1 || now() - t0 < p.budgetS * 1e3); i++) {
        const t = now();
        tf.tidy(() => twin.logits(xb[i % nBatches], true).dataSync());
        f.push(BATCH / ((now() - t) / 1e3));
      }
      info.forwardSamplesPerSec = median(f.slice(1).length ? f.slice(1) : f);
    } catch (e2) {
      info.forwardError = String(e2?.message || e2);
    }
  }
  Object.assign(info, {
    warmupSteps: p.warmup,
    stepsPerBlock: p.steps,
    budgetSeconds: p.budgetS,
    cappedByTime: !info.error && runs.length < p.blocks,
    seconds: (now() - t0) / 1e3,
    trainSamplesPerSec: runs.length ? median(runs) : null,
    trainRuns: runs,
    losses,
    ...(losses.length ? lossTrend(losses) : {}),
  });
  opt.dispose();
  twin.dispose();
  xb.forEach((t) => t.dispose());
  yb.forEach((t) => t.dispose());
  return info;
}

/**
 * Every net of CNN_PLAN: s3nn (wasm module `m`, single thread), then TF.js on each backend, then
 * s3nn again; `mnist` = the IDX files (wasm-suite's fetchMnist). Returns `{nets: [...]}`.
 */
export async function cnnSuite(m, tf, mnist, { log = () => {} } = {}) {
  const train = m.Dataset.fromIdx('mnist-train', mnist.trainImages, mnist.trainLabels);
  const tr = idxToArrays(mnist.trainImages, mnist.trainLabels);
  const nets = [];
  for (const plan of CNN_PLAN) {
    const ours = s3nnRunner(m, train, plan);
    const spec = ours.net.spec();
    const half = Math.ceil(plan.s3nn.blocks / 2);
    for (let i = 0; i < half; i++) ours.block();
    const tfjs = {};
    const ranked = plan.tfjs.onlyFastestOf && nets.find((n) => n.name === plan.tfjs.onlyFastestOf);
    for (const backend of TFJS_BACKENDS) {
      const before = ranked?.tfjs[backend];
      if (before?.trainSamplesPerSec && backend !== ranked.tfjsFastest.backend) {
        tfjs[backend] = { backend, skipped: `not timed: slower than ${ranked.tfjsFastest.backend} on ${ranked.arch} in this session (${before.trainSamplesPerSec.toFixed(1)} vs ${ranked.tfjsFastest.trainSamplesPerSec.toFixed(1)} samples/s)` };
        log(`  ${plan.name} tfjs ${backend}: ${tfjs[backend].skipped}`);
        continue;
      }
      tfjs[backend] = await tfjsRun(tf, backend, spec, tr, plan);
      const t = tfjs[backend];
      log(`  ${plan.name} tfjs ${backend}: ` + (t.trainSamplesPerSec ? `${t.trainSamplesPerSec.toFixed(1)} samples/s (${t.trainRuns.length} blocks${t.cappedByTime ? ', capped by time' : ''}), loss ${t.firstLoss.toFixed(3)} → ${t.lastLoss.toFixed(3)}, ${t.parameterCount} parameters` : '') + (t.error ? ` error: ${t.error}` : ''));
    }
    for (let i = half; i < plan.s3nn.blocks; i++) ours.block();
    const s3nn = ours.result();
    ours.net.free();
    const ok = Object.values(tfjs).filter((t) => t.trainSamplesPerSec && !t.error);
    const fastest = ok.sort((a, b) => b.trainSamplesPerSec - a.trainSamplesPerSec)[0] || null;
    const row = {
      name: plan.name,
      arch: plan.arch,
      batchNorm: true,
      s3nn,
      tfjs,
      tfjsFastest: fastest && { backend: fastest.backend, trainSamplesPerSec: fastest.trainSamplesPerSec },
      ratio: fastest ? s3nn.trainSamplesPerSec / fastest.trainSamplesPerSec : null,
    };
    log(`  ${plan.name} s3nn: ${s3nn.trainSamplesPerSec.toFixed(1)} samples/s (runs ${s3nn.trainRuns.map((v) => v.toFixed(0)).join(', ')}), loss ${s3nn.firstLoss.toFixed(3)} → ${s3nn.lastLoss.toFixed(3)}, ${s3nn.parameterCount} parameters; ÷ fastest TF.js (${fastest?.backend ?? '–'}) = ${row.ratio?.toFixed(1) ?? '–'}×`);
    nets.push(row);
  }
  train.free();
  return { nets, wasmMemoryBytes: m.wasmMemoryBytes() };
}
