// The run's whole configuration, serialized into location.hash so that a link reproduces a run.
// Only values that differ from the defaults are written, so default links stay short.

export const TOY_SETS = ['spiral', 'moons', 'circles', 'xor', 'blobs'];
export const IMAGE_SETS = ['mnist', 'fashion'];
export const NEURONS = ['s3nn', 'sigmoid', 'rect', 'atan', 'fastsigmoid', 'bnn', 'relu', 'lif'];
export const SURROGATES = ['s3nn', 'sigmoid', 'rect', 'atan', 'fastsigmoid'];

/** Default first surrogate parameter per neuron (α, width or slope) — matches src/neuron.rs. */
export const ALPHA_DEFAULT = { s3nn: 4, sigmoid: 4, rect: 1, atan: 2, fastsigmoid: 25, lif: 4, bnn: 4, relu: 4 };
/** The name of the first surrogate parameter, for labels. */
export const ALPHA_NAME = { s3nn: 'α', sigmoid: 'α', rect: 'width', atan: 'α', fastsigmoid: 'slope', lif: 'α', bnn: 'α', relu: 'α' };
export const ALPHA_RANGE = {
  s3nn: [0.5, 16, 0.1], sigmoid: [0.5, 16, 0.1], rect: [0.1, 4, 0.05], atan: [0.2, 10, 0.1],
  fastsigmoid: [1, 100, 1], lif: [0.5, 16, 0.1], bnn: [0.5, 16, 0.1], relu: [0.5, 16, 0.1],
};

export const DEFAULTS = {
  data: 'spiral', // spiral|moons|circles|xor|blobs|mnist|fashion|csv
  noise: 0.1, // toy noise
  n: 0, // 0 = default size (toy: 1000 points; images: all 60 000)
  arch: '', // '' = default for the data kind
  neuron: 's3nn',
  alpha: null, // null = default of the neuron
  beta: 1,
  theta: null, // null = default of the neuron (0, or 1 for lif)
  T: 4, // steps for lif / the T-step SNN in the energy comparison
  leak: 0.5,
  lr: null, // null = default of the data kind
  bs: null,
  opt: 'adam',
  seed: 1,
  compare: 0,
  emac: 4.6,
  eac: 0.9,
};

export const KIND_DEFAULTS = {
  toy: { arch: '32-32', lr: 0.01, bs: 32 },
  image: { arch: '400-400', lr: 0.001, bs: 100 },
  csv: { arch: '32-32', lr: 0.01, bs: 32 },
};

export function dataKind(data) {
  if (IMAGE_SETS.includes(data)) return 'image';
  if (data === 'csv') return 'csv';
  return 'toy';
}

const NUMERIC = ['noise', 'n', 'alpha', 'beta', 'theta', 'T', 'leak', 'lr', 'bs', 'seed', 'compare', 'emac', 'eac'];

export function parseHash(hash) {
  const s = { ...DEFAULTS };
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  for (const [k, v] of params) {
    if (!(k in DEFAULTS)) continue;
    if (NUMERIC.includes(k)) {
      const num = Number(v);
      if (v !== '' && Number.isFinite(num)) s[k] = num;
    } else {
      s[k] = v;
    }
  }
  if (![...TOY_SETS, ...IMAGE_SETS, 'csv'].includes(s.data)) s.data = DEFAULTS.data;
  if (!NEURONS.includes(s.neuron)) s.neuron = DEFAULTS.neuron;
  if (!['adam', 'sgd'].includes(s.opt)) s.opt = 'adam';
  return s;
}

export function toHash(s) {
  const params = new URLSearchParams();
  for (const k of Object.keys(DEFAULTS)) {
    const v = s[k];
    if (v === null || v === undefined || v === '' || v === DEFAULTS[k]) continue;
    params.set(k, String(v));
  }
  return '#' + params.toString();
}

/** Fills in per-kind and per-neuron defaults: the configuration the worker actually uses. */
export function resolved(s) {
  const kd = KIND_DEFAULTS[dataKind(s.data)];
  return {
    ...s,
    kind: dataKind(s.data),
    arch: s.arch || kd.arch,
    lr: s.lr ?? kd.lr,
    bs: s.bs ?? kd.bs,
    alpha: s.alpha ?? ALPHA_DEFAULT[s.neuron],
    theta: s.theta ?? (s.neuron === 'lif' ? 1 : 0),
  };
}

/** Keys whose change requires rebuilding the data set (the rest only rebuild the model). */
export const DATA_KEYS = ['data', 'noise', 'n', 'seed'];
