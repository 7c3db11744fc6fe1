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
import { ALPHA_DEFAULT, SURROGATES } from '../state.js';

const LO = -3;
const HI = 3;
const N = 241;

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

let chart = null;
const theChart = () => (chart ||= surrogateChart($('ch-surrogate'), 200));

function request() {
  const R = store.run;
  const cfg = surrogateCfg(R.neuron, R.alpha, R.beta);
  const overlays = $('c-overlay').checked
    ? SURROGATES.filter((s) => s !== R.neuron && !(R.neuron === 'lif' && s === 'sigmoid')).map((s) => surrogateCfg(s, ALPHA_DEFAULT[s], 1))
    : [];
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
    const label = R.neuron === 'relu' || R.neuron === 'bnn' ? 'S³NN (reference)' : main.cfg.kind;
    $('sg-name').textContent = R.neuron === 'relu' ? 'ReLU is full precision: no surrogate; S³NN shown' : R.neuron === 'bnn' ? 'BNN uses a clipped straight-through estimator; S³NN shown' : `${main.cfg.kind} ${Object.entries(main.cfg).filter(([k]) => k !== 'kind').map(([k, v]) => `${k}=${fmtNum(v)}`).join(' ')}`;
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
