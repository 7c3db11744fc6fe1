// Gradient norm per layer (log scale) over steps.
import { chartView, layerLabels } from './chart-view.js';
import { lineChart } from '../charts.js';
import { plot } from '../history.js';

export default chartView({
  name: 'grads',
  el: 'ch-grads',
  png: 'grads',
  make: (el) => lineChart(el, { height: 120, series: [{ label: 'layer1' }, { label: 'layer2' }, { label: 'readout' }], log: true }),
  draw(chart) {
    const c = chart();
    const ng = plot.grads.length;
    if (!ng) return c.setData([[], ...c.series.map(() => [])]);
    if (c.series.length !== ng || c.series[ng - 1].label !== 'readout') c.setSeries(layerLabels(ng, 'readout'));
    c.setData([plot.steps, ...plot.grads]);
  },
});
