// The JS face of issue #11 items 1-2: a learning-rate schedule in the Network config steps the
// rate as trainSteps crosses epoch boundaries (cosine: PyTorch's closed form with T_max =
// epochs), and the firing-rate penalty is reported in the train stats and lowers the firing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as s3nn from '../../pkg/s3nn_node.js';

const { Network, Dataset, catalog } = s3nn;

test('the schedule steps the learning rate at epoch boundaries, from the catalog', () => {
  const names = catalog().schedules.map((s) => s.name);
  assert.deepEqual(names, ['constant', 'cosine', 'step']);
  const d = Dataset.toy('moons', 100, 0.1, 3);
  const lr = 0.01;
  const net = new Network({ arch: '2-8-2', lr, seed: 3, lrSchedule: 'cosine', epochs: 4 });
  // 100 samples at batch 25: 4 steps an epoch; the rate of each step is its epoch's.
  for (let e = 0; e < 4; e++) {
    const closed = Math.fround(0 + (Math.fround(lr) - 0) * (1 + Math.cos((Math.PI * e) / 4)) / 2);
    for (let k = 0; k < 4; k++) assert.equal(net.trainSteps(d, 1, 25).lr, closed, `epoch ${e} step ${k}`);
  }
  const step = new Network({ arch: '2-8-2', lr, seed: 3, lrSchedule: 'step', stepSize: 1, gamma: 0.5 });
  assert.equal(step.trainSteps(d, 4, 25).lr, Math.fround(lr));
  assert.equal(step.trainSteps(d, 1, 25).lr, Math.fround(lr * 0.5));
  assert.equal(new Network({ arch: '2-8-2', lr }).trainSteps(d, 9, 25).lr, Math.fround(lr), 'constant by default');
  for (const n of [net, step]) n.free();
});

test('the rate penalty is reported and lowers the firing rate of a same-seed run', () => {
  const d = Dataset.toy('moons', 400, 0.1, 3);
  const run = (extra) => {
    const net = new Network({ arch: '2-32-32-2', lr: 0.01, seed: 3, ...extra });
    const stats = net.trainSteps(d, 100, 40);
    net.free();
    return stats;
  };
  const free = run({});
  const held = run({ ratePenalty: 0.5 });
  const toward = run({ ratePenalty: 0.5, targetRate: 0.3 });
  const sum = (s) => s.firingRates.reduce((a, b) => a + b, 0);
  assert.equal(free.ratePenalty, 0);
  assert.ok(held.ratePenalty > 0 && toward.ratePenalty >= 0, `${held.ratePenalty} ${toward.ratePenalty}`);
  assert.ok(sum(held) < sum(free), `firing ${sum(held)} with the penalty vs ${sum(free)} without`);
  const p = catalog().ratePenalty;
  assert.deepEqual(p.map((q) => [q.name, q.default]), [['ratePenalty', 0], ['targetRate', null]]);
});
