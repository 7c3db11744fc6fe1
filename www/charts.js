// Thin wrappers over uPlot: line charts that resize with their container, and the surrogate chart
// (gradient, primitive, overlays, and per-layer histograms of u − θ on a second scale).
import uPlot from '../vendor/uplot/uPlot.esm.js';
import { SERIES } from './draw.js';

const charts = new Set();
// A log axis shows values down to LOG_FLOOR; smaller ones (a dead layer's gradient norm of 1e-30
// or 0) sit on the floor. uPlot's log ticks threw "RangeError: Invalid array length" on values
// near 1e-30, and the chart stayed blank for the rest of the session.
export const LOG_FLOOR = 1e-12;
const logRange = (u, mn, mx) => {
  if (!(mx > 0)) return [LOG_FLOOR, 1];
  const lo = Math.max(LOG_FLOOR, mn > 0 ? mn : LOG_FLOOR);
  return [10 ** Math.floor(Math.log10(lo)), 10 ** Math.ceil(Math.log10(Math.max(mx, lo * 10)))];
};
// A percent axis (accuracy, firing rate) stays inside [0, 1] and spans at least MIN_PCT_SPAN, so that
// flat curves (10 % accuracy before training, a dead layer at 0 %) get distinct, readable ticks;
// its labels carry as many decimals as the tick spacing needs.
const MIN_PCT_SPAN = 0.1;
const pctRange = (u, mn, mx) => {
  if (mn === null || mx === null || !Number.isFinite(mn) || !Number.isFinite(mx)) return [0, 1];
  let lo = Math.max(0, mn - 0.05 * (mx - mn));
  let hi = Math.min(1, mx + 0.05 * (mx - mn));
  if (hi - lo < MIN_PCT_SPAN) {
    const mid = (lo + hi) / 2;
    lo = Math.max(0, Math.min(mid - MIN_PCT_SPAN / 2, 1 - MIN_PCT_SPAN));
    hi = lo + MIN_PCT_SPAN;
  }
  return [lo, hi];
};
export function pctLabels(u, vals, axis, space, incr) {
  const step = Math.abs(incr || (vals.length > 1 ? vals[1] - vals[0] : 1));
  const dec = Math.max(0, Math.min(3, Math.ceil(-Math.log10(step * 100) - 1e-9)));
  return vals.map((v) => `${(v * 100).toFixed(dec)}%`);
}
const onFloor = (a) => a.map((v) => (v === null || v === undefined || Number.isNaN(v) ? null : Math.max(LOG_FLOOR, v)));
const ro = new ResizeObserver((entries) => {
  for (const e of entries) {
    const c = e.target.__chart;
    if (c && c.u) {
      const w = Math.floor(e.contentRect.width);
      if (w > 0 && w !== c.u.width) c.u.setSize({ width: w, height: c.height });
    }
  }
});

