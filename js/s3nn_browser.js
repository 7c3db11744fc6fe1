// Browser (and bundler) entry of the s3nn package: `await init()` loads one of its two builds.
//   - threads/s3nn.js, the threaded build (a rayon pool over Web Workers sharing the wasm memory),
//     when the page is cross-origin isolated and SharedArrayBuffer exists: feature detection,
//     since threads need both and nothing else tells (served with COOP same-origin + COEP
//     require-corp, or through the coi-serviceworker shim);
//   - s3nn.js, the single-thread SIMD build, everywhere else, or when asked for one thread, or when
//     given the wasm to load (`module_or_path`, the wasm-bindgen option, names that build's file).
// Both export the same API; this module re-exports the loaded one's through live bindings, so
// `import init, { Network } from 's3nn'` works the same for either. scripts/finish-pkg.mjs fills in
// the export list (the markers below) from the glue.
import * as single from './s3nn.js';

/* EXPORTS */

/** True when this page can run the threaded build: cross-origin isolated, with SharedArrayBuffer. */
export function threadsAvailable() {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

/** Which build `init` loaded: 'threads' or 'single' (null before). */
export let build = null;

let loading = null;

/**
 * Loads the package. `options.threads`: the size of the threaded build's pool (default
 * `navigator.hardwareConcurrency`); 1 picks the single-thread build. Other options go to
 * wasm-bindgen's init of the single-thread build. Resolves to the wasm exports; calling it again
 * returns the first call's promise.
 */
export default function init(options) {
  loading ??= load(options);
  return loading;
}

async function load(options) {
  const opts = options && Object.getPrototypeOf(options) === Object.prototype ? options : options === undefined ? {} : { module_or_path: options };
  const { threads, ...bindgen } = opts;
  const pool = threads ?? globalThis.navigator?.hardwareConcurrency ?? 1;
  if (!(Number.isInteger(pool) && pool >= 1)) throw new Error(`threads must be a whole number ≥ 1, got ${threads}`);
  const useThreads = threadsAvailable() && pool > 1 && bindgen.module_or_path === undefined;
  let mod = single;
  let wasm;
  if (useThreads) {
    mod = await import('./threads/s3nn.js');
    wasm = await mod.default();
    await mod.startThreads(pool);
  } else {
    wasm = await single.default(Object.keys(bindgen).length ? bindgen : undefined);
  }
  bind(mod);
  build = useThreads ? 'threads' : 'single';
  return wasm;
}

function bind(mod) {
  /* EXPORTS */
}
bind(single);

/** The single-thread build's synchronous init (threads cannot start synchronously). */
export function initSync(options) {
  const wasm = single.initSync(options);
  build = 'single';
  loading = Promise.resolve(wasm);
  return wasm;
}
