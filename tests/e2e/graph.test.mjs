// The network graph's details (issue #14, build item 3): pointing at a first-layer neuron of an
// MNIST net draws its 28×28 incoming weights, as the model file holds them; tapping a conv channel
// on a touch screen draws its spike map for the probed image (as the package computes it in Node
// from the same file and input) and its kernel, and the tap's choice stays until another tap; on a
// 2-D set the arrow keys choose a first-layer neuron, whose half-plane is drawn where its spike
// map says it spikes, from its weights, bias and θ. Screenshots: docs/screenshots/network-graph-*.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { demoSuite, waitReady, waitFor, pauseAndSettle, settle, downloadBytes, screenshotOf } from './helpers.mjs';

const require = createRequire(import.meta.url);
const s3nn = require('../../pkg/s3nn_node.js');
const demo = demoSuite();

/** The F32 tensors of a safetensors file, by name. */
function tensors(bytes) {
  const b = new Uint8Array(bytes);
  const n = Number(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(Buffer.from(b.subarray(8, 8 + n)).toString('utf8'));
  const out = {};
  for (const [k, t] of Object.entries(header)) if (k !== '__metadata__') out[k] = { shape: t.shape, data: new Float32Array(b.slice(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]).buffer) };
  return out;
}

// The weight colours the page promises (graph-detail.js): white at 0 to blue (+) / orange (−) at ±max |w|.
const POS = [8, 119, 189];
const NEG = [245, 147, 34];
const diverging = (v, m) => (v >= 0 ? POS : NEG).map((c) => 255 + (c - 255) * Math.min(1, Math.abs(v) / m));

/** The graph view's state in the page: its layout's node boxes, the selection and what the detail drew. */
const viewState = (page) =>
  page.evaluate(async () => {
    const v = (await import('/views/graph.js')).default;
    return { nodes: v.layout?.nodes.map((c) => c.map((n) => ({ x: n.x, y: n.y, s: n.s }))), sel: v.sel, detail: v.detail };
  });

/** The detail canvas's RGB at the centres of a (w × h) grid of `cell` px cells from (x, y). */
const gridPixels = (page, { x, y, cell, w, h }) =>
  page.evaluate(({ x, y, cell, w, h }) => {
    const d = document.getElementById('graph-detail').getContext('2d').getImageData(x, y, w * cell, h * cell).data;
    const out = [];
    for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) {
      const o = ((r * cell + (cell >> 1)) * w * cell + q * cell + (cell >> 1)) * 4;
      out.push([d[o], d[o + 1], d[o + 2]]);
    }
    return out;
  }, { x, y, cell, w, h });

/** The page position of node i of graph column col. */
async function nodeCentre(page, col, i) {
  await page.locator('#graph').scrollIntoViewIfNeeded();
  const box = await page.locator('#graph').boundingBox();
  const nd = (await viewState(page)).nodes[col][i];
  return { x: box.x + nd.x + nd.s / 2, y: box.y + nd.y + nd.s / 2 };
}

const graphFresh = (page) => waitFor(page, () => window.__s3nn.graph?.at === window.__s3nn.trainSteps && window.__s3nn.graph.modelVersion === window.__s3nn.modelVersion, undefined, 20000, 'graph of these weights');

const near = (a, b, tol = 2) => a.every((v, k) => Math.abs(v - b[k]) <= tol);

test('MNIST: pointing at a first-layer neuron draws its 28×28 incoming weights from the model file', async () => {
  // 64 hidden neurons: 300 mini-batches (about a second) draw strokes into the weights; 400 need far longer
  const { page, errors, context } = await demo.open('#data=mnist&n=2000&arch=64');
  await waitReady(page, 60000);
  await waitFor(page, () => window.__s3nn.trainSteps >= 300, undefined, 60000, 'training');
  await pauseAndSettle(page);
  await graphFresh(page);
  const p = await nodeCentre(page, 1, 3);
  await page.mouse.move(p.x, p.y);
  await waitFor(page, async () => (await import('/views/graph.js')).default.detail?.kind === 'image', undefined, 5000, 'the template');
  const { detail } = await viewState(page);
  assert.deepEqual([detail.h, detail.w, detail.c], [28, 28, 1]);
  const neuron = await page.evaluate(() => window.__s3nn.graph.layers[0].shown[3]);
  assert.match(await page.textContent('#graph-info'), new RegExp(`^layer1 neuron ${neuron}: spikes on [\\d.]+% of 64 test samples; below: its 28×28 incoming weights`));
  const px = await gridPixels(page, detail); // before the download's click moves the mouse away
  await screenshotOf(page, '#graph-box', 'network-graph-mnist');
  // the weights as the downloaded model file holds them, PyTorch's [out, in]
  const t = tensors((await downloadBytes(page, '#b-save')).bytes)['layers.0.weight'];
  assert.deepEqual(t.shape, [64, 784]);
  const row = t.data.subarray(neuron * 784, (neuron + 1) * 784);
  const m = row.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
  assert.ok(Math.abs(detail.max - m) < 1e-6 * m, `the scale is ±max |w| of the row: ${detail.max} vs ${m}`);
  const off = px.filter((c, k) => !near(c, diverging(row[k], m)));
  assert.equal(off.length, 0, `pixels whose colour is not their weight's: ${off.length} of 784`);
  assert.ok(new Set(px.map((c) => c.join())).size > 100, 'a map, not a uniform square');
  await context.close();
  assert.deepEqual(errors, []);
});

