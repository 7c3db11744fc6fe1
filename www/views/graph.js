// The network graph, in the spirit of TensorFlow Playground's: one column per layer, at most
// GRAPH_NODES neurons each (worker/graph.js picks them; a conv layer's nodes are its channels); a
// hidden neuron shows where it spikes over the plot (2-D sets) or how often it spikes on test
// samples (images), a conv channel its spike map for the probed image, the input node the probed
// image; edges are the weights between drawn nodes (width ∝ |w|, blue positive, orange negative).
// Pointing at a node (mouse hover) shows what it responds to under the graph (graph-detail.js);
// a click or a tap selects it, and its detail stays until another tap (or Escape); with the graph
// focused, the arrow keys move the selection (↑↓ in a column, ←→ across columns).
import { FROM_WORKER } from '../protocol.js';
import { $, setText } from '../format.js';
import { store } from '../store.js';
import { fit, classCss, cssWidth } from '../draw.js';
import { exportPng } from '../files.js';
import { POS, NEG, drawDetail, describe, drawGrids } from './graph-detail.js';

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

const spikeRgb = (r) => [255 - (255 - 245) * r, 255 - (255 - 147) * r, 255 - (255 - 34) * r];

/** The probe's record of hidden layer li when it belongs to the graph's model (same layer and shape). */
function probeLayer(g, li) {
  const L = store.probe?.layers?.[li];
  const G = g.layers[li];
  return L && G.shape && L.shape && L.name === G.name && L.shape.c === G.shape.c && L.shape.h === G.shape.h ? L : null;
}

function draw(canvas, g, sel, hov) {
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
  const probeX = store.probe?.x;
  const images = []; // node images, drawn together after the fills (drawGrids)
  const borders = []; // [node, colour, width, offset outwards], drawn over the images
  cols.forEach((c, k) => {
    const col = nodes[k];
    const hidden = k > 0 && k < cols.length - 1 ? g.layers[k - 1] : null;
    const pl = hidden && hidden.kind === 'conv' ? probeLayer(g, k - 1) : null;
    col.forEach((nd, i) => {
      ctx.fillStyle = '#fff';
      ctx.fillRect(nd.x, nd.y, s, s);
      if (hidden && hidden.maps && g.mapRes) {
        const n = g.mapRes * g.mapRes;
        images.push({ nd, gw: g.mapRes, gh: g.mapRes, rgb: (p) => spikeRgb(hidden.maps[i * n + p]), smooth: true });
      } else if (pl) {
        // a conv channel: where it spikes on the probed image (spikes are HWC, T-averaged)
        const { c: C, h: H, w: W } = pl.shape;
        const ch = hidden.shown[i];
        const steps = pl.steps || 1;
        images.push({ nd, gw: W, gh: H, smooth: false, rgb: (p) => {
          let r = 0;
          for (let t = 0; t < steps; t++) r += pl.spikes[t * C * H * W + p * C + ch];
          return spikeRgb(r / steps);
        } });
      } else if (hidden) {
        ctx.fillStyle = `rgba(245,147,34,${(0.08 + 0.92 * hidden.rates[i]).toFixed(2)})`;
        ctx.fillRect(nd.x, nd.y, s, s);
      } else if (k === cols.length - 1) {
        ctx.fillStyle = classCss(c.shown[i] ?? i, 0.85);
        ctx.fillRect(nd.x, nd.y, s, s);
      } else if (c.shape?.[1] > 1 && probeX?.length === c.shape[0] * c.shape[1] * c.shape[2]) {
        // an image's input node: the probed image (its channel i when a conv layer reads the channels)
        const [, H, W] = c.shape;
        const off = c.channels ? c.shown[i] * H * W : 0;
        images.push({ nd, gw: W, gh: H, smooth: true, rgb: (p) => {
          const v = 255 - Math.round(255 * Math.min(1, Math.max(0, probeX[off + p])));
          return [v, v, v];
        } });
      } else {
        ctx.fillStyle = '#e9edf2';
        ctx.fillRect(nd.x, nd.y, s, s);
        ctx.fillStyle = '#333';
        ctx.textAlign = 'center';
        ctx.fillText(c.shown.length ? ['x', 'y'][i] ?? `x${i + 1}` : String(c.size), nd.x + s / 2, nd.y + s / 2);
        ctx.textAlign = 'left';
      }
      const on = (p) => p && p.col === k && p.i === i;
      borders.push([nd, '#8a93a0', 1, 0]);
      // the chosen and the pointed-at node get a ring outside the square, which hides none of its map
      if (on(sel) || on(hov)) borders.push([nd, on(sel) ? '#111' : '#3a4150', on(sel) ? 2.5 : 1.5, 2.5]);
    });
    ctx.fillStyle = '#3a4150';
    ctx.textAlign = 'center';
    const shown = c.shown.length;
    const unit = hidden?.kind === 'conv' ? ' ch' : '';
    const label = k === 0 ? `input (${c.channels ? c.shape.join('×') : c.size})` : shown < c.size ? `${c.name} (${shown} of ${c.size}${unit})` : `${c.name} (${c.size}${unit})`;
    ctx.fillText(label, Math.min(w - 40, Math.max(40, col[0].x + s / 2)), L.h - 10);
    ctx.textAlign = 'left';
  });
  drawGrids(ctx, images.map((it) => ({ ...it, x: it.nd.x, y: it.nd.y, w: it.nd.s, h: it.nd.s })));
  for (const [nd, colour, width, out] of borders) {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.strokeRect(nd.x + 0.5 - out, nd.y + 0.5 - out, s - 1 + 2 * out, s - 1 + 2 * out);
  }
  return L;
}

