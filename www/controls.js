// The run's controls: the header menus and sliders (built from the package's catalog) and the
// energy inputs ↔ the URL state (state.js) ↔ location.hash, and `configure`, which starts a run
// in the worker. Views never change the run except through setState/configure.
import { useCatalog, parseHash, toHash, resolved, dataKind, presetChanges, paramKeys, DATA_KEYS, TOY_POINTS, CSV_URL_MAX, PACE_CHOICES, trainingParams } from './state.js';
import { paramEntry, paramsTaken, compareNeurons } from './catalog.js';
import { $, fmtNum, fmtInt } from './format.js';
import { store, resetRun } from './store.js';
import { releaseImages } from './draw.js';
import { ask } from './link.js';
import { TO_WORKER, FROM_WORKER } from './protocol.js';
import { PAGE, on, emit } from './bus.js';
import { showMessage } from './message.js';

// How the data files are stored: '' (the demo server's raw IDX files) or 'gzip' (the static site).
const DATA_ENCODING = document.querySelector('meta[name="s3nn-data"]')?.content ?? '';
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
      // Surrogate sliders redraw the curve while they move; the run takes the value on release.
      input.addEventListener('input', () => {
        state[name] = Number(input.value);
        out.textContent = fmtNum(state[name]);
        store.run = resolved(state);
        emit(PAGE.params, store.run);
        writeHash(); // a slider's value is always in its range: the link may show it at once
      });
    } else {
      input.addEventListener('input', () => (out.textContent = fmtNum(Number(input.value))));
    }
    if (surrogate) {
      // A surrogate shapes only the gradient: a live run goes on through the new one (Reset starts
      // over); without a model the change builds one.
      input.addEventListener('change', () => {
        const live = store.models?.length > 0;
        setState({ [name]: Number(input.value) }, { reset: !live });
        if (live) ask(TO_WORKER.surrogateParams, { cfg: store.run });
      });
    } else {
      input.addEventListener('change', () => setState({ [name]: Number(input.value) }));
    }
  }
}

