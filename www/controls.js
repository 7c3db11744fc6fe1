// The run's controls: the header menus and sliders (built from the package's catalog) and the
// energy inputs ↔ the URL state (state.js) ↔ location.hash, and `configure`, which starts a run
// in the worker. Views never change the run except through setState/configure.
import { useCatalog, parseHash, toHash, resolved, dataKind, presetChanges, paramKeys, DATA_KEYS, TOY_POINTS } from './state.js';
import { paramEntry, paramsTaken, compareNeurons } from './catalog.js';
import { $, fmtNum } from './format.js';
import { store, resetRun } from './store.js';
import { releaseImages } from './draw.js';
import { ask } from './link.js';
import { TO_WORKER, FROM_WORKER } from './protocol.js';
import { PAGE, on, emit } from './bus.js';

// Data menu groups, per data kind.
const DATA_GROUPS = { toy: '2-D toy sets', image: 'Images (download)', csv: 'Your data' };

let cat = null;
let state = null;
let ctl = null;
let sliders = {}; // parameter name → {label, sym, input, out}

const option = (value, text) => Object.assign(document.createElement('option'), { value, textContent: text });

function buildMenus() {
  ctl.data.replaceChildren(
    ...Object.entries(DATA_GROUPS).map(([kind, label]) => {
      const g = Object.assign(document.createElement('optgroup'), { label });
      g.append(...cat.datasets.filter((d) => d.kind === kind).map((d) => option(d.name, d.label)));
      return g;
    }),
  );
  ctl.neuron.replaceChildren(...cat.neurons.map((n) => option(n.name, n.label)));
  ctl.neuron.title = cat.neurons.map((n) => `${n.label}: ${n.description}`).join('\n');
  ctl.opt.replaceChildren(...cat.optimizers.map((o) => option(o.name, o.name)));
}

// One slider per parameter name; its symbol, range, default and meaning follow the chosen neuron.
function buildSliders() {
  const box = $('c-params');
  for (const name of paramKeys()) {
    const label = Object.assign(document.createElement('label'), { className: 'slider' });
    const sym = document.createElement('span');
    const input = Object.assign(document.createElement('input'), { id: `c-${name}`, type: 'range' });
    const out = Object.assign(document.createElement('output'), { id: `o-${name}` });
    label.append(sym, ' ', input, out);
    box.append(label);
    sliders[name] = { label, sym, input, out };
    const surrogate = !!cat.surrogates.some((s) => s.params.some((p) => p.name === name));
    if (surrogate) {
      // Surrogate sliders redraw the curve while they move; the run is rebuilt on release.
      input.addEventListener('input', () => {
        state[name] = Number(input.value);
        out.textContent = fmtNum(state[name]);
        store.run = resolved(state);
        emit(PAGE.params, store.run);
      });
    } else {
      input.addEventListener('input', () => (out.textContent = fmtNum(Number(input.value))));
    }
    input.addEventListener('change', () => setState({ [name]: Number(input.value) }));
  }
}

/** The parameter names some model of the run takes from the controls (the others are hidden). */
function shownParams(R) {
  const neurons = R.compare ? compareNeurons(cat, R.neuron).map((n) => n.name) : [R.neuron];
  return new Set(neurons.flatMap((n) => paramsTaken(cat, n, R.neuron).map((p) => p.name)));
}

function ensureOption(select, value) {
  const v = String(value);
  if (![...select.options].some((o) => o.value === v)) select.appendChild(option(v, v));
  select.value = v;
}

