// What the page knows: the latest of each worker message, taken in by `take` (the only writer of
// worker data). Views read it; they never talk to the model. `store.run` is the resolved run
// configuration (written by controls.js).
import { FROM_WORKER, receive } from './protocol.js';
import { releaseImages } from './draw.js';
import { resetHistory, recordProgress, recordEval } from './history.js';
import { showMessage } from './message.js';
import { datasetInfo } from './catalog.js';

export const store = {
  run: null, // resolved URL state (controls.js)
  ready: false,
  fatal: null,
  playing: false,
  catalog: null,
  info: null, // DataInfo, with class names filled in
  models: [],
  modelVersion: 0,
  pkg: null,
  progress: null,
  eval: null,
  epochEvals: [],
  points: null, // 2-D sets: {train, test, domain}
  testPoints: null,
  gallery: null,
  galleryPred: null,
  boundary: null,
  region: null,
  hover: null, // {layer, neuron} under the pointer in a spike map
  probe: null,
  raster: null,
  graph: null, // the network graph's data (worker/graph.js)
  sparsity: null, // per hidden layer: dead and always-on neuron counts, rate histogram (views/sparsity.js)
  hist: null,
  surrogate: null,
  surrogateSeq: 0, // the last surrogate request; older replies are dropped
  surrogatePlot: null,
  shownOps: null,
  maxRate: 0,
  loading: null,
  csvOk: false,
  csvText: null, // the last CSV sent to the worker
  loadPending: null, // bytes of a model file sent to the worker
  loadedFile: null, // bytes of the model file the run started from (Reset reloads it)
};

/** Forgets the run's history and the views that belong to the old model. */
export function resetRun() {
  resetHistory();
  store.epochEvals = [];
  store.eval = null;
  store.maxRate = 0;
  releaseImages(store.region);
  store.region = null;
}

/** Generic class names where the data set has none (the catalog names Fashion's classes). */
function withNames(info) {
  if (!info) return info;
  const generic = !info.classNames?.length || info.classNames.every((n, i) => n === String(i));
  const known = store.catalog && datasetInfo(store.catalog, info.data)?.classNames;
  if (generic && known?.length) return { ...info, classNames: known };
  if (generic) return { ...info, classNames: Array.from({ length: info.classes }, (_, i) => (info.kind === 'image' ? String(i) : `class ${i}`)) };
  return info;
}

/** Takes in one worker message (before the bus announces it). */
export const take = receive(FROM_WORKER, {
  ready(m) {
    store.ready = true;
    store.pkg = { version: m.version, isa: m.isa };
    store.catalog = m.catalog;
  },
  fatal(m) {
    store.fatal = m.message;
    showMessage(m.message);
  },
  error(m) {
    showMessage(`${m.where}: ${m.message}`);
  },
  loading(m) {
    store.loading = m;
  },
  data(m) {
    store.info = withNames(m.info);
    store.points = m.train ? { train: m.train, test: m.test, domain: m.domain } : null;
    store.testPoints = m.train ? { test: m.test, domain: m.domain } : null;
    store.gallery = m.gallery || null;
    store.galleryPred = null;
  },
  reset(m) {
    store.info = withNames(m.info);
    store.models = m.models;
    store.modelVersion = m.modelVersion;
    if (!store.fatal) showMessage('');
    resetRun();
  },
  loaded(m) {
    store.loadedFile = store.loadPending;
    store.loadPending = null;
    store.models = m.models;
    store.modelVersion = m.modelVersion;
    resetRun();
    showMessage('');
  },
  models(m) {
    store.models = m.models; // the same run, its models described anew (a new surrogate)
  },
  state(m) {
    store.playing = m.playing;
  },
  progress(m) {
    store.progress = m; // (the play state comes only from 'state' messages)
    store.maxRate = Math.max(store.maxRate, m.samplesPerSec || 0);
    recordProgress(m.models[0], store.eval?.models?.[0]?.testAcc ?? null);
  },
  eval(m) {
    store.eval = m;
    if (m.galleryPred) store.galleryPred = m.galleryPred;
    recordEval(m.models);
  },
  epoch(m) {
    store.epochEvals = m.models;
  },
  boundary(m) {
    releaseImages(store.boundary);
    store.boundary = m;
  },
  region(m) {
    releaseImages(store.region);
    store.region = store.hover ? m : null;
    if (!store.region) releaseImages(m);
  },
  probe(m) {
    store.probe = m;
  },
  raster(m) {
    releaseImages(store.raster);
    store.raster = m;
  },
  hist(m) {
    store.hist = m;
  },
  graph(m) {
    store.graph = m;
  },
  surrogate(m) {
    if (m.seq === store.surrogateSeq) store.surrogate = m;
  },
  csvError(m) {
    showMessage(`CSV not loaded: ${m.message}`);
  },
  csvOk() {
    store.csvOk = true;
    showMessage('');
  },
  loadError(m) {
    store.loadPending = null;
    showMessage(`Model not loaded: ${m.message}`);
  },
});
