// The URL-state table built from the package's catalog (www/state.js, www/catalog.js), in Node:
// defaults and ranges are the catalog's, links round-trip, each model of a run gets the
// parameters it should.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalog } from '../../pkg/s3nn_node.js';
import { useCatalog, parseHash, toHash, resolved } from '../../www/state.js';
import { paramsTaken, compareNeurons, neuronOfSpec, surrogateOf } from '../../www/catalog.js';

const cat = catalog();
useCatalog(cat);

test('defaults are the catalog\'s: first data set, first neuron, its parameters, energy', () => {
  const r = resolved(parseHash(''));
  const d = cat.datasets[0];
  assert.equal(r.data, d.name);
  assert.deepEqual([r.arch, r.lr, r.bs], [d.hidden, d.lr, d.batch]);
  assert.equal(r.neuron, cat.neurons[0].name);
  for (const p of surrogateOf(cat, r.neuron).params) assert.equal(r[p.name], p.default, p.name);
  assert.equal(r.threshold, cat.neuronParams.find((p) => p.name === 'threshold' && p.appliesTo.includes(r.neuron)).default);
  assert.deepEqual([r.emac, r.eac, r.emem], [cat.energy.eMacPj, cat.energy.eAcPj, cat.energy.eMemPj]);
  assert.equal(toHash(parseHash('')), '#', 'a default run writes no key');
});

test('every neuron resolves its own parameter defaults; a link round-trips', () => {
  for (const n of cat.neurons) {
    const r = resolved(parseHash(`neuron=${n.name}`));
    for (const p of paramsTaken(cat, n.name, n.name)) assert.equal(r[p.name], p.default, `${n.name} ${p.name}`);
    assert.equal(toHash(parseHash(`neuron=${n.name}`)), n === cat.neurons[0] ? '#' : `#neuron=${n.name}`);
  }
  const h = '#data=circles&noise=0.2&arch=12-8&lr=0.03&bs=16&seed=7&neuron=lif&threshold=0.5&steps=8';
  assert.equal(toHash(parseHash(h)), h);
  assert.equal(toHash(parseHash('#neuron=lif&theta=0.5&T=8')), '#neuron=lif&threshold=0.5&steps=8', 'old keys theta and T are read');
  assert.equal(resolved(parseHash('#neuron=nonsense&data=nope&opt=x')).neuron, cat.neurons[0].name, 'unknown names fall back to the default');
});

test('compare mode: one model per family; a compared model takes only the run-wide parameters', () => {
  const models = compareNeurons(cat, cat.neurons[0].name);
  assert.deepEqual(models.map((n) => n.family), ['spike', 'relu', 'sign', 'multiStep']);
  const lif = models[3].name;
  const taken = paramsTaken(cat, lif, cat.neurons[0].name).map((p) => p.name);
  assert.ok(!taken.includes('threshold') && taken.includes('steps'), `compared ${lif} takes ${taken}`);
  assert.ok(paramsTaken(cat, lif, lif).some((p) => p.name === 'threshold'), 'the chosen neuron takes its threshold');
  assert.equal(neuronOfSpec(cat, { kind: 'spike', surrogate: { kind: 'rect' } }), 'rect');
  assert.equal(neuronOfSpec(cat, { kind: 'multiStep', surrogate: { kind: 'sigmoid' } }), 'lif');
});

test('a link whose counts are not non-negative integers keeps the defaults (the package would refuse them)', () => {
  const s = parseHash('#bs=16.5&n=-3&seed=1e300&lr=0.01');
  assert.equal(s.bs, null, 'bs=16.5 ignored');
  assert.equal(s.n, 0, 'n=-3 ignored');
  assert.equal(s.seed, 1, 'seed=1e300 ignored');
  assert.equal(s.lr, 0.01, 'a real-valued key is still read');
  assert.equal(parseHash('#bs=32&seed=7').bs, 32);
});