test('CNN on a touch screen: a tap on a conv channel draws its spike map for the probed image and its kernel, and it stays', async () => {
  // reduced motion: no autoplay, the untrained net of seed 1 (every figure checked comes from its file)
  const { page, errors, context } = await demo.open('#data=mnist&n=2000&arch=c4-mp-c8-mp', { width: 1024, height: 900, reducedMotion: 'reduce', hasTouch: true });
  await waitReady(page, 60000);
  await settle(page);
  await graphFresh(page);
  const g = await page.evaluate(() => {
    const L = window.__s3nn.graph.layers[0];
    return { kind: L.kind, shape: L.shape, shown: L.shown, rates: [...L.rates], inputs: window.__s3nn.graph.inputs.shown.length };
  });
  assert.deepEqual([g.kind, g.shape, g.shown], ['conv', { c: 4, h: 28, w: 28 }, [0, 1, 2, 3]], 'conv layer nodes are its channels');
  assert.equal(g.inputs, 1, 'one input node per image channel');
  const bytes = (await downloadBytes(page, '#b-save')).bytes;
  const file = tensors(bytes);
  const net = s3nn.Network.load(new Uint8Array(bytes));
  const spikesOf = async (ch) => {
    const x = Float32Array.from(await page.evaluate(() => window.__s3nn.probe.x));
    const L = net.inspect(x, 1).layers[0]; // HWC spikes of layer1
    return Array.from({ length: 784 }, (_, p) => L.spikes[p * 4 + ch]);
  };
  // a channel whose map of the probed image has spikes and silence (all white or all orange would say little)
  let k = -1;
  for (let ch = 0; ch < 4 && k < 0; ch++) {
    const n = (await spikesOf(ch)).filter((v) => v).length;
    if (n > 20 && n < 764) k = ch;
  }
  assert.ok(k >= 0, 'a channel with a mixed map');
  const expectMap = () => spikesOf(k);
  // edges between conv layers: each (out, in) channel pair's kernel sum, from layers.1.weight [8, 4, 3, 3]
  const edges = await page.evaluate(() => window.__s3nn.graph.edges.map((e) => e && [...e]));
  const w1 = file['layers.1.weight'];
  assert.deepEqual(w1.shape, [8, 4, 3, 3]);
  assert.deepEqual(edges.map((e) => e?.length), [4, 32, 80], 'input→layer1, layer1→layer2, layer2→readout');
  const sums = Array.from({ length: 32 }, (_, q) => w1.data.subarray(q * 9, q * 9 + 9).reduce((a, v) => a + v, 0));
  assert.ok(edges[1].every((v, q) => Math.abs(v - sums[q]) < 1e-5), 'conv edges are kernel sums');
  const checkChannel = async () => {
    const { detail, sel } = await viewState(page);
    assert.deepEqual(sel, { col: 1, i: k });
    assert.equal(detail.kind, 'channel');
    assert.deepEqual([detail.map.h, detail.map.w], [28, 28]);
    const spikes = await expectMap();
    const px = await gridPixels(page, detail.map);
    const off = px.filter((c, p) => !near(c, spikes[p] ? NEG : [255, 255, 255]));
    assert.equal(off.length, 0, `map pixels unlike the package's spikes: ${off.length} of 784`);
    const kernel = file['layers.0.weight'].data.subarray(k * 9, k * 9 + 9); // [4, 1, 3, 3]
    const m = kernel.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    const kp = await gridPixels(page, { x: detail.kernels.x, y: detail.kernels.y, cell: detail.kernels.cell, w: 3, h: 3 });
    assert.ok(kp.every((c, q) => near(c, diverging(kernel[q], m))), `the 3×3 kernel: ${JSON.stringify(kp)}`);
    return spikes;
  };
  const p = await nodeCentre(page, 1, k);
  await page.touchscreen.tap(p.x, p.y);
  await waitFor(page, async () => (await import('/views/graph.js')).default.detail?.kind === 'channel', undefined, 5000, 'channel map');
  assert.match(await page.textContent('#graph-info'), new RegExp(`^layer1 channel ${k}: spikes on [\\d.]+% of its 28×28 positions`));
  const before = await checkChannel();
  // another probed image: the tapped channel stays chosen, and its map is the new image's
  const probed = await page.evaluate(() => window.__s3nn.probe.x.join());
  await page.focus('#gallery');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await waitFor(page, (old) => window.__s3nn.probe.x.join() !== old, probed, 10000, 'a new probe');
  await page.waitForTimeout(400); // the graph's redraw follows the probe in the next scheduler ticks
  const after = await checkChannel();
  assert.notDeepEqual(after, before, 'the map follows the probed image');
  await screenshotOf(page, '#graph-box', 'network-graph-conv');
  // a tap on no node clears the choice
  const box = await page.locator('#graph').boundingBox();
  await page.touchscreen.tap(box.x + box.width / 2, box.y + 3);
  await waitFor(page, async () => (await import('/views/graph.js')).default.sel === null, undefined, 5000, 'cleared');
  net.free();
  await context.close();
  assert.deepEqual(errors, []);
});

