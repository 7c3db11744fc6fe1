// Builds tests/bundler/app with Vite (resolving `s3nn` to pkg/, as an installed package would)
// and runs the bundle in headless Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { launchChromium, serveDir } from '../support/browser.mjs';

const root = resolve(import.meta.dirname, '../..');

test('a Vite bundle of the package runs in Chromium', { timeout: 300_000 }, async () => {
  const outDir = mkdtempSync(join(tmpdir(), 's3nn-vite-'));
  const server = { close: async () => {} };
  let browser;
  try {
    await build({
      root: join(root, 'tests/bundler/app'),
      logLevel: 'warn',
      resolve: { alias: { s3nn: join(root, 'pkg/s3nn.js') } },
      build: { outDir, emptyOutDir: true },
    });
    const assets = readdirSync(join(outDir, 'assets'));
    assert.ok(assets.some((f) => f.endsWith('.wasm')), `no wasm emitted: ${assets}`);
    Object.assign(server, await serveDir(outDir));
    browser = await launchChromium();
    const page = await browser.newPage();
    const errors = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url);
    await page.waitForFunction(() => window.__result, null, { timeout: 120_000 });
    const r = await page.evaluate(() => window.__result);
    console.log('bundled app:', r);
    assert.equal(r.failed, undefined);
    assert.equal(r.isa, 'simd128');
    assert.ok(r.accuracy >= 0.95, `accuracy ${r.accuracy}`);
    assert.ok(Math.abs(r.gradAtZero - 1) < 1e-6);
    assert.match(r.error, /shape mismatch/);
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
});
