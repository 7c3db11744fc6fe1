// Same code, same seed, same result: the native build (examples/same_seed.rs) and both wasm
// builds train the same runs; their saved models must be byte-identical: native with and without
// threads, the single-thread wasm package in Node, and in Chromium the single-thread build and the
// threaded build (pkg/threads/, on a cross-origin isolated page) at 1 and 2 threads. The last run is
// wide enough for the products and Adam to be split over the threads.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Network, Dataset } from '../../pkg/s3nn_node.js';
import { startServer } from '../../scripts/lib/server.mjs';
import { launchChromium } from '../../scripts/lib/chromium.mjs';

const root = resolve(import.meta.dirname, '../..');
const run = (features) => JSON.parse(execFileSync('cargo', ['run', '--release', '-q', ...features, '--example', 'same_seed'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 }));
let native;
before(() => {
  native = run([]);
});

/** One run of examples/same_seed.rs through a wasm package's API: `{model: hex, predictions}`. */
function train(pkg, r) {
  const d = pkg.Dataset.toy('spiral', 400, 0.1, 11);
  const net = new pkg.Network({ arch: r.arch, neuron: r.neuron, lr: 0.01, seed: 11 });
  net.trainSteps(d, r.steps, r.batch);
  const predictions = Array.from(net.predict(d.inputs(), d.length));
  const model = Array.from(net.save(), (b) => b.toString(16).padStart(2, '0')).join('');
  net.free();
  d.free();
  return { model, predictions };
}

test('native (1 and 2 threads) and wasm in Node train bit-identical models from the same seed', { timeout: 600_000 }, () => {
  assert.equal(native.length, 5);
  // multi-threaded native (rayon) must not change a bit either
  assert.deepEqual(run(['--features', 'parallel']), native);
  for (const r of native) {
    const got = train({ Network, Dataset }, r);
    assert.deepEqual(got.predictions, r.predictions, `${r.neuron} ${r.arch}: predictions differ`);
    assert.equal(got.model, r.model, `${r.neuron} ${r.arch}: model bytes differ`);
  }
});

test('in Chromium, the single-thread and the threaded build (1 and 2 threads) give the native bytes', { timeout: 300_000 }, async (t) => {
  // pkg/ and a worker script on a cross-origin isolated page (the threaded build needs one); the
  // runs go in a module worker, where waiting for the pool is allowed.
  const server = await startServer({
    mounts: [['/pkg/', resolve(root, 'pkg')], ['/', import.meta.dirname]],
    host: '127.0.0.1',
    headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}blank.html`);
    const runs = native.map(({ neuron, arch, steps, batch }) => ({ neuron, arch, steps, batch }));
    const out = await page.evaluate(
      ({ runs, trainSrc }) =>
        new Promise((done, fail) => {
          const src = `const train = ${trainSrc}; const base = ${JSON.stringify(location.origin)};
            self.onmessage = async ({ data: runs }) => {
              try {
                const single = await import(base + '/pkg/s3nn.js');
                await single.default();
                const threaded = await import(base + '/pkg/threads/s3nn.js');
                await threaded.default();
                await threaded.startThreads(2);
                const res = { isolated: self.crossOriginIsolated, single: [], threads: {} };
                for (const r of runs) res.single.push(train(single, r));
                for (const n of [1, 2]) {
                  threaded.setThreads(n);
                  res.threads[n] = { count: threaded.threadCount(), runs: runs.map((r) => train(threaded, r)) };
                }
                postMessage(res);
              } catch (e) { postMessage({ error: String(e && e.stack || e) }); }
            };`;
          const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })), { type: 'module' });
          w.onmessage = (e) => (e.data.error ? fail(new Error(e.data.error)) : done(e.data));
          w.onerror = (e) => fail(new Error(e.message));
          w.postMessage(runs);
        }),
      { runs, trainSrc: train.toString() },
    );
    assert.equal(out.isolated, true);
    const builds = [['single-thread wasm', out.single], ...[1, 2].map((n) => [`threaded wasm, ${n} thread(s)`, out.threads[n].runs])];
    assert.equal(out.threads[1].count, 1);
    assert.equal(out.threads[2].count, 2);
    for (const [name, got] of builds) {
      native.forEach((r, i) => {
        assert.deepEqual(got[i].predictions, r.predictions, `${name}, ${r.neuron} ${r.arch}: predictions differ`);
        assert.equal(got[i].model, r.model, `${name}, ${r.neuron} ${r.arch}: model bytes differ`);
      });
      t.diagnostic(`${name}: ${native.length} runs byte-identical to native`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await server.close();
  }
});
