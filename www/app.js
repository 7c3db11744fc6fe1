// The page's entry: wires the worker's replies into the store and the bus, starts the views and
// the render scheduler, installs the test hook and starts the first run.
import { worker } from './link.js';
import { FROM_WORKER } from './protocol.js';
import { store, take } from './store.js';
import { PAGE, on, emit } from './bus.js';
import { showMessage } from './message.js';
import { createScheduler } from './scheduler.js';
import { startControls, configure } from './controls.js';
import { installHook } from './hook.js';
import { VIEWS } from './views/index.js';
import './files.js';

const scheduler = createScheduler(VIEWS);
for (const v of VIEWS) v.init({ redraw: () => scheduler.redraw(v) });
on('*', (topic, payload) => {
  if (!store.run) return; // nothing to draw before the catalog has built the first run
  scheduler.touch(topic, payload);
  scheduler.schedule();
});

// A new data set or model: every view redraws.
const REDRAW_ALL = new Set([FROM_WORKER.data, FROM_WORKER.reset, FROM_WORKER.loaded]);
worker.onmessage = (ev) => {
  const m = ev.data;
  take(m);
  emit(m.type, m);
  if (REDRAW_ALL.has(m.type)) emit(PAGE.all);
};
worker.onerror = (e) => {
  store.fatal = `worker failed: ${e.message || 'unknown error'}`;
  showMessage(store.fatal);
};
window.addEventListener('resize', () => emit(PAGE.all));

installHook(scheduler.slowViews);
// The controls and the URL state are built from the catalog, which comes with `ready`.
on(FROM_WORKER.ready, () => {
  startControls(store.catalog);
  // Training is motion: with prefers-reduced-motion the run waits for the play button.
  configure({ autoplay: !matchMedia('(prefers-reduced-motion: reduce)').matches });
});
