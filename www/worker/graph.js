// The network graph's data (views/graph.js): for each drawn layer, which neurons are drawn (at most
// GRAPH_NODES; a conv layer's nodes are its channels), how often each spikes on the raster's test
// samples, and for 2-D sets where each spikes over a coarse grid of the plot; for each pair of
// drawn layers, the weights between their drawn nodes; and for each drawn node what the page shows
// when it is pointed at (its `detail`):
//   - first hidden dense layer, image data: its incoming weights, one value per pixel (a template);
//   - first hidden dense layer, 2-D data: the half-plane where it spikes, a·x + c ≥ 0;
//   - conv layer: its kernels, one kh×kw kernel per input channel (its spike map for the probed
//     image is in the page's `probe` message already, so it is not sent twice);
//   - deeper dense layers and the readout: the TOP_K strongest incoming weights (by |w|). Projecting
//     a template back through the layers below (W₂·W₁) was the other choice; it ignores that the
//     layers between only pass spikes (a threshold, not a linear map), so it would draw a picture
//     the network does not compute. The strongest connections are the weights themselves.
// The details of the drawn nodes travel with every graph update, so pointing needs no round trip:
// for MNIST's 12 first-layer neurons that is 12 × 784 floats (37.6 kB), transferred, not copied.
// The weights come from the model file (`save()`, safetensors with PyTorch names and layouts), the
// package's one way to hand them out.
import { FROM_WORKER } from '../protocol.js';
import { session, post } from './session.js';

export const GRAPH_NODES = 12; // neurons drawn per layer
const MAP_RES = 20; // mini-map grid of a 2-D set
const TOP_K = 8; // strongest incoming connections listed for a deeper neuron

/** The F32 tensors of a safetensors file by name: {shape, data}. */
export function readTensors(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const out = {};
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__' || t.dtype !== 'F32') continue;
    const [a, b] = t.data_offsets;
    out[name] = { shape: t.shape, data: new Float32Array(bytes.slice(8 + n + a, 8 + n + b).buffer) };
  }
  return out;
}

const spread = (size) => (size <= GRAPH_NODES ? [...Array(size).keys()] : Array.from({ length: GRAPH_NODES }, (_, k) => Math.floor((k * size) / GRAPH_NODES)));

let mapX = null; // MAP_RES² points of the plotted box (2-D sets)
/** The coarse grid of a 2-D set's plotted box [x0, x1, y0, y1] (null for images). */
export function prepareGraph(domain) {
  if (!domain) {
    mapX = null;
    return;
  }
  const [x0, x1, y0, y1] = domain;
  mapX = new Float32Array(MAP_RES * MAP_RES * 2);
  for (let r = 0; r < MAP_RES; r++) {
    for (let q = 0; q < MAP_RES; q++) {
      const k = r * MAP_RES + q;
      mapX[2 * k] = x0 + ((q + 0.5) / MAP_RES) * (x1 - x0);
      mapX[2 * k + 1] = y1 - ((r + 0.5) / MAP_RES) * (y1 - y0);
    }
  }
}

/** Firing rate of each drawn node over the recorded samples; a conv node (channel) averages its H×W positions (spikes are HWC). */
function nodeRates(L, rn, units, shown, channels) {
  const per = units / channels; // positions per node (1 for a dense layer)
  const all = new Float64Array(channels); // every node's count: one pass over the spikes, in memory order
  const { spikes } = L;
  for (let o = 0; o < spikes.length; o += channels) for (let j = 0; j < channels; j++) all[j] += spikes[o + j];
  return Float32Array.from(shown, (j) => all[j] / (L.steps * rn * per));
}

/**
 * The weights between the drawn nodes of `from` and `to` ([to.shown × from.shown]). A conv pair's
 * weight is its kernel's sum and a dense layer after a conv stack sums a channel's block of inputs
 * (nn.Flatten's C, H, W order): the drive a fully spiking input channel gives, signed like a dense
 * weight, so that the edges of a CNN read as those of an MLP do.
 */
