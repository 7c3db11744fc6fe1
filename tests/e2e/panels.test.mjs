// Surrogate panel and operation counts: plotted values equal the package's, shown op counts equal
// what the package API returns for the same model and input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoSuite, waitReady, waitFor, pauseAndSettle, downloadBytes, screenshot } from './helpers.mjs';

const demo = demoSuite();

async function pkgCurve(page, plot) {
  return page.evaluate(async (p) => {
    const m = await import('/pkg/s3nn.js');
    await m.default();
    const r = m.surrogateCurve(p.cfg, p.lo, p.hi, p.n);
    return { x: Array.from(r.x), grad: Array.from(r.grad), primitive: Array.from(r.primitive) };
  }, plot);
}

test('α slider changes the plotted surrogate; plotted values equal surrogateCurve', async () => {
  const { page, errors } = await demo.open();
  await waitReady(page);
  await waitFor(page, () => window.__s3nn.surrogatePlot, undefined, 10000, 'surrogate plot');
  const before = await page.evaluate(() => window.__s3nn.surrogatePlot);
  assert.equal(before.cfg.kind, 's3nn');
  assert.deepEqual(before, { ...before, ...(await pkgCurve(page, before)) }, 'plotted = package values (α default)');
  // Move the slider with the keyboard (real input events), several notches up.
  await page.focus('#c-alpha');
  for (let i = 0; i < 15; i++) await page.keyboard.press('ArrowRight');
  await waitFor(page, (a) => window.__s3nn.surrogatePlot.cfg.alpha !== a, before.cfg.alpha, 5000, 'curve update');
  const after = await page.evaluate(() => window.__s3nn.surrogatePlot);
  assert.ok(after.cfg.alpha > before.cfg.alpha, `α moved: ${before.cfg.alpha} → ${after.cfg.alpha}`);
  assert.notDeepEqual(after.grad, before.grad, 'plotted gradient changed');
  const ref = await pkgCurve(page, after);
  assert.deepEqual(after.x, ref.x);
  assert.deepEqual(after.grad, ref.grad, 'plotted gradient equals the package');
  assert.deepEqual(after.primitive, ref.primitive, 'plotted primitive equals the package');
  // hash carries α
  await waitFor(page, () => /alpha=/.test(location.hash), undefined, 5000, 'alpha in hash');
  await page.check('#c-overlay');
  await page.waitForTimeout(800);
  await screenshot(page, 'surrogate-overlay');
  assert.deepEqual(errors, []);
});

