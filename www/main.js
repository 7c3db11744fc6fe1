// The page: controls, hash state, and views that only draw what the worker sends.
import { parseHash, toHash, resolved, dataKind, DATA_KEYS, ALPHA_DEFAULT, ALPHA_NAME, ALPHA_RANGE, SURROGATES } from './state.js';
import { cssWidth, releaseImages, drawBoundary, drawSpikeGrid, drawRaster, drawGallery, drawConfusion, drawBars, layerLayout, SERIES, classCss } from './draw.js';
import { lineChart, surrogateChart } from './charts.js';

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- state
let state = parseHash(location.hash);
let R = resolved(state);

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

const V = {
  ready: false,
  fatal: null,
  playing: false,
  info: null,
  models: [],
  modelVersion: 0,
  pkg: null,
  progress: null,
  eval: null,
  epochEvals: [],
  points: null,
  gallery: null,
  galleryPred: null,
  boundary: null,
  region: null,
  probe: null,
  raster: null,
  hist: null,
  surrogate: null,
  surrogatePlot: null,
  shownOps: null,
  maxRate: 0,
  message: '',
  loading: null,
};
const H = { steps: [], samples: [], loss: [], train: [], test: [], rates: [], grads: [] };
const CMP = { steps: [], acc: [] };
// What the charts plot: the same history, decimated to ≤ PLOT_MAX points per series (every other
// point is dropped when full, so the whole run stays visible at a coarser step), kept column-wise
// so that a redraw passes the arrays as they are instead of building new ones.
const PLOT_MAX = 1000;
const P = { steps: [], loss: [], train: [], test: [], rates: [], grads: [] };
const dirty = new Set();

function resetHistory() {
  for (const k of Object.keys(H)) H[k] = [];
  CMP.steps = [];
  CMP.acc = [];
  for (const k of Object.keys(P)) P[k] = [];
  V.epochEvals = [];
  V.eval = null;
  V.maxRate = 0;
  releaseImages(V.region);
  V.region = null;
}

// ---------------------------------------------------------------- controls <-> state
const ctl = {
  data: $('c-data'), noise: $('c-noise'), n: $('c-n'), arch: $('c-arch'), neuron: $('c-neuron'), alpha: $('c-alpha'), beta: $('c-beta'),
  theta: $('c-theta'), T: $('c-T'), lr: $('c-lr'), bs: $('c-bs'), opt: $('c-opt'), seed: $('c-seed'), compare: $('c-compare'),
  emac: $('c-emac'), eac: $('c-eac'),
};

function ensureOption(select, value) {
  const v = String(value);
  if (![...select.options].some((o) => o.value === v)) {
    const o = document.createElement('option');
    o.value = o.textContent = v;
    select.appendChild(o);
  }
  select.value = v;
}

function syncControls() {
  R = resolved(state);
  ctl.data.value = R.data;
  ctl.noise.value = R.noise;
  ctl.n.value = R.n || '';
  ctl.n.placeholder = R.kind === 'image' ? '60000' : R.kind === 'toy' ? '1000' : 'all';
  ctl.n.title = R.kind === 'image' ? 'training images (first N of 60 000)' : 'number of points (80 % train, 20 % test)';
  ctl.arch.value = R.arch;
  ctl.neuron.value = R.neuron;
  const [lo, hi, st] = ALPHA_RANGE[R.neuron];
  Object.assign(ctl.alpha, { min: lo, max: hi, step: st });
  ctl.alpha.value = R.alpha;
  $('o-alpha').textContent = fmtNum(R.alpha);
  $('l-alpha').textContent = ALPHA_NAME[R.neuron];
  ctl.beta.value = R.beta;
  $('o-beta').textContent = fmtNum(R.beta);
  ctl.theta.value = R.theta;
  ctl.T.value = R.T;
  ensureOption(ctl.lr, R.lr);
  ensureOption(ctl.bs, R.bs);
  ctl.opt.value = R.opt;
  ctl.seed.value = R.seed;
  ctl.compare.checked = !!R.compare;
  ctl.emac.value = R.emac;
  ctl.eac.value = R.eac;
  const kind = R.kind;
  document.querySelectorAll('.toy-only').forEach((e) => e.classList.toggle('hidden-kind', kind !== 'toy'));
  document.querySelectorAll('.lif-only').forEach((e) => e.classList.toggle('hidden-kind', R.neuron !== 'lif' && !R.compare));
  document.querySelectorAll('.s3nn-only').forEach((e) => e.classList.toggle('hidden-kind', R.neuron !== 's3nn'));
  ctl.alpha.parentElement.classList.toggle('hidden-kind', R.neuron === 'relu' || R.neuron === 'bnn');
  $('view-toy').hidden = kind === 'image';
  $('view-image').hidden = kind !== 'image';
  $('probe-image').hidden = kind !== 'image';
  $('probe-hint').textContent = kind === 'image' ? 'draw a digit, or click a test image' : 'click the plot to choose an input';
  $('train-title').firstChild.textContent = kind === 'image' ? 'Predictions ' : 'Decision boundary ';
  $('boundary-hint').textContent = kind === 'image' ? '' : 'hover a neuron cell (left) to see where it spikes';
  $('view-compare').hidden = !R.compare;
  document.body.classList.toggle('compare-on', !!R.compare);
  $('view-single').hidden = !!R.compare && kind === 'image';
}

function writeHash() {
  const h = toHash(state);
  if (location.hash !== h && !(h === '#' && location.hash === '')) history.replaceState(null, '', h === '#' ? location.pathname + location.search : h);
}

function configure(extra = {}) {
  R = resolved(state);
  resetHistory();
  releaseImages(V.boundary);
  V.boundary = null;
  V.probe = null;
  dirty.add('all');
  schedule();
  if (extra.autoplay) V.playing = true; // optimistic: the button shows pause at once
  worker.postMessage({ type: 'config', cfg: { ...R, ...extra } });
  requestSurrogate();
}

function setState(patch, { reset = true } = {}) {
  const dataChanged = DATA_KEYS.some((k) => k in patch && patch[k] !== state[k]);
  const oldKind = dataKind(state.data);
  Object.assign(state, patch);
  if ('data' in patch && dataKind(state.data) !== oldKind) {
    state.arch = '';
    state.lr = null;
    state.bs = null;
  }
  if ('neuron' in patch) {
    state.alpha = null;
    state.theta = null;
  }
  syncControls();
  writeHash();
  if (dataChanged) {
    V.points = null;
    V.gallery = null;
  }
  if (reset) configure();
}

