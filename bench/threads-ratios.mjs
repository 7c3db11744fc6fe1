// Prints the threads benchmark's figures and ratios (issue #12's acceptance lines) from one run of
// scripts/bench.sh: OUT/chromium.json or, newer, OUT/chromium-threads.json (ONLY=threads) from
// bench/chromium.mjs (its `threads` section), and
// OUT/torch-mlp.json (bench/torch_peer.py --net mlp --threads 2, natively, same machine).
// Usage: node bench/threads-ratios.mjs OUT_DIR   (writes OUT_DIR/threads-ratios.json too)
import fs from 'node:fs';
import path from 'node:path';
import { writeReadmeBlock } from '../scripts/lib/readme-block.mjs';

const dir = process.argv[2] ?? 'target/bench-out';
const read = (f) => (fs.existsSync(path.join(dir, f)) ? JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n').pop()) : null);
const mtime = (f) => (fs.existsSync(path.join(dir, f)) ? fs.statSync(path.join(dir, f)).mtimeMs : -1);
const chromium = read(mtime('chromium-threads.json') > mtime('chromium.json') ? 'chromium-threads.json' : 'chromium.json');
const torch = read('torch-mlp.json');
const torch1 = read('torch-mlp-1.json');
const steal = read('threads-steal.json');
const t = chromium?.threads;
if (!t) {
  console.error(`threads-ratios: no threads section in ${dir}/chromium.json (run bash scripts/bench.sh with chromium or threads in ONLY)`);
  process.exit(1);
}
const [single, threaded, threaded1] = ['single', 'threads2', 'threads1'].map((k) => t.configs[k]);
const tfjs = t.tfjsWasmThreads;
const k = (v) => `${(v / 1000).toFixed(2)} k`;
const rows = [
  ['s3nn, single-thread build (simd128)', k(single.trainSamplesPerSec)],
  ['s3nn, threaded build, 2 threads', k(threaded.trainSamplesPerSec)],
  ['s3nn, threaded build, 1 thread', k(threaded1.trainSamplesPerSec)],
  [`TF.js ${tfjs.version ?? ''} wasm, threaded-simd binary (${tfjs.error ? 'failed' : `reports ${tfjs.threadsCount} thread(s)`}), ReLU`, tfjs.error ? tfjs.error : k(tfjs.trainSamplesPerSec)],
  [`PyTorch ${torch?.torch ?? ''} CPU natively, ${torch?.threads ?? 2} threads, S³NN`, torch ? k(torch.samplesPerSec) : 'not run (S3NN_TORCH_VENV)'],
  ['PyTorch, 1 thread (context)', torch1 ? k(torch1.samplesPerSec) : 'not run'],
];
// The ceiling (context): two single-thread workers, each its own instance and network, side by
// side against one alone (bench/pair-worker.mjs). Older runs have no such figure.
const pair = t.pair;
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};
if (pair) {
  rows.push(['two single-thread workers side by side, summed (context: nothing shared)', k(median(pair.pair))]);
  rows.push(['one such worker alone (context)', k(median(pair.alone))]);
}
const ratios = {
  threadedVsSingle: { value: threaded.ratioToSingle, want: 1.6, how: 'median of the per-round ratios' },
  threadedVsTorch: torch ? { value: threaded.trainSamplesPerSec / torch.samplesPerSec, want: 1.2, how: 'medians' } : null,
  threadedVsTorch1Thread: torch1 ? { value: threaded.trainSamplesPerSec / torch1.samplesPerSec, want: 1.2, how: 'medians; context, not the acceptance line' } : null,
  threadedVsTfjsThreads: tfjs.error ? null : { value: threaded.trainSamplesPerSec / tfjs.trainSamplesPerSec, want: 10, how: 'medians' },
};
const context = pair
  ? { pairVsAlone: { value: median(pair.pair.map((v, i) => v / pair.alone[i])), how: `median of ${pair.rounds} per-round ratios, ${pair.steps} steps each; what two cores give two independent trainings on this page` } }
  : {};
if (pair?.pairEach) {
  const lower = median(pair.pairEach.map(([a, b], i) => (2 * Math.min(a, b)) / pair.alone[i]));
  context.pairVsAloneLowerBound = { value: lower, how: 'the same rounds counting only the time both workers ran (2 × the slower one)' };
}
const load = fs.existsSync(path.join(dir, 'load.jsonl')) ? fs.readFileSync(path.join(dir, 'load.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
const out = [];
out.push(`MNIST 784-400-400-10, batch 100, Adam; Chromium ${chromium.chromium}, ${t.rounds} alternating rounds of ${t.roundSteps} steps; load ${load.map((l) => `${l.time} ${l.loadavg}`).join(' | ')}` +
  (steal ? `; steal ${(steal.stealTicks / steal.ticksPerSec).toFixed(2)} s of ${(steal.totalTicks / steal.ticksPerSec).toFixed(0)} CPU-s` : ''), '');
out.push('| engine | training samples/s (median) |', '|---|---:|');
for (const [a, b] of rows) out.push(`| ${a} | ${b} |`);
out.push('');
for (const [name, r] of Object.entries(ratios)) {
  if (!r) out.push(`- ${name}: not measured`);
  else out.push(`- ${name}: ${r.value.toFixed(2)}× (${r.how}; acceptance ≥ ${r.want}×: ${r.value >= r.want ? 'PASS' : 'MISS'})`);
}
for (const [name, r] of Object.entries(context)) out.push(`- ${name}: ${r.value.toFixed(2)}× (${r.how}; context, no acceptance line)`);
console.log(out.join('\n'));
fs.writeFileSync(path.join(dir, 'threads-ratios.json'), JSON.stringify({ rows, ratios, context, perRound: Object.fromEntries(Object.entries(t.configs).map(([n, c]) => [n, c.runs])) }) + '\n');
// The README's threads block is this run's output (one home: the figures of the last run).
const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..');
writeReadmeBlock(path.join(root, 'README.md'), 'bench/threads-ratios.mjs', out);
