// The surrogate gradient of the chosen neuron (and optionally the others), its primitive, and the
// distribution of u − θ per hidden layer, all on one chart. Curves are computed by the package
// in the worker (surrogateCurve), so the plot is exactly what training uses.
import { FROM_WORKER, TO_WORKER } from '../protocol.js';
import { PAGE, on } from '../bus.js';
import { $, fmtNum, fmtPct, setText } from '../format.js';
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

// Where g′ is below FLOW_FRACTION of its peak, (almost) no gradient reaches the weights.
const FLOW_FRACTION = 0.05;

/**
 * Per hidden layer: the share of its u − θ values (over a training batch) where the gradient
 * flows, and the shares outside the plotted range (counted, not dropped).
 */
function flowText(main) {
  const h = store.hist;
  if (!h?.layers.length) return '';
  const peak = Math.max(...main.grad);
  const w = (h.hi - h.lo) / h.bins;
  const x0 = main.x[0];
  const dx = (main.x[main.x.length - 1] - x0) / (main.x.length - 1);
  const gAt = (x) => main.grad[Math.max(0, Math.min(main.grad.length - 1, Math.round((x - x0) / dx)))];
  return h.layers
    .map((L) => {
      let flow = 0;
      for (let b = 0; b < h.bins; b++) if (gAt(h.lo + (b + 0.5) * w) >= FLOW_FRACTION * peak) flow += L.counts[b] * w;
      // beyond the plot: g′ at the edges stands for the whole tail
      if (gAt(h.lo) >= FLOW_FRACTION * peak) flow += L.below;
      if (gAt(h.hi) >= FLOW_FRACTION * peak) flow += L.above;
      return `${L.name}: gradient flows for ${fmtPct(flow)} of u − θ; ${fmtPct(L.below)} below ${h.lo}, ${fmtPct(L.above)} above ${h.hi}`;
    })
    .join(' · ');
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
    const sur = store.catalog.surrogates.find((x) => x.name === main.cfg.kind);
    const values = (sur?.params ?? []).map((p) => `${p.symbol} = ${fmtNum(main.cfg[p.name])}`).join(', ');
    $('sg-name').textContent = reference
      ? `${neuron?.label}: ${neuron?.description}; no surrogate, ${main.cfg.kind} shown`
      : `${main.cfg.kind} ${Object.entries(main.cfg).filter(([k]) => k !== 'kind').map(([k, v]) => `${k}=${fmtNum(v)}`).join(' ')}`;
    setText($('sg-formula'), sur ? `${sur.formula}${values ? `, with ${values}` : ''}` : '');
    setText($('sg-stats'), flowText(main));
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