const num = (el) => Number(el.value);
ctl.data.addEventListener('change', () => {
  if (ctl.data.value === 'csv' && !V.csvOk) {
    $('c-csv').click();
    ctl.data.value = state.data;
    return;
  }
  setState({ data: ctl.data.value });
});
ctl.noise.addEventListener('change', () => setState({ noise: num(ctl.noise) }));
ctl.n.addEventListener('change', () => setState({ n: Math.max(0, Math.round(num(ctl.n) || 0)) }));
ctl.arch.addEventListener('change', () => setState({ arch: ctl.arch.value.trim() }));
ctl.neuron.addEventListener('change', () => setState({ neuron: ctl.neuron.value }));
ctl.alpha.addEventListener('input', () => {
  state.alpha = num(ctl.alpha);
  $('o-alpha').textContent = fmtNum(state.alpha);
  R = resolved(state);
  requestSurrogate();
});
ctl.alpha.addEventListener('change', () => setState({ alpha: num(ctl.alpha) }));
ctl.beta.addEventListener('input', () => {
  state.beta = num(ctl.beta);
  $('o-beta').textContent = fmtNum(state.beta);
  R = resolved(state);
  requestSurrogate();
});
ctl.beta.addEventListener('change', () => setState({ beta: num(ctl.beta) }));
ctl.theta.addEventListener('change', () => setState({ theta: num(ctl.theta) }));
ctl.T.addEventListener('change', () => setState({ T: Math.max(1, Math.min(64, Math.round(num(ctl.T)))) }));
ctl.lr.addEventListener('change', () => setState({ lr: num(ctl.lr) }));
ctl.bs.addEventListener('change', () => setState({ bs: num(ctl.bs) }));
ctl.opt.addEventListener('change', () => setState({ opt: ctl.opt.value }));
ctl.seed.addEventListener('change', () => setState({ seed: Math.max(0, Math.round(num(ctl.seed))) }));
ctl.compare.addEventListener('change', () => setState({ compare: ctl.compare.checked ? 1 : 0 }));
for (const k of ['emac', 'eac']) {
  ctl[k].addEventListener('change', () => {
    const v = num(ctl[k]);
    if (!(v >= 0)) return;
    state[k] = v;
    R = resolved(state);
    writeHash();
    worker.postMessage({ type: 'energy', emac: R.emac, eac: R.eac });
  });
}
window.addEventListener('hashchange', () => {
  state = parseHash(location.hash);
  syncControls();
  configure();
});

$('b-play').addEventListener('click', () => {
  worker.postMessage({ type: V.playing ? 'pause' : 'play' });
});
document.addEventListener('keydown', (ev) => {
  // Space toggles play/pause unless typing in a control.
  if (ev.code !== 'Space' || ev.target.closest('input, select, textarea, button')) return;
  ev.preventDefault();
  $('b-play').click();
});
$('b-step').addEventListener('click', () => worker.postMessage({ type: 'step', n: 10 }));
$('b-reset').addEventListener('click', () => configure());
$('message-close').addEventListener('click', () => showMessage(''));

function showMessage(text) {
  V.message = text;
  $('message').hidden = !text;
  $('message-text').textContent = text;
}