export function lineChart(el, { height = 150, series, yLabel, yRange, log = false, xLabel = 'steps', legend = true, percent = false }) {
  const chart = { el, height, u: null, nSeries: series.length, series };
  const make = (labels) => {
    if (chart.u) chart.u.destroy();
    const opts = {
      width: Math.max(100, el.clientWidth || 300),
      height,
      legend: { show: legend, live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: {
        x: { time: false },
        y: log ? { distr: 3, range: logRange } : yRange ? { range: yRange } : percent ? { range: pctRange } : { auto: true },
      },
      axes: [
        { size: 26, font: '10px Helvetica, Arial', label: undefined, grid: { stroke: '#eef0f2' }, ticks: { stroke: '#e3e6ea' } },
        {
          size: 46,
          font: '10px Helvetica, Arial',
          grid: { stroke: '#eef0f2' },
          ticks: { stroke: '#e3e6ea' },
          values: percent ? pctLabels : log ? (u, vals) => vals.map((v) => (v === null ? '' : v.toExponential(0))) : undefined,
          label: yLabel,
          labelSize: yLabel ? 12 : 0,
          labelFont: '10px Helvetica, Arial',
        },
      ],
      series: [{ label: xLabel }, ...labels.map((s, i) => ({ label: s.label, stroke: s.stroke || SERIES[i % SERIES.length], width: s.width || 1.5, dash: s.dash, points: { show: false }, spanGaps: true }))],
    };
    const empty = [[], ...labels.map(() => [])];
    chart.u = new uPlot(opts, empty, el);
    chart.labels = labels.map((s) => s.label).join('|');
  };
  chart.setSeries = (labels) => {
    const key = labels.map((s) => s.label).join('|');
    if (key !== chart.labels) {
      chart.series = labels;
      make(labels);
    }
  };
  chart.setData = (data) => {
    if (chart.u) chart.u.setData(log ? [data[0], ...data.slice(1).map(onFloor)] : data);
  };
  chart.canvas = () => chart.u && chart.u.ctx.canvas;
  make(series);
  el.__chart = chart;
  ro.observe(el);
  charts.add(chart);
  return chart;
}

/**
 * The surrogate panel: x grid from the package's surrogateCurve; series: gradient (solid),
 * primitive (dashed), other surrogates' gradients (thin), histograms of u − θ per layer (filled
 * steps on the right-hand scale).
 */
export function surrogateChart(el, height = 210) {
  const chart = { el, height, u: null, key: '' };
  chart.set = ({ x, main, primitive, overlays, hists, showPrimitive }) => {
    const series = [{ label: 'u − θ' }];
    const data = [x];
    const layerColors = ['rgba(8,119,189,0.22)', 'rgba(46,160,67,0.22)', 'rgba(142,68,173,0.22)', 'rgba(214,39,40,0.2)', 'rgba(23,190,207,0.2)'];
    (hists || []).forEach((h, i) => {
      series.push({
        label: `${h.name} u−θ`,
        scale: 'h',
        stroke: layerColors[i % layerColors.length].replace(/0\.2\d?\)/, '0.8)'),
        fill: layerColors[i % layerColors.length],
        width: 1,
        paths: uPlot.paths.stepped({ align: 1 }),
        points: { show: false },
      });
      data.push(h.values);
    });
    series.push({ label: `${main.label} g′`, stroke: '#f59322', width: 2.5, points: { show: false } });
    data.push(main.grad);
    if (showPrimitive) {
      series.push({ label: 'primitive', stroke: '#7a3f00', dash: [5, 4], width: 1.5, points: { show: false } });
      data.push(primitive);
    }
    (overlays || []).forEach((o, i) => {
      // overlays dotted, so that they are not taken for the layers' filled histograms
      series.push({ label: o.label, stroke: ['#555', '#0877bd', '#2ea043', '#8e44ad', '#d62728'][i % 5], width: 1.2, dash: [2, 3], points: { show: false } });
      data.push(o.grad);
    });
    const key = series.map((s) => s.label).join('|');
    if (key !== chart.key || !chart.u) {
      if (chart.u) chart.u.destroy();
      chart.u = new uPlot(
        {
          width: Math.max(100, el.clientWidth || 300),
          height,
          legend: { show: true, live: false },
          cursor: { drag: { x: false, y: false }, points: { show: false } },
          scales: { x: { time: false }, y: { auto: true, range: (u, mn, mx) => [Math.min(0, mn), Math.max(1.05, mx * 1.05)] }, h: { auto: true, range: (u, mn, mx) => [0, Math.max(0.5, mx * 1.15)] } },
          axes: [
            { size: 26, font: '10px Helvetica, Arial', grid: { stroke: '#eef0f2' }, label: 'u − θ (potential minus threshold)', labelSize: 14, labelFont: '10px Helvetica, Arial' },
            { size: 34, font: '10px Helvetica, Arial', grid: { stroke: '#eef0f2' }, label: 'g′ and primitive', labelSize: 14, labelFont: '10px Helvetica, Arial' },
            { scale: 'h', side: 1, size: 34, font: '10px Helvetica, Arial', grid: { show: false }, stroke: '#4d6b6b', label: 'density of u − θ', labelSize: 14, labelFont: '10px Helvetica, Arial' },
          ],
          series,
        },
        data,
        el,
      );
      chart.key = key;
      el.__chart = chart;
      ro.observe(el);
    } else {
      chart.u.setData(data);
    }
  };
  chart.canvas = () => chart.u && chart.u.ctx.canvas;
  return chart;
}
