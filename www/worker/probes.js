// What the worker computes for the page's views, on fixed inputs chosen once per data set: test
// evaluation (full or a spread subset), the decision boundary grid, the probed input, the raster,
// the u − θ histograms and a neuron's spike region. Every typed array is transferred.
import { FROM_WORKER } from '../protocol.js';
import { boundaryImage, regionImage, rasterImage, toBitmap } from '../pixels.js';
import { session, post, fail, energyCfg } from './session.js';
import { prepareGraph, sendGraph } from './graph.js';

const DOMAIN = 1.2; // toy plots show [-DOMAIN, DOMAIN]²
const RASTER_N = 64; // test samples in the raster
const HIST_N = 256; // training samples in the u − θ histograms
const HIST_LO = -3;
const HIST_HI = 3;
const HIST_BINS = 60;
const GRID_RES = 72; // boundary grid (2-D sets)
const GALLERY_N = 40;
const EVAL_SUBSET = 1000; // test samples of a quick evaluation while training
const POINTS_MAX = { train: 4000, test: 2000 }; // points sent for the 2-D plot

let rasterX = null; // Float32Array of RASTER_N test samples
let rasterLabels = null;
let histX = null;
let gridX = null;
let gridDomain = null;
let galleryIdx = null;
let evalSubset = null; // ≤ EVAL_SUBSET test samples spread over the whole (possibly class-sorted) test set
let probeX = null; // current probe input
let probeSource = null;

function sliceRows(ds, idx) {
  const f = ds.features;
  const x = new Float32Array(idx.length * f);
  idx.forEach((i, k) => x.set(ds.sample(i), k * f));
  return x;
}

function spreadIndices(len, n, seed) {
  // Deterministic spread of n indices over [0, len).
  const out = [];
  const step = len / n;
  for (let k = 0; k < Math.min(n, len); k++) out.push(Math.min(len - 1, Math.floor(k * step + ((seed * 7919) % Math.max(1, Math.floor(step))))));
  return out;
}

/**
 * The plotted box [x0, x1, y0, y1] of a 2-D set: toy sets [-DOMAIN, DOMAIN]²; a CSV its points' own
 * range per axis plus a margin (one range for both axes put blobs at x≈50, y≈1050 in a corner).
 */
function plotDomain(c, train) {
  if (c.kind !== 'csv') return [-DOMAIN, DOMAIN, -DOMAIN, DOMAIN];
  const xs = train.inputs();
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i < xs.length; i++) {
    const a = i % 2;
    if (xs[i] < lo[a]) lo[a] = xs[i];
    if (xs[i] > hi[a]) hi[a] = xs[i];
  }
  const out = [];
  for (const a of [0, 1]) {
    const pad = 0.1 * (hi[a] - lo[a] || Math.abs(hi[a]) || 1);
    out.push(lo[a] - pad, hi[a] + pad);
  }
  return out;
}

/** Picks the fixed inputs of the views for a new data set (and probes test sample 0 if needed). */
export function prepareViews(c) {
  const { train, test, info, pkg } = session;
  const ri = spreadIndices(test.length, Math.min(RASTER_N, test.length), c.seed).sort((a, b) => test.label(a) - test.label(b) || a - b);
  rasterX = sliceRows(test, ri);
  rasterLabels = Uint32Array.from(ri, (i) => test.label(i));
  histX = sliceRows(train, spreadIndices(train.length, Math.min(HIST_N, train.length), c.seed + 1));
  gridX = null;
  galleryIdx = null;
  evalSubset?.free?.();
  evalSubset = null;
  if (test.length > EVAL_SUBSET) {
    const idx = spreadIndices(test.length, EVAL_SUBSET, c.seed + 3);
    evalSubset = pkg.Dataset.fromArrays(`${info.data}-subset`, sliceRows(test, idx), Uint32Array.from(idx, (i) => test.label(i)), info.shape, info.classes);
  }
  if (info.features === 2) {
    gridDomain = plotDomain(c, train);
    prepareGraph(gridDomain);
    const [x0, x1, y0, y1] = gridDomain;
    gridX = new Float32Array(GRID_RES * GRID_RES * 2);
    for (let r = 0; r < GRID_RES; r++) {
      for (let q = 0; q < GRID_RES; q++) {
        const k = r * GRID_RES + q;
        gridX[2 * k] = x0 + ((q + 0.5) / GRID_RES) * (x1 - x0);
        gridX[2 * k + 1] = y1 - ((r + 0.5) / GRID_RES) * (y1 - y0); // row 0 at the top
      }
    }
  } else {
    prepareGraph(null);
    galleryIdx = spreadIndices(test.length, GALLERY_N, c.seed + 2);
  }
  if (!probeX || probeX.length !== info.features) {
    probeX = test.sample(0).slice();
    probeSource = { kind: 'test', index: 0 };
  }
}

