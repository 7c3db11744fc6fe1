// The confusion matrix of the last evaluation (image sets): rows true, columns predicted.
import { FROM_WORKER } from '../protocol.js';
import { $, fmtInt, setText } from '../format.js';
import { store } from '../store.js';
import { drawConfusion } from '../draw.js';
import { exportPng } from '../files.js';

export default {
  name: 'confusion',
  watch: [FROM_WORKER.eval],
  init() {
    this.canvas = $('confusion');
    this.set = $('confusion-set');
    exportPng('confusion', () => this.canvas);
  },
  render() {
    if (!store.info || store.info.features === 2) return;
    const em = store.eval?.models?.[0];
    const all = store.info.testLen;
    setText(this.set, !em ? '' : em.evalSamples < all ? `${fmtInt(em.evalSamples)} of ${fmtInt(all)} test images (while training; all at each epoch and on pause)` : `all ${fmtInt(all)} test images`);
    const conf = store.eval?.confusion;
    if (conf && conf.length) drawConfusion(this.canvas, conf, store.info.classes, store.info.classNames);
  },
};
