// The page ↔ worker protocol, written once: every message in both directions, its payload, and
// the two helpers both sides use to send and receive. Message names are spelled only here; the
// page and the worker refer to them as TO_WORKER.x / FROM_WORKER.x, and `receive` refuses a
// handler for a name that is not in the table, so a typo fails at start-up instead of silently.
//
// Every typed array in a payload crosses with a transfer list (the sender gives it up). Images
// are {bitmap, width, height} (an ImageBitmap made in the worker) or {rgba, width, height} where
// OffscreenCanvas is missing: the page only blits them.

// ---------------------------------------------------------------- page → worker
/**
 * @typedef {object} RunConfig  the resolved URL state (state.js `resolved`)
 * @property {string} data  a catalog data set name  @property {string} kind "toy"|"image"|"csv" (its kind)
 * @property {number} noise @property {number} n  samples (toy: points; images: first n, 0 = all)
 * @property {string} arch hidden layers, e.g. "32-32" @property {string} neuron a catalog neuron name
 * @property {number} lr @property {number} bs @property {string} opt a catalog optimizer name
 * @property {number} seed @property {number} compare 0|1 @property {number} emac @property {number} eac pJ per MAC / AC
 * @property {number} pace @property {number} until  mini-batches/s (0 = full speed), epoch limit (0 = none)
 * @property {number} bn 0|1 batch norm  @property {string} sched a catalog schedule name; its parameters and the rate
 *   penalty's (ratePenalty, targetRate) by their catalog names
 * @property {string} [dataEncoding] '' (raw IDX files) or 'gzip' (<file>.gz, the static site)
 * @property {boolean} [autoplay] start training once built  @property {number} [seq] echoed by the reply `reset`
 * Plus one key per catalog parameter name (alpha, beta, width, slope, threshold, steps, leak …):
 * its value for the chosen neuron, or null where the neuron has no such parameter.
 */
/**
 * Page → worker messages (`type` is the key):
 * @typedef {{type:'config', cfg: RunConfig}} ConfigMsg  rebuild the data (if its keys changed) and the model(s)
 * @typedef {{type:'play', until?: number}} PlayMsg  until: pause by itself when the main model reaches that many steps
 * @typedef {{type:'pause'}} PauseMsg
 * @typedef {{type:'step', n: number}} StepMsg  train n mini-batches, then refresh every view
 * @typedef {{type:'probe', x?: Float32Array|number[], index?: number, source?: ProbeSource}} ProbeRequest
 *   probe an input: x given (a clicked point, a drawing) or test sample #index
 * @typedef {{type:'region', layer: number, neuron: number}} RegionRequest  where does this neuron spike (toy sets)
 * @typedef {{type:'surrogate', seq: number, cfg: object, lo: number, hi: number, n: number, overlays: object[]}} SurrogateRequest
 *   curves of surrogateCfg `cfg` (and `overlays`) on n points of [lo, hi]; the reply carries `seq`
 * @typedef {{type:'energy', emac: number, eac: number, emem: number}} EnergyMsg  pJ per MAC / AC / memory access
 * @typedef {{type:'csv', text: string, seed: number}} CsvMsg  an uploaded CSV of x,y,label lines
 * @typedef {{type:'save', format: 'safetensors' | 'nir'}} SaveMsg  the model as a file, or as a NIR graph
 * @typedef {{type:'load', bytes: ArrayBuffer}} LoadMsg  a .safetensors model file or a NIR graph
 * @typedef {{type:'memory'}} MemoryRequest  how big the worker's wasm memory is (the soak test samples it)
 * @typedef {{type:'pace', stepsPerSec: number, untilEpoch: number}} PaceMsg  training speed (0 = as fast as it goes) and
 *   the epoch at which play stops by itself (0 = none); applies to the running run
 * @typedef {{type:'lr', lr: number}} LrMsg  a new learning rate for the running models (the run goes on)
 * @typedef {{type:'surrogateParams', cfg: RunConfig}} SurrogateParamsMsg  the run's surrogate parameters changed: the
 *   models that take them train through the new surrogate from the next step on (the run goes on)
 * @typedef {{type:'threads', n: number}} ThreadsMsg  split training over n threads (1…maxThreads); the reply is 'threads'
 */
