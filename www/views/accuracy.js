// Train and test accuracy over steps.
import { chartView } from './chart-view.js';
import { lineChart } from '../charts.js';
import { plot } from '../history.js';

export default chartView({
  name: 'acc',
  el: 'ch-acc',
  png: 'acc',
  make: (el) => lineChart(el, { height: 150, series: [{ label: 'train', stroke: '#f59322' }, { label: 'test', stroke: '#0877bd', width: 2 }], percent: true }),
  draw: (chart) => chart().setData([plot.steps, plot.train, plot.test]),
});
