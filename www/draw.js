// Canvas drawing: decision boundaries, spike grids, rasters, galleries, confusion matrices, bars.
// Pure functions of their inputs; nothing here talks to the worker.

import { CLASS_RGB, classRgb } from './pixels.js';
import { fmtEnergy } from './format.js';

export { CLASS_RGB, classRgb };
export const classCss = (k, a = 1) => `rgba(${classRgb(k).join(',')},${a})`;
export const SERIES = ['#f59322', '#0877bd', '#2ea043', '#8e44ad', '#d62728', '#17becf', '#7f7f7f'];

const scratch = document.createElement('canvas');

// Canvas CSS sizes are cached and refreshed by a ResizeObserver, so drawing never forces a
// synchronous layout (reading clientWidth after a DOM write would).
const sizeRO = new ResizeObserver((entries) => {
  for (const e of entries) e.target.__cssW = e.contentRect.width;
});
function cssWidth(canvas) {
  if (canvas.__cssW === undefined) {
    canvas.__cssW = canvas.clientWidth || canvas.parentElement.clientWidth || 300;
    sizeRO.observe(canvas);
  }
  return Math.max(10, canvas.__cssW || 300);
}
export { cssWidth };

/** Sizes a canvas's backing store to its CSS box (× devicePixelRatio); returns [w, h, ctx] in CSS px. */
export function fit(canvas, cssHeight) {
  const dpr = window.devicePixelRatio || 1;
  const w = cssWidth(canvas);
  const h = cssHeight ?? (canvas.__square ? w : Math.max(10, canvas.__cssH || (canvas.__cssH = canvas.clientHeight || w)));
  if (cssHeight !== undefined && canvas.__styleH !== h) {
    canvas.style.height = `${h}px`;
    canvas.__styleH = h;
  }
  const bw = Math.round(w * dpr);
  const bh = Math.round(h * dpr);
  if (canvas.width !== bw || canvas.height !== bh) {
    canvas.width = bw;
    canvas.height = bh;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return [w, h, ctx];
}

/** Puts an RGBA image of (w × h) into the scratch canvas and returns it for drawImage. */
function imageOf(rgba, w, h) {
  scratch.width = w;
  scratch.height = h;
  scratch.getContext('2d').putImageData(new ImageData(rgba, w, h), 0, 0);
  return scratch;
}

/** Draws an image made by the worker ({bitmap | rgba, width, height}, see pixels.js) scaled to (dw × dh). */
function blit(ctx, image, dx, dy, dw, dh) {
  ctx.drawImage(image.bitmap ?? imageOf(image.rgba, image.width, image.height), dx, dy, dw, dh);
}

/** Closes the ImageBitmaps of a replaced worker message (boundary, region, raster). */
export function releaseImages(msg) {
  if (!msg) return;
  msg.image?.bitmap?.close();
  for (const o of msg.others || []) o.image?.bitmap?.close();
}

// One pre-rendered dot per (class, ring) so that the point layer is a series of drawImage calls
// instead of thousands of arc paths.
function dotSprites(classes, rad, dpr) {
  const size = Math.ceil((rad + 1.5) * 2 * dpr);
  const sheet = document.createElement('canvas');
  sheet.width = size * classes;
  sheet.height = size * 2;
  const c = sheet.getContext('2d');
  c.setTransform(dpr, 0, 0, dpr, 0, 0);
  const half = size / dpr / 2;
  for (let k = 0; k < classes; k++) {
    [['#fff', 0.8], ['#222', 1.2]].forEach(([stroke, lw], row) => {
      c.beginPath();
      c.arc(k * (size / dpr) + half, row * (size / dpr) + half, rad, 0, Math.PI * 2);
      c.fillStyle = classCss(k);
      c.fill();
      c.strokeStyle = stroke;
      c.lineWidth = lw;
      c.stroke();
    });
  }
  return { sheet, size: size / dpr, half };
}

/** The plotted box [x0, x1, y0, y1] before the worker has sent one. */
export const DEFAULT_DOMAIN = [-1.5, 1.5, -1.5, 1.5];
// Grid lines at 1, 2 or 5 × a power of ten, 2-8 lines across the span.
function gridStep(span) {
  const p = 10 ** Math.floor(Math.log10(span / 2));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => span / s <= 8);
}

