// The network graph's data (views/graph.js): for each drawn layer, which neurons are drawn (at most
// GRAPH_NODES), how often each spikes on the raster's test samples, and for 2-D sets where each
// spikes over a coarse grid of the plot; for each pair of drawn dense layers, the weights between
// their drawn neurons. The weights come from the model file (`save()`, safetensors with PyTorch
// names and layouts), the package's one way to hand them out.
import { FROM_WORKER } from '../protocol.js';
import { session, post } from './session.js';

export const GRAPH_NODES = 12; // neurons drawn per layer
const MAP_RES = 20; // mini-map grid of a 2-D set

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

/** Posts `graph` for the main model; rec: its record() of the raster's rn test samples (shared with the raster). */
export function sendGraph(rec, rn) {
  const main = session.models[0];
  if (!main) return;
  const { info } = session;
  const tensors = readTensors(main.net.save());
  const maps = mapX ? main.net.record(mapX, MAP_RES * MAP_RES) : null;
  const transfer = [];
  const layers = rec.map((L, li) => {
    const size = L.spikes.length / (L.steps * rn);
    const shown = spread(size);
    const rates = new Float32Array(shown.length);
    for (let t = 0; t < L.steps; t++) for (let i = 0; i < rn; i++) shown.forEach((j, k) => (rates[k] += L.spikes[(t * rn + i) * size + j] / (L.steps * rn)));
    transfer.push(rates.buffer);
    const layer = { name: L.name, kind: L.kind, size, shown, rates };
    if (maps) {
      const M = maps[li];
      const n = MAP_RES * MAP_RES;
      const m = new Float32Array(shown.length * n);
      for (let t = 0; t < M.steps; t++) for (let p = 0; p < n; p++) shown.forEach((j, k) => (m[k * n + p] += M.spikes[(t * n + p) * size + j] / M.steps));
      transfer.push(m.buffer);
      layer.maps = m;
    }
    return layer;
  });
  // Weights between the drawn neurons of consecutive dense layers ([out, in] in the file).
  const inputs = { name: 'input', size: info.features, shown: info.features <= GRAPH_NODES ? spread(info.features) : [] };
  const outputs = { name: 'readout', size: info.classes, shown: spread(info.classes) };
  const cols = [inputs, ...layers, outputs];
  const names = [...layers.map((_, k) => `layers.${k}.weight`), 'readout.weight'];
  // Only a stack of dense layers maps one to one onto the file's weight names (conv and pool layers do not).
  const dense = layers.every((L) => L.kind === 'dense');
  const edges = names.map((name, k) => {
    const t = tensors[name];
    const from = cols[k];
    const to = cols[k + 1];
    if (!dense || !t || t.shape.length !== 2 || !from.shown.length) return null;
    const w = new Float32Array(to.shown.length * from.shown.length);
    to.shown.forEach((o, a) => from.shown.forEach((i, b) => (w[a * from.shown.length + b] = t.data[o * t.shape[1] + i])));
    transfer.push(w.buffer);
    return w;
  });
  post(FROM_WORKER.graph, { inputs, layers, outputs, edges, mapRes: mapX ? MAP_RES : 0, classNames: info.classNames, at: main.steps }, transfer);
}
