// Compare mode: test accuracy of each model over steps.
import { chartView, modelLabels } from './chart-view.js';
import { lineChart } from '../charts.js';
import { compare } from '../history.js';
import { store } from '../store.js';

export default chartView({
  name: 'cmpacc',
  el: 'ch-cmpacc',
  png: 'cmpacc',
  make: (el) => lineChart(el, { height: 200, series: [{ label: 'test accuracy' }], percent: true }),
  draw(chart) {
    if (!store.run.compare || !compare.steps.length || !store.eval) return;
    const c = chart();
    c.setSeries(modelLabels().map((label) => ({ label })));
    c.setData([compare.steps, ...store.eval.models.map((_, i) => compare.acc[i] || [])]);
  },
});