export function drawBoundary(canvas, { boundary, points, region, probe, classes, legend = true }) {
  const [w, h, ctx] = fit(canvas);
  ctx.clearRect(0, 0, w, h);
  const [x0, x1, y0, y1] = boundary?.domain || points?.domain || DEFAULT_DOMAIN;
  const toPx = (x, y) => [((x - x0) / (x1 - x0)) * w, ((y1 - y) / (y1 - y0)) * h];
  if (boundary?.image) {
    ctx.imageSmoothingEnabled = true;
    blit(ctx, boundary.image, 0, 0, w, h);
  } else {
    ctx.fillStyle = '#f7f7f7';
    ctx.fillRect(0, 0, w, h);
  }
  if (region?.image) {
    ctx.imageSmoothingEnabled = false;
    blit(ctx, region.image, 0, 0, w, h);
    ctx.imageSmoothingEnabled = true;
  }
  // axes ticks
  ctx.strokeStyle = 'rgba(0,0,0,0.08)';
  ctx.lineWidth = 1;
  const [xs, ys] = [gridStep(x1 - x0), gridStep(y1 - y0)];
  ctx.beginPath();
  for (let t = Math.ceil(x0 / xs) * xs; t <= x1; t += xs) {
    const [px] = toPx(t, 0);
    ctx.moveTo(px, 0);
    ctx.lineTo(px, h);
  }
  for (let t = Math.ceil(y0 / ys) * ys; t <= y1; t += ys) {
    const [, py] = toPx(0, t);
    ctx.moveTo(0, py);
    ctx.lineTo(w, py);
  }
  ctx.stroke();
  if (points) {
    const dpr = window.devicePixelRatio || 1;
    const key = `${w}x${h}@${dpr}`;
    points.__layers ||= {};
    if (!points.__layers[key]) {
      const layer = document.createElement('canvas');
      layer.width = Math.round(w * dpr);
      layer.height = Math.round(h * dpr);
      const lc = layer.getContext('2d');
      lc.setTransform(dpr, 0, 0, dpr, 0, 0);
      const rad = Math.max(1.2, Math.min(3.5, w / 150));
      let nc = 1;
      for (const set of [points.train, points.test]) if (set) for (let i = 0; i < set.y.length; i++) nc = Math.max(nc, set.y[i] + 1);
      const dots = dotSprites(nc, rad, dpr);
      const d = dots.size;
      [points.train, points.test].forEach((set, row) => {
        if (!set) return;
        for (let i = 0; i < set.y.length; i++) {
          const [px, py] = toPx(set.x[2 * i], set.x[2 * i + 1]);
          lc.drawImage(dots.sheet, set.y[i] * d * dpr, row * d * dpr, d * dpr, d * dpr, px - dots.half, py - dots.half, d, d);
        }
      });
      points.__layers[key] = layer;
    }
    ctx.drawImage(points.__layers[key], 0, 0, w, h);
  }
  if (probe && probe.length === 2) {
    const [px, py] = toPx(probe[0], probe[1]);
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(px, py, 8, 0, Math.PI * 2);
    ctx.moveTo(px - 12, py);
    ctx.lineTo(px + 12, py);
    ctx.moveTo(px, py - 12);
    ctx.lineTo(px, py + 12);
    ctx.stroke();
  }
  // legend
  if (classes && legend) {
    ctx.font = '11px Helvetica, Arial, sans-serif';
    ctx.fillStyle = 'rgba(255,255,255,0.8)';
    ctx.fillRect(6, h - 22, 190, 16);
    ctx.fillStyle = '#333';
    ctx.fillText('● train (white ring)   ● test (dark ring)', 10, h - 10);
  }
  return { domain: [x0, x1, y0, y1], w, h };
}

