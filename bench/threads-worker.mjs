// s3nn training in the browser, single-thread build against threaded build (bench/threads.mjs runs
// this as a module worker: a worker may wait for the pool, the page may not). MNIST 784-400-400-10,
// S³NN, Adam 1e-3, batch 100 (wasm-suite.mjs's benchNetwork and timeTraining, as bench/chromium.mjs's
// e2e figures). The configurations alternate round by round, in a rotating order, so that a busy
// neighbour on the shared host slows all of them alike; medians and per-round ratios are reported.
import { fetchMnist, benchNetwork, timeTraining, median, BATCH, WARMUP_STEPS } from './wasm-suite.mjs';

export const THREADS = 2;
const ROUNDS = 15;
const ROUND_STEPS = 60;

async function run() {
  const log = (s) => postMessage({ log: s });
  const single = await import('/pkg/s3nn.js');
  await single.default();
  const threaded = await import('/pkg/threads/s3nn.js');
  await threaded.default();
  await threaded.startThreads(THREADS);
  const mnist = await fetchMnist();
  const configs = [
    { name: 'single', m: single, threads: 1 },
    { name: `threads${THREADS}`, m: threaded, threads: THREADS },
    { name: 'threads1', m: threaded, threads: 1 },
  ];
  for (const c of configs) {
    c.train = c.m.Dataset.fromIdx('mnist-train', mnist.trainImages, mnist.trainLabels);
    c.net = benchNetwork(c.m, 's3nn');
    if (c.m === threaded) threaded.setThreads(c.threads);
    c.net.trainSteps(c.train, WARMUP_STEPS, BATCH);
    c.runs = [];
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (let k = 0; k < configs.length; k++) {
      const c = configs[(r + k) % configs.length];
      if (c.m === threaded) threaded.setThreads(c.threads);
      c.runs.push(timeTraining(c.net, c.train, ROUND_STEPS).samplesPerSec);
    }
    log(`round ${r + 1}: ${configs.map((c) => `${c.name} ${c.runs[r].toFixed(0)}`).join(', ')} samples/s`);
  }
  const result = { isolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, rounds: ROUNDS, roundSteps: ROUND_STEPS, batch: BATCH, configs: {} };
  const base = configs[0].runs;
  for (const c of configs) {
    result.configs[c.name] = {
      threads: c.threads,
      build: c.m === threaded ? 'threads' : 'single',
      isa: c.m.activeIsa(),
      trainSamplesPerSec: median(c.runs),
      runs: c.runs,
      ratioToSingle: median(c.runs.map((v, i) => v / base[i])),
    };
    c.net.free();
    c.train.free();
  }
  return result;
}

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  self.onmessage = () => run().then((result) => postMessage({ result }), (e) => postMessage({ error: String(e?.stack || e) }));
}
