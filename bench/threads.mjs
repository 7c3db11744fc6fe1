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

// Two single-thread workers (bench/pair-worker.mjs) side by side against one alone, in alternating
// rounds: what two cores give this page when nothing is shared.
window.runPair = async (rounds = 9, steps = 60) => {
  const start = () => {
    const w = new Worker(new URL('./pair-worker.mjs', import.meta.url), { type: 'module' });
    w.ask = (msg) =>
      new Promise((resolve, reject) => {
        w.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data));
        w.onerror = (e) => reject(new Error(e.message));
        w.postMessage(msg);
      });
    return w;
  };
  const [a, b] = [start(), start()];
  await Promise.all([a.ask({ cmd: 'setup' }), b.ask({ cmd: 'setup' })]);
  const alone = [];
  // Each worker times its own steps, so `pair` (their sum) counts the tail in which the faster one
  // has finished; `pairEach` keeps both rates, whose 2 × min is the lower bound (both finished).
  const pair = [];
  const pairEach = [];
  for (let r = 0; r < rounds; r++) {
    const timePair = async () => {
      const [x, y] = await Promise.all([a.ask({ cmd: 'train', steps }), b.ask({ cmd: 'train', steps })]);
      pair.push(x.samplesPerSec + y.samplesPerSec);
      pairEach.push([x.samplesPerSec, y.samplesPerSec]);
    };
    const timeAlone = async () => alone.push((await a.ask({ cmd: 'train', steps })).samplesPerSec);
    if (r % 2) await timePair().then(timeAlone);
    else await timeAlone().then(timePair);
  }
  a.terminate();
  b.terminate();
  return { rounds, steps, alone, pair, pairEach };
};
