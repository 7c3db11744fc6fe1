// Training loss over steps.
import { chartView } from './chart-view.js';
import { lineChart } from '../charts.js';
import { plot } from '../history.js';

export default chartView({
  name: 'loss',
  el: 'ch-loss',
  png: 'loss',
  make: (el) => lineChart(el, { height: 150, series: [{ label: 'train loss' }], legend: false }),
  draw: (chart) => chart().setData([plot.steps, plot.loss]),
});
