// Pacing (issue #14): a speed control that makes a toy set's training watchable, an epoch limit,
// and a learning-rate change that goes on with the run instead of resetting it.
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