function edgeWeights(t, from, to) {
  if (!t || !from.shown.length) return null;
  const nf = from.shown.length;
  const w = new Float32Array(to.shown.length * nf);
  const inner = t.shape.length === 4 ? t.shape[2] * t.shape[3] : t.shape[1] / from.size; // values per (out, in node) pair
  const rowLen = t.shape.length === 4 ? t.shape[1] * inner : t.shape[1];
  if (!Number.isInteger(inner) || (t.shape.length === 4 && t.shape[1] !== from.size)) return null;
  to.shown.forEach((o, a) =>
    from.shown.forEach((i, b) => {
      let s = 0;
      const off = o * rowLen + i * inner;
      for (let q = 0; q < inner; q++) s += t.data[off + q];
      w[a * nf + b] = s;
    }),
  );
  return w;
}

/** Rows `shown` of a tensor whose first axis is the output: [shown × rest]. */
function rowsOf(t, shown) {
  const len = t.data.length / t.shape[0];
  const out = new Float32Array(shown.length * len);
  shown.forEach((o, k) => out.set(t.data.subarray(o * len, (o + 1) * len), k * len));
  return out;
}

/** The TOP_K largest |w| of each drawn node's row of a dense weight [out, in]: {idx, w, k}. */
function strongest(t, shown) {
  const inF = t.shape[1];
  const k = Math.min(TOP_K, inF);
  const idx = new Uint32Array(shown.length * k);
  const w = new Float32Array(shown.length * k);
  shown.forEach((o, a) => {
    const row = t.data.subarray(o * inF, (o + 1) * inF);
    const best = []; // k indices, kept sorted by |w| descending (k is small: insertion is cheapest)
    for (let i = 0; i < inF; i++) {
      const m = Math.abs(row[i]);
      if (best.length === k && m <= Math.abs(row[best[k - 1]])) continue;
      let p = Math.min(best.length, k - 1);
      best[p] = i;
      while (p > 0 && Math.abs(row[best[p - 1]]) < m) {
        [best[p - 1], best[p]] = [best[p], best[p - 1]];
        p--;
      }
    }
    best.forEach((i, q) => {
      idx[a * k + q] = i;
      w[a * k + q] = row[i];
    });
  });
  return { idx, w, k };
}

/**
 * The half-plane where each drawn first-layer neuron of a 2-D set spikes: a·x + c ≥ 0 per neuron
 * ([a₁, a₂, c] each). The engine's potentials u − θ of the first step at (0, 0), (1, 0), (0, 1) give
 * a and c exactly (the first layer is affine in x), batch norm folded in as the engine runs it. A
 * multi-step neuron (v ← λ·v + I, from rest, fed the same I every step) first reaches θ within
 * T steps where I·Σₜλᵗ ≥ θ, a parallel line; the others spike where u − θ ≥ 0.
 */
function halfPlanes(net, spec, shown) {
  const L = net.record(new Float32Array([0, 0, 1, 0, 0, 1]), 3)[0];
  const n = L.potentials.length / (3 * L.steps); // the layer's neurons; step 0 comes first
  const p = (s, j) => L.potentials[s * n + j];
  const nr = spec.neuron;
  let shift = 0;
  if (nr.kind === 'multiStep') {
    let sum = 0;
    for (let t = 0; t < nr.steps; t++) sum += nr.leak ** t;
    shift = nr.threshold * (1 / sum - 1); // I − θ ≥ θ(1/Σλᵗ − 1)
  }
  const out = new Float32Array(shown.length * 3);
  shown.forEach((j, k) => {
    out[3 * k] = p(1, j) - p(0, j);
    out[3 * k + 1] = p(2, j) - p(0, j);
    out[3 * k + 2] = p(0, j) - shift;
  });
  return out;
}

