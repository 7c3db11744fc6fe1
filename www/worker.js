// The training worker: owns the wasm package, the data sets and the model(s). The page only sends
// commands and draws what comes back. Every typed array sent to the page is transferred.
//
// Protocol (page -> worker):            (worker -> page)
//   {type:'config', cfg}                 'loading' {phase, loaded, total} · 'reset' {info} · 'error' {message, where}
//   {type:'play'} {type:'pause'}         'progress' {...per model}  'eval' {...}  'boundary' {...}
//   {type:'step', n}                     'probe' {...}  'raster' {...}  'hist' {...}
//   {type:'probe', x | index}            'region' {...}  'surrogate' {...}  'saved' {bytes}  'loaded' {...}
//   {type:'region', layer, neuron}
//   {type:'surrogate', cfg, lo, hi, n, overlays}
//   {type:'energy', emac, eac}
//   {type:'csv', text}  {type:'save'}  {type:'load', bytes}

import { boundaryImage, regionImage, rasterImage, toBitmap } from './pixels.js';

let pkg = null;
const pkgReady = (async () => {
  const url = new URL('../pkg/s3nn.js', import.meta.url);
  const mod = await import(url.href);
  await mod.default();
  pkg = mod;
  return mod;
})();

const post = (msg, transfer = []) => self.postMessage(msg, transfer);
const errText = (e) => (e && e.message) || String(e);
function fail(where, e) {
  post({ type: 'error', where, message: errText(e) });
}

// ---------------------------------------------------------------- data
const TOY_POINTS = 1000;
const DOMAIN = 1.2; // toy plots show [-DOMAIN, DOMAIN]²
const imageCache = new Map(); // name -> {train, test}
let csvData = null; // {train, test} from the last good CSV upload
let csvText = null;

let cfg = null;
let train = null;
let test = null;
let dataKey = '';
let info = null;

async function fetchWithProgress(urls, label) {
  // One progress bar over several files: HEAD-less, uses content-length of each response.
  const responses = await Promise.all(urls.map((u) => fetch(u)));
  for (const [i, r] of responses.entries()) {
    if (!r.ok) {
      const hint = /fashion/i.test(label) ? ' (prepare it with: node scripts/prepare-data.mjs data-cache/fashion)' : '';
      throw new Error(`${label}: ${new URL(urls[i]).pathname} → HTTP ${r.status}${hint}`);
    }
  }
  const total = responses.reduce((s, r) => s + Number(r.headers.get('content-length') || 0), 0);
  let loaded = 0;
  let lastPost = 0;
  const out = [];
  for (const r of responses) {
    const len = Number(r.headers.get('content-length') || 0);
    const buf = len ? new Uint8Array(len) : null;
    const chunks = [];
    let off = 0;
    const reader = r.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (buf && off + value.length <= buf.length) buf.set(value, off);
      else chunks.push(value);
      off += value.length;
      loaded += value.length;
      const now = performance.now();
      if (now - lastPost > 50) {
        lastPost = now;
        post({ type: 'loading', label, loaded, total });
      }
    }
    if (buf && chunks.length === 0) out.push(off === buf.length ? buf : buf.subarray(0, off));
    else {
      const all = new Uint8Array(off);
      let o = 0;
      if (buf) {
        all.set(buf.subarray(0, Math.min(off, buf.length)), 0);
        o = Math.min(off, buf.length);
      }
      for (const c of chunks) {
        all.set(c, o);
        o += c.length;
      }
      out.push(all);
    }
  }
  post({ type: 'loading', label, loaded: total || loaded, total: total || loaded, done: true });
  return out;
}

async function loadImages(name) {
  if (imageCache.has(name)) return imageCache.get(name);
  const base = new URL(`../data/${name}/`, import.meta.url);
  const files = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
  const label = name === 'mnist' ? 'MNIST' : 'Fashion-MNIST';
  const [ti, tl, vi, vl] = await fetchWithProgress(files.map((f) => new URL(f, base).href), label);
  const sets = {
    train: pkg.Dataset.fromIdx(name, ti, tl),
    test: pkg.Dataset.fromIdx(name, vi, vl),
  };
  imageCache.set(name, sets);
  return sets;
}

function freeData() {
  // Image sets and the CSV set are cached; toy sets are rebuilt cheaply.
  if (cfg && cfg.kind === 'toy') {
    train?.free?.();
    test?.free?.();
  } else if (cfg && cfg.kind === 'image' && cfg.n > 0) {
    train?.free?.(); // a take(n) copy
  }
  train = test = null;
}

