// What the network graph (views/graph.js) shows for the neuron pointed at, tapped or chosen with
// the arrow keys, drawn in its own canvas under the graph: a first-layer neuron's incoming weights
// as a picture (image data: one diverging colour per pixel; 2-D data: the half-plane where it
// spikes over the plot), a conv channel's spike map for the probed image beside its kernels, a
// deeper neuron's strongest incoming weights as bars, the probed input for the input node. The
// weights come with the graph message (worker/graph.js builds each `detail`); the conv map and the
// input from the probe message. Weight colours are the graph's edge colours (blue +, orange −) on
// a symmetric scale, ±max |w| of what is drawn, with a colour bar.
import { classCss, fit } from '../draw.js';

export const POS = [8, 119, 189];
export const NEG = [245, 147, 34];
const SPIKE = [245, 147, 34];
export const DETAIL_H = 172; // css px: a 140 px map, its caption
const MAP_PX = 140;
const PAD = 4;

/** The colour of weight v on the symmetric scale ±m: white at 0, POS at +m, NEG at −m. */
export function diverging(v, m) {
  const t = Math.max(-1, Math.min(1, m > 0 ? v / m : 0));
  const c = t >= 0 ? POS : NEG;
  const a = Math.abs(t);
  return [Math.round(255 + (c[0] - 255) * a), Math.round(255 + (c[1] - 255) * a), Math.round(255 + (c[2] - 255) * a)];
}

// Grids of colours are packed side by side into one atlas, put once and drawn from it: a scratch
// canvas resized and uploaded per grid cost 6.6 ms a graph draw for a CNN's 20 channel nodes
// (1.3 ms so), and a deep conv channel has a kernel per input channel.
const atlas = document.createElement('canvas');
/** Draws grids [{gw, gh, rgb: (p) => [r, g, b], x, y, w, h, smooth?}] (gw × gh colours into the w × h css px box at x, y). */
export function drawGrids(ctx, items) {
  if (!items.length) return;
  const W = items.reduce((a, it) => a + it.gw, 0);
  const H = Math.max(...items.map((it) => it.gh));
  if (atlas.width !== W || atlas.height !== H) [atlas.width, atlas.height] = [W, H];
  const ac = atlas.getContext('2d');
  const img = ac.createImageData(W, H);
  let x0 = 0;
  const at = [];
  for (const it of items) {
    for (let y = 0; y < it.gh; y++) {
      for (let x = 0; x < it.gw; x++) {
        const [r, g, b] = it.rgb(y * it.gw + x);
        const o = 4 * (y * W + x0 + x);
        img.data[o] = r;
        img.data[o + 1] = g;
        img.data[o + 2] = b;
        img.data[o + 3] = 255;
      }
    }
    at.push(x0);
    x0 += it.gw;
  }
  ac.putImageData(img, 0, 0);
  items.forEach((it, k) => {
    ctx.imageSmoothingEnabled = !!it.smooth;
    ctx.drawImage(atlas, at[k], 0, it.gw, it.gh, it.x, it.y, it.w, it.h);
  });
}

/** A grid item for drawGrids: `cell` css px cells from (x, y), unsmoothed. */
const grid = (gw, gh, rgb, x, y, cell) => ({ gw, gh, rgb, x, y, w: gw * cell, h: gh * cell });
/** Draws grid items and a frame around each. */
function blitGrids(ctx, items) {
  drawGrids(ctx, items);
  ctx.strokeStyle = '#8a93a0';
  ctx.lineWidth = 1;
  for (const it of items) ctx.strokeRect(it.x - 0.5, it.y - 0.5, it.w + 1, it.h + 1);
}
const blitGrid = (ctx, gw, gh, rgb, x, y, cell) => blitGrids(ctx, [grid(gw, gh, rgb, x, y, cell)]);

// What the shaded half-plane is, by the neuron's kind (the spec's): ANN units do not spike.
const SIDE = { relu: 'where u > 0 (it is active)', sign: 'where it outputs +1' };
const sideOf = (neuron) => SIDE[neuron?.kind] ?? 'where it spikes';

const fmtW = (v) => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(2) : v.toExponential(1)).replace('-', '−'); // a minus sign, not a hyphen