const same = (a, b) => (a && b ? a.col === b.col && a.i === b.i : a === b);

export default {
  name: 'graph',
  // the probe only shows on an image's graph (input node, conv channel maps, their detail)
  watch: { [FROM_WORKER.graph]: null, [FROM_WORKER.probe]: () => store.graph?.inputs.shape?.[1] > 1, [FROM_WORKER.data]: null },
  init({ redraw }) {
    const canvas = (this.canvas = $('graph'));
    this.detailCanvas = $('graph-detail');
    this.info = $('graph-info');
    this.sel = null; // {col, i}: clicked, tapped or chosen with the keys; stays until another choice
    this.hov = null; // {col, i} under the mouse
    this.redraw = redraw;
    exportPng('graph', () => canvas);
    const hit = (ev) => {
      if (!store.graph || !this.layout) return null;
      const r = canvas.getBoundingClientRect();
      const px = ev.clientX - r.left;
      const py = ev.clientY - r.top;
      for (const col of this.layout.nodes) for (const nd of col) if (px >= nd.x && px <= nd.x + nd.s && py >= nd.y && py <= nd.y + nd.s) return { col: nd.col, i: nd.i };
      return null;
    };
    // The words change at once (they are cheap and screen readers follow them); the canvases are
    // drawn by the scheduler, in their own task.
    const show = () => {
      const text = describe(store.graph, this.layout, this.hov ?? this.sel);
      setText(this.info, text);
      this.detailCanvas.setAttribute('aria-label', text);
      this.redraw();
    };
    canvas.addEventListener('pointermove', (ev) => {
      if (ev.pointerType !== 'mouse') return; // a finger has no hover: a tap selects (click)
      const h = hit(ev);
      if (same(h, this.hov)) return;
      this.hov = h;
      show();
    });
    canvas.addEventListener('pointerleave', () => {
      if (!this.hov) return;
      this.hov = null;
      show();
    });
    // click: a mouse click, a tap or a pen; not a scroll that starts on the graph
    canvas.addEventListener('click', (ev) => {
      this.sel = hit(ev);
      this.hov = null;
      show();
    });
    canvas.addEventListener('keydown', (ev) => {
      const L = this.layout;
      if (!L) return;
      const last = L.nodes.length - 1;
      const cur = this.sel;
      const arrow = ev.key.startsWith('Arrow');
      let next = null;
      if (arrow && !this.sel) next = { col: Math.min(1, last), i: 0 }; // the first arrow chooses the first hidden layer's first node
      else if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
        const n = L.nodes[cur.col].length;
        next = { col: cur.col, i: Math.max(0, Math.min(n - 1, cur.i + (ev.key === 'ArrowDown' ? 1 : -1))) };
      } else if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
        const col = Math.max(0, Math.min(last, cur.col + (ev.key === 'ArrowRight' ? 1 : -1)));
        const [n0, n1] = [L.nodes[cur.col].length, L.nodes[col].length];
        next = { col, i: Math.round((Math.max(0, cur.i) * (n1 - 1)) / Math.max(1, n0 - 1)) };
      } else if (ev.key === 'Escape') next = null;
      else return;
      ev.preventDefault();
      this.sel = next;
      show();
    });
  },
  render() {
    const g = store.graph;
    if (!g) return;
    const L = draw(this.canvas, g, this.sel, this.hov);
    const valid = (p) => p && p.col < L.nodes.length && p.i < L.nodes[p.col].length;
    if (!valid(this.sel)) this.sel = null;
    if (!valid(this.hov)) this.hov = null;
    const changed = !this.layout || this.layout.nodes.length !== L.nodes.length;
    this.layout = L;
    const shownSel = this.hov ?? this.sel;
    this.detail = drawDetail(this.detailCanvas, g, L, shownSel, store.probe, store.points);
    if (changed || shownSel) {
      const text = describe(g, L, shownSel);
      setText(this.info, text);
      if (this.detailCanvas.getAttribute('aria-label') !== text) this.detailCanvas.setAttribute('aria-label', text);
    }
  },
};