export const TO_WORKER = names(['config', 'play', 'pause', 'step', 'probe', 'region', 'surrogate', 'energy', 'csv', 'save', 'load', 'memory', 'pace', 'lr', 'surrogateParams', 'threads']);

// ---------------------------------------------------------------- worker → page
/**
 * @typedef {{kind:'point'|'drawn'|'custom'} | {kind:'test', index: number, label?: number}} ProbeSource
 * @typedef {object} DataInfo
 * @property {string} data @property {string} kind @property {number} features @property {number} classes
 * @property {number[]} shape [c, h, w] @property {number} trainLen @property {number} testLen @property {string[]} classNames
 * @typedef {{label: string, neuron: string, arch: string, params: number, steps: number, spec: object|null}} ModelInfo
 * @typedef {{name: string, kind: string, shape: {c:number,h:number,w:number}|null, steps: number,
 *            spikes: Uint8Array, potentials: Float32Array, firingRate: number}} LayerRecord
 */
/**
 * Worker → page messages:
 * @typedef {{build: 'threads'|'single', count: number, max: number}} ThreadsInfo  the loaded build, the threads training
 *   splits over, and the most it can (the threaded build's pool size; 1 for the single-thread build)
 * @typedef {{type:'ready', version: string, isa: string, catalog: object, threads: ThreadsInfo}} ReadyMsg
 *   the wasm package is loaded; `catalog` is its catalog() (neurons, surrogates and their parameters,
 *   data presets, energy, class names), from which the page builds its controls and URL state
 * @typedef {{type:'fatal', message: string}} FatalMsg  the package could not load: nothing will work
 * @typedef {{type:'error', where: string, message: string}} ErrorMsg  a command failed (where = its name, or 'views'/'train')
 * @typedef {{type:'loading', label: string, loaded: number, total: number, done?: boolean}} LoadingMsg  download progress
 * @typedef {{type:'data', info: DataInfo, train?: {x: Float32Array, y: Uint32Array}, test?: {x: Float32Array, y: Uint32Array},
 *            domain?: number[], gallery?: {idx: number[], x: Float32Array, y: Uint32Array}}} DataMsg
 *   a new data set: points (2-D sets, with the plotted domain [x0, x1, y0, y1]) or gallery images
 * @typedef {{type:'reset', seq?: number, info: DataInfo, models: ModelInfo[], modelVersion: number, pkg: {version: string, isa: string}}} ResetMsg
 *   new model(s) built from a config
 * @typedef {{type:'loaded', arch: string, models: ModelInfo[], modelVersion: number}} LoadedMsg  a model file replaced the model(s)
 * @typedef {{type:'models', models: ModelInfo[]}} ModelsMsg  the running models' descriptions changed (a new surrogate); the run goes on
 * @typedef {{type:'state', playing: boolean}} StateMsg  the only source of the play state
 * @typedef {{type:'progress', playing: boolean, samplesPerSec: number, trainLen: number, models: {label: string, neuron: string,
 *            steps: number, samples: number, epoch: number, loss: number, acc: number, lr: number|null, ratePenalty: number|null,
 *            gradNorms: number[], firingRates: number[]}[]}} ProgressMsg
 *   training progress, ≤ 10 Hz
 * @typedef {{type:'eval', full: boolean, models: {label: string, neuron: string, steps: number, samples: number, epoch: number,
 *            testAcc: number, testLoss: number, ops: object|null, evalSamples: number}[], confusion: number[], classes: number,
 *            galleryPred?: Uint32Array}} EvalMsg  test-set evaluation (full, or a spread subset of ≤ 1000)
 * @typedef {{type:'epoch', models: {label: string, epochEvals: {epoch: number, testAcc: number, steps: number}[]}[]}} EpochMsg
 * @typedef {{type:'boundary', res: number, classes: number, proba: Float32Array, image: object, domain: number[], at: number,
 *            modelVersion: number, others: {label: string, neuron: string, proba: Float32Array, image: object}[]}} BoundaryMsg
 *   class probabilities on a res × res grid (toy sets), for each model
 * @typedef {{type:'probe', x: Float32Array, source: ProbeSource, layers: LayerRecord[], proba: Float32Array, ops: object,
 *            others: {label: string, neuron: string, ops: object}[], at: number, modelVersion: number}} ProbeMsg
 *   one input through the model: spikes, potentials, probabilities, operation counts
 * @typedef {{type:'raster', n: number, layers: {name: string, kind: string, steps: number, neurons: number, firingRate: number, rates: Float32Array}[],
 *            image: object, at: number}} RasterMsg  spikes of 64 test samples × hidden neurons, as one image
 * @typedef {{type:'hist', lo: number, hi: number, bins: number, layers: {name: string, counts: Float32Array, below: number, above: number}[],
 *            at: number}} HistMsg  densities of u − θ per hidden layer over a training batch
 * @typedef {{type:'region', layer: number, neuron: number, res: number, image: object, domain: number[]}} RegionMsg
 * @typedef {{type:'surrogate', seq: number, curves: {cfg: object, x: Float32Array, grad: Float32Array, primitive: Float32Array}[]}} SurrogateMsg
 * @typedef {{type:'csvOk', points: number, classes: number}} CsvOkMsg
 * @typedef {{type:'csvError', message: string}} CsvErrorMsg
 * @typedef {{type:'saved', bytes: Uint8Array, arch: string, neuron: string, format: 'safetensors' | 'nir'}} SavedMsg
 * @typedef {{type:'loadError', message: string}} LoadErrorMsg
 * @typedef {{type:'memory', wasmBytes: number, steps: number}} MemoryMsg  the wasm memory's buffer size, at the main model's step count
 * @typedef {{type:'graph', inputs: object, layers: {name: string, kind: string, size: number, shown: number[], rates: Float32Array, maps?: Float32Array,
 *            shape: {c:number,h:number,w:number}|null, detail: object|null}[], outputs: object, edges: (Float32Array|null)[], mapRes: number,
 *            classNames: string[], at: number, modelVersion: number}} GraphMsg
 *   the network graph (worker/graph.js): drawn neurons (a conv layer's: channels), their firing rates and spike maps, the weights
 *   between them, and each column's `detail` (what pointing at a drawn node shows: first-layer weights, a half-plane, kernels,
 *   the strongest incoming weights; see worker/graph.js)
 * @typedef {{type:'threads'} & ThreadsInfo} ThreadsReply  after a 'threads' command (also when it failed)
 */
export const FROM_WORKER = names([
  'ready', 'fatal', 'error', 'loading', 'data', 'reset', 'loaded', 'models', 'state', 'progress', 'eval', 'epoch',
  'boundary', 'probe', 'raster', 'hist', 'region', 'surrogate', 'csvOk', 'csvError', 'saved', 'loadError', 'memory', 'graph', 'threads',
]);

// ---------------------------------------------------------------- helpers
function names(list) {
  return Object.freeze(Object.fromEntries(list.map((n) => [n, n])));
}

/** Posts message `type` (a name of `table`) with `payload` to `target` (a Worker, or the worker's `self`). */
export function send(target, table, type, payload = {}, transfer = []) {
  if (!(type in table)) throw new Error(`protocol: no message "${type}"`);
  target.postMessage({ type, ...payload }, transfer);
}

/**
 * An onmessage function calling handlers[msg.type](msg). Every handler must name a message of
 * `table`; a message without a handler is ignored (`unhandled` sees it).
 */
export function receive(table, handlers, unhandled = () => {}) {
  for (const k of Object.keys(handlers)) if (!(k in table)) throw new Error(`protocol: handler for unknown message "${k}"`);
  return (msg) => (handlers[msg.type] ?? unhandled)(msg);
}