// The schedule's parameters and the rate penalty: one slider each, range and meaning from the
// catalog (the penalty's slider stops at its uiMax; larger values come from links).
let trainSliders = {};
function buildTrainingControls() {
  ctl.sched.replaceChildren(...cat.schedules.map((s) => option(s.name, s.label)));
  ctl.sched.title = cat.schedules.map((s) => `${s.label}: ${s.description}`).join('\n');
  const box = $('c-trainparams');
  for (const p of trainingParams(cat)) {
    const label = Object.assign(document.createElement('label'), { className: 'slider', title: `${p.name}: ${p.meaning}` });
    const input = Object.assign(document.createElement('input'), { id: `c-${p.name}`, type: 'range', min: p.min, max: p.uiMax ?? p.max, step: p.step });
    input.setAttribute('aria-label', `${p.name} (${p.symbol})`);
    const out = Object.assign(document.createElement('output'), { id: `o-${p.name}` });
    label.append(p.symbol, ' ', input, out);
    box.append(label);
    trainSliders[p.name] = { label, input, out, p };
    input.addEventListener('input', () => (out.textContent = fmtNum(Number(input.value))));
    input.addEventListener('change', () => setState({ [p.name]: Number(input.value) }));
  }
}
function syncTrainingParams(R) {
  const sched = cat.schedules.find((s) => s.name === R.sched);
  for (const [name, s] of Object.entries(trainSliders)) {
    const own = sched?.params.some((q) => q.name === name);
    const penalty = cat.ratePenalty.some((q) => q.name === name);
    // the target rate only means something once there is a penalty
    const show = own || (penalty && (name === cat.ratePenalty[0].name || R[cat.ratePenalty[0].name] > 0));
    s.label.classList.toggle('hidden-kind', !show);
    const v = R[name] ?? s.p.default;
    s.input.value = v ?? s.p.min;
    s.out.textContent = v === null || v === undefined ? 'none' : fmtNum(v);
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
  // The data set's suggested architectures (the catalog's MLP and, for images, CNN presets).
  const preset = cat.datasets.find((d) => d.name === R.data);
  const suggested = [preset?.hidden, preset?.cnnHidden].filter(Boolean);
  const list = $('arch-presets');
  if (list.dataset.for !== suggested.join('|')) {
    list.dataset.for = suggested.join('|');
    list.replaceChildren(...suggested.map((a) => option(a, a === preset.cnnHidden ? `${a} (spiking CNN)` : `${a} (MLP)`)));
  }
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
  ctl.std.checked = !!R.std;
  ctl.bn.checked = !!R.bn;
  ctl.sched.value = R.sched;
  syncTrainingParams(R);
  ensureOption(ctl.pace, R.pace);
  ctl.until.value = R.until || '';
  ctl.emac.value = R.emac;
  ctl.emem.value = R.emem;
  ctl.eac.value = R.eac;
  document.querySelectorAll('.toy-only').forEach((e) => e.classList.toggle('hidden-kind', R.kind !== 'toy'));
  document.querySelectorAll('.csv-only').forEach((e) => e.classList.toggle('hidden-kind', R.kind !== 'csv'));
  emit(PAGE.sync, R);
}

// The URL is written once the worker has built the run it describes: a value the package refuses
// (Hidden = "abc") never reaches the link. `sent` is the last configuration asked for.
let sent = { seq: 0, hash: null };
let csvAutoplay = undefined; // the autoplay of a run that waits for its CSV
let replacedLoaded = null; // the arch of a loaded model a new run replaced (told once the run starts)

function writeHash(h = toHash(state)) {
  if (location.hash !== h && !(h === '#' && location.hash === '')) history.replaceState(null, '', h === '#' ? location.pathname + location.search : h);
}

/** Starts a run of the current state in the worker (extra: {autoplay} and cache-busting keys). */
export function configure(extra = {}) {
  if (!state) return; // not started yet
  store.run = resolved(state);
  if (state.data === 'csv' && !store.csvOk) {
    waitForCsv(extra);
    return;
  }
  if (store.loadedFile) {
    replacedLoaded = store.models?.[0]?.arch ?? 'the loaded model';
    store.loadedFile = null;
  }
  resetRun();
  // The old run's epoch, loss and model are not this run's: the status bar shows "–" until the
  // new run reports (or for good, if it fails).
  store.progress = null;
  store.models = [];
  releaseImages(store.boundary);
  store.boundary = null;
  store.probe = null;
  emit(PAGE.all);
  if (extra.autoplay) store.playing = true; // optimistic: the button shows pause at once
  sendPace();
  sent = { seq: sent.seq + 1, hash: toHash(state) };
  ask(TO_WORKER.config, { cfg: { ...store.run, ...extra, seq: sent.seq, dataEncoding: DATA_ENCODING } });
  emit(PAGE.config, store.run);
}

/**
 * A run on CSV data before any CSV is loaded: the link's own small CSV is sent to the worker (the
 * run starts when it is accepted); without one, the message offers to choose the file.
 */
function waitForCsv(extra) {
  csvAutoplay = extra.autoplay;
  store.progress = null;
  store.models = [];
  emit(PAGE.all);
  if (state.csv) {
    store.csvText = state.csv;
    ask(TO_WORKER.csv, { text: state.csv, seed: state.seed });
    return;
  }
  showMessage('This link trains on CSV points that it does not hold (only uploads of up to 4 000 characters travel in links). Choose the CSV file to go on.', {
    kind: 'info',
    action: { label: 'Choose CSV file…', run: () => $('c-csv').click() },
  });
}

/** The URL state of a loaded model: its hidden layers, neuron and parameters (the controls then show the model). */
function loadedState(mi) {
  const tokens = String(mi.arch).split('-');
  const patch = { arch: tokens.slice(1, -1).join('-'), neuron: mi.neuron };
  const sn = mi.spec?.neuron ?? {};
  for (const k of paramKeys()) {
    const p = paramEntry(cat, k, mi.neuron);
    const v = sn.surrogate?.[k] ?? sn[k];
    if (!p || typeof v !== 'number') {
      patch[k] = null;
      continue;
    }
    const r = Number((Math.round(v / p.step) * p.step).toFixed(6)); // the file's f32, back on the slider's grid
    patch[k] = r === p.default ? null : r;
  }
  return patch;
}

const sendPace = () => ask(TO_WORKER.pace, { stepsPerSec: state.pace, untilEpoch: state.until });

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
  if ('data' in patch && state.data !== 'csv') state.csv = '';
  if (state.data === 'csv' && !state.csv && store.csvText && store.csvText.length <= CSV_URL_MAX) state.csv = store.csvText;
  if ('neuron' in patch) {
    // A value is kept only where the new neuron has the same parameter (same entry, same range).
    for (const k of paramKeys()) if (paramEntry(cat, k, state.neuron) !== paramEntry(cat, k, old.neuron)) state[k] = null;
  }
  syncControls();
  if (!reset) writeHash();
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
    lr: $('c-lr'), bs: $('c-bs'), opt: $('c-opt'), seed: $('c-seed'), compare: $('c-compare'), std: $('c-std'), bn: $('c-bn'), sched: $('c-sched'), pace: $('c-pace'), until: $('c-until'), emac: $('c-emac'), eac: $('c-eac'), emem: $('c-emem'),
  };
  buildMenus();
  ctl.pace.replaceChildren(...PACE_CHOICES.map((v) => option(String(v), v ? `${v} steps/s` : 'full speed')));
  buildSliders();
  buildTrainingControls();
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
  // A new learning rate goes on with the run (Reset starts over); without a model it builds one.
  ctl.lr.addEventListener('change', () => {
    const live = store.models?.length > 0;
    setState({ lr: num(ctl.lr) }, { reset: !live });
    if (live) ask(TO_WORKER.lr, { lr: state.lr });
  });
  ctl.pace.addEventListener('change', () => {
    setState({ pace: num(ctl.pace) }, { reset: false });
    sendPace();
  });
  ctl.until.addEventListener('change', () => {
    setState({ until: Math.max(0, Math.round(num(ctl.until) || 0)) }, { reset: false });
    sendPace();
  });
  ctl.bs.addEventListener('change', () => setState({ bs: num(ctl.bs) }));
  ctl.opt.addEventListener('change', () => setState({ opt: ctl.opt.value }));
  ctl.seed.addEventListener('change', () => setState({ seed: Math.max(0, Math.round(num(ctl.seed))) }));
  ctl.compare.addEventListener('change', () => setState({ compare: ctl.compare.checked ? 1 : 0 }));
  ctl.std.addEventListener('change', () => setState({ std: ctl.std.checked ? 1 : 0 }));
  ctl.bn.addEventListener('change', () => setState({ bn: ctl.bn.checked ? 1 : 0 }));
  ctl.sched.addEventListener('change', () => setState({ sched: ctl.sched.value }));
  // Energy constants change the reported energy, not the model: no rebuild.
  for (const k of ['emac', 'eac', 'emem']) {
    ctl[k].addEventListener('change', () => {
      const v = num(ctl[k]);
      if (!(v >= 0)) return;
      state[k] = v;
      store.run = resolved(state);
      writeHash();
      ask(TO_WORKER.energy, { emac: store.run.emac, eac: store.run.eac, emem: store.run.emem });
    });
  }
  window.addEventListener('hashchange', () => {
    state = parseHash(location.hash);
    syncControls();
    configure();
  });
  // A CSV upload that the worker accepted becomes the data set (kept in the link if small).
  on(FROM_WORKER.csvOk, () => {
    const text = store.csvText ?? '';
    setState({ data: 'csv', csv: text.length <= CSV_URL_MAX ? text : '' }, { reset: false });
    const autoplay = csvAutoplay;
    csvAutoplay = undefined;
    configure({ csvStamp: Date.now(), ...(autoplay ? { autoplay } : {}) });
  });
  on(FROM_WORKER.reset, (m) => {
    if (m.seq === sent.seq) writeHash(sent.hash);
    if (replacedLoaded) {
      showMessage(`The loaded model ${replacedLoaded} was replaced by a new ${store.models?.[0]?.arch ?? ''} run (load the file again to go back to it).`, { kind: 'info' });
      replacedLoaded = null;
    }
  });
  // A loaded model file: the controls and the link show its network, and Reset goes back to its weights.
  on(FROM_WORKER.loaded, (m) => {
    const mi = m.models[0];
    Object.assign(state, loadedState(mi));
    syncControls();
    writeHash();
    showMessage(`Loaded model ${mi.arch} (${mi.neuron}, ${fmtInt(mi.params)} parameters). Reset goes back to these weights; changing the network starts a new run.`, { kind: 'info' });
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
