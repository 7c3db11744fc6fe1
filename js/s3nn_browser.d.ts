// Types of the browser entry (js/s3nn_browser.js): the API of either build, plus the build choice.
export * from './s3nn.js';
import type { InitOutput, SyncInitInput, InitInput } from './s3nn.js';

/** True when this page can run the threaded build: cross-origin isolated, with SharedArrayBuffer. */
export function threadsAvailable(): boolean;
/** Which build `init` loaded: 'threads' or 'single' (null before). */
export const build: 'threads' | 'single' | null;
/**
 * Loads the threaded build where the page allows threads, else the single-thread one.
 * `threads`: the pool's size (default navigator.hardwareConcurrency; 1 = the single-thread build).
 * `module_or_path` (wasm-bindgen's option) loads the single-thread build from there.
 */
export default function init(options?: { threads?: number; module_or_path?: InitInput | Promise<InitInput> }): Promise<InitOutput>;
/** The single-thread build's synchronous init. */
export function initSync(options: { module: SyncInitInput } | SyncInitInput): InitOutput;
