// A model trained by the native CLI loads into the page and predicts exactly as it did natively:
// the page's test accuracy on the same seeded toy split equals the CLI's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root, startServer, launch, openDemo, waitReady, waitFor } from './helpers.mjs';

test('a CLI-exported model loads into the page with the same test accuracy', { timeout: 400_000 }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 's3nn-cli-model-'));
  const file = path.join(tmp, 'moons-cli.safetensors');
  execFileSync('cargo', ['build', '--release', '-q', '--features', 'cli', '--bin', 's3nn'], { cwd: root, stdio: 'inherit' });
  const out = execFileSync(path.join(root, 'target/release/s3nn'),
    ['train', '--data', 'moons', '--samples', '1000', '--noise', '0.1', '--seed', '3', '--arch', '2-16-16-2', '--epochs', '4', '--json', '--out', file],
    { encoding: 'utf8' });
  const summary = JSON.parse(out.trim().split('\n').pop());
  const server = await startServer();
  const browser = await launch();
  try {
    const { page, errors } = await openDemo(browser, server.url, 'data=moons&n=1000&noise=0.1&seed=3&arch=16-16');
    await waitReady(page);
    if (await page.evaluate(() => window.__s3nn.playing)) await page.click('#b-play');
    const v = await page.evaluate(() => window.__s3nn.modelVersion);
    await page.setInputFiles('#c-load', file);
    await waitFor(page, (v0) => window.__s3nn.modelVersion > v0, v, 15000, 'CLI model loaded');
    await waitFor(page, (acc) => window.__s3nn.testAccuracy === acc, summary.testAccuracy, 15000, 'page test accuracy equal to the CLI\'s');
    const page_acc = await page.evaluate(() => window.__s3nn.testAccuracy);
    console.log(`CLI test accuracy ${summary.testAccuracy}, page after loading the CLI model ${page_acc}`);
    assert.equal(page_acc, summary.testAccuracy);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
