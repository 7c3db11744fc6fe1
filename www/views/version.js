// The footer's package version and the SIMD level the wasm runs with.
import { FROM_WORKER } from '../protocol.js';
import { $ } from '../format.js';
import { store } from '../store.js';

export default {
  name: 'version',
  light: true,
  watch: [FROM_WORKER.ready],
  init() {
    this.el = $('f-version');
  },
  render() {
    if (store.pkg) this.el.textContent = `s3nn ${store.pkg.version} · wasm ${store.pkg.isa}`;
  },
};
