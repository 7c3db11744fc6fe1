// The host's ceiling for two threads in the browser (context for issue #12's 1.6× line): two of
// these module workers, each with its own single-thread s3nn instance and its own network, train
// side by side, so nothing is shared between them but the machine. bench/threads.mjs starts them
// together and compares their summed samples/s with one such worker training alone.
import { fetchMnist, benchNetwork, timeTraining, BATCH, WARMUP_STEPS } from './wasm-suite.mjs';

let net;
let train;

async function setup() {
  const single = await import('/pkg/s3nn.js');
  await single.default();
  const mnist = await fetchMnist();
  train = single.Dataset.fromIdx('mnist-train', mnist.trainImages, mnist.trainLabels);
  net = benchNetwork(single, 's3nn');
  net.trainSteps(train, WARMUP_STEPS, BATCH);
}

self.onmessage = (e) => {
  const { cmd, steps } = e.data;
  const job = cmd === 'setup' ? setup().then(() => ({ ready: true })) : Promise.resolve({ samplesPerSec: timeTraining(net, train, steps).samplesPerSec });
  job.then((r) => postMessage(r), (err) => postMessage({ error: String(err?.stack || err) }));
};
