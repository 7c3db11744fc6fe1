// The decision boundary of a 2-D set: class probabilities as a heat map, the points, the probed
// input, and the region where the hovered neuron spikes. A click probes that point.
import { FROM_WORKER, TO_WORKER } from '../protocol.js';
import { PAGE, on } from '../bus.js';
import { $ } from '../format.js';
import { store } from '../store.js';
import { ask } from '../link.js';
import { drawBoundary, DEFAULT_DOMAIN } from '../draw.js';
import { exportPng } from '../files.js';

export default {
  name: 'boundary',
  watch: [FROM_WORKER.boundary, FROM_WORKER.region, FROM_WORKER.probe, PAGE.regionCleared],
  init() {
    const canvas = (this.canvas = $('boundary'));
    canvas.__square = true;
    canvas.addEventListener('click', (ev) => {
      if (!store.info || store.info.features !== 2) return;
      const r = canvas.getBoundingClientRect();
      const [x0, x1, y0, y1] = store.boundary?.domain || store.points?.domain || DEFAULT_DOMAIN;
      const x = x0 + ((ev.clientX - r.left) / r.width) * (x1 - x0);
      const y = y1 - ((ev.clientY - r.top) / r.height) * (y1 - y0);
      ask(TO_WORKER.probe, { x: [x, y], source: { kind: 'point' } });
    });
    exportPng('boundary', () => canvas);
    on(PAGE.sync, (R) => {
      const image = R.kind === 'image';
      $('view-toy').hidden = image;
      $('train-title').firstChild.textContent = image ? 'Predictions ' : 'Decision boundary ';
      $('boundary-hint').textContent = image ? '' : 'hover a neuron cell (left) to see where it spikes';
    });
  },
  render() {
    if (!store.info || store.info.features !== 2) return;
    const x = store.probe?.x;
    const probe = x && x.length === 2 ? x : null;
    drawBoundary(this.canvas, { boundary: store.boundary, points: store.points, region: store.region, probe, classes: store.info.classes });
  },
};
