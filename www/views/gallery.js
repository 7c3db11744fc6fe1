// Test images (image sets) with their predicted class; a click probes that image.
import { FROM_WORKER, TO_WORKER } from '../protocol.js';
import { PAGE, on } from '../bus.js';
import { $ } from '../format.js';
import { store } from '../store.js';
import { ask } from '../link.js';
import { drawGallery } from '../draw.js';
import { exportPng } from '../files.js';

export default {
  name: 'gallery',
  watch: [FROM_WORKER.eval],
  init() {
    const canvas = (this.canvas = $('gallery'));
    this.hit = null;
    canvas.addEventListener('click', (ev) => {
      if (!this.hit || !store.gallery) return;
      const r = canvas.getBoundingClientRect();
      const k = this.hit(ev.clientX - r.left, ev.clientY - r.top);
      if (k >= 0) {
        $('c-testidx').value = store.gallery.idx[k]; // the pad's "test #" shows what is probed
        ask(TO_WORKER.probe, { index: store.gallery.idx[k] });
      }
    });
    exportPng('gallery', () => canvas);
    // Keyboard: arrows choose an image, Enter or Space probes it.
    this.sel = -1;
    canvas.addEventListener('keydown', (ev) => {
      if (!store.gallery || !this.hit) return;
      const n = store.gallery.idx.length;
      const cols = this.hit.cols;
      const move = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols }[ev.key];
      if (move) {
        ev.preventDefault();
        this.sel = Math.max(0, Math.min(n - 1, (this.sel < 0 ? 0 : this.sel + move)));
        canvas.setAttribute('aria-label', `test image ${this.sel + 1} of ${n} (test #${store.gallery.idx[this.sel]}): Enter probes it`);
        this.render();
      } else if ((ev.key === 'Enter' || ev.key === ' ') && this.sel >= 0) {
        ev.preventDefault();
        $('c-testidx').value = store.gallery.idx[this.sel];
        ask(TO_WORKER.probe, { index: store.gallery.idx[this.sel] });
      }
    });
    on(PAGE.sync, (R) => {
      $('view-image').hidden = R.kind !== 'image';
    });
  },
  render() {
    if (!store.gallery || !store.info || store.info.features === 2) return;
    this.hit = drawGallery(this.canvas, store.gallery, store.galleryPred, store.info.classNames, store.info.shape, this.sel);
  },
};