/** Shows the URL state in the controls; views show or hide their parts on PAGE.sync. */
export function syncControls() {
  const R = (store.run = resolved(state));
  ctl.data.value = R.data;
  ctl.noise.value = R.noise;
  ctl.n.value = state.n || '';
  ctl.n.placeholder = R.kind === 'image' ? '60000' : R.kind === 'toy' ? String(TOY_POINTS) : 'all';
  ctl.n.title = R.kind === 'image' ? 'training images (first N of 60 000)' : 'number of points (80 % train, 20 % test)';
  ctl.arch.value = R.arch;
  ctl.neuron.value = R.neuron;
  const shown = shownParams(R);
  for (const [name, s] of Object.entries(sliders)) {
    const p = paramEntry(cat, name, R.neuron);
    const show = shown.has(name) && !!p;
    s.label.classList.toggle('hidden-kind', !show);
    if (!show) continue;
    Object.assign(s.input, { min: p.min, max: p.max, step: p.step });
    s.input.value = R[name];
    s.sym.textContent = p.symbol;
    s.label.title = `${name}: ${p.meaning} (default ${p.default})`;
    s.out.textContent = fmtNum(R[name]);
  }
  ensureOption(ctl.lr, R.lr);
  ensureOption(ctl.bs, R.bs);
  ctl.opt.value = R.opt;
  ctl.seed.value = R.seed;
  ctl.compare.checked = !!R.compare;
  ctl.emac.value = R.emac;
  ctl.eac.value = R.eac;
  document.querySelectorAll('.toy-only').forEach((e) => e.classList.toggle('hidden-kind', R.kind !== 'toy'));
  emit(PAGE.sync, R);
}

function writeHash() {
  const h = toHash(state);
  if (location.hash !== h && !(h === '#' && location.hash === '')) history.replaceState(null, '', h === '#' ? location.pathname + location.search : h);
}

/** Starts a run of the current state in the worker (extra: {autoplay} and cache-busting keys). */
export function configure(extra = {}) {
  if (!state) return; // not started yet
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
  const old = { ...state };
  Object.assign(state, patch);
  if ('data' in patch && (dataKind(state.data) !== dataKind(old.data) || presetChanges(state.data, old.data))) {
    state.arch = '';
    state.lr = null;
    state.bs = null;
  }
  if ('neuron' in patch) {
    // A value is kept only where the new neuron has the same parameter (same entry, same range).
    for (const k of paramKeys()) if (paramEntry(cat, k, state.neuron) !== paramEntry(cat, k, old.neuron)) state[k] = null;
  }
  syncControls();
  writeHash();
  if (dataChanged) {
    store.points = null;
    store.gallery = null;
  }
  if (reset) configure();
}

/** Builds the controls from the catalog, reads the URL state and starts listening. */
export function startControls(catalog) {
  cat = catalog;
  useCatalog(cat);
  state = parseHash(location.hash);
  ctl = {
    data: $('c-data'), noise: $('c-noise'), n: $('c-n'), arch: $('c-arch'), neuron: $('c-neuron'),
    lr: $('c-lr'), bs: $('c-bs'), opt: $('c-opt'), seed: $('c-seed'), compare: $('c-compare'), emac: $('c-emac'), eac: $('c-eac'),
  };
  buildMenus();
  buildSliders();
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
  syncControls();
}

// The thread count (issue #12): the worker says which build it loaded and how many threads it can
// split over; the menu offers 1…max and the choice goes back as a 'threads' command. Not URL state:
// the same run gives the same bytes at any thread count.
function showThreads(t) {
  const sel = $('c-threads');
  if (sel.options.length !== t.max) sel.replaceChildren(...Array.from({ length: t.max }, (_, i) => new Option(String(i + 1))));
  sel.value = String(t.count);
  sel.disabled = t.max < 2;
  sel.title = t.build === 'threads'
    ? `the threaded wasm build: training splits over ${t.count} of ${t.max} threads`
    : 'the single-thread wasm build (threads need a cross-origin isolated page)';
}
on(FROM_WORKER.ready, (m) => showThreads(m.threads));
on(FROM_WORKER.threads, showThreads);
$('c-threads').addEventListener('change', (e) => ask(TO_WORKER.threads, { n: Number(e.target.value) }));
