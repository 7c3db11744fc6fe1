// The network graph, in the spirit of TensorFlow Playground's: one column per layer, at most
// GRAPH_NODES neurons each (worker/graph.js picks them); a hidden neuron shows where it spikes
// over the plot (2-D sets) or how often it spikes on test samples (images); edges are the weights
// between drawn neurons (width ∝ |w|, blue positive, orange negative). Pointer or touch on a
// neuron names it and its firing rate.
import { FROM_WORKER } from '../protocol.js';
import { $, fmtPct, setText } from '../format.js';
import { store } from '../store.js';
import { fit, classCss, cssWidth } from '../draw.js';
import { exportPng } from '../files.js';

const POS = [8, 119, 189];
const NEG = [245, 147, 34];

function layout(g, w) {
  const cols = [g.inputs, ...g.layers, g.outputs];
  const maxN = Math.max(1, ...cols.map((c) => c.shown.length || 1));
  const s = Math.max(14, Math.min(32, Math.floor(420 / maxN) - 6));
  const top = 6;
  const h = top + maxN * (s + 6) + 26;
  const x = (k) => 20 + ((w - 40 - s) * k) / Math.max(1, cols.length - 1);
  const nodes = cols.map((c, k) => {
    const n = c.shown.length || 1;
    const y0 = top + ((maxN - n) * (s + 6)) / 2;
    return Array.from({ length: n }, (_, i) => ({ x: x(k), y: y0 + i * (s + 6), s, col: k, i }));
  });
  return { cols, nodes, h, s };
}

function draw(canvas, g) {
  const L = layout(g, cssWidth(canvas)); // the width alone: a first fit() would reallocate the canvas twice a draw
  const [w, h, ctx] = fit(canvas, L.h);
  ctx.clearRect(0, 0, w, h);
  const { cols, nodes, s } = L;
  // edges first
  g.edges.forEach((wt, k) => {
    if (!wt) return;
    const from = nodes[k];
    const to = nodes[k + 1];
    let max = 1e-9;
    for (const v of wt) max = Math.max(max, Math.abs(v));
    to.forEach((b, a) =>
      from.forEach((f, i) => {
        const v = wt[a * from.length + i];
        const m = Math.abs(v) / max;
        if (m < 0.05) return;
        const c = v > 0 ? POS : NEG;
        ctx.strokeStyle = `rgba(${c.join(',')},${(0.12 + 0.6 * m).toFixed(2)})`;
        ctx.lineWidth = 0.4 + 2.6 * m;
        ctx.beginPath();
        ctx.moveTo(f.x + s, f.y + s / 2);
        ctx.lineTo(b.x, b.y + s / 2);
        ctx.stroke();
      }),
    );
  });
  ctx.font = '10px Helvetica, Arial, sans-serif';
  ctx.textBaseline = 'middle';
  cols.forEach((c, k) => {
    const col = nodes[k];
    const hidden = k > 0 && k < cols.length - 1 ? g.layers[k - 1] : null;
    col.forEach((nd, i) => {
      ctx.fillStyle = '#fff';
      ctx.fillRect(nd.x, nd.y, s, s);
      if (hidden && hidden.maps && g.mapRes) {
        const n = g.mapRes * g.mapRes;
        const img = ctx.createImageData(g.mapRes, g.mapRes);
        for (let p = 0; p < n; p++) {
          const r = hidden.maps[i * n + p];
          img.data[4 * p] = 255 - (255 - 245) * r;
          img.data[4 * p + 1] = 255 - (255 - 147) * r;
          img.data[4 * p + 2] = 255 - (255 - 34) * r;
          img.data[4 * p + 3] = 255;
        }
        const tmp = (draw.tmp ||= document.createElement('canvas'));
        tmp.width = tmp.height = g.mapRes;
        tmp.getContext('2d').putImageData(img, 0, 0);
        ctx.imageSmoothingEnabled = true;
        ctx.drawImage(tmp, nd.x, nd.y, s, s);
      } else if (hidden) {
        ctx.fillStyle = `rgba(245,147,34,${(0.08 + 0.92 * hidden.rates[i]).toFixed(2)})`;
        ctx.fillRect(nd.x, nd.y, s, s);
      } else if (k === cols.length - 1) {
        ctx.fillStyle = classCss(c.shown[i] ?? i, 0.85);
        ctx.fillRect(nd.x, nd.y, s, s);
      } else {
        ctx.fillStyle = '#e9edf2';
        ctx.fillRect(nd.x, nd.y, s, s);
        ctx.fillStyle = '#333';
        ctx.textAlign = 'center';
        ctx.fillText(c.shown.length ? ['x', 'y'][i] ?? `x${i + 1}` : String(c.size), nd.x + s / 2, nd.y + s / 2);
        ctx.textAlign = 'left';
      }
      ctx.strokeStyle = '#8a93a0';
      ctx.lineWidth = 1;
      ctx.strokeRect(nd.x + 0.5, nd.y + 0.5, s - 1, s - 1);
    });
    ctx.fillStyle = '#3a4150';
    ctx.textAlign = 'center';
    const shown = c.shown.length;
    const label = k === 0 ? `input (${c.size})` : shown < c.size ? `${c.name} (${shown} of ${c.size})` : `${c.name} (${c.size})`;
    ctx.fillText(label, Math.min(w - 40, Math.max(40, col[0].x + s / 2)), L.h - 10);
    ctx.textAlign = 'left';
  });
  return L;
}

export default {
  name: 'graph',
  watch: [FROM_WORKER.graph],
  init() {
    const canvas = (this.canvas = $('graph'));
    this.info = $('graph-info');
    exportPng('graph', () => canvas);
    // Mouse hover and touch (pointerdown) both name the neuron under the pointer.
    const point = (ev) => {
      const g = store.graph;
      if (!g || !this.layout) return;
      const r = canvas.getBoundingClientRect();
      const px = ev.clientX - r.left;
      const py = ev.clientY - r.top;
      for (const col of this.layout.nodes) {
        for (const nd of col) {
          if (px < nd.x || px > nd.x + nd.s || py < nd.y || py > nd.y + nd.s) continue;
          const c = this.layout.cols[nd.col];
          const hidden = nd.col > 0 && nd.col < this.layout.cols.length - 1 ? g.layers[nd.col - 1] : null;
          const idx = c.shown[nd.i];
          setText(
            this.info,
            hidden
              ? `${c.name} neuron ${idx}: spikes on ${fmtPct(hidden.rates[nd.i])} of 64 test samples${hidden.maps ? '; its square shows where in the plot it spikes' : ''}`
              : nd.col === 0
                ? `input: ${c.size} values${c.shown.length ? '' : ' (pixels)'}`
                : `output: class ${g.classNames?.[idx] ?? idx}`,
          );
          return;
        }
      }
    };
    canvas.addEventListener('pointermove', point);
    canvas.addEventListener('pointerdown', point);
  },
  render() {
    if (store.graph) this.layout = draw(this.canvas, store.graph);
  },
};
