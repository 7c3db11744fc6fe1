// Same code, same seed, same result: the native build (examples/same_seed.rs) and the wasm
// package train the same runs; their saved models must be byte-identical (and the native
// build gives the same bytes with and without threads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Network, Dataset } from '../../pkg/s3nn_node.js';

const root = resolve(import.meta.dirname, '../..');

test('native and wasm train bit-identical models from the same seed', { timeout: 600_000 }, () => {
  const run = (features) => JSON.parse(execFileSync('cargo', ['run', '--release', '-q', ...features, '--example', 'same_seed'], { cwd: root, encoding: 'utf8' }));
  const native = run([]);
  assert.equal(native.length, 4);
  // multi-threaded native (rayon) must not change a bit either
  assert.deepEqual(run(['--features', 'parallel']), native);
  for (const run of native) {
    const d = Dataset.toy('spiral', 400, 0.1, 11);
    const net = new Network({ arch: '2-16-16-2', neuron: run.neuron, lr: 0.01, seed: 11 });
    net.trainSteps(d, 50, 32);
    const preds = Array.from(net.predict(d.inputs(), d.length));
    const hex = Buffer.from(net.save()).toString('hex');
    assert.deepEqual(preds, run.predictions, `${run.neuron}: predictions differ`);
    assert.equal(hex, run.model, `${run.neuron}: model bytes differ`);
  }
});
