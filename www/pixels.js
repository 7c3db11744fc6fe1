// Pixel buffers for the canvas views, built in the worker (no DOM here): the page only blits the
// resulting ImageBitmaps. Pure functions of their inputs.

export const CLASS_RGB = [
  [245, 147, 34], [8, 119, 189], [46, 160, 67], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];
export const classRgb = (k) => CLASS_RGB[k % CLASS_RGB.length];

/** Decision-boundary heat map (res × res RGBA): class colours mixed by probability, confidence → saturation. */
export function boundaryImage(proba, res, classes, rgba = new Uint8ClampedArray(res * res * 4)) {
  for (let i = 0; i < res * res; i++) {
    let pb = -1;
    let r = 0;
    let g = 0;
    let b = 0;
    for (let k = 0; k < classes; k++) {
      const p = proba[i * classes + k];
      if (p > pb) pb = p;
      const c = classRgb(k);
      r += p * c[0];
      g += p * c[1];
      b += p * c[2];
    }
    // 1/classes (unsure) is near white.
    const conf = Math.max(0, (pb - 1 / classes) / (1 - 1 / classes));
    const a = 0.12 + 0.5 * conf;
    rgba[i * 4] = 255 * (1 - a) + r * a;
    rgba[i * 4 + 1] = 255 * (1 - a) + g * a;
    rgba[i * 4 + 2] = 255 * (1 - a) + b * a;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

/** Where one neuron spikes over the boundary grid: a translucent dark overlay (res × res RGBA). */
export function regionImage(rate, res) {
  const rgba = new Uint8ClampedArray(res * res * 4);
  for (let i = 0; i < res * res; i++) {
    const v = rate[i];
    rgba[i * 4] = 40;
    rgba[i * 4 + 1] = 40;
    rgba[i * 4 + 2] = 50;
    rgba[i * 4 + 3] = v > 0 ? 40 + 45 * v : 0;
  }
  return rgba;
}

/**
 * Spike raster: one row per (sample, time step), a class-colour label strip, then each layer's
 * neurons separated by an orange line. layers: [{neurons, steps, spikes}] with spikes laid out as
 * [t][sample][neuron]. Returns {rgba, width, height}.
 */
export function rasterImage(n, labels, layers) {
  const LABEL_W = Math.max(2, Math.round(layers.reduce((a, L) => a + L.neurons, 0) / 40));
  const cols = layers.reduce((a, L) => a + L.neurons + 1, -1) + LABEL_W + 1;
  // A network without hidden layers (2-2, a logistic readout) has no spikes to show: one blank row
  // per sample rather than Math.max() of nothing (−Infinity rows).
  const stepsMax = Math.max(1, ...layers.map((L) => L.steps || 1));
  const rows = n * stepsMax;
  const W = Math.max(1, cols);
  const rgba = new Uint8ClampedArray(W * rows * 4).fill(255);
  if (labels) {
    for (let r = 0; r < rows; r++) {
      const c = classRgb(labels[Math.floor(r / stepsMax)] ?? 0);
      for (let q = 0; q < LABEL_W; q++) {
        const o = (r * W + q) * 4;
        rgba[o] = c[0];
        rgba[o + 1] = c[1];
        rgba[o + 2] = c[2];
      }
    }
  }
  let x0 = LABEL_W + 1;
  for (const L of layers) {
    const steps = L.steps || 1;
    for (let t = 0; t < steps; t++) {
      for (let i = 0; i < n; i++) {
        const row = i * steps + t;
        for (let j = 0; j < L.neurons; j++) {
          const o = (row * W + x0 + j) * 4;
          if (L.spikes[(t * n + i) * L.neurons + j]) {
            rgba[o] = 30;
            rgba[o + 1] = 36;
            rgba[o + 2] = 48;
          } else {
            rgba[o] = 246;
            rgba[o + 1] = 247;
            rgba[o + 2] = 249;
          }
        }
      }
    }
    x0 += L.neurons;
    if (x0 < W) {
      for (let r = 0; r < rows; r++) {
        const o = (r * W + x0) * 4;
        rgba[o] = 245;
        rgba[o + 1] = 147;
        rgba[o + 2] = 34;
      }
    }
    x0 += 1;
  }
  return { rgba, width: W, height: rows };
}

/** An RGBA buffer as a transferable ImageBitmap (worker side; synchronous via OffscreenCanvas). */
export function toBitmap(rgba, width, height) {
  if (typeof OffscreenCanvas === 'undefined') return null; // the page then blits the RGBA buffer
  const oc = new OffscreenCanvas(width, height);
  oc.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
  return oc.transferToImageBitmap();
}