test('2-D set, keyboard: arrows choose a first-layer neuron; its half-plane is w·x + b ≥ θ and matches where it spikes', async () => {
  const { page, errors, context } = await demo.open('#data=spiral');
  await waitReady(page);
  await waitFor(page, () => window.__s3nn.trainSteps > 1500, undefined, 20000, 'training');
  await pauseAndSettle(page);
  await graphFresh(page);
  await page.focus('#graph');
  await page.keyboard.press('ArrowDown'); // the first arrow chooses layer1's first node
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await waitFor(page, async () => (await import('/views/graph.js')).default.detail?.kind === 'line', undefined, 5000, 'the half-plane');
  const { sel, detail } = await viewState(page);
  assert.deepEqual(sel, { col: 1, i: 2 });
  const g = await page.evaluate(() => {
    const G = window.__s3nn.graph;
    const L = G.layers[0];
    return { j: L.shown[2], plane: [...L.detail.plane.slice(6, 9)], map: [...L.maps.slice(2 * G.mapRes ** 2, 3 * G.mapRes ** 2)], res: G.mapRes, domain: window.__s3nn.plotted.domain, theta: window.__s3nn.models[0].spec.neuron.threshold };
  });
  assert.match(await page.getAttribute('#graph-detail', 'aria-label'), new RegExp(`^layer1 neuron ${g.j}: .* it spikes, i\\.e\\. where .* ≥ 0`));
  // from the model file: a = w, c = b − θ (no batch norm)
  const file = tensors((await downloadBytes(page, '#b-save')).bytes);
  const w = file['layers.0.weight'].data;
  const b = file['layers.0.bias'].data;
  const want = [w[2 * g.j], w[2 * g.j + 1], b[g.j] - g.theta];
  assert.ok(g.plane.every((v, q) => Math.abs(v - want[q]) < 1e-4), `half-plane ${g.plane} vs weights ${want}`);
  // where the neuron spikes over the plot's grid (its mini-map) is the half-plane
  const [x0, x1, y0, y1] = g.domain;
  let disagree = 0;
  for (let r = 0; r < g.res; r++) for (let q = 0; q < g.res; q++) {
    const x = x0 + ((q + 0.5) / g.res) * (x1 - x0);
    const y = y1 - ((r + 0.5) / g.res) * (y1 - y0);
    if (g.plane[0] * x + g.plane[1] * y + g.plane[2] >= 0 !== g.map[r * g.res + q] > 0) disagree++;
  }
  assert.ok(disagree <= 1, `grid points where the half-plane and the spike map disagree: ${disagree}`);
  // and the drawing shades that side (pixels away from the line, the points and the border)
  const R = 14;
  const px = await gridPixels(page, { x: detail.x, y: detail.y, cell: detail.size / R, w: R, h: R });
  let shaded = 0;
  let right = 0;
  px.forEach((c, p) => {
    const x = x0 + (((p % R) + 0.5) / R) * (x1 - x0);
    const y = y1 - ((Math.floor(p / R) + 0.5) / R) * (y1 - y0);
    const on = g.plane[0] * x + g.plane[1] * y + g.plane[2] >= 0;
    const isShade = near(c, [253, 226, 196], 3);
    const isWhite = near(c, [255, 255, 255], 3);
    if (isShade) shaded++;
    if ((on && isShade) || (!on && isWhite)) right++;
  });
  assert.ok(shaded > 0 && right >= 0.75 * R * R, `shaded cells on the spiking side: ${right} of ${R * R} right (${shaded} shaded)`);
  await page.keyboard.press('Escape');
  await waitFor(page, async () => (await import('/views/graph.js')).default.sel === null, undefined, 5000, 'Escape clears');
  await context.close();
  assert.deepEqual(errors, []);
});