/** Forgets the probed input (a new data set probes its test sample 0). */
export const forgetProbe = () => (probeX = null);

/** Probes x (with its source), or test sample #index. */
export function setProbe({ x, index, source }) {
  const { test } = session;
  if (x) {
    probeX = Float32Array.from(x);
    probeSource = source || { kind: 'custom' };
  } else if (index !== undefined && test) {
    const i = Math.max(0, Math.min(test.length - 1, index | 0));
    probeX = test.sample(i).slice();
    probeSource = { kind: 'test', index: i, label: test.label(i) };
  }
}

/** The `data` message: points for the 2-D plot or images for the gallery (sent once per data set). */
export function sendData() {
  const { info, train, test } = session;
  const p = { info };
  const transfer = [];
  if (info.features === 2) {
    const cap = (ds, max) => {
      const n = Math.min(ds.length, max);
      const x = ds.inputs().slice(0, n * 2);
      const y = ds.labels().slice(0, n);
      transfer.push(x.buffer, y.buffer);
      return { x, y };
    };
    p.train = cap(train, POINTS_MAX.train);
    p.test = cap(test, POINTS_MAX.test);
    p.domain = gridDomain;
  } else {
    p.gallery = { idx: galleryIdx, x: sliceRows(test, galleryIdx), y: Uint32Array.from(galleryIdx, (i) => test.label(i)) };
    transfer.push(p.gallery.x.buffer, p.gallery.y.buffer);
  }
  post(FROM_WORKER.data, p, transfer);
}

// The OpReport as a structured-clone-safe plain object.
const plainOps = (ops) => (ops ? JSON.parse(JSON.stringify(ops)) : null);

/** Evaluates every model on the test set (full) or its spread subset; posts `eval`. */
export function evaluateAll(full) {
  const { models, test, info } = session;
  const data = !full && evalSubset ? evalSubset : test;
  for (const m of models) {
    const r = m.net.evaluate(data, undefined, energyCfg());
    m.testAcc = r.accuracy;
    m.testLoss = r.loss;
    m.testOps = plainOps(r.ops);
    m.confusion = Array.from(r.confusion ?? []);
    m.evalSamples = r.samples;
    m.evalAt = m.steps;
  }
  const main = models[0];
  const msg = {
    full: !!full,
    models: models.map((m) => ({ label: m.label, neuron: m.neuron, steps: m.steps, samples: m.samples, epoch: m.epoch, testAcc: m.testAcc, testLoss: m.testLoss, ops: m.testOps, evalSamples: m.evalSamples })),
    confusion: main.confusion,
    classes: info.classes,
  };
  if (galleryIdx) msg.galleryPred = main.net.predict(sliceRows(test, galleryIdx), galleryIdx.length).slice();
  post(FROM_WORKER.eval, msg);
}

// An image for the page to blit: an ImageBitmap where OffscreenCanvas exists, else the RGBA bytes.
function imagePayload(rgba, width, height, transfer) {
  const bitmap = toBitmap(rgba, width, height);
  transfer.push(bitmap ?? rgba.buffer);
  return bitmap ? { bitmap, width, height } : { rgba, width, height };
}

function sendBoundary() {
  if (!gridX) return;
  const { models, info, modelVersion } = session;
  const main = models[0];
  const classes = info.classes;
  const n = GRID_RES * GRID_RES;
  const transfer = [];
  const boundaryOf = (m) => {
    const proba = m.net.predictProba(gridX, n).slice();
    transfer.push(proba.buffer);
    return { proba, image: imagePayload(boundaryImage(proba, GRID_RES, classes), GRID_RES, GRID_RES, transfer) };
  };
  const { proba, image } = boundaryOf(main);
  const others = models.slice(1).map((m) => ({ label: m.label, neuron: m.neuron, ...boundaryOf(m) }));
  post(FROM_WORKER.boundary, { res: GRID_RES, classes, proba, image, others, domain: gridDomain, at: main.steps, modelVersion }, transfer);
}

