// What the worker holds between messages: the package, its catalog, the run's configuration, the
// data sets and the models. One object shared by the worker's modules, so that "the current
// run" has one home.
import { FROM_WORKER, send } from '../protocol.js';

export const session = {
  pkg: null,
  wasmMemory: null, // the package's WebAssembly.Memory (its size is what the memory probe reports)
  catalog: null,
  cfg: null, // the RunConfig of the current run (protocol.js)
  train: null,
  test: null,
  info: null, // DataInfo of the current data set
  models: [], // [{label, neuron, net, steps, samples, epoch, loss, acc, testAcc, ...}]; models[0] is the main one
  modelVersion: 0,
  energy: null, // {eMacPj, eAcPj, eMemPj}: the page's energy inputs
};

/** Posts worker → page message `type` (a FROM_WORKER name). */
export const post = (type, payload, transfer) => send(self, FROM_WORKER, type, payload, transfer);
export const errText = (e) => (e && e.message) || String(e);
export const fail = (where, e) => post(FROM_WORKER.error, { where, message: errText(e) });

/** The energy model of reports: the page's pJ per MAC/AC/memory access, T of the run's multi-step neuron. */
export function energyCfg() {
  const { energy, cfg, catalog } = session;
  return { eMacPj: energy.eMacPj, eAcPj: energy.eAcPj, eMemPj: energy.eMemPj ?? 0, snnSteps: cfg?.steps ?? catalog.energy.snnSteps };
}
