// Operations and energy of one inference: MACs, ACs, firing rate and pJ per layer (for the probed
// input or the test-set mean), and bars comparing this net with the same net as an ANN (dense, and
// skipping zero inputs) and as a T-step SNN. Every count, energy and break-even rate comes from the
// package's OpReport (src/ops.rs): this view only words and draws them.
import { FROM_WORKER } from '../protocol.js';
import { $, fmtInt, fmtPct, fmtNum, setText, setHtml, fmtEnergy } from '../format.js';
import { store } from '../store.js';
import { drawBars, SERIES } from '../draw.js';
import { on } from '../bus.js';

// OpReport counts are already per inference (means over `samples` inputs).
const per = (v) => v ?? 0;
const fmtCell = { macs: (v) => fmtInt(per(v)), acs: (v) => fmtInt(per(v)), energyPj: (v) => fmtEnergy(per(v)), share: (v) => (v === null || v === undefined ? '' : fmtPct(v)), firingRate: (v) => (v === null || v === undefined ? '–' : fmtPct(v)) };
const isReadout = (L) => /readout|output/i.test(L.name || '') || L.kind === 'readout';
// A layer firing on at most DEAD_RATE or at least SATURATED_RATE of its neuron-inputs carries
// (almost) no information: a dead network's low energy is no saving.
const DEAD_RATE = 0;
const SATURATED_RATE = 0.98;
const SPIKING = ['spike', 'multiStep'];

const LAYER_COLORS = ['#f59322', '#0877bd', '#2ea043', '#8e44ad', '#d62728', '#17becf'];

/**
 * What the counts mean for this net: which layer dominates and why; each spike-fed layer's input
 * firing rate against its break-even rate (vs its ANN twin, and the per-step rate at which a
 * T-step SNN would cost the same); what an ANN that also skips zeros would cost.
 */
function explain(ops, eMac, eAc) {
  const total = per(ops.energyPj);
  if (!total || !ops.layers.length) return '';
  const top = ops.layers.reduce((a, L) => (per(L.energyPj) > per(a.energyPj) ? L : a));
  const fed = ops.layers.filter((L) => L.input === 'spike');
  const T = ops.snnSteps;
  const parts = [`<b>${top.name}</b> takes ${fmtPct(per(top.energyPj) / total)} of the energy${top.input === 'real' ? ': its inputs are real-valued (pixels or coordinates), so it multiplies (MACs)' : ''}.`];
  if (fed.length) {
    const rows = fed.map((L) => {
      const r = per(L.acs) / Math.max(1, L.fanIn * L.fanOut);
      const be = L.breakEvenRate;
      const vsAnn = be === null ? '' : be >= 1 ? ', break-even none (cheaper at any rate)' : `, break-even ${fmtPct(be)}${r > be ? ' (above it: dearer than the ANN layer)' : ''}`;
      return `${L.name}: input rate ${fmtPct(r)}${vsAnn}; a ${T}-step SNN costs as much at ${fmtPct(r / T)} per step`;
    });
    parts.push(
      `Spike-fed layers add weights instead: ${fmtInt(fed.reduce((a, L) => a + per(L.acs), 0))} ACs where the ANN does ${fmtInt(fed.reduce((a, L) => a + per(L.annMacs), 0))} MACs. ` +
        `Such a layer beats its ANN twin while its input firing rate is below the break-even rate (E<sub>MAC</sub>/E<sub>AC</sub> = ${fmtNum(eMac / eAc)}× when memory is not counted; above 100 %: always). ` +
        `A T-step SNN firing at the same rate every step does T times the ACs, so it matches one step only at a T-th of the rate (${rows.join('; ')}).`,
    );
  }
  if (ops.annSparseEnergyPj > 0) {
    parts.push(
      `An ANN that skips zero inputs too (at this net's sparsity) would need ${fmtEnergy(ops.annSparseEnergyPj)}; this net skipping its real-valued inputs' zeros as well, ${fmtEnergy(ops.sparseEnergyPj)}: ` +
        `beside such hardware the spikes' saving is the cheaper addition (E<sub>MAC</sub>/E<sub>AC</sub>), not the sparsity (an ANN's ReLUs make zeros too).`,
    );
  }
  return parts.join(' ');
}

/** What memory adds: this net's accesses and their share of its energy, or how to count them. */
function memoryNote(ops, energyInfo) {
  const m = ops.energyModel;
  if (!m || !energyInfo) return '';
  if (!(m.eMemPj > 0)) {
    return `Memory accesses are not counted (E<sub>mem</sub> = 0, the papers' convention). Set E<sub>mem</sub> to ${fmtNum(energyInfo.eMemSuggestedPj)} pJ (${energyInfo.memSource}) to see how reading weights and potentials changes the picture.`;
  }
  const memPj = per(ops.memAccesses) * m.eMemPj;
  return (
    `Memory counted at ${fmtNum(m.eMemPj)} pJ per access: this net makes ${fmtInt(per(ops.memAccesses))} accesses (${fmtPct(memPj / Math.max(1e-12, per(ops.energyPj)))} of its energy). ` +
    `Each MAC reads its weight and keeps the sum in a register; each AC reads its weight and reads and writes the potential it adds to (events arrive in any order), so a spike costs more memory traffic than a multiplication saves, and the break-even rates fall.`
  );
}
/** Dead and saturated hidden layers of a spiking model over the test set: [{name, rate, dead}]. */
function degenerate(ops) {
  if (!ops || !SPIKING.includes(store.models?.[0]?.spec?.neuron?.kind)) return [];
  return ops.layers.filter((L) => !isReadout(L) && (L.firingRate <= DEAD_RATE || L.firingRate >= SATURATED_RATE)).map((L) => ({ name: L.name, rate: L.firingRate, dead: L.firingRate <= DEAD_RATE }));
}

