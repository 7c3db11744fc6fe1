// The test hook `window.__s3nn`: what the e2e tests read instead of scraping the DOM (getters),
// plus two probes for the soak test that drive the worker without changing the run's settings.
import { store } from './store.js';
import { ask } from './link.js';
import { TO_WORKER, FROM_WORKER } from './protocol.js';
import { on } from './bus.js';
import { log } from './history.js';
import { currentMessage, currentMessageKind } from './message.js';
import { argmax } from './format.js';

function probeSummary() {
  const p = store.probe;
  if (!p) return null;
  return {
    at: p.at,
    modelVersion: p.modelVersion,
    source: p.source,
    x: Array.from(p.x),
    prediction: argmax(p.proba),
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

/** Installs window.__s3nn; slowViews is the scheduler's list of draws over 12 ms. */
export function installHook(slowViews) {
  const main = () => store.progress?.models?.[0];
  const evalMain = () => store.eval?.models?.[0];
  const getters = {
    ready: () => store.ready && !!store.models.length,
    fatal: () => store.fatal,
    playing: () => store.playing,
    config: () => ({ ...store.run }),
    hash: () => location.hash,
    info: () => store.info,
    catalog: () => store.catalog,
    models: () => store.models,
    modelVersion: () => store.modelVersion,
    trainSteps: () => main()?.steps ?? 0,
    samples: () => main()?.samples ?? 0,
    epoch: () => main()?.epoch ?? 0,
    loss: () => main()?.loss ?? null,
    trainAccuracy: () => main()?.acc ?? null,
    testAccuracy: () => evalMain()?.testAcc ?? null,
    testAccuracyAt: () => evalMain()?.steps ?? null,
    testSamples: () => evalMain()?.evalSamples ?? null,
    evalFull: () => store.eval?.full ?? false,
    epochEvals: () => store.epochEvals,
    samplesPerSec: () => store.progress?.samplesPerSec ?? 0,
    slowViews: () => [...slowViews],
    maxSamplesPerSec: () => store.maxRate,
    compare: () => (store.eval?.models || []).map((m) => ({ label: m.label, neuron: m.neuron, steps: m.steps, testAcc: m.testAcc, energyPj: m.ops ? m.ops.energyPj : null })),
    progressModels: () => store.progress?.models ?? [],
    probe: probeSummary,
    boundaryAt: () => (store.boundary && store.boundary.modelVersion === store.modelVersion ? store.boundary.at : null),
    /** The 2-D set's plotted box [x0, x1, y0, y1] and its training points (x0, y0, x1, y1, …). */
    plotted: () => (store.points ? { domain: store.points.domain, x: Array.from(store.points.train.x) } : null),
    graph: () => store.graph,
    region: () => (store.region ? { layer: store.region.layer, neuron: store.region.neuron } : null),
    sparsity: () => store.sparsity ?? null,
    boundaryProba: () => (store.boundary ? Array.from(store.boundary.proba) : null),
    surrogatePlot: () => store.surrogatePlot,
    shownOps: () => store.shownOps,
    galleryIdx: () => (store.gallery ? Array.from(store.gallery.idx) : null),
    galleryPred: () => (store.galleryPred ? Array.from(store.galleryPred) : null),
    /** The error the message bar shows ('' when none; a notice is `notice`). */
    message: () => (currentMessageKind() === 'error' ? currentMessage() : ''),
    notice: () => (currentMessageKind() === 'info' ? currentMessage() : ''),
    loading: () => store.loading,
    history: () => ({ steps: [...log.steps], loss: [...log.loss], train: [...log.train], test: [...log.test] }),
  };
  const hook = {};
  for (const [k, f] of Object.entries(getters)) Object.defineProperty(hook, k, { get: f, enumerable: true });
  // The worker answers memory requests in order, so each reply settles the oldest waiting one.
  const memoryWaiting = [];
  on(FROM_WORKER.memory, (m) => memoryWaiting.shift()?.({ wasmBytes: m.wasmBytes, steps: m.steps }));
  const probes = {
    /** Resolves to {wasmBytes, steps}: the worker's wasm memory size at the main model's step count. */
    memory: () => new Promise((resolve) => {
      memoryWaiting.push(resolve);
      ask(TO_WORKER.memory);
    }),
    /** Plays until the main model has trained `steps` mini-batches, then the worker pauses by itself. */
    playUntil: (steps) => ask(TO_WORKER.play, { until: steps }),
  };
  for (const [k, f] of Object.entries(probes)) Object.defineProperty(hook, k, { value: f, enumerable: true });
  Object.defineProperty(window, '__s3nn', { value: Object.freeze(hook), writable: false, configurable: false });
}