async function buildData(c) {
  freeData();
  if (c.kind === 'toy') {
    const all = pkg.Dataset.toy(c.data, c.n > 0 ? c.n : TOY_POINTS, c.noise, c.seed);
    [train, test] = all.split(0.8, c.seed);
    all.free();
  } else if (c.kind === 'image') {
    const sets = await loadImages(c.data);
    train = c.n > 0 && c.n < sets.train.length ? sets.train.take(c.n) : sets.train;
    test = sets.test;
  } else {
    if (!csvData) throw new Error('no CSV loaded yet: choose a file with lines "x,y,label"');
    train = csvData.train;
    test = csvData.test;
  }
  const shape = Array.from(train.shape());
  let classNames = [];
  try {
    classNames = train.classNames();
  } catch {
    classNames = [];
  }
  info = {
    data: c.data,
    kind: c.kind,
    features: train.features,
    classes: train.classes,
    shape,
    trainLen: train.length,
    testLen: test.length,
    classNames,
  };
}

// ---------------------------------------------------------------- models
let models = []; // [{label, neuron, net, steps, samples, epoch, loss, acc, testAcc, ...}]
let modelVersion = 0;

function inputSpec(c) {
  const [ch, h, w] = info.shape;
  const conv = /(^|-)c\d/.test(c.arch);
  if (conv && h > 1) return `${ch}x${h}x${w}`;
  return String(info.features);
}

function archString(c) {
  const hidden = String(c.arch).trim().replace(/\s+/g, '').replace(/^-+|-+$/g, '');
  return [inputSpec(c), hidden, info.classes].filter((p) => p !== '').join('-');
}

function netConfig(c, neuron) {
  const cfgN = { arch: archString(c), neuron, optimizer: c.opt, lr: c.lr, seed: c.seed };
  if (neuron === c.neuron) {
    cfgN.alpha = c.alpha;
    cfgN.beta = c.beta;
    cfgN.threshold = c.theta;
  }
  if (neuron === 'lif') {
    cfgN.steps = c.T;
    cfgN.leak = c.leak;
  }
  return cfgN;
}

const COMPARE = [
  { label: 'S³NN', neuron: 's3nn' },
  { label: 'ANN (ReLU)', neuron: 'relu' },
  { label: 'BNN (sign)', neuron: 'bnn' },
  { label: 'SNN (LIF, T steps)', neuron: 'lif' },
];

function freeModels() {
  for (const m of models) m.net.free();
  models = [];
}

function makeModel(label, neuron, net) {
  return { label, neuron, net, steps: 0, samples: 0, epoch: 0, loss: NaN, acc: NaN, testAcc: NaN, testLoss: NaN, rate: 0, gradNorms: [], firingRates: [], ops: null, epochEvals: [] };
}

function buildModels(c) {
  freeModels();
  const list = c.compare ? COMPARE.map((m) => (m.neuron === 's3nn' ? { ...m, neuron: c.neuron === 'lif' || c.neuron === 'relu' || c.neuron === 'bnn' ? 's3nn' : c.neuron, label: m.label } : m)) : [{ label: c.neuron, neuron: c.neuron }];
  for (const m of list) {
    const net = new pkg.Network(netConfig(c, m.neuron));
    models.push(makeModel(m.label, m.neuron, net));
  }
  modelVersion++;
}

function modelInfo() {
  return models.map((m) => {
    let spec = null;
    try {
      spec = m.net.spec();
    } catch {
      spec = null;
    }
    return { label: m.label, neuron: m.neuron, arch: m.net.arch(), params: m.net.parameterCount, steps: m.net.steps, spec };
  });
}

// ---------------------------------------------------------------- fixed inputs for views
let rasterX = null; // Float32Array of RASTER_N test samples
let rasterLabels = null;
const RASTER_N = 64;
let histX = null; // a batch of training samples for the potential histogram
const HIST_N = 256;
let gridX = null; // boundary grid (toy)
let gridRes = 0;
let gridDomain = null;
let galleryIdx = null;
let evalSubset = null; // ≤ 1000 test samples spread over the whole (possibly class-sorted) test set
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

