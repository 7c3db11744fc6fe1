// The run's whole configuration, serialized into location.hash so that a link reproduces a run.
// Only values that differ from the defaults are written, so default links stay short.
//
// The table of keys, their allowed values and defaults is built from the package's catalog()
// (useCatalog, called once the worker has sent it): data sets, neurons, optimizers, data
// presets (hidden layers, lr, batch), every surrogate and neuron parameter (one key per name:
// alpha, beta, width, slope, threshold, steps, leak …) and the energy constants. What is left
// here is the page's own: the toy noise, the sample count and the seed.
import { datasetInfo, paramNames, paramEntry } from './catalog.js';

/** Keys whose change requires rebuilding the data set (the rest only rebuild the model). */
export const DATA_KEYS = ['data', 'noise', 'n', 'seed', 'std', 'csv'];
/** A CSV upload up to this many characters travels in the link (`csv=` key), so that the link works elsewhere. */
export const CSV_URL_MAX = 4000;
// Keys holding text; the others are numbers.
const TEXT_KEYS = ['data', 'arch', 'neuron', 'opt', 'csv', 'sched'];
/** Points of a toy set when `n` is 0. */
export const TOY_POINTS = 1000;
// Links made before the keys were the catalog's parameter names.
const LEGACY_KEYS = { theta: 'threshold', T: 'steps' };

const PAGE_DEFAULTS = {
  noise: 0.1, // toy noise
  n: 0, // 0 = default size (toy: TOY_POINTS; images: all 60 000)
  arch: '', // '' = the data preset's hidden layers
  lr: null, // null = the data preset's
  bs: null,
  seed: 1,
  compare: 0,
  std: 1, // CSV inputs standardized (train mean 0, sd 1 per axis)
  csv: '', // the uploaded CSV's text when it is small (CSV_URL_MAX), else ''
  pace: 0, // mini-batches per second while playing (0: as fast as it goes)
  until: 0, // play stops at this epoch (0: never)
  bn: 0, // batch norm before the threshold
};
/** The speed menu: mini-batches per second (0 = full speed). */
export const PACE_CHOICES = [0, 200, 50, 10];
// Counts the engine takes as integers: a link with `bs=16.5` or `seed=-3` keeps the default
// rather than reaching the package, which refuses what is not a non-negative integer.
const PAGE_COUNTS = ['n', 'bs', 'seed'];
// Quantities that cannot be negative: `#emac=-3` keeps the default (it left the accuracy at "–").
const PAGE_NONNEG = ['noise', 'emac', 'eac', 'emem', 'pace', 'until'];

let cat = null;
let DEFAULTS = null;
let NUMERIC = null;
let PARAMS = null; // [{name, source}]
let RANGED = null; // the schedules' and the rate penalty's entries (ranges checked on read)

/** The catalog entries of the schedule parameters and of the firing-rate penalty. */
export const trainingParams = (cat) => [...cat.schedules.flatMap((s) => s.params), ...cat.ratePenalty];

/** Builds the table from the catalog; every other export needs it. */
export function useCatalog(catalog) {
  cat = catalog;
  PARAMS = paramNames(cat);
  DEFAULTS = {
    data: cat.datasets[0].name,
    ...PAGE_DEFAULTS,
    neuron: cat.neurons[0].name,
    opt: cat.optimizers[0].name,
    ...Object.fromEntries(PARAMS.map((p) => [p.name, null])), // null = the neuron's default
    emac: cat.energy.eMacPj,
    eac: cat.energy.eAcPj,
    emem: cat.energy.eMemPj, // 0: memory accesses not counted (the papers' convention)
    // learning-rate schedule and its parameters, firing-rate penalty: the catalog's names and defaults
    sched: cat.schedules[0].name,
    ...Object.fromEntries(trainingParams(cat).map((p) => [p.name, p.default])),
  };
  RANGED = trainingParams(cat);
  NUMERIC = Object.keys(DEFAULTS).filter((k) => !TEXT_KEYS.includes(k));
}

export const dataKind = (data) => datasetInfo(cat, data)?.kind ?? 'toy';

/** The data preset's run defaults: {arch, lr, bs}. */
function presetOf(data) {
  const d = datasetInfo(cat, data);
  return { arch: d.hidden, lr: d.lr, bs: d.batch };
}
/** Do two data sets start runs from different presets (then arch, lr and batch go back to default)? */
export function presetChanges(a, b) {
  const [p, q] = [presetOf(a), presetOf(b)];
  return p.arch !== q.arch || p.lr !== q.lr || p.bs !== q.bs;
}

/** The parameter keys; `neuron` resets the ones whose entry differs for the new neuron. */
export const paramKeys = () => PARAMS.map((p) => p.name);

export function parseHash(hash) {
  const s = { ...DEFAULTS };
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  for (const [k0, v] of params) {
    const k = LEGACY_KEYS[k0] ?? k0;
    if (!(k in DEFAULTS)) continue;
    if (NUMERIC.includes(k)) {
      const num = Number(v);
      // A parameter value that no neuron's range admits (#steps=0) is dropped: kept, it reached
      // the worker's energy model as T = 0 and every view failed until the URL was edited.
      const ranges = PARAMS.some((p) => p.name === k) ? cat.neurons.map((n) => paramEntry(cat, k, n.name)).filter(Boolean) : [];
      if (ranges.length && !ranges.some((e) => num >= e.min && num <= e.max)) continue;
      const entry = RANGED.find((p) => p.name === k);
      if (entry && !(num >= entry.min && num <= entry.max)) continue;
      const ok = PAGE_COUNTS.includes(k) ? Number.isSafeInteger(num) && num >= 0 : Number.isFinite(num) && !(PAGE_NONNEG.includes(k) && num < 0);
      if (v !== '' && ok) s[k] = num;
    } else {
      s[k] = k === 'arch' ? v.trim() : v; // `#arch=%20` is the preset, as an empty field is
    }
  }
  if (!datasetInfo(cat, s.data)) s.data = DEFAULTS.data;
  if (!cat.neurons.some((n) => n.name === s.neuron)) s.neuron = DEFAULTS.neuron;
  if (!cat.optimizers.some((o) => o.name === s.opt)) s.opt = DEFAULTS.opt;
  if (!cat.schedules.some((o) => o.name === s.sched)) s.sched = DEFAULTS.sched;
  return s;
}

export function toHash(s) {
  const r = resolved(s);
  const params = new URLSearchParams();
  for (const k of Object.keys(DEFAULTS)) {
    const v = s[k];
    if (v === null || v === undefined || v === '' || v === DEFAULTS[k]) continue;
    if (PARAMS.some((p) => p.name === k) && v === paramEntry(cat, k, r.neuron)?.default) continue;
    params.set(k, String(v));
  }
  return '#' + params.toString();
}

/**
 * Fills in the data preset's and the neuron's defaults: the configuration the worker uses. Each
 * parameter key holds the value for the chosen neuron, or null where it has none.
 */
export function resolved(s) {
  const kind = dataKind(s.data);
  const kd = presetOf(s.data);
  const r = { ...s, kind, n: s.n || (kind === 'toy' ? TOY_POINTS : 0), arch: String(s.arch ?? '').trim() || kd.arch, lr: s.lr ?? kd.lr, bs: s.bs ?? kd.bs };
  for (const { name } of PARAMS) r[name] = s[name] ?? paramEntry(cat, name, s.neuron)?.default ?? null;
  return r;
}