// ---------------------------------------------------------------- files
function download(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

$('c-csv').addEventListener('change', async (ev) => {
  const f = ev.target.files[0];
  ev.target.value = '';
  if (!f) return;
  const text = await f.text();
  V.csvName = f.name;
  worker.postMessage({ type: 'csv', text, seed: R.seed });
});
$('b-save').addEventListener('click', () => worker.postMessage({ type: 'save' }));
$('c-load').addEventListener('change', async (ev) => {
  const f = ev.target.files[0];
  ev.target.value = '';
  if (!f) return;
  const buf = await f.arrayBuffer();
  worker.postMessage({ type: 'load', bytes: buf }, [buf]);
});
$('b-csv').addEventListener('click', () => {
  const nl = Math.max(0, ...H.rates.map((r) => r.length));
  const ng = Math.max(0, ...H.grads.map((r) => r.length));
  const head = ['step', 'samples', 'loss', 'train_acc', 'test_acc', ...Array.from({ length: nl }, (_, i) => `firing_rate_${i + 1}`), ...Array.from({ length: ng }, (_, i) => `grad_norm_${i + 1}`)];
  const rows = [head.join(',')];
  for (let i = 0; i < H.steps.length; i++) {
    rows.push([H.steps[i], H.samples[i], H.loss[i], H.train[i], H.test[i] ?? '', ...Array.from({ length: nl }, (_, j) => H.rates[i]?.[j] ?? ''), ...Array.from({ length: ng }, (_, j) => H.grads[i]?.[j] ?? '')].join(','));
  }
  download(new Blob([`# s3nn run ${location.href}\n` + rows.join('\n') + '\n'], { type: 'text/csv' }), `s3nn-metrics-${R.data}-${R.neuron}.csv`);
});

const pngSources = {
  raster: () => $('raster'),
  boundary: () => $('boundary'),
  gallery: () => $('gallery'),
  confusion: () => $('confusion'),
  cmpenergy: () => $('cmp-energy'),
  rates: () => charts.rates.canvas(),
  loss: () => charts.loss.canvas(),
  acc: () => charts.acc.canvas(),
  grads: () => charts.grads.canvas(),
  cmpacc: () => charts.cmpacc.canvas(),
  surrogate: () => charts.surrogate.canvas(),
};
document.querySelectorAll('button.png').forEach((b) => {
  b.addEventListener('click', () => {
    const c = pngSources[b.dataset.png]?.();
    if (!c) return;
    c.toBlob((blob) => blob && download(blob, `s3nn-${b.dataset.png}.png`), 'image/png');
  });
});

// ---------------------------------------------------------------- probe inputs
const boundaryCanvas = $('boundary');
boundaryCanvas.__square = true;
boundaryCanvas.addEventListener('click', (ev) => {
  if (!V.info || V.info.features !== 2) return;
  const r = boundaryCanvas.getBoundingClientRect();
  const [lo, hi] = V.boundary?.domain || V.points?.domain || [-1.5, 1.5];
  const x = lo + ((ev.clientX - r.left) / r.width) * (hi - lo);
  const y = hi - ((ev.clientY - r.top) / r.height) * (hi - lo);
  worker.postMessage({ type: 'probe', x: [x, y], source: { kind: 'point' } });
});

const pad = $('pad');
const padX = new Float32Array(28 * 28);
let padDown = false;
let padLast = null;
let padSendTimer = 0;
function drawPad() {
  const ctx = pad.getContext('2d');
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const g = Math.round(255 * padX[i]);
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = g;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
function padStamp(px, py) {
  for (let y = Math.floor(py - 2); y <= Math.ceil(py + 2); y++) {
    for (let x = Math.floor(px - 2); x <= Math.ceil(px + 2); x++) {
      if (x < 0 || y < 0 || x > 27 || y > 27) continue;
      const d = Math.hypot(x + 0.5 - px, y + 0.5 - py);
      const v = Math.max(0, Math.min(1, 1.6 - d * 0.75));
      padX[y * 28 + x] = Math.max(padX[y * 28 + x], v);
    }
  }
}
function padPos(ev) {
  const r = pad.getBoundingClientRect();
  return [((ev.clientX - r.left) / r.width) * 28, ((ev.clientY - r.top) / r.height) * 28];
}
function sendPad() {
  if (!V.info || V.info.features !== 784) return;
  worker.postMessage({ type: 'probe', x: padX, source: { kind: 'drawn' } });
}
pad.addEventListener('pointerdown', (ev) => {
  padDown = true;
  pad.setPointerCapture(ev.pointerId);
  padLast = padPos(ev);
  padStamp(...padLast);
  drawPad();
});
pad.addEventListener('pointermove', (ev) => {
  if (!padDown) return;
  const p = padPos(ev);
  const d = Math.hypot(p[0] - padLast[0], p[1] - padLast[1]);
  const k = Math.max(1, Math.ceil(d / 0.5));
  for (let i = 1; i <= k; i++) padStamp(padLast[0] + ((p[0] - padLast[0]) * i) / k, padLast[1] + ((p[1] - padLast[1]) * i) / k);
  padLast = p;
  drawPad();
  if (!padSendTimer) padSendTimer = setTimeout(() => ((padSendTimer = 0), sendPad()), 80);
});
const padUp = () => {
  if (!padDown) return;
  padDown = false;
  sendPad();
};
pad.addEventListener('pointerup', padUp);
pad.addEventListener('pointercancel', padUp);
$('b-clear').addEventListener('click', () => {
  padX.fill(0);
  drawPad();
});
$('c-testidx').addEventListener('change', () => worker.postMessage({ type: 'probe', index: Number($('c-testidx').value) || 0 }));
let galleryHit = null;
$('gallery').addEventListener('click', (ev) => {
  if (!galleryHit || !V.gallery) return;
  const r = $('gallery').getBoundingClientRect();
  const k = galleryHit(ev.clientX - r.left, ev.clientY - r.top);
  if (k >= 0) {
    $('c-testidx').value = V.gallery.idx[k];
    worker.postMessage({ type: 'probe', index: V.gallery.idx[k] });
  }
});

// ---------------------------------------------------------------- surrogate
let surrogateSeq = 0;
function surrogateCfg(neuron, a, b) {
  switch (neuron) {
    case 's3nn': return { kind: 's3nn', alpha: a, beta: b };
    case 'sigmoid': case 'lif': return { kind: 'sigmoid', alpha: a };
    case 'rect': return { kind: 'rect', width: a };
    case 'atan': return { kind: 'atan', alpha: a };
    case 'fastsigmoid': return { kind: 'fastSigmoid', slope: a };
    default: return { kind: 's3nn', alpha: 4, beta: 1 };
  }
}
const SG_LO = -3;
const SG_HI = 3;
const SG_N = 241;
function requestSurrogate() {
  const cfg = surrogateCfg(R.neuron, R.alpha, R.beta);
  const overlays = $('c-overlay').checked
    ? SURROGATES.filter((s) => s !== R.neuron && !(R.neuron === 'lif' && s === 'sigmoid')).map((s) => surrogateCfg(s, ALPHA_DEFAULT[s], 1))
    : [];
  worker.postMessage({ type: 'surrogate', seq: ++surrogateSeq, cfg, lo: SG_LO, hi: SG_HI, n: SG_N, overlays });
}
$('c-overlay').addEventListener('change', requestSurrogate);
$('c-primitive').addEventListener('change', () => (dirty.add('surrogate'), schedule()));

// ---------------------------------------------------------------- worker messages
worker.onmessage = (ev) => {
  const m = ev.data;
  switch (m.type) {
    case 'ready':
      V.ready = true;
      V.pkg = { version: m.version, isa: m.isa };
      $('f-version').textContent = `s3nn ${m.version} · wasm ${m.isa}`;
      break;
    case 'fatal':
      V.fatal = m.message;
      showMessage(m.message);
      break;
    case 'error':
      showMessage(`${m.where}: ${m.message}`);
      if (m.where === 'config') V.configError = m.message;
      break;
    case 'loading':
      V.loading = m;
      dirty.add('loading');
      break;
    case 'data':
      V.info = withNames(m.info);
      V.points = m.train ? { train: m.train, test: m.test, domain: m.domain } : null;
      V.testPoints = m.train ? { test: m.test, domain: m.domain } : null;
      V.gallery = m.gallery || null;
      V.galleryPred = null;
      dirty.add('all');
      break;
    case 'reset':
      V.info = withNames(m.info);
      V.models = m.models;
      V.modelVersion = m.modelVersion;
      V.configError = null;
      if (V.message && !V.fatal) showMessage('');
      resetHistory();
      dirty.add('all');
      break;
    case 'loaded':
      V.models = m.models;
      V.modelVersion = m.modelVersion;
      resetHistory();
      showMessage('');
      V.loadedModel = m.arch;
      dirty.add('all');
      break;
    case 'state':
      V.playing = m.playing;
      dirty.add('buttons');
      break;
    case 'progress':
      onProgress(m);
      break;
    case 'eval':
      onEval(m);
      break;
    case 'epoch':
      V.epochEvals = m.models;
      break;
    case 'boundary':
      releaseImages(V.boundary);
      V.boundary = m;
      dirty.add('boundary');
      if (m.others?.length) dirty.add('cmpboundary');
      break;
    case 'region':
      releaseImages(V.region);
      V.region = V.hover ? m : null;
      if (!V.region) releaseImages(m);
      dirty.add('boundary');
      break;
    case 'probe':
      V.probe = m;
      if (m.source?.kind === 'test' && m.x.length === 784) {
        padX.set(m.x);
        drawPad();
      }
      dirty.add('probe');
      dirty.add('boundary');
      dirty.add('ops');
      break;
    case 'raster':
      releaseImages(V.raster);
      V.raster = m;
      dirty.add('raster');
      break;
    case 'hist':
      V.hist = m;
      dirty.add('surrogate');
      break;
    case 'surrogate':
      if (m.seq === surrogateSeq) {
        V.surrogate = m;
        dirty.add('surrogate');
      }
      break;
    case 'csvError':
      showMessage(`CSV not loaded: ${m.message}`);
      break;
    case 'csvOk':
      V.csvOk = true;
      showMessage('');
      setState({ data: 'csv' }, { reset: false });
      configure({ csvStamp: Date.now() });
      break;
    case 'saved':
      download(new Blob([m.bytes], { type: 'application/octet-stream' }), `s3nn-${m.neuron}-${m.arch}.safetensors`);
      break;
    case 'loadError':
      showMessage(`Model not loaded: ${m.message}`);
      break;
    default:
      break;
  }
  schedule();
};
worker.onerror = (e) => {
  V.fatal = `worker failed: ${e.message || 'unknown error'}`;
  showMessage(V.fatal);
};

const FASHION_NAMES = ['T-shirt', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
function withNames(info) {
  if (!info) return info;
  const generic = !info.classNames?.length || info.classNames.every((n, i) => n === String(i));
  if (info.data === 'fashion' && generic) return { ...info, classNames: FASHION_NAMES };
  if (generic) return { ...info, classNames: info.kind === 'image' ? Array.from({ length: info.classes }, (_, i) => String(i)) : Array.from({ length: info.classes }, (_, i) => `class ${i}`) };
  return info;
}

function capHistory() {
  if (H.steps.length > 4000) for (const k of Object.keys(H)) H[k] = H[k].filter((_, i) => i % 2 === 0);
  if (CMP.steps.length > PLOT_MAX) {
    CMP.steps = CMP.steps.filter((_, i) => i % 2 === 0);
    CMP.acc = CMP.acc.map((a) => a.filter((_, i) => i % 2 === 0));
  }
}

// Every other point, always keeping the newest.
function halve(a) {
  const out = [];
  for (let i = (a.length - 1) % 2; i < a.length; i += 2) out.push(a[i]);
  return out;
}
function plotPush(main, testAcc) {
  const n = P.steps.length;
  P.steps.push(main.steps);
  P.loss.push(main.loss);
  P.train.push(main.acc);
  P.test.push(testAcc);
  const rates = main.firingRates || [];
  const grads = main.gradNorms || [];
  while (P.rates.length < rates.length) P.rates.push(new Array(n).fill(null));
  while (P.grads.length < grads.length) P.grads.push(new Array(n).fill(null));
  P.rates.forEach((a, i) => a.push(rates[i] ?? null));
  P.grads.forEach((a, i) => a.push(grads[i] > 0 ? grads[i] : null));
  if (P.steps.length > PLOT_MAX) {
    for (const k of ['steps', 'loss', 'train', 'test']) P[k] = halve(P[k]);
    P.rates = P.rates.map(halve);
    P.grads = P.grads.map(halve);
  }
}

function onProgress(m) {
  V.progress = m; // (the play state comes only from 'state' messages)
  V.maxRate = Math.max(V.maxRate, m.samplesPerSec || 0);
  const main = m.models[0];
  if (main && main.steps > 0 && H.steps[H.steps.length - 1] !== main.steps) {
    H.steps.push(main.steps);
    H.samples.push(main.samples);
    H.loss.push(main.loss);
    H.train.push(main.acc);
    H.test.push(V.eval?.models?.[0]?.testAcc ?? null);
    H.rates.push(main.firingRates);
    H.grads.push(main.gradNorms);
    capHistory();
    plotPush(main, H.test[H.test.length - 1]);
  }
  dirty.add('status');
  dirty.add('charts');
}

function onEval(m) {
  V.eval = m;
  if (m.galleryPred) V.galleryPred = m.galleryPred;
  const main = m.models[0];
  if (H.steps.length && H.steps[H.steps.length - 1] === main.steps) H.test[H.test.length - 1] = main.testAcc;
  if (P.steps.length && P.steps[P.steps.length - 1] === main.steps) P.test[P.test.length - 1] = main.testAcc;
  if (m.models.length > 1 && CMP.steps[CMP.steps.length - 1] !== main.steps) {
    CMP.steps.push(main.steps);
    m.models.forEach((mm, i) => (CMP.acc[i] ||= []).push(mm.testAcc));
    while (CMP.acc.length < m.models.length) CMP.acc.push([]);
  }
  dirty.add('status');
  dirty.add('charts');
  dirty.add('gallery');
  dirty.add('confusion');
  dirty.add('ops');
  dirty.add('compare');
}

// ---------------------------------------------------------------- rendering (paced, split into short tasks)
// Rendering runs in short, separate tasks so that no single main-thread task does much work:
//   tick (a task, paced while training) → each heavy view (canvas or chart) in its own task, at most
//   HEAVY_PER_TICK of them → one animation frame with the light views (status text), in which the
//   browser lays out, paints and commits everything drawn since the last frame.
// While training, ticks are paced to ≤ 1 per FRAME_MS: every rendered frame costs style, layout,
// paint and a compositor commit on the main thread however little changes, and the worker's
// messages arrive at ≤ 10 Hz anyway. Paused, the page draws at once.
const FRAME_MS = 150;
const HEAVY_PER_TICK = 3;
const CHART_MS = 400; // while training, each chart redraws at most this often
let pending = false;
let lastTick = -Infinity;
const taskChannel = new MessageChannel();
let taskFn = null;
taskChannel.port1.onmessage = () => {
  const f = taskFn;
  taskFn = null;
  f?.();
};
const nextTask = (f) => {
  taskFn = f;
  taskChannel.port2.postMessage(0);
};
function schedule() {
  if (pending) return;
  pending = true;
  const wait = V.playing ? FRAME_MS - (performance.now() - lastTick) : 0;
  if (wait > 4) setTimeout(tick, wait);
  else nextTask(tick);
}

// Charts are created on first use, each inside its own animation frame, so that page start-up is
// not one long task.
const CHART_MAKERS = {
  loss: () => lineChart($('ch-loss'), { height: 150, series: [{ label: 'train loss' }], legend: false }),
  acc: () => lineChart($('ch-acc'), { height: 150, series: [{ label: 'train', stroke: '#f59322' }, { label: 'test', stroke: '#0877bd', width: 2 }], percent: true }),
  rates: () => lineChart($('ch-rates'), { height: 120, series: [{ label: 'layer1' }, { label: 'layer2' }], percent: true }),
  grads: () => lineChart($('ch-grads'), { height: 120, series: [{ label: 'layer1' }, { label: 'layer2' }, { label: 'readout' }], log: true }),
  cmpacc: () => lineChart($('ch-cmpacc'), { height: 200, series: [{ label: 'S³NN' }], percent: true }),
  surrogate: () => surrogateChart($('ch-surrogate'), 200),
};
const charts = {};
for (const [k, make] of Object.entries(CHART_MAKERS)) {
  let c = null;
  Object.defineProperty(charts, k, { get: () => (c ||= make()), enumerable: true });
}

// Each frame draws at most a few views (the dirtiest first) so that no frame becomes a long task;
// what is left waits for the next frame.
const slowViews = [];
// ?perf in the URL labels every view draw in the Performance panel / trace (user timing).
const PERF_MARKS = /[?&]perf\b/.test(location.search);
function timed(name, fn) {
  const t0 = performance.now();
  fn();
  const dt = performance.now() - t0;
  if (PERF_MARKS) {
    performance.measure(`view:${name}`, { start: t0, duration: dt });
    performance.clearMeasures();
  }
  if (dt > 12) {
    slowViews.push({ name, ms: Math.round(dt), at: Math.round(t0) });
    if (slowViews.length > 50) slowViews.shift();
  }
  return dt;
}
const VIEWS = [
  ['status', () => renderStatus(), true],
  ['loading', () => renderLoading(), true],
  ['boundary', () => renderBoundary()],
  ['probe', () => renderProbe()],
  ['raster', () => V.raster && drawRaster($('raster'), V.raster)],
  ['surrogate', () => renderSurrogate()],
  ['ops', () => renderOps()],
  ['gallery', () => renderGallery()],
  ['confusion', () => renderConfusion()],
  ['compare', () => renderCompare()],
  ['cmpboundary', () => renderCompareBoundaries()],
  ['chart:loss', () => charts.loss.setData([P.steps, P.loss])],
  ['chart:acc', () => charts.acc.setData([P.steps, P.train, P.test])],
  ['chart:rates', () => renderRates()],
  ['chart:grads', () => renderGrads()],
  ['chart:cmpacc', () => renderCmpAcc()],
];
const CHART_VIEWS = VIEWS.filter(([n]) => n.startsWith('chart:')).map(([n]) => n);
let rr = 0; // round-robin start, so every dirty view gets its turn
let heavyLeft = 0;
const chartTimes = {};
function tick() {
  lastTick = performance.now();
  if (dirty.has('all')) {
    // A new run or data set may have shown or hidden panels: measure every canvas once, before any
    // write, and leave the drawing to the following ticks.
    dirty.delete('all');
    for (const [name] of VIEWS) dirty.add(name);
    document.querySelectorAll('main canvas').forEach((c) => {
      c.__cssW = undefined;
      cssWidth(c);
    });
    pending = false;
    schedule();
    return;
  }
  if (dirty.has('buttons')) {
    dirty.delete('buttons');
    dirty.add('status');
  }
  if (dirty.has('charts')) {
    dirty.delete('charts');
    for (const n of CHART_VIEWS) dirty.add(n);
  }
  heavyLeft = HEAVY_PER_TICK;
  heavyStep();
}
const chartWaits = (name, now) => name.startsWith('chart:') && V.playing && now - (chartTimes[name] || 0) < CHART_MS;
function nextHeavy(now) {
  for (let k = 0; k < VIEWS.length; k++) {
    const i = (rr + k) % VIEWS.length;
    const [name, , light] = VIEWS[i];
    if (!light && dirty.has(name) && !chartWaits(name, now)) return i;
  }
  return -1;
}
function heavyStep() {
  const now = performance.now();
  const i = heavyLeft > 0 ? nextHeavy(now) : -1;
  if (i >= 0) {
    const [name, fn] = VIEWS[i];
    dirty.delete(name);
    timed(name, fn);
    if (name.startsWith('chart:')) chartTimes[name] = now;
    rr = (i + 1) % VIEWS.length;
    heavyLeft--;
    if (heavyLeft > 0 && nextHeavy(now) >= 0) {
      nextTask(heavyStep);
      return;
    }
  }
  requestAnimationFrame(frame);
}
function frame() {
  pending = false;
  for (const [name, fn, light] of VIEWS) {
    if (light && dirty.has(name)) {
      dirty.delete(name);
      timed(name, fn);
    }
  }
  if (dirty.size) {
    const now = performance.now();
    if ([...dirty].every((n) => chartWaits(n, now))) setTimeout(schedule, 100);
    else schedule();
  }
}

const ICON_PLAY = '<svg viewBox="0 0 24 24" width="20" height="20"><path d="M8 5v14l11-7z" fill="currentColor"/></svg>';
const ICON_PAUSE = '<svg viewBox="0 0 24 24" width="20" height="20"><path d="M6 5h4v14H6zM14 5h4v14h-4z" fill="currentColor"/></svg>';
const fmtPct = (v) => (v === null || v === undefined || Number.isNaN(v) ? '–' : `${(v * 100).toFixed(1)}%`);
function fmtNum(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.01) return v.toFixed(2);
  return v.toExponential(1);
}
const fmtInt = (v) => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));