/** A vertical colour bar for the scale ±m at (x, y), h tall, with its three labels. */
function colourBar(ctx, x, y, h, m) {
  for (let k = 0; k < h; k++) {
    const [r, g, b] = diverging(m * (1 - (2 * k) / (h - 1)), m);
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(x, y + k, 10, 1);
  }
  ctx.strokeStyle = '#8a93a0';
  ctx.strokeRect(x - 0.5, y - 0.5, 11, h + 1);
  ctx.fillStyle = '#3a4150';
  ctx.textAlign = 'left';
  ctx.fillText(`+${fmtW(m)}`, x + 14, y + 4);
  ctx.fillText('0', x + 14, y + h / 2);
  ctx.fillText(`−${fmtW(m)}`, x + 14, y + h - 4);
}

const maxAbs = (a, from = 0, to = a.length) => {
  let m = 0;
  for (let k = from; k < to; k++) m = Math.max(m, Math.abs(a[k]));
  return m;
};

function caption(ctx, text, x, y = MAP_PX + PAD + 16) {
  ctx.fillStyle = '#3a4150';
  ctx.textAlign = 'left';
  ctx.fillText(text, x, y);
}

/** A first-layer neuron's weights over an image [c, h, w]: one map per channel. */
function drawImageTemplate(ctx, w, d, k) {
  const [c, ih, iw] = d.shape;
  const len = c * ih * iw;
  const m = maxAbs(d.w, k * len, (k + 1) * len);
  const cell = Math.max(1, Math.floor(Math.min((w - 70 - PAD) / (c * (iw + 2)), MAP_PX / ih)));
  const flip = d.bnGamma && d.bnGamma[k] < 0;
  blitGrids(ctx, Array.from({ length: c }, (_, ch) => grid(iw, ih, (p) => diverging(d.w[k * len + ch * ih * iw + p], m), PAD + ch * (iw * cell + 8), PAD, cell)));
  colourBar(ctx, PAD + c * (iw * cell + 8) + 4, PAD, Math.min(MAP_PX, ih * cell), m);
  caption(ctx, `incoming weights, ${c > 1 ? `${c} channels of ` : ''}${ih}×${iw}${flip ? ' (batch norm’s γ < 0 inverts them)' : ''}`, PAD);
  return { kind: 'image', x: PAD, y: PAD, cell, h: ih, w: iw, c, max: m };
}

