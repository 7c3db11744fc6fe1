// The run's model(s): built from the run config and the catalog (one model, or one per neuron
// family in compare mode), trained in chunks, replaced by a loaded model file.
import { paramsTaken, compareNeurons, neuronOfSpec, surrogateOf, curveConfig } from '../catalog.js';
import { session } from './session.js';

function inputSpec(c) {
  const [ch, h, w] = session.info.shape;
  const conv = /(^|-)c\d/.test(c.arch);
  if (conv && h > 1) return `${ch}x${h}x${w}`;
  return String(session.info.features);
}

const datasetEpochs = (c) => session.catalog.datasets.find((d) => d.name === c.data)?.epochs ?? 10;

function archString(c) {
  const hidden = String(c.arch).trim().replace(/\s+/g, '').replace(/^-+|-+$/g, '');
  return [inputSpec(c), hidden, session.info.classes].filter((p) => p !== '').join('-');
}

/** The Network config of a model of `neuron` in run `c`: the parameters it takes from the run. */
function netConfig(c, neuron) {
  const cfg = { arch: archString(c), neuron, optimizer: c.opt, lr: c.lr, seed: c.seed };
  for (const p of paramsTaken(session.catalog, neuron, c.neuron)) if (c[p.name] !== null && c[p.name] !== undefined) cfg[p.name] = c[p.name];
  const cat = session.catalog;
  if (c.bn) cfg.batchNorm = true;
  const sched = cat.schedules.find((s) => s.name === c.sched);
  if (sched && sched !== cat.schedules[0]) {
    cfg.lrSchedule = sched.name;
    cfg.epochs = c.until > 0 ? c.until : datasetEpochs(c); // cosine's T_max: the epoch limit, else the data preset's epochs
    for (const p of sched.params) if (c[p.name] !== null && c[p.name] !== undefined) cfg[p.name] = c[p.name];
  }
  for (const p of cat.ratePenalty) if (c[p.name] !== null && c[p.name] !== undefined && c[p.name] !== p.default) cfg[p.name] = c[p.name];
  return cfg;
}

/**
 * The run's surrogate parameters changed (run config `c`): each model whose neuron takes them goes
 * on through the new surrogate (`setSurrogate` keeps weights and optimizer state), and the run's
 * config remembers them (a reset builds the same).
 */
export function setSurrogates(c) {
  const cat = session.catalog;
  for (const m of session.models) {
    const s = surrogateOf(cat, m.neuron);
    if (!s) continue;
    const taken = new Set(paramsTaken(cat, m.neuron, c.neuron).map((p) => p.name));
    if (!s.params.some((p) => taken.has(p.name))) continue;
    m.net.setSurrogate(curveConfig(s, c));
  }
  if (session.cfg) for (const s of cat.surrogates) for (const p of s.params) session.cfg[p.name] = c[p.name];
}

export function freeModels() {
  for (const m of session.models) m.net.free();
  session.models = [];
}

function makeModel(label, neuron, net) {
  return { label, neuron, net, steps: 0, samples: 0, epoch: 0, loss: NaN, acc: NaN, testAcc: NaN, testLoss: NaN, rate: 0, gradNorms: [], firingRates: [], ops: null, epochEvals: [] };
}

export function buildModels(c) {
  freeModels();
  const cat = session.catalog;
  const list = c.compare ? compareNeurons(cat, c.neuron).map((n) => ({ label: n.label, neuron: n.name })) : [{ label: c.neuron, neuron: c.neuron }];
  for (const m of list) session.models.push(makeModel(m.label, m.neuron, new session.pkg.Network(netConfig(c, m.neuron))));
  session.modelVersion++;
}

/** ModelInfo of each model, for the page (protocol.js). */
export function modelInfo() {
  return session.models.map((m) => {
    let spec = null;
    try {
      spec = m.net.spec();
    } catch {
      spec = null;
    }
    return { label: m.label, neuron: m.neuron, arch: m.net.arch(), params: m.net.parameterCount, steps: m.net.steps, spec };
  });
}

/**
 * Reads a model file: {net} if it can be read and fits the data set (input features and classes
 * of its spec), else {error}.
 */
export function readModel(bytes) {
  let net;
  try {
    net = session.pkg.Network.load(new Uint8Array(bytes));
  } catch (e) {
    return { error: (e && e.message) || String(e) };
  }
  const spec = net.spec();
  const { info } = session;
  if (spec.input.reduce((a, b) => a * b, 1) !== info.features || spec.classes !== info.classes) {
    const error = `model ${net.arch()} does not fit the data set (${info.features} inputs, ${info.classes} classes)`;
    net.free();
    return { error };
  }
  return { net };
}

/** Replaces the model(s) with a read model file (training must be stopped). */
export function adoptModel(net) {
  freeModels();
  const neuron = neuronOfSpec(session.catalog, net.spec().neuron) ?? 'loaded';
  session.models = [makeModel(`loaded ${net.arch()}`, neuron, net)];
  session.modelVersion++;
}

let rateWindow = [];
export const resetRate = () => (rateWindow = []);

/** Trains every model n mini-batches; returns the time taken and the models that crossed an epoch. */
export function trainChunk(n) {
  const { train, cfg } = session;
  const t0 = performance.now();
  let samples = 0;
  const epochCrossed = [];
  for (const m of session.models) {
    const r = m.net.trainSteps(train, n, cfg.bs);
    const before = m.samples;
    m.steps += r.steps ?? n;
    m.samples += r.samples ?? n * cfg.bs;
    samples += r.samples ?? n * cfg.bs;
    m.epoch = m.samples / train.length;
    if (Math.floor(m.samples / train.length) > Math.floor(before / train.length)) epochCrossed.push(m);
    m.loss = r.loss;
    m.lr = r.lr ?? null;
    m.ratePenalty = r.ratePenalty ?? null;
    m.acc = r.accuracy;
    m.gradNorms = Array.from(r.gradNorms ?? []);
    m.firingRates = Array.from(r.firingRates ?? []);
  }
  const dt = performance.now() - t0;
  rateWindow.push([performance.now(), samples]);
  while (rateWindow.length > 1 && rateWindow[0][0] < performance.now() - 2000) rateWindow.shift();
  return { dt, epochCrossed };
}

/** Training throughput over the last 2 s. */
export function samplesPerSec() {
  if (rateWindow.length < 2) return 0;
  const span = rateWindow[rateWindow.length - 1][0] - rateWindow[0][0];
  const s = rateWindow.slice(1).reduce((a, [, n]) => a + n, 0);
  return span > 0 ? (s / span) * 1000 : 0;
}