function renderStatus() {
  const b = $('b-play');
  setHtml(b, V.playing ? ICON_PAUSE : ICON_PLAY);
  b.classList.toggle('on', V.playing);
  const p = V.progress;
  const main = p?.models?.[0];
  if (main) {
    setText($('s-epoch'), String(Math.floor(main.epoch)));
    const bw = `${((main.epoch % 1) * 100).toFixed(0)}%`;
    if ($('s-epochbar').style.width !== bw) $('s-epochbar').style.width = bw;
    setText($('s-steps'), fmtInt(main.steps));
    setText($('s-rate'), V.playing && p.samplesPerSec ? fmtInt(p.samplesPerSec) : '–');
    setText($('s-loss'), main.steps ? fmtNum(main.loss) : '–');
    setText($('s-train'), main.steps ? fmtPct(main.acc) : '–');
  }
  const ev = V.eval?.models?.[0];
  setText($('s-test'), ev ? fmtPct(ev.testAcc) : '–');
  const mi = V.models?.[0];
  if (mi) setText($('s-arch'), `${mi.arch} · ${mi.neuron} · ${fmtInt(mi.params)} params${V.models.length > 1 ? ` · ${V.models.length} models` : ''}`);
}

function renderLoading() {
  const l = V.loading;
  const show = l && !l.done;
  $('loadbar').hidden = !show;
  if (show) {
    const mb = (b) => (b / 1048576).toFixed(1);
    $('loadlabel').textContent = `Downloading ${l.label}: ${mb(l.loaded)} / ${l.total ? mb(l.total) : '?'} MB`;
    $('loadfill').style.width = l.total ? `${((100 * l.loaded) / l.total).toFixed(1)}%` : '30%';
  }
}