function prepareViews(c) {
  const ri = spreadIndices(test.length, Math.min(RASTER_N, test.length), c.seed).sort((a, b) => test.label(a) - test.label(b) || a - b);
  rasterX = sliceRows(test, ri);
  rasterLabels = Uint32Array.from(ri, (i) => test.label(i));
  histX = sliceRows(train, spreadIndices(train.length, Math.min(HIST_N, train.length), c.seed + 1));
  gridX = null;
  galleryIdx = null;
  evalSubset?.free?.();
  evalSubset = null;
  if (test.length > 1000) {
    const idx = spreadIndices(test.length, 1000, c.seed + 3);
    evalSubset = pkg.Dataset.fromArrays(`${info.data}-subset`, sliceRows(test, idx), Uint32Array.from(idx, (i) => test.label(i)), info.shape, info.classes);
  }
  if (info.features === 2) {
    gridRes = 72;
    let lo = -DOMAIN;
    let hi = DOMAIN;
    if (c.kind === 'csv') {
      const xs = train.inputs();
      let mn = Infinity;
      let mx = -Infinity;
      for (const v of xs) {
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      const pad = 0.1 * (mx - mn || 1);
      lo = mn - pad;
      hi = mx + pad;
    }
    gridDomain = [lo, hi];
    gridX = new Float32Array(gridRes * gridRes * 2);
    for (let r = 0; r < gridRes; r++) {
      for (let q = 0; q < gridRes; q++) {
        const k = r * gridRes + q;
        gridX[2 * k] = lo + ((q + 0.5) / gridRes) * (hi - lo);
        gridX[2 * k + 1] = hi - ((r + 0.5) / gridRes) * (hi - lo); // row 0 at the top
      }
    }
  } else {
    galleryIdx = spreadIndices(test.length, 40, c.seed + 2);
  }
  if (!probeX || probeX.length !== info.features) {
    probeX = test.sample(0).slice();
    probeSource = { kind: 'test', index: 0 };
  }
}

function dataPayload() {
  // Points for the 2-D plot or images for the gallery (sent once per reset).
  const p = { type: 'data', info };
  const transfer = [];
  if (info.features === 2) {
    const cap = (ds, max) => {
      const n = Math.min(ds.length, max);
      const x = ds.inputs().slice(0, n * 2);
      const y = ds.labels().slice(0, n);
      transfer.push(x.buffer, y.buffer);
      return { x, y };
    };
    p.train = cap(train, 4000);
    p.test = cap(test, 2000);
    p.domain = gridDomain;
  } else {
    p.gallery = { idx: galleryIdx, x: sliceRows(test, galleryIdx), y: Uint32Array.from(galleryIdx, (i) => test.label(i)) };
    transfer.push(p.gallery.x.buffer, p.gallery.y.buffer);
  }
  return [p, transfer];
}

// ---------------------------------------------------------------- periodic views
let energy = { eMacPj: 4.6, eAcPj: 0.9, snnSteps: 4 };

function energyCfg() {
  return { eMacPj: energy.eMacPj, eAcPj: energy.eAcPj, snnSteps: cfg ? cfg.T : 4 };
}

function plainOps(ops) {
  // The OpReport as a structured-clone-safe plain object.
  return ops ? JSON.parse(JSON.stringify(ops)) : null;
}

function evaluateAll(full) {
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
    type: 'eval',
    full: !!full,
    models: models.map((m) => ({ label: m.label, neuron: m.neuron, steps: m.steps, samples: m.samples, epoch: m.epoch, testAcc: m.testAcc, testLoss: m.testLoss, ops: m.testOps, evalSamples: m.evalSamples })),
    confusion: main.confusion,
    classes: info.classes,
  };
  if (galleryIdx) {
    const x = sliceRows(test, galleryIdx);
    msg.galleryPred = main.net.predict(x, galleryIdx.length).slice();
  }
  post(msg);
}

// An image for the page to blit: an ImageBitmap where OffscreenCanvas exists, else the RGBA bytes.
function imagePayload(rgba, width, height, transfer) {
  const bitmap = toBitmap(rgba, width, height);
  transfer.push(bitmap ?? rgba.buffer);
  return bitmap ? { bitmap, width, height } : { rgba, width, height };
}