/** A first-layer neuron of a 2-D set: the plot's box, its training points, the side where a·x + c ≥ 0 shaded, the line, w's direction. */
function drawHalfPlane(ctx, w, d, k, points) {
  const [a1, a2, c0] = [d.plane[3 * k], d.plane[3 * k + 1], d.plane[3 * k + 2]];
  const [x0, x1, y0, y1] = points?.domain ?? [-1.2, 1.2, -1.2, 1.2];
  const S = MAP_PX;
  const toX = (x) => PAD + ((x - x0) / (x1 - x0)) * S;
  const toY = (y) => PAD + ((y1 - y) / (y1 - y0)) * S;
  const R = 70; // shading grid
  blitGrid(ctx, R, R, (p) => {
    const x = x0 + (((p % R) + 0.5) / R) * (x1 - x0);
    const y = y1 - ((Math.floor(p / R) + 0.5) / R) * (y1 - y0);
    return a1 * x + a2 * y + c0 >= 0 ? [253, 226, 196] : [255, 255, 255];
  }, PAD, PAD, S / R);
  const tr = points?.train;
  if (tr) {
    const n = tr.y.length;
    const step = Math.max(1, Math.floor(n / 400));
    for (let i = 0; i < n; i += step) {
      ctx.fillStyle = classCss(tr.y[i], 0.55);
      ctx.fillRect(toX(tr.x[2 * i]) - 1, toY(tr.x[2 * i + 1]) - 1, 2.5, 2.5);
    }
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(PAD, PAD, S, S);
  ctx.clip();
  let ends = null;
  if (Math.abs(a2) > Math.abs(a1)) ends = [[x0, -(a1 * x0 + c0) / a2], [x1, -(a1 * x1 + c0) / a2]];
  else if (a1 !== 0) ends = [[-(a2 * y0 + c0) / a1, y0], [-(a2 * y1 + c0) / a1, y1]];
  if (ends) {
    ctx.strokeStyle = '#1d232c';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.moveTo(toX(ends[0][0]), toY(ends[0][1]));
    ctx.lineTo(toX(ends[1][0]), toY(ends[1][1]));
    ctx.stroke();
    // w's direction (towards the spiking side), from the line's point nearest the box's centre
    const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
    const n2 = a1 * a1 + a2 * a2;
    const t = (a1 * cx + a2 * cy + c0) / n2;
    const [px, py] = [toX(cx - t * a1), toY(cy - t * a2)];
    const len = Math.hypot(a1 * S / (x1 - x0), a2 * S / (y1 - y0));
    const [ux, uy] = [(a1 * S) / (x1 - x0) / len, -(a2 * S) / (y1 - y0) / len];
    ctx.strokeStyle = `rgb(${POS.join(',')})`;
    ctx.beginPath();
    ctx.moveTo(px, py);
    ctx.lineTo(px + 22 * ux, py + 22 * uy);
    ctx.lineTo(px + 16 * ux - 4 * uy, py + 16 * uy + 4 * ux);
    ctx.moveTo(px + 22 * ux, py + 22 * uy);
    ctx.lineTo(px + 16 * ux + 4 * uy, py + 16 * uy - 4 * ux);
    ctx.stroke();
  }
  ctx.restore();
  ctx.strokeStyle = '#8a93a0';
  ctx.lineWidth = 1;
  ctx.strokeRect(PAD - 0.5, PAD - 0.5, S + 1, S + 1);
  const tx = PAD + S + 12;
  ctx.fillStyle = 'rgb(253,226,196)';
  ctx.fillRect(tx, PAD + 4, 12, 10);
  ctx.strokeRect(tx + 0.5, PAD + 4.5, 11, 9);
  ctx.fillStyle = '#3a4150';
  ctx.textAlign = 'left';
  ctx.fillText(`shaded: ${sideOf(d.neuron)}`, tx + 18, PAD + 9);
  ctx.fillStyle = '#1d232c';
  ctx.fillRect(tx, PAD + 26, 12, 2);
  ctx.fillStyle = '#3a4150';
  ctx.fillText(d.neuron.kind === 'multiStep' ? `line: (w·x + b)·Σλᵗ = θ` : 'line: w·x + b = θ', tx + 18, PAD + 27);
  ctx.strokeStyle = `rgb(${POS.join(',')})`;
  ctx.beginPath();
  ctx.moveTo(tx, PAD + 45);
  ctx.lineTo(tx + 12, PAD + 45);
  ctx.stroke();
  ctx.fillText('arrow: the direction of w', tx + 18, PAD + 45);
  const lines = [`w = (${fmtW(d.w[2 * k])}, ${fmtW(d.w[2 * k + 1])})`, `b = ${fmtW(d.b?.[k] ?? 0)}`];
  if (d.neuron.threshold !== undefined) lines.push(`θ = ${fmtW(d.neuron.threshold)}`);
  if (d.bnGamma) lines.push('batch norm folded in');
  lines.forEach((s, i) => ctx.fillText(s, tx, PAD + 70 + 15 * i));
  return { kind: 'line', x: PAD, y: PAD, size: S, domain: [x0, x1, y0, y1] };
}

/** A conv channel: its spike map for the probed image (T-averaged, HWC spikes) and its kernels (one per input channel). */
function drawChannel(ctx, w, d, k, layer, probeLayer) {
  const [nIn, kh, kw] = d.kshape;
  const len = nIn * kh * kw;
  let mapW = 0;
  let map = null;
  if (probeLayer && probeLayer.shape && probeLayer.shape.c === layer.shape.c) {
    const { c, h, w: pw } = probeLayer.shape;
    const ch = layer.shown[k];
    const steps = probeLayer.steps || 1;
    const n = c * h * pw;
    const cell = Math.max(1, Math.floor(MAP_PX / Math.max(h, pw)));
    const rate = new Float32Array(h * pw);
    let spikes = 0;
    for (let t = 0; t < steps; t++) for (let p = 0; p < h * pw; p++) rate[p] += probeLayer.spikes[t * n + p * c + ch] / steps;
    for (const r of rate) spikes += r > 0 ? 1 : 0;
    blitGrid(ctx, pw, h, (p) => [255 - (255 - SPIKE[0]) * rate[p], 255 - (255 - SPIKE[1]) * rate[p], 255 - (255 - SPIKE[2]) * rate[p]].map(Math.round), PAD, PAD, cell);
    caption(ctx, `spikes, probed image (${h}×${pw})`, PAD);
    mapW = pw * cell + 16;
    map = { x: PAD, y: PAD, cell, h, w: pw, spikes };
  } else {
    caption(ctx, 'no probed image yet', PAD);
    mapW = 120;
  }
  // kernels: a near-square grid, one kh×kw kernel per input channel
  const m = maxAbs(d.kernels, k * len, (k + 1) * len);
  const x0 = PAD + mapW;
  const availW = Math.max(20, w - x0 - 60);
  let best = { cell: 0, cols: 1 };
  for (let cols = 1; cols <= nIn; cols++) {
    const rows = Math.ceil(nIn / cols);
    const cell = Math.floor(Math.min(availW / (cols * (kw + 1)), MAP_PX / (rows * (kh + 1))));
    if (cell > best.cell) best = { cell, cols };
  }
  const cell = Math.max(1, Math.min(14, best.cell));
  const cols = best.cols;
  const kernels = Array.from({ length: nIn }, (_, i) =>
    grid(kw, kh, (p) => diverging(d.kernels[k * len + i * kh * kw + p], m), x0 + (i % cols) * (kw + 1) * cell, PAD + Math.floor(i / cols) * (kh + 1) * cell, cell),
  );
  blitGrids(ctx, kernels);
  const rows = Math.ceil(nIn / cols);
  colourBar(ctx, x0 + cols * (kw + 1) * cell + 6, PAD, Math.max(40, Math.min(MAP_PX, rows * (kh + 1) * cell - cell)), m);
  caption(ctx, `${nIn === 1 ? 'kernel' : `${nIn} kernels, one per ${d.from} channel`} (${kh}×${kw})`, x0);
  return { kind: 'channel', map, kernels: { x: x0, y: PAD, cell, cols, kh, kw, n: nIn }, max: m };
}

/** A node of column `from`'s index `i` as words: a neuron, or a conv channel and position. */
function sourceName(d, i) {
  if (d.fromKind === 'conv' && d.block > 1) {
    const ch = Math.floor(i / d.block);
    const p = i % d.block;
    const s = d.fromShape;
    return s && s.h * s.w === d.block ? `${d.from} ch ${ch} (${Math.floor(p / s.w)}, ${p % s.w})` : `${d.from} ch ${ch} #${p}`;
  }
  return `${d.from} #${i}`;
}

/** A deeper neuron: its TOP_K strongest incoming weights as bars. */
function drawTop(ctx, w, d, k) {
  const m = maxAbs(d.w, k * d.k, (k + 1) * d.k);
  const labelW = 132;
  const barW = Math.max(30, w - labelW - 60);
  const row = Math.min(17, Math.floor(MAP_PX / d.k));
  for (let q = 0; q < d.k; q++) {
    const v = d.w[k * d.k + q];
    const y = PAD + q * row;
    ctx.fillStyle = '#3a4150';
    ctx.textAlign = 'right';
    ctx.fillText(sourceName(d, d.idx[k * d.k + q]), labelW - 6, y + row / 2);
    ctx.fillStyle = `rgb(${(v >= 0 ? POS : NEG).join(',')})`;
    ctx.fillRect(labelW, y + 2, Math.max(1, (barW * Math.abs(v)) / (m || 1)), row - 4);
    ctx.fillStyle = '#3a4150';
    ctx.textAlign = 'left';
    ctx.fillText(fmtW(v), labelW + 4 + (barW * Math.abs(v)) / (m || 1), y + row / 2);
  }
  caption(ctx, `the ${d.k} strongest incoming weights (by |w|; blue +, orange −)`, PAD);
  return { kind: 'top', rows: d.k };
}

/** The probed image (grey: 0 white, 1 black), channel by channel. */
function drawInput(ctx, w, x, shape) {
  const [c, ih, iw] = shape;
  const cell = Math.max(1, Math.floor(Math.min((w - PAD) / (c * (iw + 2)), MAP_PX / ih)));
  for (let ch = 0; ch < c; ch++) {
    blitGrid(ctx, iw, ih, (p) => {
      const g = 255 - Math.round(255 * Math.min(1, Math.max(0, x[ch * ih * iw + p])));
      return [g, g, g];
    }, PAD + ch * (iw * cell + 8), PAD, cell);
  }
  caption(ctx, 'the probed input', PAD);
  return { kind: 'input' };
}

/**
 * Draws the detail of node `sel` ({col, i} of layout L) into `canvas`; returns what was drawn
 * (boxes in css px, for the tests) or null when there is nothing to show.
 */
export function drawDetail(canvas, g, L, sel, probe, points) {
  const [w, h, ctx] = fit(canvas, DETAIL_H);
  ctx.clearRect(0, 0, w, h);
  ctx.font = '10.5px Helvetica, Arial, sans-serif';
  ctx.textBaseline = 'middle';
  const c = sel && L.cols[sel.col];
  if (!c) {
    ctx.fillStyle = '#5b6472';
    ctx.textAlign = 'left';
    ctx.fillText('Point at, tap, or choose with the arrow keys a neuron of the graph: what it responds to shows here.', PAD, 20);
    return null;
  }
  if (sel.col === 0) {
    const x = probe?.x;
    if (x && g.inputs.shape && g.inputs.shape[1] > 1 && x.length === g.inputs.shape.reduce((a, b) => a * b, 1)) return drawInput(ctx, w, x, g.inputs.shape);
    caption(ctx, 'the input: a point’s x and y', PAD, 20);
    return null;
  }
  const d = c.detail;
  if (!d) return null;
  const hiddenIdx = sel.col - 1;
  const layer = hiddenIdx < g.layers.length ? g.layers[hiddenIdx] : null;
  if (d.kind === 'image') return drawImageTemplate(ctx, w, d, sel.i);
  if (d.kind === 'line') return drawHalfPlane(ctx, w, d, sel.i, points);
  if (d.kind === 'kernels') return drawChannel(ctx, w, d, sel.i, layer, probe?.layers?.[hiddenIdx]);
  if (d.kind === 'top') return drawTop(ctx, w, d, sel.i);
  return null;
}

/** The words for node `sel`: what it is, how often it spikes, and what its detail shows. */
export function describe(g, L, sel) {
  const c = sel && L.cols[sel.col];
  if (!c) return 'point at or touch a neuron (or focus the graph and use the arrow keys)';
  const last = L.cols.length - 1;
  if (sel.col === 0) return `input: ${c.channels ? `${c.size} channel${c.size > 1 ? 's' : ''} of ${c.shape.slice(1).join('×')}` : `${c.size} values${c.shown.length ? '' : ' (pixels)'}`}`;
  const idx = c.shown[sel.i];
  const d = c.detail;
  if (sel.col === last) {
    const what = d?.kind === 'top' ? `; below: its ${d.k} strongest incoming weights` : d?.kind === 'image' ? `; below: its ${d.shape[1]}×${d.shape[2]} incoming weights (blue +, orange −)` : '';
    return `output: class ${g.classNames?.[idx] ?? idx}${what}`;
  }
  const layer = g.layers[sel.col - 1];
  const rate = `${(100 * layer.rates[sel.i]).toFixed(1)}%`;
  if (layer.kind === 'conv') {
    const s = layer.shape;
    return `${c.name} channel ${idx}: spikes on ${rate} of its ${s.h}×${s.w} positions over 64 test samples; left: its spike map for the probed image, right: its kernels (blue +, orange −)`;
  }
  const head = `${c.name} neuron ${idx}: spikes on ${rate} of 64 test samples${layer.maps ? '; its square shows where in the plot it spikes' : ''}`;
  if (d?.kind === 'image') return `${head}; below: its ${d.shape[1]}×${d.shape[2]} incoming weights (blue +, orange −)`;
  if (d?.kind === 'line') {
    const k = sel.i;
    const bn = d.bnGamma ? ' (batch norm folded in)' : '';
    return `${head}; below: ${sideOf(d.neuron).replace(/^where /, '')}, i.e. where ${fmtW(d.plane[3 * k])}·x ${d.plane[3 * k + 1] < 0 ? '−' : '+'} ${fmtW(Math.abs(d.plane[3 * k + 1]))}·y ${d.plane[3 * k + 2] < 0 ? '−' : '+'} ${fmtW(Math.abs(d.plane[3 * k + 2]))} ≥ 0${bn}`;
  }
  if (d?.kind === 'top') return `${head}; below: its ${d.k} strongest incoming weights`;
  return head;
}
