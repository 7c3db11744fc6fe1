// The probed input's spikes: one spike map per hidden layer (hover a cell: where that neuron
// spikes, for 2-D sets) and the predicted class with the top-5 probabilities.
import { FROM_WORKER, TO_WORKER } from '../protocol.js';
import { PAGE, on, emit } from '../bus.js';
import { $, fmtPct, setHtml, argmax, plural } from '../format.js';
import { store } from '../store.js';
import { ask } from '../link.js';
import { drawSpikeGrid, classCss, releaseImages } from '../draw.js';

let maps = []; // [{name, head, canvas, layout, li}] one per layer of the last probe
let hoverTimer = 0;

function onGridHover(entry, ev) {
  if (!store.info || store.info.features !== 2 || !entry.layout || entry.layout.conv) return;
  const r = entry.canvas.getBoundingClientRect();
  const s = entry.layout.s;
  const gx = Math.floor((ev.clientX - r.left) / s);
  const gy = Math.floor((ev.clientY - r.top) / s);
  if (gx < 0 || gx >= entry.layout.gw || gy < 0) return;
  showNeuron(entry, gy * entry.layout.cols + gx);
}

// Keyboard on a spike map: arrows move the shown neuron (its region is shaded as on hover).
function onGridKey(entry, ev) {
  if (!store.info || store.info.features !== 2 || !entry.layout || entry.layout.conv) return;
  const move = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: entry.layout.cols, ArrowUp: -entry.layout.cols }[ev.key];
  if (!move) return;
  ev.preventDefault();
  const cur = store.hover?.layer === entry.li ? store.hover.neuron : -move;
  showNeuron(entry, Math.max(0, Math.min(entry.layout.n - 1, cur + move)));
  entry.canvas.setAttribute('aria-label', entry.canvas.title);
}

function showNeuron(entry, neuron) {
  if (neuron < 0 || neuron >= entry.layout.n) return;
  if (store.hover && store.hover.layer === entry.li && store.hover.neuron === neuron) return;
  store.hover = { layer: entry.li, neuron };
  emit(PAGE.hover);
  entry.canvas.title = `${entry.name} neuron ${neuron}: shaded region = where it spikes`;
  clearTimeout(hoverTimer);
  hoverTimer = setTimeout(() => ask(TO_WORKER.region, { layer: entry.li, neuron }), 30);
}

function onGridLeave() {
  store.hover = null;
  releaseImages(store.region);
  store.region = null;
  emit(PAGE.hover);
  emit(PAGE.regionCleared);
}

function sourceText(p, names) {
  const s = p.source;
  if (s?.kind === 'test') return `test #${s.index}${s.label !== undefined ? ` (label ${names[s.label] ?? s.label})` : ''}`;
  if (s?.kind === 'drawn') return 'your drawing';
  return p.x.length === 2 ? `point (${p.x[0].toFixed(2)}, ${p.x[1].toFixed(2)})` : 'input';
}

export default {
  name: 'probe',
  watch: [FROM_WORKER.probe, PAGE.hover],
  init({ redraw }) {
    this.redraw = redraw;
    this.box = $('spike-maps');
    this.out = $('probe-out');
    on(PAGE.sync, (R) => {
      $('probe-hint').textContent = R.kind === 'image' ? 'draw a digit, or click a test image' : 'click the plot to choose an input';
    });
  },
  render() {
    const p = store.probe;
    if (!p) return;
    const layers = p.layers;
    if (maps.length !== layers.length || maps.some((c, i) => c.name !== layers[i].name)) {
      this.box.innerHTML = '';
      maps = layers.map((L, li) => {
        const wrap = document.createElement('div');
        wrap.className = 'layer-map';
        const head = document.createElement('div');
        head.className = 'lm-head';
        const canvas = document.createElement('canvas');
        canvas.dataset.layer = li;
        wrap.append(head, canvas);
        this.box.appendChild(wrap);
        const entry = { name: L.name, head, canvas, layout: null, li };
        canvas.addEventListener('mousemove', (ev) => onGridHover(entry, ev));
        canvas.addEventListener('mouseleave', onGridLeave);
        canvas.tabIndex = 0;
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${L.name} spike map: arrow keys choose a neuron`);
        canvas.addEventListener('keydown', (ev) => onGridKey(entry, ev));
        canvas.addEventListener('blur', onGridLeave);
        return entry;
      });
      // Draw in the next frame, after the browser has laid out the new canvases on its own.
      this.redraw();
      return;
    }
    layers.forEach((L, i) => {
      const e = maps[i];
      const n = L.spikes.length;
      let s = 0;
      for (let k = 0; k < n; k++) s += L.spikes[k];
      const sh = L.shape && L.kind === 'conv' ? ` ${L.shape.c}×${L.shape.h}×${L.shape.w}` : ` ${n / (L.steps || 1)} neurons`;
      setHtml(e.head, `<span><b>${L.name}</b>${sh}${L.steps > 1 ? ` · T=${L.steps}` : ''}</span><span>${plural(s, 'spike')} · ${fmtPct(L.firingRate)}</span>`);
      e.layout = drawSpikeGrid(e.canvas, L, store.hover && store.hover.layer === i ? store.hover.neuron : -1);
    });
    // prediction
    const classes = store.info?.classes || p.proba.length;
    const names = store.info?.classNames || [];
    const best = argmax(p.proba, classes);
    const nm = (k) => names[k] ?? String(k);
    const order = [...Array(classes).keys()].sort((a, b) => p.proba[b] - p.proba[a]).slice(0, 5);
    const rows = order.map((k) => `<span>${nm(k)}</span><div class="bar" style="width:${(100 * p.proba[k]).toFixed(1)}%;background:${classCss(k)}"></div><span>${(100 * p.proba[k]).toFixed(1)}%</span>`);
    setHtml(this.out, `<div class="small">${sourceText(p, names)} → prediction</div><div class="pred" id="prediction" data-class="${best}" style="color:${classCss(best)}">${nm(best)}</div><div class="bars">${rows.join('')}</div>`);
  },
};
