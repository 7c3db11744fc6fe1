// Issue #13 item 5 in JS: `Network.load(bytes, options)` goes on training a saved model with the
// given optimizer and schedule, with the loss where it left off; and a run going on through a new
// surrogate (`setSurrogate`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as s3nn from '../../pkg/s3nn_node.js';

const { Network, Dataset } = s3nn;

test('a loaded model continues training with the loss where it left off', () => {
  const d = Dataset.toy('spiral', 1000, 0.1, 1);
  const net = new Network({ arch: '2-32-32-2', lr: 0.01, seed: 1 });
  let last;
  for (let i = 0; i < 8; i++) last = net.trainSteps(d, 25, 40).loss;
  const bytes = net.save();
  const resumed = Network.load(bytes, { optimizer: 'sgd', lr: 0.01, lrSchedule: 'step', stepSize: 1, gamma: 0.5, seed: 2 });
  const again = resumed.trainSteps(d, 25, 40);
  assert.ok(again.loss < last * 1.15, `first loss after load ${again.loss}, last before ${last}`);
  assert.equal(again.lr, Math.fround(0.01), 'the given optimizer rate');
  assert.equal(resumed.trainSteps(d, 1, 40).lr, Math.fround(0.005), 'the given step schedule');
  assert.equal(resumed.seed, 2);
  const fresh = new Network({ arch: '2-32-32-2', lr: 0.01, seed: 1 }).trainSteps(d, 25, 40).loss;
  assert.ok(fresh > last * 1.5, `a fresh network starts at ${fresh}, the saved one ended at ${last}`);
  // Without options: the catalog's defaults, as before.
  const plain = Network.load(bytes);
  assert.equal(plain.trainSteps(d, 1, 40).lr, Math.fround(s3nn.catalog().optimizers[0].lrDefault));
  for (const n of [net, resumed, plain]) n.free();
});

test('bad load options throw an Error naming the key, and nothing is left half-built', () => {
  const net = new Network({ arch: '2-8-2', seed: 1 });
  const bytes = net.save();
  for (const [options, needle] of [
    [{ arch: '2-8-2' }, 'the model file fixes it'],
    [{ lrr: 0.1 }, "'lrr'"],
    [{ optimizer: 'rmsprop' }, 'rmsprop'],
    [{ lr: 'fast' }, 'lr'],
    [{ lrSchedule: 'cosine' }, 'epochs'],
    ['sgd', 'load options must be an object'],
  ]) {
    assert.throws(() => Network.load(bytes, options), (e) => e instanceof Error && e.message.includes(needle), JSON.stringify(options));
  }
  const d = Dataset.toy('moons', 100, 0.1, 1);
  assert.ok(Network.load(bytes, { lr: 0.05 }).trainSteps(d, 2, 10).loss > 0);
  assert.ok(net.trainSteps(d, 2, 10).loss > 0, 'the original still trains');
  net.free();
});

// Issue #14 item 2 through the package: a run goes on through a new surrogate (the page's α slider).
test('setSurrogate: the same network trains on through the new surrogate, which a save keeps', () => {
  const d = Dataset.toy('spiral', 1000, 0.1, 1);
  const net = new Network({ arch: '2-32-32-2', lr: 0.01, seed: 1 });
  let last;
  for (let i = 0; i < 8; i++) last = net.trainSteps(d, 25, 40).loss;
  net.setSurrogate({ kind: 'sigmoid', alpha: 2 });
  assert.deepEqual(net.spec().neuron.surrogate, { kind: 'sigmoid', alpha: 2 });
  const next = net.trainSteps(d, 25, 40).loss;
  assert.ok(next < last * 1.15, `first loss after the change ${next}, last before ${last}`);
  assert.deepEqual(Network.load(net.save()).spec().neuron.surrogate, { kind: 'sigmoid', alpha: 2 }, 'a saved model names it');
  // Two networks from the same seed, one switched at step 0: they predict alike until trained.
  const a = new Network({ arch: '2-8-2', seed: 3 });
  const b = new Network({ arch: '2-8-2', seed: 3 });
  b.setSurrogate({ kind: 's3nn', alpha: 1, beta: 2 });
  assert.deepEqual([...a.predict(d.inputs(), d.length)], [...b.predict(d.inputs(), d.length)], 'the forward pass is the same');
  a.trainSteps(d, 5, 40);
  b.trainSteps(d, 5, 40);
  assert.notDeepEqual([...a.save()], [...b.save()], 'the gradients differ');
  const relu = new Network({ arch: '2-8-2', neuron: 'relu' });
  assert.throws(() => relu.setSurrogate({ kind: 's3nn' }), /no surrogate gradient/);
  assert.equal(relu.trainSteps(d, 1, 16).steps, 1, 'and it still trains');
  for (const n of [net, a, b, relu]) n.free();
});