function renderBoundary() {
  if (!V.info || V.info.features !== 2) return;
  const probeX = V.probe?.x && V.probe.x.length === 2 ? V.probe.x : null;
  drawBoundary(boundaryCanvas, { boundary: V.boundary, points: V.points, region: V.region, probe: probeX, classes: V.info.classes });
}

let layerCanvases = [];
function renderProbe() {
  const p = V.probe;
  const box = $('spike-maps');
  if (!p) return;
  const hidden = p.layers;
  if (layerCanvases.length !== hidden.length || layerCanvases.some((c, i) => c.name !== hidden[i].name)) {
    box.innerHTML = '';
    layerCanvases = hidden.map((L, li) => {
      const wrap = document.createElement('div');
      wrap.className = 'layer-map';
      const head = document.createElement('div');
      head.className = 'lm-head';
      const canvas = document.createElement('canvas');
      canvas.dataset.layer = li;
      wrap.append(head, canvas);
      box.appendChild(wrap);
      const entry = { name: L.name, head, canvas, layout: null, li };
      canvas.addEventListener('mousemove', (ev) => onGridHover(entry, ev));
      canvas.addEventListener('mouseleave', () => {
        V.hover = null;
        releaseImages(V.region);
        V.region = null;
        dirty.add('boundary');
        dirty.add('probe');
        schedule();
      });
      return entry;
    });
    // Draw in the next frame, after the browser has laid out the new canvases on its own.
    dirty.add('probe');
    return;
  }
  hidden.forEach((L, i) => {
    const e = layerCanvases[i];
    const n = L.spikes.length;
    let s = 0;
    for (let k = 0; k < n; k++) s += L.spikes[k];
    const sh = L.shape && L.kind === 'conv' ? ` ${L.shape.c}×${L.shape.h}×${L.shape.w}` : ` ${n / (L.steps || 1)} neurons`;
    setHtml(e.head, `<span><b>${L.name}</b>${sh}${L.steps > 1 ? ` · T=${L.steps}` : ''}</span><span>${fmtInt(s)} spikes · ${fmtPct(L.firingRate)}</span>`);
    e.layout = drawSpikeGrid(e.canvas, L, V.hover && V.hover.layer === i ? V.hover.neuron : -1);
  });
  // prediction
  const classes = V.info?.classes || p.proba.length;
  const names = V.info?.classNames || [];
  let best = 0;
  for (let k = 1; k < classes; k++) if (p.proba[k] > p.proba[best]) best = k;
  const src = p.source?.kind === 'test' ? `test #${p.source.index}${p.source.label !== undefined ? ` (label ${names[p.source.label] ?? p.source.label})` : ''}` : p.source?.kind === 'drawn' ? 'your drawing' : p.x.length === 2 ? `point (${p.x[0].toFixed(2)}, ${p.x[1].toFixed(2)})` : 'input';
  const nm = (k) => names[k] ?? String(k);
  const rows = [];
  const order = [...Array(classes).keys()].sort((a, b) => p.proba[b] - p.proba[a]).slice(0, 5);
  for (const k of order) rows.push(`<span>${nm(k)}</span><div class="bar" style="width:${(100 * p.proba[k]).toFixed(1)}%;background:${classCss(k)}"></div><span>${(100 * p.proba[k]).toFixed(1)}%</span>`);
  setHtml($('probe-out'), `<div class="small">${src} → prediction</div><div class="pred" id="prediction" data-class="${best}" style="color:${classCss(best)}">${nm(best)}</div><div class="bars">${rows.join('')}</div>`);
}
function setHtml(el, html) {
  if (el.__html !== html) {
    el.__html = html;
    el.innerHTML = html;
  }
}
function setText(el, text) {
  if (el.__text !== text) {
    el.__text = text;
    el.textContent = text;
  }
}

