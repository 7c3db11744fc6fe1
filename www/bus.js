// A tiny publish/subscribe bus. Topics are the worker's message names (FROM_WORKER, delivered
// after the store has taken them in) and the page's own events (PAGE). The render scheduler
// listens to every topic and marks the views that watch it; modules that must act on an event
// (send a request, change the run) subscribe to it.
import { FROM_WORKER } from './protocol.js';

/** Page events. `all`: every view redraws (new run, new data, resize). */
export const PAGE = Object.freeze({
  all: 'all', // redraw everything, after re-measuring the canvases
  config: 'config', // a new run was configured (payload: the resolved run config)
  sync: 'sync', // the URL state changed: views show or hide their parts (payload: the run config)
  params: 'params', // a surrogate slider moved (the run is rebuilt only on release)
  hover: 'hover', // the hovered neuron cell changed
  regionCleared: 'regionCleared', // the pointer left the spike maps: no region to shade
});
for (const k of Object.keys(PAGE)) if (k in FROM_WORKER) throw new Error(`bus: page topic "${k}" is also a worker message`);

const listeners = new Map();
/** Calls fn(payload) on every emit of `topic`; topic '*' calls fn(topic, payload) for all. */
export function on(topic, fn) {
  if (topic !== '*' && !(topic in PAGE) && !(topic in FROM_WORKER)) throw new Error(`bus: unknown topic "${topic}"`);
  if (!listeners.has(topic)) listeners.set(topic, []);
  listeners.get(topic).push(fn);
}
export function emit(topic, payload) {
  for (const fn of listeners.get(topic) ?? []) fn(payload);
  for (const fn of listeners.get('*') ?? []) fn(topic, payload);
}