/** Grid layout of a layer's neurons: dense → near-square grid; conv → channels side by side. */
export function layerLayout(layer, width) {
  const steps = layer.steps || 1;
  const n = layer.spikes.length / steps;
  if (layer.kind === 'conv' && layer.shape && layer.shape.h > 1) {
    const { c, h, w } = layer.shape;
    const per = Math.min(c, Math.max(1, Math.floor(width / (w * 3 + 2))));
    const cols = Math.min(c, Math.max(1, Math.ceil(Math.sqrt(c * 1.6)), per));
    const rows = Math.ceil(c / cols);
    const gw = cols * (w + 1) - 1;
    const gh = rows * (h + 1) - 1;
    const cell = (i) => {
      // HWC: i = (y*w + x)*c + ch
      const ch = i % c;
      const xy = Math.floor(i / c);
      const y = Math.floor(xy / w);
      const x = xy % w;
      return [(ch % cols) * (w + 1) + x, Math.floor(ch / cols) * (h + 1) + y];
    };
    return { n, gw, gh, cell, conv: true };
  }
  const cols = Math.ceil(Math.sqrt(n * 2.2));
  const rows = Math.ceil(n / cols);
  return { n, gw: cols, gh: rows, cell: (i) => [i % cols, Math.floor(i / cols)], cols };
}

export function spikeGridImage(layer, layout) {
  const { n, gw, gh, cell } = layout;
  const steps = layer.steps || 1;
  const rgba = new Uint8ClampedArray(gw * gh * 4);
  for (let i = 0; i < rgba.length; i += 4) {
    rgba[i] = rgba[i + 1] = rgba[i + 2] = 255;
    rgba[i + 3] = 0;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    let u = 0;
    for (let t = 0; t < steps; t++) {
      s += layer.spikes[t * n + i];
      u += layer.potentials[t * n + i];
    }
    s /= steps;
    u /= steps;
    const [x, y] = cell(i);
    const o = (y * gw + x) * 4;
    if (s > 0) {
      const a = 0.35 + 0.65 * s;
      rgba[o] = 255 * (1 - a) + 245 * a;
      rgba[o + 1] = 255 * (1 - a) + 147 * a;
      rgba[o + 2] = 255 * (1 - a) + 34 * a;
    } else {
      // below threshold: blue-grey, darker the closer u is to θ
      const z = 1 / (1 + Math.exp(-2 * u)); // 0..0.5
      const a = 0.15 + 0.7 * z;
      rgba[o] = 255 * (1 - a) + 8 * a;
      rgba[o + 1] = 255 * (1 - a) + 119 * a;
      rgba[o + 2] = 255 * (1 - a) + 189 * a;
    }
    rgba[o + 3] = 255;
  }
  return rgba;
}

export function drawSpikeGrid(canvas, layer, highlight = -1) {
  const width = cssWidth(canvas);
  const layout = layerLayout(layer, width);
  const scale = Math.max(1, Math.min(layout.conv ? 6 : 22, Math.floor(width / layout.gw)));
  const cssH = Math.min(220, layout.gh * scale);
  const [w, h, ctx] = fit(canvas, cssH);
  ctx.clearRect(0, 0, w, h);
  const s = Math.min(w / layout.gw, h / layout.gh);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(imageOf(spikeGridImage(layer, layout), layout.gw, layout.gh), 0, 0, layout.gw * s, layout.gh * s);
  if (!layout.conv && s >= 6) {
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let x = 1; x < layout.gw; x++) {
      ctx.moveTo(x * s, 0);
      ctx.lineTo(x * s, layout.gh * s);
    }
    for (let y = 1; y < layout.gh; y++) {
      ctx.moveTo(0, y * s);
      ctx.lineTo(layout.gw * s, y * s);
    }
    ctx.stroke();
  }
  if (highlight >= 0 && highlight < layout.n) {
    const [x, y] = layout.cell(highlight);
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 2;
    ctx.strokeRect(x * s + 1, y * s + 1, s - 2, s - 2);
  }
  return { ...layout, s };
}

export function drawRaster(canvas, raster) {
  const rows = raster.image.height;
  const cssH = Math.min(180, Math.max(64, rows * 2));
  const [w, h, ctx] = fit(canvas, cssH);
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, w, h);
  blit(ctx, raster.image, 0, 0, w, h);
}

export function grayImage(x, w, h, rgbaOut, ox, oy, stride, tint) {
  for (let y = 0; y < h; y++) {
    for (let q = 0; q < w; q++) {
      const v = x[y * w + q];
      const o = ((oy + y) * stride + ox + q) * 4;
      const g = 255 - Math.round(255 * Math.min(1, Math.max(0, v)));
      rgbaOut[o] = g;
      rgbaOut[o + 1] = g;
      rgbaOut[o + 2] = g;
      rgbaOut[o + 3] = 255;
    }
  }
  void tint;
}

