// Compare mode on 2-D sets: one small decision boundary per model, with its test accuracy.
import { FROM_WORKER } from '../protocol.js';
import { $, fmtPct, setHtml } from '../format.js';
import { store } from '../store.js';
import { drawBoundary, SERIES } from '../draw.js';

let cells = []; // [{head, canvas}] one per model

export default {
  name: 'cmpboundary',
  watch: { [FROM_WORKER.boundary]: (m) => m.others?.length > 0 },
  init({ redraw }) {
    this.redraw = redraw;
    this.box = $('cmp-boundaries');
  },
  render() {
    const box = this.box;
    const b = store.boundary;
    const show = !!(store.run.compare && b && b.others?.length && store.info?.features === 2);
    box.hidden = !show;
    if (!show) return;
    const all = [{ label: store.models?.[0]?.label ?? '', proba: b.proba, image: b.image }, ...b.others];
    if (cells.length !== all.length) {
      box.innerHTML = '';
      cells = all.map(() => {
        const wrap = document.createElement('div');
        const head = document.createElement('div');
        head.className = 'cb-head';
        const canvas = document.createElement('canvas');
        canvas.__square = true;
        wrap.append(head, canvas);
        box.appendChild(wrap);
        return { head, canvas };
      });
      this.redraw();
      return;
    }
    all.forEach((m, i) => {
      const acc = store.eval?.models?.[i]?.testAcc;
      setHtml(cells[i].head, `<b><span class="swatch" style="background:${SERIES[i]}"></span>${m.label}</b><span>${fmtPct(acc)}</span>`);
      drawBoundary(cells[i].canvas, { boundary: { image: m.image, res: b.res, classes: b.classes, domain: b.domain }, points: store.testPoints, legend: false });
    });
  },
};