function layerPayload(layers, transfer) {
  return layers.map((L) => {
    const spikes = L.spikes.slice();
    const potentials = L.potentials.slice();
    transfer.push(spikes.buffer, potentials.buffer);
    const shape = L.shape ? { c: L.shape.c, h: L.shape.h, w: L.shape.w } : null;
    return { name: L.name, kind: L.kind, shape, steps: L.steps, spikes, potentials, firingRate: L.firingRate };
  });
}

/** The probed input through the main model (one forward pass): spikes, potentials, probabilities, operation counts. */
export function sendProbe() {
  if (!probeX) return;
  const { models, modelVersion } = session;
  const main = models[0];
  const transfer = [];
  const seen = main.net.inspect(probeX, 1, energyCfg());
  const layers = layerPayload(seen.layers, transfer);
  const proba = seen.probabilities.slice();
  const ops = plainOps(seen.ops);
  const x = probeX.slice();
  transfer.push(proba.buffer, x.buffer);
  const others = models.slice(1).map((m) => ({ label: m.label, neuron: m.neuron, ops: plainOps(m.net.opCounts(probeX, 1, energyCfg())) }));
  post(FROM_WORKER.probe, { x, source: probeSource, layers, proba, ops, others, at: main.steps, modelVersion }, transfer);
}

function sendRasterAndHist() {
  const { models, info } = session;
  const main = models[0];
  const transfer = [];
  const rn = rasterLabels.length;
  const record = main.net.record(rasterX, rn);
  sendGraph(record, rn); // the graph's firing rates come from the same samples
  const rl = record.map((L) => ({ name: L.name, kind: L.kind, steps: L.steps, neurons: L.spikes.length / (L.steps * rn), spikes: L.spikes, firingRate: L.firingRate }));
  const { rgba, width, height } = rasterImage(rn, rasterLabels, rl);
  const image = imagePayload(rgba, width, height, transfer);
  // Each neuron's firing rate over the raster's samples (and time steps): the sparsity view's histogram.
  const layers = rl.map(({ spikes, ...meta }) => {
    const rates = new Float32Array(meta.neurons);
    const per = 1 / (rn * meta.steps);
    for (let r = 0; r < rn * meta.steps; r++) for (let j = 0; j < meta.neurons; j++) rates[j] += spikes[r * meta.neurons + j] * per;
    transfer.push(rates.buffer);
    return { ...meta, rates };
  });
  post(FROM_WORKER.raster, { n: rn, layers, image, at: main.steps }, transfer);

  const hl = main.net.record(histX, histX.length / info.features);
  const transfer2 = [];
  const w = (HIST_HI - HIST_LO) / HIST_BINS;
  const hists = hl.map((L) => {
    const counts = new Float32Array(HIST_BINS);
    const p = L.potentials;
    let below = 0;
    let above = 0;
    for (let i = 0; i < p.length; i++) {
      const b = Math.floor((p[i] - HIST_LO) / w);
      if (b < 0) below++;
      else if (b >= HIST_BINS) above++;
      else counts[b]++;
    }
    for (let b = 0; b < HIST_BINS; b++) counts[b] /= p.length * w; // density
    transfer2.push(counts.buffer);
    return { name: L.name, counts, below: below / p.length, above: above / p.length };
  });
  post(FROM_WORKER.hist, { lo: HIST_LO, hi: HIST_HI, bins: HIST_BINS, layers: hists, at: main.steps }, transfer2);
}

/** The views that follow training: boundary, probe, raster and histograms. */
export function sendViews() {
  sendBoundary();
  sendProbe();
  sendRasterAndHist();
}

/** Evaluation and every view, for the current weights (after a reset, a step, a pause). */
export function refreshViews(full) {
  if (!session.models.length || !session.train) return;
  try {
    evaluateAll(full);
    sendViews();
  } catch (e) {
    fail('views', e);
  }
}

/** Where neuron `neuron` of hidden layer `layer` spikes over the boundary grid (2-D sets). */
export function sendRegion(layer, neuron) {
  if (!gridX || !session.models.length) return;
  const n = GRID_RES * GRID_RES;
  const L = session.models[0].net.record(gridX, n)[layer];
  if (!L) return;
  const neurons = L.spikes.length / (L.steps * n);
  const rate = new Float32Array(n);
  for (let t = 0; t < L.steps; t++) {
    for (let i = 0; i < n; i++) rate[i] += L.spikes[(t * n + i) * neurons + neuron] / L.steps;
  }
  const transfer = [];
  const image = imagePayload(regionImage(rate, GRID_RES), GRID_RES, GRID_RES, transfer);
  post(FROM_WORKER.region, { layer, neuron, res: GRID_RES, image, domain: gridDomain }, transfer);
}