let hoverTimer = 0;
function onGridHover(entry, ev) {
  if (!V.info || V.info.features !== 2 || !entry.layout || entry.layout.conv) return;
  const r = entry.canvas.getBoundingClientRect();
  const s = entry.layout.s;
  const gx = Math.floor((ev.clientX - r.left) / s);
  const gy = Math.floor((ev.clientY - r.top) / s);
  if (gx < 0 || gx >= entry.layout.gw || gy < 0) return;
  const neuron = gy * entry.layout.cols + gx;
  if (neuron >= entry.layout.n) return;
  if (V.hover && V.hover.layer === entry.li && V.hover.neuron === neuron) return;
  V.hover = { layer: entry.li, neuron };
  dirty.add('probe');
  schedule();
  entry.canvas.title = `${entry.name} neuron ${neuron}: shaded region = where it spikes`;
  clearTimeout(hoverTimer);
  hoverTimer = setTimeout(() => worker.postMessage({ type: 'region', layer: entry.li, neuron }), 30);
}

function renderSurrogate() {
  const s = V.surrogate;
  if (!s) return;
  const main = s.curves[0];
  const x = Array.from(main.x);
  const label = R.neuron === 'relu' || R.neuron === 'bnn' ? 'S³NN (reference)' : main.cfg.kind;
  $('sg-name').textContent = R.neuron === 'relu' ? 'ReLU is full precision: no surrogate; S³NN shown' : R.neuron === 'bnn' ? 'BNN uses a clipped straight-through estimator; S³NN shown' : `${main.cfg.kind} ${Object.entries(main.cfg).filter(([k]) => k !== 'kind').map(([k, v]) => `${k}=${fmtNum(v)}`).join(' ')}`;
  // One histogram slot per hidden layer from the model spec, so that the chart is not rebuilt when
  // the first histograms arrive.
  const spec = V.models?.[0]?.spec;
  const nHidden = spec?.hidden ? spec.hidden.filter((l) => !/pool/i.test(l.type)).length : V.hist?.layers.length ?? 0;
  let hists = Array.from({ length: nHidden }, (_, i) => ({ name: `layer${i + 1}`, values: x.map(() => null) }));
  if (V.hist && V.hist.layers.length === nHidden) {
    const { lo, hi, bins } = V.hist;
    const w = (hi - lo) / bins;
    hists = V.hist.layers.map((h) => ({
      name: h.name,
      values: x.map((xv) => {
        const b = Math.min(bins - 1, Math.max(0, Math.floor((xv - lo) / w)));
        return h.counts[b];
      }),
    }));
  }
  const grad = Array.from(main.grad);
  const primitive = Array.from(main.primitive);
  V.surrogatePlot = { cfg: main.cfg, lo: SG_LO, hi: SG_HI, n: SG_N, x, grad, primitive };
  charts.surrogate.set({
    x,
    main: { label, grad },
    primitive,
    showPrimitive: $('c-primitive').checked,
    overlays: s.curves.slice(1).map((c) => ({ label: c.cfg.kind, grad: Array.from(c.grad) })),
    hists,
  });
}

