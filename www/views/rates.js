// Firing rate per hidden layer over steps.
import { chartView, layerLabels } from './chart-view.js';
import { lineChart } from '../charts.js';
import { plot } from '../history.js';

export default chartView({
  name: 'rates',
  el: 'ch-rates',
  png: 'rates',
  make: (el) => lineChart(el, { height: 120, series: [{ label: 'layer1' }, { label: 'layer2' }], percent: true }),
  draw(chart) {
    const c = chart();
    const nl = plot.rates.length;
    if (!nl) return c.setData([[], ...c.series.map(() => [])]);
    if (c.series.length !== nl) c.setSeries(layerLabels(nl));
    c.setData([plot.steps, ...plot.rates]);
  },
});
