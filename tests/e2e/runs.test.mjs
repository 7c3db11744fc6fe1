// Compare mode, reproducible links, model export/import, and bad user files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launch, openDemo, waitReady, waitFor, pauseAndSettle, settle, downloadBytes, screenshot, predictions, reloadPredictsAsBefore } from './helpers.mjs';

let server;
let browser;
let tmp;
before(async () => {
  server = await startServer();
  browser = await launch();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's3nn-e2e-'));
});
after(async () => {
  await browser?.close();
  server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('compare mode trains four models at once', async (t) => {
  const { page, errors } = await openDemo(browser, server.url, 'data=moons&compare=1');
  await waitReady(page);
  await waitFor(page, () => window.__s3nn.compare.length === 4 && window.__s3nn.compare.every((m) => m.steps > 100 && m.testAcc > 0), undefined, 30000, 'four models training');
  const s1 = await page.evaluate(() => window.__s3nn.compare);
  await page.waitForTimeout(1500);
  const s2 = await page.evaluate(() => window.__s3nn.compare);
  assert.deepEqual(s1.map((m) => m.neuron), ['s3nn', 'relu', 'bnn', 'lif']);
  s2.forEach((m, i) => assert.ok(m.steps > s1[i].steps, `${m.label} keeps training`));
  t.diagnostic(s2.map((m) => `${m.label}: ${(m.testAcc * 100).toFixed(1)} % ${m.energyPj?.toFixed(1)} pJ`).join('; '));
  await page.waitForTimeout(2000);
  await screenshot(page, 'compare');
  assert.deepEqual(errors, []);
});

async function runFromHash(hash) {
  const { page, errors, context } = await openDemo(browser, server.url, hash);
  await waitReady(page);
  await pauseAndSettle(page);
  await page.click('#b-reset');
  await waitFor(page, () => window.__s3nn.trainSteps === 0, undefined, 10000, 'reset');
  await settle(page);
  for (let i = 0; i < 5; i++) {
    const s = await page.evaluate(() => window.__s3nn.trainSteps);
    await page.click('#b-step');
    await waitFor(page, (s0) => window.__s3nn.trainSteps === s0 + 10, s, 10000, 'step');
  }
  await settle(page);
  const r = await page.evaluate(() => ({ hash: location.hash, steps: window.__s3nn.trainSteps, loss: window.__s3nn.loss, test: window.__s3nn.testAccuracy, proba: window.__s3nn.boundaryProba, probe: window.__s3nn.probe.proba }));
  await context.close();
  return { r, errors };
}

test('the URL reproduces the run: same hash → same metrics after N steps', async () => {
  const hash = 'data=circles&noise=0.2&arch=12-8&lr=0.03&bs=16&seed=7';
  const a = await runFromHash(hash);
  const b = await runFromHash(a.r.hash);
  assert.equal(a.r.steps, 50);
  assert.equal(b.r.hash, a.r.hash);
  assert.equal(b.r.loss, a.r.loss);
  assert.equal(b.r.test, a.r.test);
  assert.deepEqual(b.r.proba, a.r.proba);
  assert.deepEqual(b.r.probe, a.r.probe);
  // a different seed gives a different run
  const c = await runFromHash(hash.replace('seed=7', 'seed=8'));
  assert.notDeepEqual(c.r.proba, a.r.proba);
  assert.deepEqual([...a.errors, ...b.errors, ...c.errors], []);
});

test('export → import gives identical predictions; bad files show a message and the page keeps working', async () => {
  const { page, errors } = await openDemo(browser, server.url, 'data=xor');
  await waitReady(page);
  // Progress points reach the history at most every ~100 ms, whatever the steps: on a fast host
  // 100 steps of XOR can take fewer than five of them (a fresh-clone CI run saw 'metrics rows'
  // fail), so the wait is for the rows the CSV check needs as well.
  await waitFor(page, () => window.__s3nn.trainSteps > 100 && window.__s3nn.history.steps.length >= 5, undefined, 20000, 'training');
  await pauseAndSettle(page);
  const before = await predictions(page);
  const { name, bytes } = await downloadBytes(page, '#b-save');
  assert.match(name, /\.safetensors$/);
  // metrics as CSV, charts as PNG
  const metrics = await downloadBytes(page, '#b-csv');
  const lines = metrics.bytes.toString().trim().split('\n');
  assert.match(lines[1], /^step,samples,loss,train_acc,test_acc,firing_rate_1/);
  assert.ok(lines.length > 5, 'metrics rows');
  for (const which of ['boundary', 'loss', 'surrogate', 'raster']) {
    const png = await downloadBytes(page, `button.png[data-png="${which}"]`);
    assert.equal(png.bytes.subarray(1, 4).toString(), 'PNG', `${which} is a PNG`);
  }
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  await reloadPredictsAsBefore(page, file, before, 'the model file');

  // corrupt model file
  const bad = path.join(tmp, 'corrupt.safetensors');
  fs.writeFileSync(bad, Buffer.concat([bytes.subarray(0, 40), Buffer.from('garbage')]));
  await page.setInputFiles('#c-load', bad);
  await waitFor(page, () => /Model not loaded/.test(window.__s3nn.message), undefined, 5000, 'corrupt model message');
  assert.ok(await page.isVisible('#message'));
  await screenshot(page, 'error-model');

  // malformed CSV
  const csv = path.join(tmp, 'bad.csv');
  fs.writeFileSync(csv, 'x,y,label\n0.1,0.2,0\n0.3,oops,1\n');
  await page.setInputFiles('#c-csv', csv);
  await waitFor(page, () => /CSV not loaded/.test(window.__s3nn.message), undefined, 5000, 'CSV message');
  const msg = await page.textContent('#message-text');
  assert.match(msg, /line 3/);

  // an unreadable architecture: message, then a good one trains again
  await page.fill('#c-arch', '8-zz');
  await page.dispatchEvent('#c-arch', 'change');
  await waitFor(page, () => /zz/.test(window.__s3nn.message), undefined, 5000, 'architecture message');
  await page.fill('#c-arch', '16-16');
  await page.dispatchEvent('#c-arch', 'change');
  await waitFor(page, () => window.__s3nn.message === '' && window.__s3nn.models[0]?.arch === '2-16-16-2', undefined, 5000, 'architecture fixed');

  // the page keeps working: play trains further
  const s0 = await page.evaluate(() => window.__s3nn.trainSteps);
  await page.click('#b-play');
  await waitFor(page, (s) => window.__s3nn.trainSteps > s + 20, s0, 10000, 'training after errors');

  // a good CSV trains
  const good = path.join(tmp, 'good.csv');
  const rows = ['x,y,label'];
  for (let i = 0; i < 300; i++) {
    const a = (i / 300) * Math.PI * 2;
    const r = i % 2 ? 0.4 : 1.0;
    rows.push(`${(r * Math.cos(a)).toFixed(4)},${(r * Math.sin(a)).toFixed(4)},${i % 2}`);
  }
  fs.writeFileSync(good, rows.join('\n'));
  await page.setInputFiles('#c-csv', good);
  await waitFor(page, () => window.__s3nn.config.data === 'csv' && window.__s3nn.info?.trainLen + window.__s3nn.info?.testLen === 300 && window.__s3nn.testAccuracy > 0.9, undefined, 20000, 'CSV trains');
  assert.equal(await page.isVisible('#message'), false);
  await page.waitForTimeout(2000);
  await screenshot(page, 'csv');
  assert.deepEqual(errors, []);
});
