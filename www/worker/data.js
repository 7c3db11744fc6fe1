// Data sets: toy sets made by the package, MNIST / Fashion-MNIST fetched as IDX files (with a
// progress bar, cached), and the user's CSV.
import { FROM_WORKER } from '../protocol.js';
import { session, post, errText } from './session.js';

const IDX_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
const imageCache = new Map(); // name -> {train, test}
let csvData = null; // {train, test} from the last good CSV upload
let csvText = null;
// The run's sets that nothing else holds (toy sets, a take(n) copy of an image set), freed when
// the data changes. Cached sets (images, the CSV) are not in it: freeing by the kind of the *new*
// run freed the cached CSV or image sets when a toy set came next (and leaked the toy sets the
// other way round); going back to them then failed with "null pointer passed to rust".
let owned = [];
let retiredCsv = []; // CSV sets replaced by an upload while the run still trained on them

/** Reads several responses into byte arrays, posting one `loading` progress over all of them (≤ 20 Hz). */
async function fetchWithProgress(urls, label) {
  const responses = await Promise.all(urls.map((u) => fetch(u)));
  for (const [i, r] of responses.entries()) {
    if (!r.ok) {
      const hint = /fashion/i.test(label) ? ' (prepare it with: node scripts/prepare-data.mjs data-cache/fashion)' : '';
      throw new Error(`${label}: ${new URL(urls[i]).pathname} → HTTP ${r.status}${hint}`);
    }
  }
  const total = responses.reduce((s, r) => s + Number(r.headers.get('content-length') || 0), 0);
  let loaded = 0;
  let lastPost = 0;
  const out = [];
  for (const r of responses) {
    const len = Number(r.headers.get('content-length') || 0);
    const buf = len ? new Uint8Array(len) : null;
    const chunks = [];
    let off = 0;
    const reader = r.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (buf && off + value.length <= buf.length) buf.set(value, off);
      else chunks.push(value);
      off += value.length;
      loaded += value.length;
      const now = performance.now();
      if (now - lastPost > 50) {
        lastPost = now;
        post(FROM_WORKER.loading, { label, loaded, total });
      }
    }
    if (buf && chunks.length === 0) out.push(off === buf.length ? buf : buf.subarray(0, off));
    else {
      const all = new Uint8Array(off);
      let o = 0;
      if (buf) {
        all.set(buf.subarray(0, Math.min(off, buf.length)), 0);
        o = Math.min(off, buf.length);
      }
      for (const c of chunks) {
        all.set(c, o);
        o += c.length;
      }
      out.push(all);
    }
  }
  post(FROM_WORKER.loading, { label, loaded: total || loaded, total: total || loaded, done: true });
  return out;
}

/** The bytes of a gzip file (the static site's data), unpacked by the browser. */
async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function loadImages(preset) {
  const name = preset.name;
  if (imageCache.has(name)) return imageCache.get(name);
  const base = new URL(`../../data/${name}/`, import.meta.url);
  const gzip = session.cfg?.dataEncoding === 'gzip';
  const files = await fetchWithProgress(IDX_FILES.map((f) => new URL(gzip ? `${f}.gz` : f, base).href), preset.label);
  const [ti, tl, vi, vl] = gzip ? await Promise.all(files.map(gunzip)) : files;
  const sets = { train: session.pkg.Dataset.fromIdx(name, ti, tl), test: session.pkg.Dataset.fromIdx(name, vi, vl) };
  imageCache.set(name, sets);
  return sets;
}

function freeData() {
  for (const d of [...owned, ...retiredCsv]) d.free();
  owned = [];
  retiredCsv = [];
  session.train = session.test = null;
}

/** What decides the data set of a run: a new key rebuilds it. */
export const dataKey = (c) => [c.data, c.noise, c.n, c.seed, c.kind === 'csv' ? `${csvText?.length}|${c.std}` : ''].join('|');

/** Builds the train/test sets of run config `c` into the session (and session.info). */
export async function buildData(c) {
  const { pkg, catalog } = session;
  freeData();
  let train;
  let test;
  if (c.kind === 'toy') {
    const all = pkg.Dataset.toy(c.data, c.n, c.noise, c.seed);
    [train, test] = all.split(0.8, c.seed);
    all.free();
    owned = [train, test];
  } else if (c.kind === 'image') {
    const sets = await loadImages(catalog.datasets.find((d) => d.name === c.data));
    train = c.n > 0 && c.n < sets.train.length ? sets.train.take(c.n) : sets.train;
    test = sets.test;
    if (train !== sets.train) owned = [train];
  } else {
    if (!csvData) throw new Error('no CSV loaded yet: choose a file with lines "x,y,label"');
    ({ train, test } = csvData);
    if (c.std) {
      [train, test] = standardized(pkg, train, test);
      owned = [train, test];
    }
  }
  session.train = train;
  session.test = test;
  let classNames = [];
  try {
    classNames = train.classNames();
  } catch {
    classNames = [];
  }
  session.info = {
    data: c.data,
    kind: c.kind,
    features: train.features,
    classes: train.classes,
    shape: Array.from(train.shape()),
    trainLen: train.length,
    testLen: test.length,
    classNames,
  };
}

/**
 * Copies of (train, test) with each feature shifted and scaled by the training set's mean and
 * standard deviation. Raw coordinates far from 0 (x≈50, y≈1050) put every pre-activation deep on
 * one side of the threshold: the network stopped spiking within a few thousand steps.
 */
function standardized(pkg, train, test) {
  const f = train.features;
  const xs = train.inputs();
  const n = train.length;
  const mean = new Float64Array(f);
  const sd = new Float64Array(f);
  for (let i = 0; i < xs.length; i++) mean[i % f] += xs[i] / n;
  for (let i = 0; i < xs.length; i++) sd[i % f] += (xs[i] - mean[i % f]) ** 2 / n;
  for (let a = 0; a < f; a++) sd[a] = Math.sqrt(sd[a]) || 1;
  const scale = (ds) => {
    const x = ds.inputs().slice();
    for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean[i % f]) / sd[i % f];
    return pkg.Dataset.fromArrays(ds.name, x, ds.labels(), ds.shape(), ds.classes);
  };
  return [scale(train), scale(test)];
}

/** An uploaded CSV: kept for the next 'csv' run if it parses into ≥ 4 two-feature points. */
export function takeCsv(text, seed) {
  let all;
  try {
    all = session.pkg.Dataset.fromCsv(text);
  } catch (e) {
    post(FROM_WORKER.csvError, { message: errText(e) });
    return;
  }
  if (all.features !== 2 || all.length < 4) {
    post(FROM_WORKER.csvError, { message: `need at least 4 points with 2 features; got ${all.length}` });
    all.free();
    return;
  }
  // The run may still be training on the old upload until the page configures the new one.
  if (csvData && session.train === csvData.train) retiredCsv.push(csvData.train, csvData.test);
  else if (csvData) [csvData.train, csvData.test].forEach((d) => d.free());
  const [tr, te] = all.split(0.8, seed ?? 1);
  all.free();
  csvData = { train: tr, test: te };
  csvText = text;
  post(FROM_WORKER.csvOk, { points: tr.length + te.length, classes: tr.classes });
}