export default {
  name: 'ops',
  watch: [FROM_WORKER.probe, FROM_WORKER.eval],
  init({ redraw }) {
    this.mode = $('c-opsview');
    this.table = $('ops-table');
    this.energy = $('energy');
    this.warning = $('energy-warning');
    this.explain = $('energy-explain');
    this.memory = $('energy-memory');
    this.mode.addEventListener('change', redraw);
    on(FROM_WORKER.ready, (m) => {
      this.energyInfo = m.catalog.energy;
      $('energy-source').textContent = m.catalog.energy.source;
      $('l-emem').title = `pJ per memory access; 0: not counted. ${m.catalog.energy.memSource}`;
    });
  },
  render() {
    const mode = this.mode.value;
    const ops = mode === 'test' ? store.eval?.models?.[0]?.ops : store.probe?.ops;
    const table = this.table;
    if (!ops) {
      table.innerHTML = '';
      table.__key = null;
      return;
    }
    store.shownOps = { mode, ops };
    // Rebuild the rows only when the layer list changes; otherwise update cell text in place.
    const key = `${ops.layers.map((L) => `${L.name}:${L.input}`).join(',')}|${ops.samples}`;
    if (table.__key !== key) {
      table.__key = key;
      const cells = '<td data-k="macs"></td><td data-k="acs"></td><td data-k="firingRate"></td><td data-k="energyPj"></td><td data-k="share"></td>';
      table.innerHTML = `<tr><th>layer · input</th><th>MACs</th><th>ACs</th><th>rate</th><th>energy</th><th>share</th></tr>${ops.layers
        .map((L, i) => `<tr data-layer="${i}"><td>${L.name} <span class="tag-${L.input}">${L.input}</span></td>${cells}</tr>`)
        .join('')}<tr class="total"><td>total${ops.samples > 1 ? ` (mean of ${fmtInt(ops.samples)} test inputs)` : ''}</td><td data-k="macs"></td><td data-k="acs"></td><td></td><td data-k="energyPj"></td><td></td></tr>`;
      table.__rows = [...table.querySelectorAll('tr[data-layer], tr.total')].map((tr) => [...tr.querySelectorAll('td[data-k]')]);
    }
    const total = per(ops.energyPj) || 1;
    const srcs = [...ops.layers.map((L) => ({ ...L, share: per(L.energyPj) / total })), ops];
    table.__rows.forEach((tds, i) => {
      for (const td of tds) {
        const v = srcs[i][td.dataset.k];
        const sv = String(v);
        if (td.dataset.v !== sv) {
          td.dataset.v = sv;
          td.textContent = td.dataset.k === 'firingRate' && isReadout(srcs[i]) ? '–' : fmtCell[td.dataset.k](v);
        }
      }
    });
    const bad = degenerate(store.eval?.models?.[0]?.ops);
    const acc = store.eval?.models?.[0]?.testAcc;
    this.warning.hidden = !bad.length;
    setText(
      this.warning,
      bad.length
        ? `⚠ ${bad.map((b) => `${b.name} ${b.dead ? 'never spikes' : `spikes on ${fmtPct(b.rate)} of inputs`}`).join(', ')} on the test set: the network is ${bad.some((b) => b.dead) ? 'dead' : 'saturated'} (test accuracy ${fmtPct(acc)}). Its energy ratio is no saving: such a layer carries no information. Try a lower θ, another seed or a smaller learning rate.`
        : '',
    );
    const me = per(ops.energyPj);
    const ann = per(ops.annEnergyPj);
    const label = store.models?.[0]?.neuron ?? store.run.neuron;
    const vsAnn = (v) => (ops.annEnergyPj ? `${(v / ann).toFixed(2)}× ANN` : '');
    const flag = bad.length ? (bad.some((b) => b.dead) ? ' (dead network)' : ' (saturated)') : '';
    // Stacked per layer: this net (its own MACs and ACs) and the ANN twin (every layer MACs).
    const eMac = ops.energyModel?.eMacPj ?? store.run.emac;
    const eAc = ops.energyModel?.eAcPj ?? store.run.eac;
    const layerColor = (i) => LAYER_COLORS[i % LAYER_COLORS.length];
    drawBars(
      this.energy,
      [
        { label: `this net (${label})`, value: me, note: vsAnn(me) + flag, segments: ops.layers.map((L, i) => ({ value: per(L.energyPj), color: layerColor(i) })) },
        { label: 'same net as ANN', value: ann, note: '', segments: ops.layers.map((L, i) => ({ value: per(L.annEnergyPj), color: layerColor(i) })) },
        { label: 'ANN skipping zeros', value: per(ops.annSparseEnergyPj), note: vsAnn(per(ops.annSparseEnergyPj)), segments: ops.layers.map((L, i) => ({ value: per(L.annSparseEnergyPj), color: layerColor(i) })) },
        { label: `as SNN, T=${ops.snnSteps ?? store.run.steps}`, value: per(ops.snnEnergyPj), color: '#8e44ad', note: vsAnn(per(ops.snnEnergyPj)) },
      ],
      'pJ',
      'Energy per inference, by layer',
      ops.layers.map((L, i) => ({ label: L.name, color: layerColor(i) })),
    );
    setHtml(this.explain, explain(ops, eMac, eAc));
    setHtml(this.memory, memoryNote(ops, this.energyInfo));
  },
};
