// The page's end of the worker: `ask` sends a TO_WORKER message; app.js routes the replies.
import { TO_WORKER, send } from './protocol.js';

export const worker = new Worker(new URL('./worker/main.js', import.meta.url), { type: 'module' });

/** Sends page → worker message `type` (a TO_WORKER name) with its payload. */
export const ask = (type, payload, transfer) => send(worker, TO_WORKER, type, payload, transfer);
