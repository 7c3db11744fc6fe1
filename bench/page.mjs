// Browser side of bench/chromium.mjs: window.runKernels(), window.runE2e(), window.runTfjs(backend),
// window.runCnn().
import { kernelSuite, e2eSuite, fetchMnist, idxToArrays, median } from './wasm-suite.mjs';
import { cnnSuite } from './cnn-suite.mjs';

const logs = [];
const log = (s) => {
  logs.push(s);
  console.log(s);
};
window.benchLogs = logs;

async function load(variant) {
  const m = await import(`/target/bench-pkg/${variant}/s3nn.js`);
  await m.default();
  return m;
}

window.runKernels = async () => {
  const simd = await load('simd');
  const scalar = await load('scalar');
  log(`simd build: ${simd.activeIsa()}, scalar build: ${scalar.activeIsa()}`);
  return kernelSuite({ simd: [simd, false], simdForcedScalar: [simd, true], scalar: [scalar, false] }, { log });
};

/** The reference models scripts/bench.sh trained, or null when they are not there. */
async function models() {
  const get = async (n) => {
    const r = await fetch(`/target/bench-pkg/models/${n}.safetensors`);
    return r.ok ? new Uint8Array(await r.arrayBuffer()) : null;
  };
  const [s3nn, relu] = [await get('s3nn'), await get('relu')];
  return s3nn && relu ? { s3nn, relu } : null;
}

let data = null;
window.runE2e = async () => {
  data = data || (await fetchMnist());
  const m = await load('simd');
  return e2eSuite(m, data, { log, models: await models() });
};

/** TF.js training of the same ReLU MLP (batch 100, Adam 1e-3, softmax cross-entropy). */
window.runTfjs = async (backend) => {
  const tf = window.tf;
  data = data || (await fetchMnist());
  if (backend === 'wasm') tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  let ok = false;
  try {
    ok = await tf.setBackend(backend);
    await tf.ready();
  } catch (e) {
    return { backend, error: String(e) };
  }
  if (!ok || tf.getBackend() !== backend) return { backend, error: `setBackend('${backend}') failed` };
  const info = { backend, version: tf.version.tfjs };
  if (backend === 'wasm') {
    info.wasmSimd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.wasmThreads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  const N = 5000;
  const tr = idxToArrays(data.trainImages, data.trainLabels);
  const te = idxToArrays(data.testImages, data.testLabels);
  const xb = [];
  const yb = [];
  for (let s = 0; s < N; s += 100) {
    xb.push(tf.tensor2d(tr.x.subarray(s * 784, (s + 100) * 784), [100, 784]));
    yb.push(tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(tr.y.subarray(s, s + 100)), 'int32'), 10).toFloat()));
  }
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [784], units: 400, activation: 'relu' }),
      tf.layers.dense({ units: 400, activation: 'relu' }),
      tf.layers.dense({ units: 10 }),
    ],
  });
  const opt = tf.train.adam(1e-3);
  let k = 0;
  const step = () => {
    const i = k++ % xb.length;
    return opt.minimize(() => tf.losses.softmaxCrossEntropy(yb[i], model.apply(xb[i], { training: true })), true);
  };
  for (let i = 0; i < 3; i++) step().dispose();
  const runs = [];
  let lastLoss = NaN;
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    let steps = 0;
    let cost;
    do {
      if (cost) cost.dispose();
      cost = step();
      steps++;
    } while (performance.now() - t < 1500 || steps < 3);
    lastLoss = cost.dataSync()[0];
    cost.dispose();
    runs.push((steps * 100) / ((performance.now() - t) / 1e3));
  }
  const xt = tf.tensor2d(te.x.subarray(0, 1000 * 784), [1000, 784]);
  const infer = () => {
    const t = performance.now();
    for (let i = 0; i < 2; i++) tf.tidy(() => model.predict(xt).dataSync());
    return 2000 / ((performance.now() - t) / 1e3);
  };
  infer();
  const iruns = [infer(), infer(), infer()];
  xb.forEach((t) => t.dispose());
  yb.forEach((t) => t.dispose());
  xt.dispose();
  Object.assign(info, {
    trainSamplesPerSec: median(runs),
    trainRuns: runs,
    lastLoss,
    inferSamplesPerSec: median(iruns),
    inferRuns: iruns,
  });
  log(`  tfjs ${backend}: train ${info.trainSamplesPerSec.toFixed(0)} samples/s, infer ${info.inferSamplesPerSec.toFixed(0)} samples/s`);
  return info;
};

/** The CNN section: s3nn's single-thread build and TF.js on every backend, same nets (bench/cnn-suite.mjs). */
window.runCnn = async () => {
  data = data || (await fetchMnist());
  return cnnSuite(await load('simd'), window.tf, data, { log });
};

window.benchReady = true;