test('operation counts shown equal the package API for the same model and input', async () => {
  const { page, errors } = await demo.open();
  await waitReady(page);
  await waitFor(page, () => window.__s3nn.trainSteps > 200, undefined, 20000, 'some training');
  await pauseAndSettle(page);
  const { bytes } = await downloadBytes(page, '#b-save');
  const shown = await page.evaluate(() => {
    const cells = (sel) => [...document.querySelectorAll(sel)].map((td) => ({ k: td.dataset.k, v: Number(td.dataset.v) }));
    const rows = [...document.querySelectorAll('#ops-table tr[data-layer]')].map((tr) => cells(`#ops-table tr[data-layer="${tr.dataset.layer}"] td[data-k]`));
    const total = cells('#ops-table tr.total td[data-k]');
    return { rows, total, x: window.__s3nn.probe.x, emac: Number(document.getElementById('c-emac').value), eac: Number(document.getElementById('c-eac').value), T: window.__s3nn.config.steps, shownOps: window.__s3nn.shownOps };
  });
  assert.equal(shown.shownOps.mode, 'input');
  const api = await page.evaluate(async ({ bytes, x, emac, eac, T }) => {
    const m = await import('/pkg/s3nn.js');
    await m.default();
    const net = m.Network.load(new Uint8Array(bytes));
    const r = net.opCounts(new Float32Array(x), 1, { eMacPj: emac, eAcPj: eac, snnSteps: T });
    net.free();
    return JSON.parse(JSON.stringify(r));
  }, { bytes: [...bytes], x: shown.x, emac: shown.emac, eac: shown.eac, T: shown.T });
  assert.equal(shown.rows.length, api.layers.length, 'one row per layer');
  api.layers.forEach((L, i) => {
    // `share` is the layer's part of the total energy, the rest are the package's fields as they are
    for (const { k, v } of shown.rows[i]) assert.equal(v, k === 'share' ? L.energyPj / api.energyPj : L[k], `layer ${i} ${k}`);
  });
  for (const { k, v } of shown.total) assert.equal(v, api[k], `total ${k}`);
  const shownMacs = await page.locator('#ops-table tr.total td[data-k="macs"]').textContent();
  assert.equal(shownMacs.replace(/,/g, ''), String(Math.round(api.macs)), 'visible MAC total');
  // the energy inputs feed the package
  await page.fill('#c-emac', '3.7');
  await page.dispatchEvent('#c-emac', 'change');
  await waitFor(page, () => window.__s3nn.shownOps.ops.energyModel && Math.abs(window.__s3nn.shownOps.ops.energyModel.eMacPj - 3.7) < 1e-6, undefined, 5000, 'E_MAC applied');
  // the explainer words the package's baselines: the zero-skipping ANN and the break-even rates
  const explained = await page.textContent('#energy-explain');
  assert.match(explained, /An ANN that skips zero inputs too/);
  assert.match(explained, /break-even (none|\d)/);
  assert.match(await page.textContent('#energy-memory'), /not counted/);
  // memory accesses, priced: the package counts them and the note says how much they add
  await page.fill('#c-emem', '5');
  await page.dispatchEvent('#c-emem', 'change');
  await waitFor(page, () => window.__s3nn.shownOps.ops.energyModel?.eMemPj === 5, undefined, 5000, 'E_mem applied');
  const withMemory = await page.evaluate(() => ({ ops: window.__s3nn.shownOps.ops, note: document.getElementById('energy-memory').textContent, hash: location.hash }));
  assert.ok(withMemory.ops.memAccesses > 0, 'memory accesses counted');
  assert.match(withMemory.note, new RegExp(`makes ${Math.round(withMemory.ops.memAccesses).toLocaleString('en-US')} accesses`));
  assert.match(withMemory.hash, /emem=5/);
  assert.deepEqual(errors, []);
});

test('menus, sliders and the surrogate chart come from the package catalog', async () => {
  const { page, errors } = await demo.open();
  await waitReady(page);
  const cat = await page.evaluate(async () => {
    const m = await import('/pkg/s3nn.js');
    await m.default();
    return m.catalog();
  });
  const values = (sel) => page.$$eval(`${sel} option`, (os) => os.map((o) => o.value));
  assert.deepEqual(await values('#c-neuron'), cat.neurons.map((n) => n.name), 'one neuron option per catalog neuron, in order');
  assert.deepEqual((await values('#c-data')).sort(), cat.datasets.map((d) => d.name).sort(), 'one data option per catalog data set');
  assert.deepEqual(await values('#c-opt'), cat.optimizers.map((o) => o.name));
  assert.equal(Number(await page.inputValue('#c-emac')), cat.energy.eMacPj);
  assert.equal(Number(await page.inputValue('#c-eac')), cat.energy.eAcPj);
  assert.equal(Number(await page.inputValue('#c-emem')), cat.energy.eMemPj);
  // Every spiking neuron: its surrogate is plotted, and each of its parameters has a visible slider
  // with the catalog's range and default.
  for (const n of cat.neurons.filter((x) => x.family === 'spike')) {
    const s = cat.surrogates.find((x) => x.name === n.surrogate);
    await page.selectOption('#c-neuron', n.name);
    await waitFor(page, (k) => window.__s3nn.surrogatePlot?.cfg.kind === k, s.name, 10000, `${n.name} surrogate plotted`);
    for (const p of s.params) {
      const el = await page.$(`#c-${p.name}`);
      assert.ok(el && (await el.isVisible()), `${n.name}: slider ${p.name} visible`);
      const got = await el.evaluate((i) => ({ min: Number(i.min), max: Number(i.max), step: Number(i.step), value: Number(i.value) }));
      assert.deepEqual(got, { min: p.min, max: p.max, step: p.step, value: p.default }, `${n.name}: slider ${p.name} = catalog`);
    }
    const plot = await page.evaluate(() => window.__s3nn.surrogatePlot.cfg);
    assert.deepEqual(plot, { kind: s.name, ...Object.fromEntries(s.params.map((p) => [p.name, p.default])) }, `${n.name}: plotted surrogate = catalog defaults`);
  }
  assert.deepEqual(errors, []);
});
