// The training worker's entry: loads the wasm package, answers the page's messages
// (protocol.js) and runs the training loop in ~CHUNK_MS chunks so that messages are handled
// between them. The page only sends commands and draws what comes back.
import { TO_WORKER, FROM_WORKER, receive } from '../protocol.js';
import { session, post, fail, errText } from './session.js';
import { buildData, dataKey, takeCsv } from './data.js';
import { buildModels, freeModels, modelInfo, readModel, adoptModel, trainChunk, samplesPerSec, resetRate, setSurrogates } from './models.js';
import { prepareViews, forgetProbe, setProbe, sendData, evaluateAll, sendProbe, sendViews, refreshViews, sendRegion } from './probes.js';

const pkgReady = (async () => {
  // The package's browser entry picks the build: the threaded one when this page is cross-origin
  // isolated (its pool's Web Workers are started from this worker, so training stays off the
  // page's main thread), else the single-thread one.
  const mod = await import(new URL('../../pkg/s3nn_browser.js', import.meta.url).href);
  const wasm = await mod.default();
  session.pkg = mod;
  session.wasmMemory = wasm.memory;
  session.catalog = mod.catalog();
  session.energy = { eMacPj: session.catalog.energy.eMacPj, eAcPj: session.catalog.energy.eAcPj };
  return mod;
})();
const fatal = (e) => post(FROM_WORKER.fatal, { message: `could not load the wasm package (pkg/s3nn_browser.js): ${errText(e)}` });
const threadsInfo = () => ({ build: session.pkg.build, count: session.pkg.threadCount(), max: session.pkg.maxThreads() });

// ---------------------------------------------------------------- training loop
let playing = false;
let running = false;
let playIntent = null; // a play/pause that arrived while a configuration was being built wins over autoplay
let playUntil = 0; // > 0: the loop pauses by itself when the main model reaches this many steps
let chunk = 1; // mini-batches per model per chunk (adapted to ~CHUNK_MS)
let dataKeyNow = '';
const CHUNK_MS = 35;
const PROGRESS_MS = 100;
const EVAL_MS = { toy: 150, image: 1500 }; // quick evaluations while training, per data kind
const VIEWS_MS = { toy: 200, image: 1500 };
const MAX_CHUNK = 500;

