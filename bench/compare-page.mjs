// Browser side of bench/compare.mjs: both packages (old and new) loaded in one page, each with its
// own copy of MNIST, so that their training runs can alternate without reloading anything.
//   await window.compareSetup(['old', 'new'])   imports /compare/<side>/s3nn.js, loads MNIST
//   window.compareTrain(side, steps)            samples/s of a fresh MLP trained for `steps` batches
import { BATCH, benchNetwork, fetchMnist, timeTraining, WARMUP_STEPS } from './wasm-suite.mjs';

const sides = {};

window.compareSetup = async (names) => {
  const mnist = await fetchMnist();
  for (const name of names) {
    const m = await import(`/compare/${name}/s3nn.js`);
    await m.default();
    sides[name] = { m, train: m.Dataset.fromIdx('mnist-train', mnist.trainImages, mnist.trainLabels) };
  }
  return Object.fromEntries(names.map((n) => [n, { isa: sides[n].m.activeIsa(), version: sides[n].m.version() }]));
};

window.compareTrain = (side, steps) => {
  const { m, train } = sides[side];
  const net = benchNetwork(m, 's3nn');
  try {
    net.trainSteps(train, WARMUP_STEPS, BATCH);
    return timeTraining(net, train, steps).samplesPerSec;
  } finally {
    net.free();
  }
};

window.compareReady = true;
