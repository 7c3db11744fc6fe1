// The static site of scripts/build-site.sh, served by a plain static server (no special headers)
// under a sub-path, as a copied folder would be: it trains a toy set and MNIST (gzip data unpacked
// in the browser), and a missing module gets a banner.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { root, launch, openDemo, waitReady, waitFor, pauseAndSettle } from './helpers.mjs';
import { startServer } from '../../scripts/lib/server.mjs';

let site;
let server;
let browser;
let emptyDir;
before(async () => {
  site = fs.mkdtempSync(path.join(os.tmpdir(), 's3nn-site-'));
  const t0 = Date.now();
  execFileSync('bash', [path.join(root, 'scripts/build-site.sh'), site], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`build-site.sh: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), 's3nn-empty-'));
  // The site at a sub-path, and a broken copy whose chart library is missing.
  server = await startServer({ mounts: [['/some/sub/path/', site], ['/broken/vendor/', emptyDir], ['/broken/', site]], headers: {} });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(site, { recursive: true, force: true });
  fs.rmSync(emptyDir, { recursive: true, force: true });
});

test('the built site, served plainly under a sub-path, trains a toy set and MNIST', async () => {
  assert.ok(fs.statSync(path.join(site, 'data/mnist/train-images-idx3-ubyte.gz')).size > 1e6, 'gzip data in the site');
  const { page, errors, context } = await openDemo(browser, `${server.url}some/sub/path/`, '#data=moons');
  await waitReady(page);
  assert.match(page.url(), /\/some\/sub\/path\/app\/#data=moons$/, 'the folder index opens the page with its run state');
  await waitFor(page, () => window.__s3nn.trainSteps > 500, undefined, 30000, 'moons training');
  await pauseAndSettle(page);
  assert.ok((await page.evaluate(() => window.__s3nn.testAccuracy)) > 0.8, 'moons learned');
  await page.selectOption('#c-data', 'mnist');
  await waitFor(page, () => window.__s3nn.info?.data === 'mnist' && window.__s3nn.ready, undefined, 60000, 'MNIST from gzip');
  const info = await page.evaluate(() => window.__s3nn.info);
  assert.deepEqual([info.trainLen, info.testLen, info.features], [60000, 10000, 784]);
  await page.evaluate(() => window.__s3nn.playUntil(150));
  await waitFor(page, () => window.__s3nn.trainSteps >= 150 && !window.__s3nn.playing, undefined, 60000, 'MNIST training');
  await pauseAndSettle(page);
  const acc = await page.evaluate(() => window.__s3nn.testAccuracy);
  assert.ok(acc > 0.8, `MNIST after ${await page.evaluate(() => window.__s3nn.trainSteps)} steps: ${acc}`);
  await context.close();
  assert.deepEqual(errors, []);
});

test('a module that fails to load gets a banner', async () => {
  const { page, context } = await openDemo(browser, `${server.url}broken/app/`);
  await waitFor(page, () => !document.getElementById('load-failed').hidden, undefined, 15000, 'banner');
  assert.match(await page.textContent('#load-failed'), /could not load .*app\.js/);
  await context.close();
});
