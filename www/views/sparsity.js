// Sparsity: per hidden layer, how many neurons never spike and how many always spike on the
// raster's test samples, and a histogram of the neurons' firing rates (one bar group per layer).
import { FROM_WORKER } from '../protocol.js';
import { $, setText, plural } from '../format.js';
import { store } from '../store.js';
import { fit, SERIES } from '../draw.js';
import { exportPng } from '../files.js';

const BINS = 10;

export default {
  name: 'sparsity',
  watch: [FROM_WORKER.raster],
  init() {
    this.canvas = $('sparsity');
    this.text = $('sparsity-text');
    exportPng('sparsity', () => this.canvas);
  },
  render() {
    const r = store.raster;
    if (!r) return;
    const spiking = ['spike', 'multiStep'].includes(store.models?.[0]?.spec?.neuron?.kind);
    const layers = r.layers.filter((L) => L.rates);
    store.sparsity = layers.map((L) => {
      let dead = 0;
      let always = 0;
      const hist = new Array(BINS).fill(0);
      for (const v of L.rates) {
        if (v === 0) dead++;
        if (v === 1) always++;
        hist[Math.min(BINS - 1, Math.floor(v * BINS))]++;
      }
      return { name: L.name, neurons: L.rates.length, dead, always, hist };
    });
    setText(
      this.text,
      !spiking
        ? 'this neuron model does not spike: no firing rates'
        : store.sparsity.map((s) => `${s.name}: ${plural(s.dead, 'neuron')} of ${s.neurons} never spike, ${s.always} always spike`).join(' · ') + ` (on ${r.n} test samples)`,
    );
    const [w, h, ctx] = fit(this.canvas, 90);
    ctx.clearRect(0, 0, w, h);
    const bottom = h - 14;
    const groupW = (w - 10) / BINS;
    const barW = Math.max(2, (groupW - 4) / Math.max(1, store.sparsity.length));
    const max = Math.max(1, ...store.sparsity.flatMap((s) => s.hist.map((c) => c / s.neurons)));
    store.sparsity.forEach((s, li) => {
      ctx.fillStyle = SERIES[li % SERIES.length];
      s.hist.forEach((c, b) => {
        const bh = ((bottom - 4) * (c / s.neurons)) / max;
        ctx.fillRect(5 + b * groupW + 2 + li * barW, bottom - bh, barW - 1, bh);
      });
    });
    ctx.fillStyle = '#444';
    ctx.font = '10px Helvetica, Arial, sans-serif';
    ctx.textBaseline = 'alphabetic';
    for (const [t, x] of [['0 %', 5], ['50 %', 5 + (w - 10) / 2 - 10], ['100 %', w - 30]]) ctx.fillText(t, x, h - 2);
  },
};
