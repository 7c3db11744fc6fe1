// Pacing (issue #14): a speed control that makes a toy set's training watchable, an epoch limit,
// and a learning-rate or surrogate change that goes on with the run instead of resetting it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSuite, waitReady, waitFor, pauseAndSettle } from './helpers.mjs';

const demo = demoSuite();

test('speed, epoch limit and a learning-rate change that keeps the run', async () => {
  const { page, errors } = await demo.open('#data=moons&pace=10');
  await waitReady(page);
  await waitFor(page, () => window.__s3nn.playing && window.__s3nn.trainSteps > 0, undefined, 10000, 'paced training');
  const s0 = await page.evaluate(() => window.__s3nn.trainSteps);
  await page.waitForTimeout(2000);
  const s1 = await page.evaluate(() => window.__s3nn.trainSteps);
  assert.ok(s1 - s0 >= 5 && s1 - s0 <= 30, `10 steps/s: ${s1 - s0} steps in 2 s`);
  // an epoch limit a few epochs ahead, then full speed
  const limit = Math.floor(await page.evaluate(() => window.__s3nn.epoch)) + 4;
  await page.fill('#c-until', String(limit));
  await page.dispatchEvent('#c-until', 'change');
  await page.selectOption('#c-pace', '0');
  await waitFor(page, () => !window.__s3nn.playing, undefined, 20000, 'the epoch limit stops play');
  const e = await page.evaluate(() => window.__s3nn.epoch);
  assert.ok(e >= limit && e < limit + 0.5, `stopped at epoch ${e} (limit ${limit})`);
  assert.match(await page.evaluate(() => location.hash), new RegExp(`until=${limit}`));
  // a new learning rate: the steps go on from where they were
  await page.fill('#c-until', '');
  await page.dispatchEvent('#c-until', 'change');
  await pauseAndSettle(page);
  const before = await page.evaluate(() => ({ steps: window.__s3nn.trainSteps, v: window.__s3nn.modelVersion }));
  await page.selectOption('#c-lr', '0.003');
  await page.click('#b-play');
  await waitFor(page, (s) => window.__s3nn.trainSteps > s + 50, before.steps, 10000, 'training after the lr change');
  const after = await page.evaluate(() => ({ v: window.__s3nn.modelVersion, lr: window.__s3nn.config.lr, hash: location.hash }));
  assert.equal(after.v, before.v, 'the same model trains on');
  assert.equal(after.lr, 0.003);
  assert.match(after.hash, /lr=0.003/);
  assert.deepEqual(errors, []);
});

test('a surrogate parameter change keeps the run, and the model trains through the new surrogate', async () => {
  const { page, errors } = await demo.open('#data=moons');
  await waitReady(page);
  await waitFor(page, () => window.__s3nn.trainSteps > 100, undefined, 10000, 'training');
  await pauseAndSettle(page);
  const before = await page.evaluate(() => ({ steps: window.__s3nn.trainSteps, v: window.__s3nn.modelVersion, s: window.__s3nn.models[0].spec.neuron.surrogate }));
  assert.equal(before.s.kind, 's3nn');
  assert.notEqual(before.s.alpha, 2);
  await page.fill('#c-alpha', '2');
  await page.dispatchEvent('#c-alpha', 'change');
  await waitFor(page, () => window.__s3nn.models[0].spec.neuron.surrogate.alpha === 2, undefined, 5000, 'the model reports α = 2');
  await page.click('#b-play');
  await waitFor(page, (s) => window.__s3nn.trainSteps > s + 50, before.steps, 10000, 'training after the α change');
  const after = await page.evaluate(() => ({ v: window.__s3nn.modelVersion, s: window.__s3nn.models[0].spec.neuron.surrogate, hash: location.hash }));
  assert.equal(after.v, before.v, 'the same model trains on');
  assert.deepEqual(after.s, { ...before.s, alpha: 2 }, 'only α changed');
  assert.match(after.hash, /alpha=2/);
  assert.deepEqual(errors, []);
});

test('batch norm, the learning-rate schedule and the rate penalty reach the model (names and ranges from the catalog)', async () => {
  const { page, errors } = await demo.open('#data=moons&bn=1&sched=step&stepSize=2&gamma=0.5&ratePenalty=0.05&until=5');
  await waitReady(page);
  const cat = await page.evaluate(() => window.__s3nn.catalog);
  assert.deepEqual(await page.$$eval('#c-sched option', (os) => os.map((o) => o.value)), cat.schedules.map((s) => s.name));
  const pen = cat.ratePenalty[0];
  const slider = await page.$eval(`#c-${pen.name}`, (i) => ({ min: Number(i.min), max: Number(i.max), step: Number(i.step), value: Number(i.value) }));
  assert.deepEqual(slider, { min: pen.min, max: pen.uiMax, step: pen.step, value: 0.05 });
  assert.equal(await page.isChecked('#c-bn'), true);
  await waitFor(page, () => !window.__s3nn.playing && window.__s3nn.epoch >= 5, undefined, 30000, 'five epochs');
  const m = await page.evaluate(() => ({ spec: window.__s3nn.models[0].spec, p: window.__s3nn.progressModels[0] }));
  assert.equal(m.spec.batchNorm, true, 'batch norm in the model');
  // StepLR: lr · γ^⌊e / k⌋ for the epoch in progress (the last mini-batch ran in epoch 4)
  assert.ok(Math.abs(m.p.lr - 0.01 * 0.5 ** Math.floor(4 / 2)) < 1e-9, `lr ${m.p.lr}`);
  assert.ok(m.p.ratePenalty > 0, `rate penalty reported: ${m.p.ratePenalty}`);
  // the status bar shows it once it has drawn the last progress message (a frame later)
  await waitFor(page, () => document.getElementById('s-lr')?.textContent === '2.5e-3', undefined, 5000, 'the status bar showing lr 2.5e-3');
  assert.deepEqual(errors, []);
});
