// Compare mode: energy per inference of each model (bars) and a table of accuracy and operations.
import { FROM_WORKER } from '../protocol.js';
import { PAGE, on } from '../bus.js';
import { $, fmtInt, fmtNum, fmtPct } from '../format.js';
import { store } from '../store.js';
import { drawBars, SERIES } from '../draw.js';
import { exportPng } from '../files.js';

export default {
  name: 'compare',
  watch: [FROM_WORKER.eval],
  init() {
    this.energy = $('cmp-energy');
    this.table = $('cmp-table');
    exportPng('cmpenergy', () => this.energy);
    on(PAGE.sync, (R) => {
      $('view-compare').hidden = !R.compare;
      document.body.classList.toggle('compare-on', !!R.compare);
      $('view-single').hidden = !!R.compare && R.kind === 'image';
    });
  },
  render() {
    if (!store.run.compare || !store.eval || store.eval.models.length < 2) return;
    const ms = store.eval.models;
    const bars = ms.map((m, i) => ({ label: m.label, value: m.ops ? m.ops.energyPj : 0, color: SERIES[i % SERIES.length], note: '' }));
    const ann = bars[1]?.value;
    bars.forEach((b) => (b.note = ann ? `${(b.value / ann).toFixed(2)}× ANN` : ''));
    drawBars(this.energy, bars, 'pJ');
    this.table.innerHTML = `<tr><th>model</th><th>test acc</th><th>MACs</th><th>ACs</th><th>pJ / inference</th></tr>${ms
      .map((m, i) => `<tr data-model="${i}"><td><span class="swatch" style="background:${SERIES[i]}"></span>${m.label}</td><td data-k="testAcc" data-v="${m.testAcc}">${fmtPct(m.testAcc)}</td><td>${fmtInt(m.ops?.macs ?? 0)}</td><td>${fmtInt(m.ops?.acs ?? 0)}</td><td>${fmtNum(bars[i].value)}</td></tr>`)
      .join('')}`;
  },
};
