// The surrogate gradient of the chosen neuron (and optionally the others), its primitive, and the
// distribution of u − θ per hidden layer, all on one chart. Curves are computed by the package
// in the worker (surrogateCurve), so the plot is exactly what training uses.
import { FROM_WORKER, TO_WORKER } from '../protocol.js';
import { PAGE, on } from '../bus.js';
import { $, fmtNum } from '../format.js';
import { store } from '../store.js';
import { ask } from '../link.js';
import { surrogateChart } from '../charts.js';
import { exportPng } from '../files.js';
import { neuronInfo, surrogateOf, curveConfig } from '../catalog.js';

const LO = -3;
const HI = 3;
const N = 241;

// The chosen neuron's surrogate with the run's values; a neuron without one (ReLU, BNN) shows
// the first surrogate of the catalog as a reference.
function mainCurve(R) {
  const own = surrogateOf(store.catalog, R.neuron);
  return own ? curveConfig(own, R) : curveConfig(store.catalog.surrogates[0]);
}

let chart = null;
const theChart = () => (chart ||= surrogateChart($('ch-surrogate'), 200));

function request() {
  const R = store.run;
  const cfg = mainCurve(R);
  const overlays = $('c-overlay').checked ? store.catalog.surrogates.filter((s) => s.name !== cfg.kind).map((s) => curveConfig(s)) : [];
  ask(TO_WORKER.surrogate, { seq: ++store.surrogateSeq, cfg, lo: LO, hi: HI, n: N, overlays });
}

// One histogram slot per hidden layer of the model spec, so that the chart is not rebuilt when
// the first histograms arrive.
function histograms(x) {
  const spec = store.models?.[0]?.spec;
  const nHidden = spec?.hidden ? spec.hidden.filter((l) => !/pool/i.test(l.type)).length : store.hist?.layers.length ?? 0;
  const h = store.hist;
  if (!h || h.layers.length !== nHidden) return Array.from({ length: nHidden }, (_, i) => ({ name: `layer${i + 1}`, values: x.map(() => null) }));
  const w = (h.hi - h.lo) / h.bins;
  return h.layers.map((L) => ({
    name: L.name,
    values: x.map((xv) => L.counts[Math.min(h.bins - 1, Math.max(0, Math.floor((xv - h.lo) / w)))]),
  }));
}

export default {
  name: 'surrogate',
  watch: { [FROM_WORKER.hist]: true, [FROM_WORKER.surrogate]: (m) => m.seq === store.surrogateSeq },
  init({ redraw }) {
    on(PAGE.config, request);
    on(PAGE.params, request);
    $('c-overlay').addEventListener('change', request);
    $('c-primitive').addEventListener('change', redraw);
    exportPng('surrogate', () => theChart().canvas());
  },
  render() {
    const s = store.surrogate;
    if (!s) return;
    const R = store.run;
    const main = s.curves[0];
    const x = Array.from(main.x);
    const neuron = neuronInfo(store.catalog, R.neuron);
    const reference = !neuron?.surrogate;
    const label = reference ? `${main.cfg.kind} (reference)` : main.cfg.kind;
    $('sg-name').textContent = reference
      ? `${neuron?.label}: ${neuron?.description}; no surrogate, ${main.cfg.kind} shown`
      : `${main.cfg.kind} ${Object.entries(main.cfg).filter(([k]) => k !== 'kind').map(([k, v]) => `${k}=${fmtNum(v)}`).join(' ')}`;
    const grad = Array.from(main.grad);
    const primitive = Array.from(main.primitive);
    store.surrogatePlot = { cfg: main.cfg, lo: LO, hi: HI, n: N, x, grad, primitive };
    theChart().set({
      x,
      main: { label, grad },
      primitive,
      showPrimitive: $('c-primitive').checked,
      overlays: s.curves.slice(1).map((c) => ({ label: c.cfg.kind, grad: Array.from(c.grad) })),
      hists: histograms(x),
    });
  },
};
