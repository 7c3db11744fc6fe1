// A minimal app that imports the package the way a bundler user would.
import init, { Network, Dataset, activeIsa, surrogateCurve } from 's3nn';

async function main() {
  await init();
  const [train, test] = Dataset.toy('moons', 1000, 0.1, 7).split(0.8, 7);
  const net = new Network({ arch: '2-16-16-2', neuron: 's3nn', lr: 0.01, seed: 7 });
  for (let e = 0; e < 20; e++) net.trainSteps(train, Math.ceil(train.length / 32), 32);
  const curve = surrogateCurve({ kind: 's3nn', alpha: 4, beta: 1 }, -1, 1, 3);
  let error = null;
  try { net.predict(new Float32Array(3), 2); } catch (e) { error = e.message; }
  return { isa: activeIsa(), accuracy: net.evaluate(test).accuracy, gradAtZero: curve.grad[1], error };
}
main().then(
  (r) => { window.__result = r; document.getElementById('out').textContent = JSON.stringify(r); },
  (e) => { window.__result = { failed: String(e) }; },
);
