// A view that is one uPlot chart of the run's history: redrawn on progress and evaluations, at
// most every CHART_MS while training (the scheduler's `chart` flag), created on first use so
// that page start-up is not one long task.
import { FROM_WORKER } from '../protocol.js';
import { $ } from '../format.js';
import { exportPng } from '../files.js';
import { store } from '../store.js';

/** {name, el: container id, png: PNG button name, make(el) → chart, draw(chart: () => the chart)} → a view. */
export function chartView({ name, el, png, make, draw }) {
  let chart = null;
  const get = () => (chart ||= make($(el)));
  return {
    name: `chart:${name}`,
    chart: true,
    watch: [FROM_WORKER.progress, FROM_WORKER.eval],
    init() {
      exportPng(png, () => get().canvas());
    },
    render() {
      try {
        draw(get);
      } catch (e) {
        // A chart whose draw threw is left half-updated by uPlot: the next draw builds a new one
        // rather than leaving the panel blank for the rest of the session.
        chart?.u?.destroy();
        chart = null;
        $(el).replaceChildren();
        throw e;
      }
    },
  };
}

/** Series labels layer1..layerN (the last one named `last` if given). */
export const layerLabels = (n, last) => Array.from({ length: n }, (_, i) => ({ label: last && i === n - 1 ? last : `layer${i + 1}` }));

/** The run's model labels (the worker's ModelInfo: the chosen neuron's own label, never a fixed name). */
export const modelLabels = () => (store.models || []).map((m) => m.label);
