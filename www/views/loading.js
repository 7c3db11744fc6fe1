// The download bar shown while an image data set is fetched.
import { FROM_WORKER } from '../protocol.js';
import { $ } from '../format.js';
import { store } from '../store.js';

export default {
  name: 'loading',
  light: true,
  watch: [FROM_WORKER.loading],
  init() {
    this.bar = $('loadbar');
    this.label = $('loadlabel');
    this.fill = $('loadfill');
  },
  render() {
    const l = store.loading;
    const show = l && !l.done;
    this.bar.hidden = !show;
    if (show) {
      const mb = (b) => (b / 1048576).toFixed(1);
      this.label.textContent = `Downloading ${l.label}: ${mb(l.loaded)} / ${l.total ? mb(l.total) : '?'} MB`;
      this.fill.style.width = l.total ? `${((100 * l.loaded) / l.total).toFixed(1)}%` : '30%';
    }
  },
};