function opsNumbers(ops) {
  // OpReport counts are already per inference (means over `samples` inputs).
  return { n: ops.samples || 1, per: (v) => v ?? 0 };
}

function renderOps() {
  const mode = $('c-opsview').value;
  const ops = mode === 'test' ? V.eval?.models?.[0]?.ops : V.probe?.ops;
  const table = $('ops-table');
  if (!ops) {
    table.innerHTML = '';
    table.__key = null;
    return;
  }
  V.shownOps = { mode, ops };
  const { per } = opsNumbers(ops);
  // Rebuild the rows only when the layer list changes; otherwise update cell text in place.
  const key = `${ops.layers.map((L) => `${L.name}:${L.input}`).join(',')}|${ops.samples}`;
  if (table.__key !== key) {
    table.__key = key;
    const cells = '<td data-k="macs"></td><td data-k="acs"></td><td data-k="firingRate"></td><td data-k="energyPj"></td>';
    table.innerHTML = `<tr><th>layer · input</th><th>MACs</th><th>ACs</th><th>rate</th><th>pJ</th></tr>${ops.layers
      .map((L, i) => `<tr data-layer="${i}"><td>${L.name} <span class="tag-${L.input}">${L.input}</span></td>${cells}</tr>`)
      .join('')}<tr class="total"><td>total${ops.samples > 1 ? ` (mean of ${fmtInt(ops.samples)} test inputs)` : ''}</td><td data-k="macs"></td><td data-k="acs"></td><td></td><td data-k="energyPj"></td></tr>`;
    table.__rows = [...table.querySelectorAll('tr[data-layer], tr.total')].map((tr) => [...tr.querySelectorAll('td[data-k]')]);
  }
  const fmtCell = { macs: (v) => fmtInt(per(v)), acs: (v) => fmtInt(per(v)), energyPj: (v) => fmtNum(per(v)), firingRate: (v) => (v === null || v === undefined ? '–' : fmtPct(v)) };
  const isReadout = (L) => /readout|output/i.test(L.name || '') || L.kind === 'readout';
  const srcs = [...ops.layers, ops];
  table.__rows.forEach((tds, i) => {
    for (const td of tds) {
      const v = srcs[i][td.dataset.k];
      const sv = String(v);
      if (td.dataset.v !== sv) {
        td.dataset.v = sv;
        td.textContent = td.dataset.k === 'firingRate' && isReadout(srcs[i]) ? '–' : fmtCell[td.dataset.k](v);
      }
    }
  });
  const me = per(ops.energyPj);
  const label = V.models?.[0]?.neuron ?? R.neuron;
  drawBars(
    $('energy'),
    [
      { label: `this net (${label})`, value: me, color: '#f59322', note: ops.annEnergyPj ? `${(me / per(ops.annEnergyPj)).toFixed(2)}× ANN` : '' },
      { label: 'same net as ANN', value: per(ops.annEnergyPj), color: '#0877bd', note: '' },
      { label: `as SNN, T=${ops.snnSteps ?? R.T}`, value: per(ops.snnEnergyPj), color: '#8e44ad', note: ops.annEnergyPj ? `${(per(ops.snnEnergyPj) / per(ops.annEnergyPj)).toFixed(2)}× ANN` : '' },
    ],
    'pJ',
    'Energy per inference',
  );
}

function renderGallery() {
  if (!V.gallery || !V.info || V.info.features === 2) return;
  galleryHit = drawGallery($('gallery'), V.gallery, V.galleryPred, V.info.classNames, V.info.shape);
}
function renderConfusion() {
  if (!V.info || V.info.features === 2) return;
  const conf = V.eval?.confusion;
  if (conf && conf.length) drawConfusion($('confusion'), conf, V.info.classes, V.info.classNames);
}

let cmpCanvases = [];
function renderCompareBoundaries() {
  const box = $('cmp-boundaries');
  const b = V.boundary;
  const show = !!(R.compare && b && b.others?.length && V.info?.features === 2);
  box.hidden = !show;
  if (!show) return;
  const all = [{ label: V.eval?.models?.[0]?.label ?? 'S³NN', proba: b.proba, image: b.image }, ...b.others];
  if (cmpCanvases.length !== all.length) {
    box.innerHTML = '';
    cmpCanvases = all.map(() => {
      const wrap = document.createElement('div');
      const head = document.createElement('div');
      head.className = 'cb-head';
      const canvas = document.createElement('canvas');
      canvas.__square = true;
      wrap.append(head, canvas);
      box.appendChild(wrap);
      return { head, canvas };
    });
    dirty.add('cmpboundary');
    return;
  }
  all.forEach((m, i) => {
    const acc = V.eval?.models?.[i]?.testAcc;
    setHtml(cmpCanvases[i].head, `<b style="color:${SERIES[i]}">${m.label}</b><span>${fmtPct(acc)}</span>`);
    drawBoundary(cmpCanvases[i].canvas, { boundary: { image: m.image, res: b.res, classes: b.classes, domain: b.domain }, points: V.testPoints, legend: false });
  });
}

