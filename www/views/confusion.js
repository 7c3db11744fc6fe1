// The confusion matrix of the last evaluation (image sets): rows true, columns predicted.
import { FROM_WORKER } from '../protocol.js';
import { $ } from '../format.js';
import { store } from '../store.js';
import { drawConfusion } from '../draw.js';
import { exportPng } from '../files.js';

export default {
  name: 'confusion',
  watch: [FROM_WORKER.eval],
  init() {
    this.canvas = $('confusion');
    exportPng('confusion', () => this.canvas);
  },
  render() {
    if (!store.info || store.info.features === 2) return;
    const conf = store.eval?.confusion;
    if (conf && conf.length) drawConfusion(this.canvas, conf, store.info.classes, store.info.classNames);
  },
};
