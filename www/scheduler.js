// The render scheduler: marks the views that watch a topic dirty and draws them in short,
// separate tasks so that no single main-thread task does much work:
//   tick (a task, paced while training) → each heavy view (canvas or chart) in its own task, at most
//   HEAVY_PER_TICK of them → one animation frame with the light views (status text), in which the
//   browser lays out, paints and commits everything drawn since the last frame.
// While training, ticks are paced to ≤ 1 per FRAME_MS: every rendered frame costs style, layout,
// paint and a compositor commit on the main thread however little changes, and the worker's
// messages arrive at ≤ 10 Hz anyway. Paused, the page draws at once.
import { PAGE } from './bus.js';
import { cssWidth } from './draw.js';
import { store } from './store.js';

const FRAME_MS = 150;
const HEAVY_PER_TICK = 3;
const CHART_MS = 400; // while training, each chart redraws at most this often
const SLOW_MS = 12; // draws longer than this are listed in slowViews (test hook)

/**
 * views: [{name, watch, light?, chart?, render}] in drawing order. `watch` is a list of topics, or
 * an object topic → (payload) => boolean for topics that concern the view only sometimes.
 */
export function createScheduler(views) {
  const watchers = new Map(); // topic → [[view, predicate]]
  for (const v of views) {
    const entries = Array.isArray(v.watch) ? v.watch.map((t) => [t, null]) : Object.entries(v.watch ?? {});
    for (const [topic, pred] of entries) {
      if (!watchers.has(topic)) watchers.set(topic, []);
      watchers.get(topic).push([v, typeof pred === 'function' ? pred : null]);
    }
  }
  const dirty = new Set();
  let all = false;
  let pending = false;
  let lastTick = -Infinity;
  let rr = 0; // round-robin start, so every dirty view gets its turn
  let heavyLeft = 0;
  const chartTimes = {};
  const slowViews = [];
  // ?perf in the URL labels every view draw in the Performance panel / trace (user timing).
  const PERF_MARKS = /[?&]perf\b/.test(location.search);

  const taskChannel = new MessageChannel();
  let taskFn = null;
  taskChannel.port1.onmessage = () => {
    const f = taskFn;
    taskFn = null;
    f?.();
  };
  const nextTask = (f) => {
    taskFn = f;
    taskChannel.port2.postMessage(0);
  };

  /** A topic happened: mark the views that watch it (PAGE.all: every view). */
  function touch(topic, payload) {
    if (topic === PAGE.all) all = true;
    for (const [v, pred] of watchers.get(topic) ?? []) if (!pred || pred(payload)) dirty.add(v);
  }
  function schedule() {
    if (pending) return;
    pending = true;
    const wait = store.playing ? FRAME_MS - (performance.now() - lastTick) : 0;
    if (wait > 4) setTimeout(tick, wait);
    else nextTask(tick);
  }
  function timed(v) {
    const t0 = performance.now();
    v.render();
    const dt = performance.now() - t0;
    if (PERF_MARKS) {
      performance.measure(`view:${v.name}`, { start: t0, duration: dt });
      performance.clearMeasures();
    }
    if (dt > SLOW_MS) {
      slowViews.push({ name: v.name, ms: Math.round(dt), at: Math.round(t0) });
      if (slowViews.length > 50) slowViews.shift();
    }
  }
  function tick() {
    lastTick = performance.now();
    if (all) {
      // A new run or data set may have shown or hidden panels: measure every canvas once, before any
      // write, and leave the drawing to the following ticks.
      all = false;
      for (const v of views) dirty.add(v);
      document.querySelectorAll('main canvas').forEach((c) => {
        c.__cssW = undefined;
        cssWidth(c);
      });
      pending = false;
      schedule();
      return;
    }
    heavyLeft = HEAVY_PER_TICK;
    heavyStep();
  }
  const chartWaits = (v, now) => v.chart && store.playing && now - (chartTimes[v.name] || 0) < CHART_MS;
  function nextHeavy(now) {
    for (let k = 0; k < views.length; k++) {
      const i = (rr + k) % views.length;
      const v = views[i];
      if (!v.light && dirty.has(v) && !chartWaits(v, now)) return i;
    }
    return -1;
  }
  function heavyStep() {
    const now = performance.now();
    const i = heavyLeft > 0 ? nextHeavy(now) : -1;
    if (i >= 0) {
      const v = views[i];
      dirty.delete(v);
      timed(v);
      if (v.chart) chartTimes[v.name] = now;
      rr = (i + 1) % views.length;
      heavyLeft--;
      if (heavyLeft > 0 && nextHeavy(now) >= 0) {
        nextTask(heavyStep);
        return;
      }
    }
    requestAnimationFrame(frame);
  }
  function frame() {
    pending = false;
    for (const v of views) {
      if (v.light && dirty.has(v)) {
        dirty.delete(v);
        timed(v);
      }
    }
    if (dirty.size || all) {
      const now = performance.now();
      if (!all && [...dirty].every((v) => chartWaits(v, now))) setTimeout(schedule, 100);
      else schedule();
    }
  }
  /** Marks one view dirty and schedules a draw (from its own listeners, or from its render). */
  function redraw(v) {
    dirty.add(v);
    schedule();
  }
  return { touch, schedule, redraw, slowViews };
}
