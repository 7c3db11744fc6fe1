// Browser side of bench/chromium.mjs's threads section, on a cross-origin isolated page:
//   window.runThreads(threads)  s3nn training, the single-thread build against the threaded build
//                               at `threads` threads (and at 1), in a module worker (threads-worker.mjs)
//   window.runTfjs('wasm')      bench/page.mjs's TF.js training, here with TF.js's own threads
//                               (its threaded-simd binary needs this isolated page)
import './page.mjs';
import { THREADS } from './threads-worker.mjs';

// TF.js sizes its XNNPACK pool once, before the backend starts: the same count as s3nn's.
window.tf.wasm.setThreadsCount(THREADS);
window.tfjsThreads = () => window.tf.wasm.getThreadsCount();

window.runThreads = () =>
  new Promise((resolve, reject) => {
    const w = new Worker(new URL('./threads-worker.mjs', import.meta.url), { type: 'module' });
    w.onmessage = (e) => {
      if (e.data.log) return console.log(e.data.log);
      w.terminate();
      if (e.data.error) reject(new Error(e.data.error));
      else resolve(e.data.result);
    };
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage('run');
  });