const postState = () => post(FROM_WORKER.state, { playing });
// Pacing (the page's speed and epoch-limit controls): ≤ pace.stepsPerSec mini-batches a second
// when set, so that a toy set's training can be watched; play stops at pace.untilEpoch.
const pace = { stepsPerSec: 0, untilEpoch: 0 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const stopped = async () => {
  playing = false;
  while (running) await new Promise((r) => setTimeout(r, 5));
};

function sendProgress() {
  const { models, train } = session;
  post(FROM_WORKER.progress, {
    playing,
    samplesPerSec: samplesPerSec(),
    trainLen: train.length,
    models: models.map((m) => ({ label: m.label, neuron: m.neuron, steps: m.steps, samples: m.samples, epoch: m.epoch, loss: m.loss, acc: m.acc, lr: m.lr, ratePenalty: m.ratePenalty, gradNorms: m.gradNorms, firingRates: m.firingRates })),
  });
}

// A toy set crosses an epoch every few dozen steps: kept whole, the list (which every 'epoch'
// message copies to the page) grew without end and slowed training down. Past the cap, every other
// entry goes, keeping the first epoch and the newest, so the list still spans the whole run.
const EPOCH_EVALS_MAX = 200;
function noteEpochs(crossed) {
  for (const m of crossed) {
    m.epochEvals.push({ epoch: Math.round(m.epoch), testAcc: m.testAcc, steps: m.steps });
    const last = m.epochEvals.length - 1;
    if (last >= EPOCH_EVALS_MAX) m.epochEvals = m.epochEvals.filter((_, i) => i % 2 === 0 || i === last);
  }
}

const yieldNow = () =>
  new Promise((r) => {
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
    while (playing && session.models.length) {
      const left = playUntil > 0 ? playUntil - session.models[0].steps : Infinity;
      if (left <= 0) {
        playing = false;
        break;
      }
      if (pace.untilEpoch > 0 && session.models[0].epoch >= pace.untilEpoch) {
        playing = false;
        break;
      }
      // mini-batches to the epoch limit, so that a chunk does not run past it
      const toLimit = pace.untilEpoch > 0 ? Math.ceil((pace.untilEpoch * session.train.length - session.models[0].samples) / session.cfg.bs) : Infinity;
      const n = pace.stepsPerSec > 0 ? 1 : Math.max(1, Math.min(chunk, left, toLimit));
      const { dt, epochCrossed } = trainChunk(n);
      const perStep = dt / n;
      chunk = Math.max(1, Math.min(MAX_CHUNK, Math.round(CHUNK_MS / Math.max(perStep, 0.01))));
      const now = performance.now();
      if (epochCrossed.length) {
        evaluateAll(true);
        noteEpochs(epochCrossed);
        post(FROM_WORKER.epoch, { models: session.models.map((m) => ({ label: m.label, epochEvals: m.epochEvals })) });
        lastEval = now;
      }
      if (now - lastProgress > PROGRESS_MS) {
        sendProgress();
        lastProgress = now;
      }
      const kind = session.cfg.kind === 'image' ? 'image' : 'toy';
      if (now - lastEval > EVAL_MS[kind]) {
        evaluateAll(false);
        lastEval = performance.now();
      }
      if (now - lastViews > VIEWS_MS[kind]) {
        sendViews();
        lastViews = performance.now();
      }
      if (pace.stepsPerSec > 0) await sleep(Math.max(0, 1000 / pace.stepsPerSec - dt));
      else await yieldNow();
    }
  } catch (e) {
    playing = false;
    fail('train', e);
  }
  running = false;
  if (session.models.length && session.train) {
    sendProgress();
    refreshViews(true); // paused: the test figures are on the whole test set (the page says which)
  }
  postState();
}

// ---------------------------------------------------------------- commands
async function configure(c) {
  const wasPlaying = playing || running;
  playIntent = null;
  playUntil = 0;
  await stopped();
  const key = dataKey(c);
  const needData = key !== dataKeyNow || !session.train;
  session.cfg = c;
  session.energy = { eMacPj: c.emac, eAcPj: c.eac, eMemPj: c.emem ?? 0 };
  try {
    if (needData) {
      dataKeyNow = '';
      await buildData(c);
      dataKeyNow = key;
      forgetProbe();
      prepareViews(c);
    }
    buildModels(c);
  } catch (e) {
    freeModels();
    fail(TO_WORKER.config, e);
    postState();
    return;
  }
  resetRate();
  chunk = 1;
  if (needData) sendData();
  post(FROM_WORKER.reset, { seq: c.seq, info: session.info, models: modelInfo(), modelVersion: session.modelVersion, pkg: { version: session.pkg.version(), isa: session.pkg.activeIsa() } });
  sendProgress();
  refreshViews(false);
  if (playIntent ?? c.autoplay ?? wasPlaying) {
    playing = true;
    loop();
  }
  playIntent = null;
  postState();
}

async function stepN(n) {
  if (!session.models.length) return;
  await stopped();
  try {
    noteEpochs(trainChunk(n).epochCrossed);
    sendProgress();
    refreshViews(false);
  } catch (e) {
    fail('train', e);
  }
  postState();
}

const handle = receive(TO_WORKER, {
  config: (m) => configure(m.cfg),
  play(m) {
    playIntent = true;
    playUntil = m.until > 0 ? m.until : 0;
    if (!session.models.length) return;
    playing = true;
    postState();
    loop();
  },
  pause() {
    playIntent = false;
    playUntil = 0;
    playing = false;
    if (!running) postState();
  },
  step: (m) => stepN(m.n || 10),
  probe(m) {
    setProbe(m);
    if (session.models.length) sendProbe();
  },
  region: (m) => sendRegion(m.layer, m.neuron),
  surrogate(m) {
    const curves = [m.cfg, ...(m.overlays || [])].map((c) => {
      const r = session.pkg.surrogateCurve(c, m.lo, m.hi, m.n);
      return { cfg: c, x: r.x.slice(), grad: r.grad.slice(), primitive: r.primitive.slice() };
    });
    post(FROM_WORKER.surrogate, { seq: m.seq, curves });
  },
  energy(m) {
    session.energy = { eMacPj: m.emac, eAcPj: m.eac, eMemPj: m.emem ?? 0 };
    if (session.cfg) {
      session.cfg.emac = m.emac;
      session.cfg.eac = m.eac;
      session.cfg.emem = m.emem;
    }
    if (session.models.length && !playing) {
      evaluateAll(false);
      sendProbe();
    }
  },
  csv: (m) => takeCsv(m.text, m.seed),
  save(m) {
    const main = session.models[0];
    // A NIR graph for neuromorphic tools (toNir refuses, with the reason, what NIR cannot express).
    const format = m.format === 'nir' ? 'nir' : 'safetensors';
    const bytes = (format === 'nir' ? main.net.toNir() : main.net.save()).slice();
    post(FROM_WORKER.saved, { bytes, arch: main.net.arch(), neuron: main.neuron, format }, [bytes.buffer]);
  },
  pace(m) {
    pace.stepsPerSec = m.stepsPerSec > 0 ? m.stepsPerSec : 0;
    pace.untilEpoch = m.untilEpoch > 0 ? m.untilEpoch : 0;
  },
  lr(m) {
    for (const mm of session.models) mm.net.setLearningRate(m.lr);
    if (session.cfg) session.cfg.lr = m.lr;
  },
  surrogateParams(m) {
    try {
      setSurrogates(m.cfg);
      post(FROM_WORKER.models, { models: modelInfo() });
    } catch (e) {
      fail(TO_WORKER.surrogateParams, e);
    }
  },
  threads(m) {
    try {
      session.pkg.setThreads(m.n);
    } finally {
      post(FROM_WORKER.threads, threadsInfo());
    }
  },
  memory() {
    post(FROM_WORKER.memory, { wasmBytes: session.wasmMemory?.buffer.byteLength ?? 0, steps: session.models[0]?.steps ?? 0 });
  },
  async load(m) {
    const nir = nirAsSafetensors(m.bytes);
    const { net, error } = nir.error ? nir : readModel(nir.bytes);
    if (error) return post(FROM_WORKER.loadError, { message: error });
    await stopped();
    adoptModel(net);
    post(FROM_WORKER.loaded, { arch: net.arch(), models: modelInfo(), modelVersion: session.modelVersion });
    sendProgress();
    refreshViews(false);
    postState();
  },
});

/** `{bytes}`: a NIR graph (HDF5, told by its first bytes) as the safetensors bytes of the network
 *  it imports to, so that a .nir file loads like a model file (other bytes as they are); or
 *  `{error}`, naming the node the import refused. */
function nirAsSafetensors(bytes) {
  const head = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (head.length < 4 || head[0] !== 0x89 || head[1] !== 0x48 || head[2] !== 0x44 || head[3] !== 0x46) return { bytes };
  let net;
  try {
    net = session.pkg.Network.fromNir(new Uint8Array(bytes));
  } catch (e) {
    return { error: (e && e.message) || String(e) };
  }
  const st = net.save().slice();
  net.free();
  return { bytes: st.buffer };
}

self.onmessage = async (ev) => {
  const msg = ev.data;
  try {
    await pkgReady;
  } catch (e) {
    fatal(e);
    return;
  }
  try {
    await handle(msg);
  } catch (e) {
    fail(msg.type, e);
  }
};

pkgReady.then((m) => post(FROM_WORKER.ready, { version: m.version(), isa: m.activeIsa(), catalog: session.catalog, threads: threadsInfo() }), fatal);