const GALLERY_MIN_CELL = 62;
/** Gallery of test images; returns a hit-test function (px, py) → gallery index. */
export function drawGallery(canvas, gallery, preds, names, shape, selected = -1) {
  const [c, ih, iw] = shape;
  void c;
  const count = gallery.idx.length;
  const [w, h, ctx] = fit(canvas, undefined);
  // Cells at least GALLERY_MIN_CELL px wide, so that a class name ("T-shirt/top") fits under its image.
  const cols = Math.max(4, Math.min(8, Math.floor(w / GALLERY_MIN_CELL)));
  const rows = Math.ceil(count / cols);
  const pad = 3;
  const labelH = 24; // two lines: the prediction, then the true class when it differs
  const cell = Math.floor(w / cols);
  const cssH = rows * (cell + labelH);
  const [, , ctx2] = fit(canvas, cssH);
  void h;
  void ctx;
  ctx2.clearRect(0, 0, w, cssH);
  const img = cell - 2 * pad;
  // all thumbnails in one image: one putImageData, one scaled drawImage
  const sheetW = cols * (iw + 1);
  if (!gallery.__sprite) {
    const sheet = new Uint8ClampedArray(sheetW * rows * ih * 4);
    for (let k = 0; k < count; k++) {
      grayImage(gallery.x.subarray(k * iw * ih, (k + 1) * iw * ih), iw, ih, sheet, (k % cols) * (iw + 1), Math.floor(k / cols) * ih, sheetW);
    }
    const sprite = document.createElement('canvas');
    sprite.width = sheetW;
    sprite.height = rows * ih;
    sprite.getContext('2d').putImageData(new ImageData(sheet, sheetW, rows * ih), 0, 0);
    gallery.__sprite = sprite;
  }
  const src = gallery.__sprite;
  ctx2.imageSmoothingEnabled = false;
  const nm = (i) => (names && names[i] ? names[i] : String(i));
  const labels = [];
  // The largest font (10 → 7 px) at which the text fits the cell; an ellipsis only below that.
  const label = (txt, x, y) => {
    let size = 10;
    ctx2.font = `${size}px Helvetica, Arial, sans-serif`;
    while (size > 7 && ctx2.measureText(txt).width > cell - 2) ctx2.font = `${--size}px Helvetica, Arial, sans-serif`;
    let t = txt;
    while (t.length > 1 && ctx2.measureText(t).width > cell - 2) t = t.slice(0, -2) + '…';
    ctx2.fillText(t, x, y);
    labels.push(t);
  };
  for (let k = 0; k < count; k++) {
    const r = Math.floor(k / cols);
    const q = k % cols;
    const x = q * cell + pad;
    const y = r * (cell + labelH) + pad;
    ctx2.drawImage(src, q * (iw + 1), r * ih, iw, ih, x, y, img, img);
    const truth = gallery.y[k];
    const p = preds ? preds[k] : null;
    const ok = p === null || p === truth;
    ctx2.strokeStyle = p === null ? '#ddd' : ok ? '#2ea043' : '#d62728';
    ctx2.lineWidth = ok ? 1 : 2;
    ctx2.strokeRect(x - 0.5, y - 0.5, img + 1, img + 1);
    ctx2.fillStyle = ok ? '#444' : '#d62728';
    if (k === selected) {
      // the keyboard's choice
      ctx2.strokeStyle = '#1f2430';
      ctx2.lineWidth = 2;
      ctx2.strokeRect(x - 2.5, y - 2.5, img + 5, img + 5);
    }
    label(p === null ? nm(truth) : nm(p), x - pad + 1, y + img + 11);
    if (!ok) label(`(${nm(truth)})`, x - pad + 1, y + img + 22);
  }
  canvas.__labels = labels; // what is written under the images (the e2e test reads it)
  const hit = (px, py) => {
    const q = Math.floor(px / cell);
    const r = Math.floor(py / (cell + labelH));
    const k = r * cols + q;
    return k >= 0 && k < count && q < cols ? k : -1;
  };
  hit.cols = cols;
  return hit;
}

