// The page's "⬇ NIR" button: the model as a NIR graph (HDF5), and the file loaded back through
// "⬆ model" predicts identically; a malformed NIR file shows a message and the page keeps working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launch, openDemo, waitReady, waitFor, pauseAndSettle, downloadBytes, predictions, reloadPredictsAsBefore } from './helpers.mjs';

let server;
let browser;
let tmp;
before(async () => {
  server = await startServer();
  browser = await launch();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's3nn-e2e-nir-'));
});
after(async () => {
  await browser?.close();
  server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('NIR export → import gives identical predictions; a bad NIR file shows a message', async () => {
  const { page, errors } = await openDemo(browser, server.url, 'data=xor');
  await waitReady(page);
  await waitFor(page, () => window.__s3nn.trainSteps > 100, undefined, 20000, 'training');
  await pauseAndSettle(page);
  const before = await predictions(page);
  const { name, bytes } = await downloadBytes(page, '#b-nir');
  assert.match(name, /\.nir$/);
  assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x48, 0x44, 0x46], 'an HDF5 file');
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  await reloadPredictsAsBefore(page, file, before, 'the NIR graph');

  const bad = path.join(tmp, 'cut.nir');
  fs.writeFileSync(bad, bytes.subarray(0, 300));
  await page.setInputFiles('#c-load', bad);
  await waitFor(page, () => /Model not loaded: NIR/.test(window.__s3nn.message), undefined, 5000, 'bad NIR message');
  const s0 = await page.evaluate(() => window.__s3nn.trainSteps);
  await page.click('#message-close');
  await page.click('#b-play');
  await waitFor(page, (s) => window.__s3nn.trainSteps > s + 20, s0, 10000, 'training after the bad file');
  assert.deepEqual(errors, []);
});
