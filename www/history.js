// The run's history, in two stores fed by the same messages:
// - `log`: every progress point (step, samples, loss, accuracies, firing rates, gradient norms), for
//   the metrics CSV and the test hook; halved when it passes LOG_MAX rows.
// - `plot`: what the charts draw, the same history decimated to ≤ PLOT_MAX points per series (every
//   other point is dropped when full, so the whole run stays visible at a coarser step), kept
//   column-wise so that a redraw passes the arrays as they are instead of building new ones;
//   `compare` holds the test accuracy of each compared model.
const LOG_MAX = 4000;
const PLOT_MAX = 1000;

export const log = { steps: [], samples: [], loss: [], train: [], test: [], rates: [], grads: [] };
export const plot = { steps: [], loss: [], train: [], test: [], rates: [], grads: [] };
export const compare = { steps: [], acc: [] };

export function resetHistory() {
  for (const k of Object.keys(log)) log[k] = [];
  for (const k of Object.keys(plot)) plot[k] = [];
  compare.steps = [];
  compare.acc = [];
}

const everyOther = (a) => a.filter((_, i) => i % 2 === 0);
// Every other point, always keeping the newest.
function halve(a) {
  const out = [];
  for (let i = (a.length - 1) % 2; i < a.length; i += 2) out.push(a[i]);
  return out;
}

function plotPush(main, testAcc) {
  const n = plot.steps.length;
  plot.steps.push(main.steps);
  plot.loss.push(main.loss);
  plot.train.push(main.acc);
  plot.test.push(testAcc);
  const rates = main.firingRates || [];
  const grads = main.gradNorms || [];
  while (plot.rates.length < rates.length) plot.rates.push(new Array(n).fill(null));
  while (plot.grads.length < grads.length) plot.grads.push(new Array(n).fill(null));
  plot.rates.forEach((a, i) => a.push(rates[i] ?? null));
  plot.grads.forEach((a, i) => a.push(grads[i] ?? null)); // 0 too: the log chart puts it on its floor
  if (plot.steps.length > PLOT_MAX) {
    for (const k of ['steps', 'loss', 'train', 'test']) plot[k] = halve(plot[k]);
    plot.rates = plot.rates.map(halve);
    plot.grads = plot.grads.map(halve);
  }
}

/** A progress point of the main model; `testAcc` is the latest evaluation's (or null). */
export function recordProgress(main, testAcc) {
  if (!main || main.steps <= 0 || log.steps[log.steps.length - 1] === main.steps) return;
  log.steps.push(main.steps);
  log.samples.push(main.samples);
  log.loss.push(main.loss);
  log.train.push(main.acc);
  log.test.push(testAcc);
  log.rates.push(main.firingRates);
  log.grads.push(main.gradNorms);
  if (log.steps.length > LOG_MAX) for (const k of Object.keys(log)) log[k] = everyOther(log[k]);
  plotPush(main, testAcc);
}

/** An evaluation: fills the test accuracy of the current point and extends the comparison. */
export function recordEval(models) {
  const main = models[0];
  if (log.steps.length && log.steps[log.steps.length - 1] === main.steps) log.test[log.test.length - 1] = main.testAcc;
  if (plot.steps.length && plot.steps[plot.steps.length - 1] === main.steps) plot.test[plot.test.length - 1] = main.testAcc;
  if (models.length > 1 && compare.steps[compare.steps.length - 1] !== main.steps) {
    compare.steps.push(main.steps);
    models.forEach((mm, i) => (compare.acc[i] ||= []).push(mm.testAcc));
    while (compare.acc.length < models.length) compare.acc.push([]);
    if (compare.steps.length > PLOT_MAX) {
      compare.steps = everyOther(compare.steps);
      compare.acc = compare.acc.map(everyOther);
    }
  }
}

/** The metrics as CSV text (one row per progress point). */
export function metricsCsv(title) {
  const nl = Math.max(0, ...log.rates.map((r) => r.length));
  const ng = Math.max(0, ...log.grads.map((r) => r.length));
  const cols = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}_${i + 1}`);
  const head = ['step', 'samples', 'loss', 'train_acc', 'test_acc', ...cols('firing_rate', nl), ...cols('grad_norm', ng)];
  const rows = [head.join(',')];
  const cells = (row, n) => Array.from({ length: n }, (_, j) => row?.[j] ?? '');
  for (let i = 0; i < log.steps.length; i++) {
    rows.push([log.steps[i], log.samples[i], log.loss[i], log.train[i], log.test[i] ?? '', ...cells(log.rates[i], nl), ...cells(log.grads[i], ng)].join(','));
  }
  return `# ${title}\n` + rows.join('\n') + '\n';
}
