// The run's controls: header inputs (and the energy inputs) ↔ the URL state (state.js) ↔
// location.hash, and `configure`, which starts a run in the worker. Views never change the run
// except through setState/configure.
import { parseHash, toHash, resolved, dataKind, DATA_KEYS, ALPHA_NAME, ALPHA_RANGE } from './state.js';
import { $, fmtNum } from './format.js';
import { store, resetRun } from './store.js';
import { releaseImages } from './draw.js';
import { ask } from './link.js';
import { TO_WORKER, FROM_WORKER } from './protocol.js';
import { PAGE, on, emit } from './bus.js';

let state = parseHash(location.hash);
store.run = resolved(state);

const ctl = {
  data: $('c-data'), noise: $('c-noise'), n: $('c-n'), arch: $('c-arch'), neuron: $('c-neuron'), alpha: $('c-alpha'), beta: $('c-beta'),
  theta: $('c-theta'), T: $('c-T'), lr: $('c-lr'), bs: $('c-bs'), opt: $('c-opt'), seed: $('c-seed'), compare: $('c-compare'),
  emac: $('c-emac'), eac: $('c-eac'),
};

function ensureOption(select, value) {
  const v = String(value);
  if (![...select.options].some((o) => o.value === v)) {
    const o = document.createElement('option');
    o.value = o.textContent = v;
    select.appendChild(o);
  }
  select.value = v;
}

/** Shows the URL state in the controls; views show or hide their parts on PAGE.sync. */
export function syncControls() {
  const R = (store.run = resolved(state));
  ctl.data.value = R.data;
  ctl.noise.value = R.noise;
  ctl.n.value = R.n || '';
  ctl.n.placeholder = R.kind === 'image' ? '60000' : R.kind === 'toy' ? '1000' : 'all';
  ctl.n.title = R.kind === 'image' ? 'training images (first N of 60 000)' : 'number of points (80 % train, 20 % test)';
  ctl.arch.value = R.arch;
  ctl.neuron.value = R.neuron;
  const [lo, hi, st] = ALPHA_RANGE[R.neuron];
  Object.assign(ctl.alpha, { min: lo, max: hi, step: st });
  ctl.alpha.value = R.alpha;
  $('o-alpha').textContent = fmtNum(R.alpha);
  $('l-alpha').textContent = ALPHA_NAME[R.neuron];
  ctl.beta.value = R.beta;
  $('o-beta').textContent = fmtNum(R.beta);
  ctl.theta.value = R.theta;
  ctl.T.value = R.T;
  ensureOption(ctl.lr, R.lr);
  ensureOption(ctl.bs, R.bs);
  ctl.opt.value = R.opt;
  ctl.seed.value = R.seed;
  ctl.compare.checked = !!R.compare;
  ctl.emac.value = R.emac;
  ctl.eac.value = R.eac;
  document.querySelectorAll('.toy-only').forEach((e) => e.classList.toggle('hidden-kind', R.kind !== 'toy'));
  document.querySelectorAll('.lif-only').forEach((e) => e.classList.toggle('hidden-kind', R.neuron !== 'lif' && !R.compare));
  document.querySelectorAll('.s3nn-only').forEach((e) => e.classList.toggle('hidden-kind', R.neuron !== 's3nn'));
  ctl.alpha.parentElement.classList.toggle('hidden-kind', R.neuron === 'relu' || R.neuron === 'bnn');
  emit(PAGE.sync, R);
}

function writeHash() {
  const h = toHash(state);
  if (location.hash !== h && !(h === '#' && location.hash === '')) history.replaceState(null, '', h === '#' ? location.pathname + location.search : h);
}

/** Starts a run of the current state in the worker (extra: {autoplay} and cache-busting keys). */
export function configure(extra = {}) {
  store.run = resolved(state);
  resetRun();
  releaseImages(store.boundary);
  store.boundary = null;
  store.probe = null;
  emit(PAGE.all);
  if (extra.autoplay) store.playing = true; // optimistic: the button shows pause at once
  ask(TO_WORKER.config, { cfg: { ...store.run, ...extra } });
  emit(PAGE.config, store.run);
}

/** Changes the URL state; by default the run is rebuilt. */
export function setState(patch, { reset = true } = {}) {
  const dataChanged = DATA_KEYS.some((k) => k in patch && patch[k] !== state[k]);
  const oldKind = dataKind(state.data);
  Object.assign(state, patch);
  if ('data' in patch && dataKind(state.data) !== oldKind) {
    state.arch = '';
    state.lr = null;
    state.bs = null;
  }
  if ('neuron' in patch) {
    state.alpha = null;
    state.theta = null;
  }
  syncControls();
  writeHash();
  if (dataChanged) {
    store.points = null;
    store.gallery = null;
  }
  if (reset) configure();
}

const num = (el) => Number(el.value);
ctl.data.addEventListener('change', () => {
  if (ctl.data.value === 'csv' && !store.csvOk) {
    $('c-csv').click();
    ctl.data.value = state.data;
    return;
  }
  setState({ data: ctl.data.value });
});
ctl.noise.addEventListener('change', () => setState({ noise: num(ctl.noise) }));
ctl.n.addEventListener('change', () => setState({ n: Math.max(0, Math.round(num(ctl.n) || 0)) }));
ctl.arch.addEventListener('change', () => setState({ arch: ctl.arch.value.trim() }));
ctl.neuron.addEventListener('change', () => setState({ neuron: ctl.neuron.value }));
// Sliders redraw the surrogate while they move and rebuild the run when released.
for (const [key, el, out] of [['alpha', ctl.alpha, $('o-alpha')], ['beta', ctl.beta, $('o-beta')]]) {
  el.addEventListener('input', () => {
    state[key] = num(el);
    out.textContent = fmtNum(state[key]);
    store.run = resolved(state);
    emit(PAGE.params, store.run);
  });
  el.addEventListener('change', () => setState({ [key]: num(el) }));
}
ctl.theta.addEventListener('change', () => setState({ theta: num(ctl.theta) }));
ctl.T.addEventListener('change', () => setState({ T: Math.max(1, Math.min(64, Math.round(num(ctl.T)))) }));
ctl.lr.addEventListener('change', () => setState({ lr: num(ctl.lr) }));
ctl.bs.addEventListener('change', () => setState({ bs: num(ctl.bs) }));
ctl.opt.addEventListener('change', () => setState({ opt: ctl.opt.value }));
ctl.seed.addEventListener('change', () => setState({ seed: Math.max(0, Math.round(num(ctl.seed))) }));
ctl.compare.addEventListener('change', () => setState({ compare: ctl.compare.checked ? 1 : 0 }));
// Energy constants change the reported energy, not the model: no rebuild.
for (const k of ['emac', 'eac']) {
  ctl[k].addEventListener('change', () => {
    const v = num(ctl[k]);
    if (!(v >= 0)) return;
    state[k] = v;
    store.run = resolved(state);
    writeHash();
    ask(TO_WORKER.energy, { emac: store.run.emac, eac: store.run.eac });
  });
}
window.addEventListener('hashchange', () => {
  state = parseHash(location.hash);
  syncControls();
  configure();
});

// A CSV upload that the worker accepted becomes the data set.
on(FROM_WORKER.csvOk, () => {
  setState({ data: 'csv' }, { reset: false });
  configure({ csvStamp: Date.now() });
});