/** What pointing at a drawn node of column `k` (1 = first hidden layer) shows; see the file's head. */
function nodeDetail(k, col, from, t, ctx) {
  const { tensors, info, net, spec, transfer } = ctx;
  if (!t) return null;
  const bias = tensors[k <= ctx.hidden ? `layers.${k - 1}.bias` : 'readout.bias'];
  const b = bias ? Float32Array.from(col.shown, (o) => bias.data[o]) : null;
  const gamma = tensors[`layers.${k - 1}.bn.weight`];
  const d = { b, bnGamma: gamma && k <= ctx.hidden ? Float32Array.from(col.shown, (o) => gamma.data[o]) : null };
  if (t.shape.length === 4) {
    Object.assign(d, { kind: 'kernels', kernels: rowsOf(t, col.shown), kshape: t.shape.slice(1), from: from.name });
  } else if (k === 1 && ctx.hidden > 0 && info.features === 2) {
    Object.assign(d, { kind: 'line', w: rowsOf(t, col.shown), plane: halfPlanes(net, spec, col.shown), neuron: spec.neuron });
  } else if (k === 1 && info.shape[1] > 1) {
    // image data read directly: a first hidden layer's templates, or (no hidden layer) each class's
    Object.assign(d, { kind: 'image', w: rowsOf(t, col.shown), shape: info.shape });
  } else {
    const block = t.shape[1] / from.size; // inputs per node of `from`: 1, or a conv channel's positions
    Object.assign(d, { kind: 'top', ...strongest(t, col.shown), from: from.name, fromKind: from.kind ?? 'input', block, fromShape: from.outShape ?? null });
  }
  for (const v of Object.values(d)) if (ArrayBuffer.isView(v)) transfer.push(v.buffer);
  return d;
}

/** Each conv layer's output shape after the pools that follow it (what the next layer reads). */
function outShapes(spec, layers) {
  let li = -1;
  for (const h of spec.hidden) {
    if (h.type === 'maxPool' && li >= 0 && layers[li].shape) {
      const s = layers[li].outShape;
      layers[li].outShape = { c: s.c, h: Math.floor(s.h / h.size), w: Math.floor(s.w / h.size) };
    } else if (h.type !== 'maxPool') {
      li++;
      if (layers[li]?.shape) layers[li].outShape = { ...layers[li].shape };
    }
  }
}

/** Posts `graph` for the main model; rec: its record() of the raster's rn test samples (shared with the raster). */
export function sendGraph(rec, rn) {
  const main = session.models[0];
  if (!main) return;
  const { info } = session;
  const tensors = readTensors(main.net.save());
  const spec = main.net.spec();
  const maps = mapX ? main.net.record(mapX, MAP_RES * MAP_RES) : null;
  const transfer = [];
  const layers = rec.map((L, li) => {
    const units = L.spikes.length / (L.steps * rn);
    const conv = L.kind === 'conv' && L.shape ? L.shape : null;
    const size = conv ? conv.c : units;
    const shown = spread(size);
    const rates = nodeRates(L, rn, units, shown, conv ? conv.c : units);
    transfer.push(rates.buffer);
    const layer = { name: L.name, kind: L.kind, size, shown, rates, shape: conv && { c: conv.c, h: conv.h, w: conv.w } };
    if (maps && !conv) {
      const M = maps[li];
      const n = MAP_RES * MAP_RES;
      const m = new Float32Array(shown.length * n);
      for (let t = 0; t < M.steps; t++) for (let p = 0; p < n; p++) shown.forEach((j, k) => (m[k * n + p] += M.spikes[(t * n + p) * size + j] / M.steps));
      transfer.push(m.buffer);
      layer.maps = m;
    }
    return layer;
  });
  outShapes(spec, layers);
  // The input column: a 2-D set's features, an image's channels when a conv layer reads it, else
  // one node for all the pixels.
  const firstConv = layers[0]?.kind === 'conv';
  const [ch] = info.shape;
  const inSize = firstConv ? ch : info.features;
  const inputs = { name: 'input', size: inSize, shown: firstConv || info.features <= GRAPH_NODES ? spread(inSize) : [], channels: firstConv, shape: info.shape };
  const outputs = { name: 'readout', size: info.classes, shown: spread(info.classes) };
  const cols = [inputs, ...layers, outputs];
  const names = [...layers.map((_, k) => `layers.${k}.weight`), 'readout.weight'];
  const ctx = { tensors, info, net: main.net, spec, transfer, hidden: layers.length };
  const edges = names.map((name, k) => {
    const w = edgeWeights(tensors[name], cols[k], cols[k + 1]);
    if (w) transfer.push(w.buffer);
    return w;
  });
  names.forEach((name, k) => {
    const col = cols[k + 1];
    const from = k === 0 ? inputs : layers[k - 1];
    col.detail = nodeDetail(k + 1, col, from, tensors[name], ctx);
  });
  post(FROM_WORKER.graph, { inputs, layers, outputs, edges, mapRes: mapX ? MAP_RES : 0, classNames: info.classNames, at: main.steps, modelVersion: session.modelVersion }, transfer);
}