function sendBoundary() {
  if (!gridX) return;
  const main = models[0];
  const classes = info.classes;
  const proba = main.net.predictProba(gridX, gridRes * gridRes).slice();
  const transfer = [proba.buffer];
  const image = imagePayload(boundaryImage(proba, gridRes, classes), gridRes, gridRes, transfer);
  const others = models.slice(1).map((m) => {
    const p = m.net.predictProba(gridX, gridRes * gridRes).slice();
    transfer.push(p.buffer);
    return { label: m.label, neuron: m.neuron, proba: p, image: imagePayload(boundaryImage(p, gridRes, classes), gridRes, gridRes, transfer) };
  });
  post({ type: 'boundary', res: gridRes, classes, proba, image, others, domain: gridDomain, at: main.steps, modelVersion }, transfer);
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

function sendProbe() {
  if (!probeX) return;
  const main = models[0];
  const transfer = [];
  const layers = layerPayload(main.net.record(probeX, 1), transfer);
  const proba = main.net.predictProba(probeX, 1).slice();
  const ops = plainOps(main.net.opCounts(probeX, 1, energyCfg()));
  const x = probeX.slice();
  transfer.push(proba.buffer, x.buffer);
  const others = models.slice(1).map((m) => ({ label: m.label, neuron: m.neuron, ops: plainOps(m.net.opCounts(probeX, 1, energyCfg())) }));
  post({ type: 'probe', x, source: probeSource, layers, proba, ops, others, at: main.steps, modelVersion }, transfer);
}

const HIST_LO = -3;
const HIST_HI = 3;
const HIST_BINS = 60;

function sendRasterAndHist() {
  const main = models[0];
  const transfer = [];
  const rn = rasterLabels.length;
  const rl = main.net.record(rasterX, rn).map((L) => ({ name: L.name, kind: L.kind, steps: L.steps, neurons: L.spikes.length / (L.steps * rn), spikes: L.spikes, firingRate: L.firingRate }));
  const { rgba, width, height } = rasterImage(rn, rasterLabels, rl);
  const image = imagePayload(rgba, width, height, transfer);
  const layers = rl.map(({ spikes, ...meta }) => meta);
  post({ type: 'raster', n: rn, layers, image, at: main.steps }, transfer);

  const hl = main.net.record(histX, histX.length / info.features);
  const transfer2 = [];
  const hists = hl.map((L) => {
    const counts = new Float32Array(HIST_BINS);
    const p = L.potentials;
    const w = (HIST_HI - HIST_LO) / HIST_BINS;
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
  post({ type: 'hist', lo: HIST_LO, hi: HIST_HI, bins: HIST_BINS, layers: hists, at: main.steps }, transfer2);
}

function refreshViews(full) {
  if (!models.length || !train) return;
  try {
    evaluateAll(full);
    sendBoundary();
    sendProbe();
    sendRasterAndHist();
  } catch (e) {
    fail('views', e);
  }
}

// ---------------------------------------------------------------- training loop
let playing = false;
let running = false;
let playIntent = null; // a play/pause that arrived while a configuration was being built wins over autoplay
let chunk = 1; // mini-batches per model per chunk (adapted to ~CHUNK_MS)
const CHUNK_MS = 35;
let rateWindow = [];

function trainChunk(n) {
  const t0 = performance.now();
  let samples = 0;
  const epochCrossed = [];
  for (const m of models) {
    const r = m.net.trainSteps(train, n, cfg.bs);
    const before = m.samples;
    m.steps += r.steps ?? n;
    m.samples += r.samples ?? n * cfg.bs;
    samples += r.samples ?? n * cfg.bs;
    m.epoch = m.samples / train.length;
    if (Math.floor(m.samples / train.length) > Math.floor(before / train.length)) epochCrossed.push(m);
    m.loss = r.loss;
    m.acc = r.accuracy;
    m.gradNorms = Array.from(r.gradNorms ?? []);
    m.firingRates = Array.from(r.firingRates ?? []);
  }
  const dt = performance.now() - t0;
  rateWindow.push([performance.now(), samples]);
  while (rateWindow.length > 1 && rateWindow[0][0] < performance.now() - 2000) rateWindow.shift();
  return { dt, epochCrossed };
}

function samplesPerSec() {
  if (rateWindow.length < 2) return 0;
  const span = rateWindow[rateWindow.length - 1][0] - rateWindow[0][0];
  const s = rateWindow.slice(1).reduce((a, [, n]) => a + n, 0);
  return span > 0 ? (s / span) * 1000 : 0;
}

function sendProgress() {
  post({
    type: 'progress',
    playing,
    samplesPerSec: samplesPerSec(),
    trainLen: train.length,
    models: models.map((m) => ({ label: m.label, neuron: m.neuron, steps: m.steps, samples: m.samples, epoch: m.epoch, loss: m.loss, acc: m.acc, gradNorms: m.gradNorms, firingRates: m.firingRates })),
  });
}

const yieldNow = () => new Promise((r) => {
  const ch = new MessageChannel();
  ch.port1.onmessage = () => r();
  ch.port2.postMessage(0);
});

async function loop() {
  if (running) return;
  running = true;
  let lastEval = 0;
  let lastViews = 0;
  let lastProgress = 0;
  try {
    while (playing && models.length) {
      const { dt, epochCrossed } = trainChunk(chunk);
      const perStep = dt / chunk;
      chunk = Math.max(1, Math.min(500, Math.round(CHUNK_MS / Math.max(perStep, 0.01))));
      const now = performance.now();
      if (epochCrossed.length) {
        evaluateAll(true);
        for (const m of epochCrossed) m.epochEvals.push({ epoch: Math.round(m.epoch), testAcc: m.testAcc, steps: m.steps });
        post({ type: 'epoch', models: models.map((m) => ({ label: m.label, epochEvals: m.epochEvals })) });
        lastEval = now;
      }
      if (now - lastProgress > 100) {
        sendProgress();
        lastProgress = now;
      }
      const evalEvery = cfg.kind === 'image' ? 1500 : 150;
      if (now - lastEval > evalEvery) {
        evaluateAll(false);
        lastEval = performance.now();
      }
      const viewsEvery = cfg.kind === 'image' ? 1500 : 200;
      if (now - lastViews > viewsEvery) {
        sendBoundary();
        sendProbe();
        sendRasterAndHist();
        lastViews = performance.now();
      }
      await yieldNow();
    }
  } catch (e) {
    playing = false;
    fail('train', e);
  }
  running = false;
  if (models.length && train) {
    sendProgress();
    refreshViews(false);
  }
  post({ type: 'state', playing });
}

// ---------------------------------------------------------------- commands
async function configure(c) {
  await pkgReady;
  const wasPlaying = playing || running;
  playIntent = null;
  playing = false;
  while (running) await new Promise((r) => setTimeout(r, 5));
  const key = [c.data, c.noise, c.n, c.seed, c.kind === 'csv' ? csvText?.length : ''].join('|');
  const needData = key !== dataKey || !train;
  cfg = c;
  energy = { eMacPj: c.emac, eAcPj: c.eac, snnSteps: c.T };
  try {
    if (needData) {
      dataKey = '';
      await buildData(c);
      dataKey = key;
      probeX = null;
      prepareViews(c);
    }
    buildModels(c);
  } catch (e) {
    freeModels();
    fail('config', e);
    post({ type: 'state', playing: false });
    return;
  }
  rateWindow = [];
  chunk = 1;
  const [dp, tr] = needData ? dataPayload() : [null, []];
  if (dp) post(dp, tr);
  post({ type: 'reset', info, models: modelInfo(), modelVersion, pkg: { version: pkg.version(), isa: pkg.activeIsa() } });
  sendProgress();
  refreshViews(false);
  if (playIntent ?? c.autoplay ?? wasPlaying) {
    playing = true;
    loop();
  }
  playIntent = null;
  post({ type: 'state', playing });
}

async function stepN(n) {
  if (!models.length) return;
  playing = false;
  while (running) await new Promise((r) => setTimeout(r, 5));
  try {
    const { epochCrossed } = trainChunk(n);
    if (epochCrossed.length) for (const m of epochCrossed) m.epochEvals.push({ epoch: Math.round(m.epoch), testAcc: m.testAcc, steps: m.steps });
    sendProgress();
    refreshViews(false);
  } catch (e) {
    fail('train', e);
  }
  post({ type: 'state', playing });
}

function regionFor(layer, neuron) {
  if (!gridX || !models.length) return;
  const L = models[0].net.record(gridX, gridRes * gridRes)[layer];
  if (!L) return;
  const n = gridRes * gridRes;
  const neurons = L.spikes.length / (L.steps * n);
  const rate = new Float32Array(n);
  for (let t = 0; t < L.steps; t++) {
    for (let i = 0; i < n; i++) rate[i] += L.spikes[(t * n + i) * neurons + neuron] / L.steps;
  }
  const transfer = [];
  const image = imagePayload(regionImage(rate, gridRes), gridRes, gridRes, transfer);
  post({ type: 'region', layer, neuron, res: gridRes, image, domain: gridDomain }, transfer);
}

self.onmessage = async (ev) => {
  const msg = ev.data;
  try {
    await pkgReady;
  } catch (e) {
    post({ type: 'fatal', message: `could not load the wasm package (pkg/s3nn.js): ${errText(e)}` });
    return;
  }
  try {
    switch (msg.type) {
      case 'config':
        await configure(msg.cfg);
        break;
      case 'play':
        playIntent = true;
        if (!models.length) break;
        playing = true;
        post({ type: 'state', playing });
        loop();
        break;
      case 'pause':
        playIntent = false;
        playing = false;
        if (!running) post({ type: 'state', playing });
        break;
      case 'step':
        await stepN(msg.n || 10);
        break;
      case 'probe':
        if (msg.x) {
          probeX = Float32Array.from(msg.x);
          probeSource = msg.source || { kind: 'custom' };
        } else if (msg.index !== undefined && test) {
          const i = Math.max(0, Math.min(test.length - 1, msg.index | 0));
          probeX = test.sample(i).slice();
          probeSource = { kind: 'test', index: i, label: test.label(i) };
        }
        if (models.length) sendProbe();
        break;
      case 'region':
        regionFor(msg.layer, msg.neuron);
        break;
      case 'surrogate': {
        const curves = [msg.cfg, ...(msg.overlays || [])].map((c) => {
          const r = pkg.surrogateCurve(c, msg.lo, msg.hi, msg.n);
          return { cfg: c, x: r.x.slice(), grad: r.grad.slice(), primitive: r.primitive.slice() };
        });
        post({ type: 'surrogate', seq: msg.seq, curves });
        break;
      }
      case 'energy':
        energy = { eMacPj: msg.emac, eAcPj: msg.eac, snnSteps: cfg?.T ?? 4 };
        if (cfg) {
          cfg.emac = msg.emac;
          cfg.eac = msg.eac;
        }
        if (models.length && !playing) {
          evaluateAll(false);
          sendProbe();
        }
        break;
      case 'csv': {
        let all;
        try {
          all = pkg.Dataset.fromCsv(msg.text);
        } catch (e) {
          post({ type: 'csvError', message: errText(e) });
          break;
        }
        if (all.features !== 2 || all.length < 4) {
          post({ type: 'csvError', message: `need at least 4 points with 2 features; got ${all.length}` });
          all.free();
          break;
        }
        csvData?.train?.free?.();
        csvData?.test?.free?.();
        const [tr, te] = all.split(0.8, msg.seed ?? 1);
        all.free();
        csvData = { train: tr, test: te };
        csvText = msg.text;
        post({ type: 'csvOk', points: tr.length + te.length, classes: tr.classes });
        break;
      }
      case 'save': {
        const bytes = models[0].net.save().slice();
        post({ type: 'saved', bytes, arch: models[0].net.arch(), neuron: models[0].neuron }, [bytes.buffer]);
        break;
      }
      case 'load': {
        let net;
        try {
          net = pkg.Network.load(new Uint8Array(msg.bytes));
        } catch (e) {
          post({ type: 'loadError', message: errText(e) });
          break;
        }
        const arch = net.arch();
        const toks = arch.split('-');
        const inTok = toks[0];
        const inFeatures = inTok.split('x').reduce((a, b) => a * Number(b), 1);
        if (inFeatures !== info.features || Number(toks[toks.length - 1]) !== info.classes) {
          net.free();
          post({ type: 'loadError', message: `model ${arch} does not fit the data set (${info.features} inputs, ${info.classes} classes)` });
          break;
        }
        playing = false;
        while (running) await new Promise((r) => setTimeout(r, 5));
        freeModels();
        let neuron = 'loaded';
        try {
          const n = net.spec()?.neuron ?? {};
          const kind = String(n.kind ?? n.type ?? '').toLowerCase();
          neuron = kind === 'spike' ? String(n.surrogate?.kind ?? 's3nn').toLowerCase() : kind === 'sign' ? 'bnn' : /multi|lif/.test(kind) ? 'lif' : kind || 'loaded';
        } catch {
          /* keep the generic name */
        }
        models = [makeModel(`loaded ${arch}`, neuron, net)];
        modelVersion++;
        post({ type: 'loaded', arch, models: modelInfo(), modelVersion });
        sendProgress();
        refreshViews(false);
        post({ type: 'state', playing });
        break;
      }
      default:
        break;
    }
  } catch (e) {
    fail(msg.type, e);
  }
};

pkgReady.then(
  (m) => post({ type: 'ready', version: m.version(), isa: m.activeIsa() }),
  (e) => post({ type: 'fatal', message: `could not load the wasm package (pkg/s3nn.js): ${errText(e)}` }),
);