function renderCompare() {
  if (!R.compare || !V.eval || V.eval.models.length < 2) return;
  const ms = V.eval.models;
  const bars = ms.map((m, i) => {
    const o = m.ops;
    return { label: m.label, value: o ? o.energyPj : 0, color: SERIES[i % SERIES.length], note: '' };
  });
  const ann = bars[1]?.value;
  bars.forEach((b) => (b.note = ann ? `${(b.value / ann).toFixed(2)}× ANN` : ''));
  drawBars($('cmp-energy'), bars, 'pJ');
  $('cmp-table').innerHTML = `<tr><th>model</th><th>test acc</th><th>MACs</th><th>ACs</th><th>pJ / inference</th></tr>${ms
    .map((m, i) => `<tr data-model="${i}"><td style="color:${SERIES[i]}">${m.label}</td><td data-k="testAcc" data-v="${m.testAcc}">${fmtPct(m.testAcc)}</td><td>${fmtInt(m.ops?.macs ?? 0)}</td><td>${fmtInt(m.ops?.acs ?? 0)}</td><td>${fmtNum(bars[i].value)}</td></tr>`)
    .join('')}`;
}

const layerLabels = (n, last) => Array.from({ length: n }, (_, i) => ({ label: last && i === n - 1 ? last : `layer${i + 1}` }));
function renderRates() {
  const nl = P.rates.length;
  if (!nl) return charts.rates.setData([[], ...charts.rates.series.map(() => [])]);
  if (charts.rates.series.length !== nl) charts.rates.setSeries(layerLabels(nl));
  charts.rates.setData([P.steps, ...P.rates]);
}
function renderGrads() {
  const ng = P.grads.length;
  if (!ng) return charts.grads.setData([[], ...charts.grads.series.map(() => [])]);
  if (charts.grads.series.length !== ng || charts.grads.series[ng - 1].label !== 'readout') charts.grads.setSeries(layerLabels(ng, 'readout'));
  charts.grads.setData([P.steps, ...P.grads]);
}
function renderCmpAcc() {
  if (!R.compare || !CMP.steps.length || !V.eval) return;
  charts.cmpacc.setSeries(V.eval.models.map((m) => ({ label: m.label })));
  charts.cmpacc.setData([CMP.steps, ...V.eval.models.map((_, i) => CMP.acc[i] || [])]);
}
$('c-opsview').addEventListener('change', () => (dirty.add('ops'), schedule()));
window.addEventListener('resize', () => (dirty.add('all'), schedule()));

// ---------------------------------------------------------------- test hook (read-only)
function probeSummary() {
  const p = V.probe;
  if (!p) return null;
  const classes = p.proba.length;
  let best = 0;
  for (let k = 1; k < classes; k++) if (p.proba[k] > p.proba[best]) best = k;
  return {
    at: p.at,
    modelVersion: p.modelVersion,
    source: p.source,
    x: Array.from(p.x),
    prediction: best,
    proba: Array.from(p.proba),
    layers: p.layers.map((L) => {
      let s = 0;
      let h = 0;
      for (let k = 0; k < L.spikes.length; k++) {
        s += L.spikes[k];
        if (L.spikes[k]) h = (h * 31 + k + 1) % 1000000007;
      }
      return { name: L.name, kind: L.kind, neurons: L.spikes.length / (L.steps || 1), steps: L.steps, spikes: s, firingRate: L.firingRate, pattern: h };
    }),
    ops: p.ops,
  };
}
const hook = {};
const getters = {
  ready: () => V.ready && !!V.models.length,
  fatal: () => V.fatal,
  playing: () => V.playing,
  config: () => ({ ...R }),
  hash: () => location.hash,
  info: () => V.info,
  models: () => V.models,
  modelVersion: () => V.modelVersion,
  trainSteps: () => V.progress?.models?.[0]?.steps ?? 0,
  samples: () => V.progress?.models?.[0]?.samples ?? 0,
  epoch: () => V.progress?.models?.[0]?.epoch ?? 0,
  loss: () => V.progress?.models?.[0]?.loss ?? null,
  trainAccuracy: () => V.progress?.models?.[0]?.acc ?? null,
  testAccuracy: () => V.eval?.models?.[0]?.testAcc ?? null,
  testAccuracyAt: () => V.eval?.models?.[0]?.steps ?? null,
  testSamples: () => V.eval?.models?.[0]?.evalSamples ?? null,
  evalFull: () => V.eval?.full ?? false,
  epochEvals: () => V.epochEvals,
  samplesPerSec: () => V.progress?.samplesPerSec ?? 0,
  slowViews: () => [...slowViews],
  maxSamplesPerSec: () => V.maxRate,
  compare: () => (V.eval?.models || []).map((m) => ({ label: m.label, neuron: m.neuron, steps: m.steps, testAcc: m.testAcc, energyPj: m.ops ? m.ops.energyPj : null })),
  progressModels: () => V.progress?.models ?? [],
  probe: probeSummary,
  boundaryAt: () => (V.boundary && V.boundary.modelVersion === V.modelVersion ? V.boundary.at : null),
  boundaryProba: () => (V.boundary ? Array.from(V.boundary.proba) : null),
  surrogatePlot: () => V.surrogatePlot,
  shownOps: () => V.shownOps,
  galleryPred: () => (V.galleryPred ? Array.from(V.galleryPred) : null),
  message: () => V.message,
  loading: () => V.loading,
  history: () => ({ steps: [...H.steps], loss: [...H.loss], train: [...H.train], test: [...H.test] }),
};
for (const [k, f] of Object.entries(getters)) Object.defineProperty(hook, k, { get: f, enumerable: true });
Object.defineProperty(window, '__s3nn', { value: Object.freeze(hook), writable: false, configurable: false });

// ---------------------------------------------------------------- start
syncControls();
drawPad();
configure({ autoplay: true });