export function drawConfusion(canvas, confusion, classes, names) {
  const [w, , ctx] = fit(canvas, undefined);
  const left = 26;
  const top = 4;
  const size = Math.min(w - left - 4, 300);
  const cell = size / classes;
  const H = top + size + 24;
  const [, , c2] = fit(canvas, H);
  void ctx;
  c2.clearRect(0, 0, w, H);
  const rowSum = [];
  for (let i = 0; i < classes; i++) {
    let s = 0;
    for (let j = 0; j < classes; j++) s += confusion[i * classes + j] || 0;
    rowSum.push(s || 1);
  }
  c2.font = `${Math.max(8, Math.min(11, cell * 0.35))}px Helvetica, Arial, sans-serif`;
  c2.textAlign = 'center';
  c2.textBaseline = 'middle';
  for (let i = 0; i < classes; i++) {
    for (let j = 0; j < classes; j++) {
      const v = (confusion[i * classes + j] || 0) / rowSum[i];
      const diag = i === j;
      const a = Math.sqrt(v);
      c2.fillStyle = diag ? `rgba(8,119,189,${0.08 + 0.85 * a})` : `rgba(214,39,40,${v > 0 ? 0.1 + 0.9 * a : 0.03})`;
      c2.fillRect(left + j * cell + 0.5, top + i * cell + 0.5, cell - 1, cell - 1);
      if (cell > 18 && confusion[i * classes + j]) {
        c2.fillStyle = a > 0.6 ? '#fff' : '#333';
        c2.fillText(String(confusion[i * classes + j]), left + (j + 0.5) * cell, top + (i + 0.5) * cell);
      }
    }
    c2.fillStyle = '#666';
    const nm = names && names[i] ? names[i].slice(0, 3) : String(i);
    c2.fillText(nm, left / 2, top + (i + 0.5) * cell);
    c2.fillText(nm, left + (i + 0.5) * cell, top + size + 10);
  }
}

/**
 * Horizontal bars: [{label, value, color, note, segments?: [{value, color}]}] with a unit; a bar
 * with segments is stacked (per layer), and `legend` [{label, color}] names the segment colours.
 */
export function drawBars(canvas, bars, unit, title, legend = null) {
  const rowH = 22;
  const H = (title ? 18 : 4) + bars.length * rowH + 4 + (legend ? 16 : 0);
  const [w, h, ctx] = fit(canvas, H);
  ctx.clearRect(0, 0, w, h);
  ctx.font = '11px Helvetica, Arial, sans-serif';
  ctx.textBaseline = 'middle';
  let y0 = 4;
  if (title) {
    ctx.fillStyle = '#3a4150';
    ctx.fillText(title, 0, 9);
    y0 = 18;
  }
  const labelW = 118;
  const max = Math.max(1e-12, ...bars.map((b) => b.value || 0));
  const fmtV = (v) => (unit === 'pJ' ? fmtEnergy(v) : `${v.toFixed(1)} ${unit}`);
  const scale = (w - labelW - 150) / max;
  bars.forEach((b, i) => {
    const y = y0 + i * rowH;
    ctx.fillStyle = '#444';
    ctx.textAlign = 'left';
    ctx.fillText(b.label, 0, y + rowH / 2);
    const bw = scale * (b.value || 0);
    let x = labelW;
    for (const s of b.segments ?? [{ value: b.value, color: b.color }]) {
      const sw = scale * (s.value || 0);
      ctx.fillStyle = s.color;
      ctx.fillRect(x, y + 4, Math.max(b.segments ? 0 : 1, sw), rowH - 8);
      x += sw;
    }
    ctx.fillStyle = '#222';
    ctx.fillText(`${fmtV(b.value || 0)}${b.note ? '  ' + b.note : ''}`, labelW + bw + 6, y + rowH / 2);
  });
  if (legend) {
    let x = labelW;
    const y = y0 + bars.length * rowH + 8;
    for (const l of legend) {
      ctx.fillStyle = l.color;
      ctx.fillRect(x, y - 4, 9, 9);
      ctx.fillStyle = '#444';
      ctx.fillText(l.label, x + 12, y + 1);
      x += 18 + ctx.measureText(l.label).width;
    }
  }
}
