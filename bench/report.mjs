// Merges the raw results in target/bench-out/ into docs/bench.json and docs/bench.md, checks the
// targets, and renders docs/bench-firing.png (uPlot in headless Chromium).
// Usage: node bench/report.mjs [raw-dir]   (scripts/bench.sh runs it last)
import fs from 'node:fs';
import path from 'node:path';
import { root, startServer, launch } from './server.mjs';
import { writeReadmeBlock } from '../scripts/lib/readme-block.mjs';

const raw = path.resolve(process.argv[2] || path.join(root, 'target/bench-out'));
const read = (f) => {
  const p = path.join(raw, f);
  return fs.existsSync(p) ? JSON.parse(fs.readFileSync(p, 'utf8')) : null;
};
const nk = read('native-kernels.json');
// The ISA the native kernels dispatched to on this machine (recorded by bench/e2e.rs), for labels.
const nativeIsa = { avx512: 'AVX-512', avx2: 'AVX2', scalar: 'scalar' }[nk?.isa] ?? nk?.isa ?? 'SIMD';
const ne1 = read('native-e2e-1.json');
const ne2 = read('native-e2e-2.json');
const nodeK = read('node-kernels.json');
const nodeE = read('node-e2e.json');
const chr = read('chromium.json');
const versions = read('versions.json') || {};
const readLines = (f) => {
  const p = path.join(raw, f);
  return fs.existsSync(p) ? fs.readFileSync(p, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
};
const cnnRuns = readLines('native-cnn.jsonl');
const torchCnn = readLines('torch-cnn.jsonl');
const chrCnn = read('chromium-cnn.json');
const loadFile = path.join(raw, 'load.jsonl');
const load = fs.existsSync(loadFile) ? fs.readFileSync(loadFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
if (chr) versions.chromium = chr.chromium;
const tfv = chr?.tfjs && Object.values(chr.tfjs).find((t) => t.version)?.version;
versions.tfjs = tfv || JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@tensorflow/tfjs/package.json'), 'utf8')).version;
versions.tfjsBackendWasm = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/package.json'), 'utf8')).version;

// ---------- helpers ----------
const fmt = (v, d = 0) => (v == null || !Number.isFinite(v) ? '–' : v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const ms = (v) => (v == null ? '–' : v < 0.01 ? v.toFixed(5) : v < 1 ? v.toFixed(4) : v.toFixed(3));
const x = (v) => (v == null || !Number.isFinite(v) ? '–' : `${v.toFixed(2)}×`);
const mb = (b) => (b == null ? '–' : `${(b / 2 ** 20).toFixed(1)} MiB`);
const caseMs = (suite, name) => suite?.cases?.find((c) => c.name === name)?.msPerCall;
const nativeCase = (name) => nk?.cases?.find((c) => c.name === name);

// ---------- derived figures ----------
const envs = [
  ['native 1 thread', ne1, 'rss'],
  ['native 2 threads', ne2, 'rss'],
  ['Node (wasm simd128)', nodeE?.e2e, 'wasm'],
  ['Chromium (wasm simd128)', chr?.e2e, 'wasm'],
];
const tfOk = chr?.tfjs ? Object.values(chr.tfjs).filter((t) => !t.error && t.trainSamplesPerSec) : [];
const tfBest = tfOk.sort((a, b) => b.trainSamplesPerSec - a.trainSamplesPerSec)[0] || null;

const targets = [];
const target = (name, value, pass, detail) => targets.push({ name, value, pass: value == null ? null : pass, detail });
// simd128 ÷ scalar wasm for one kernel case of a wasm kernel suite (null without the suite).
const simdRatio = (k, name) => (k ? caseMs(k.scalar, name) / caseMs(k.simd, name) : null);
for (const [env, k] of [['Node', nodeK], ['Chromium', chr?.kernels]]) {
  for (const [name, label] of [['spike_acc', 'spike accumulation at 20 % firing'], ['matmul', 'dense product']]) {
    const r = simdRatio(k, name);
    target(`wasm simd128 vs scalar wasm ≥ 3× on ${label} (${env})`, r, r >= 3, `${x(r)} (${ms(caseMs(k?.scalar, name))} → ${ms(caseMs(k?.simd, name))} ms)`);
  }
}
for (const [env, e] of envs) {
  const s = e?.nets?.s3nn;
  const r = s && e.denseAnn ? s.inferSamplesPerSec / e.denseAnn.inferSamplesPerSec : null;
  const rates = s?.testFiringRates?.slice(0, 2).map((v) => `${(v * 100).toFixed(1)} %`).join(' / ');
  target(`S³NN inference ≥ 2× dense ANN, same engine (${env})`, r, r >= 2, `${x(r)} (${fmt(s?.inferSamplesPerSec)} vs ${fmt(e?.denseAnn?.inferSamplesPerSec)} samples/s; hidden firing ${rates})`);
}
{
  const s = chr?.e2e?.nets?.s3nn?.trainSamplesPerSec;
  const r = s && tfBest ? s / tfBest.trainSamplesPerSec : null;
  target('S³NN training in Chromium ≥ 10× TF.js fastest backend', r, r >= 10, `${x(r)} (${fmt(s)} vs TF.js ${tfBest?.backend ?? '–'} ${fmt(tfBest?.trainSamplesPerSec)} samples/s)`);
  target('S³NN training in Chromium ≥ 8 000 samples/s', s ?? null, s >= 8000, `${fmt(s)} samples/s`);
}
{
  const s = ne2?.nets?.s3nn?.trainSamplesPerSec;
  target('native S³NN training ≥ 30 000 samples/s (2 threads)', s ?? null, s >= 30000, `${fmt(s)} samples/s`);
}
for (const [env, e] of [['Node', nodeE?.e2e], ['Chromium', chr?.e2e]]) {
  const b = e?.wasmMemoryBytes;
  target(`full-MNIST training ≤ 160 MB wasm memory (${env})`, b ?? null, b <= 160e6, `${(b / 1e6).toFixed(1)} MB`);
}
for (const [env, e] of [['1 thread', ne1], ['2 threads', ne2]]) {
  const b = e?.peakRssBytes;
  target(`native ≤ 300 MB peak RSS (${env})`, b ?? null, b <= 300e6, `${(b / 1e6).toFixed(1)} MB`);
}

// ---------- CNN training: s3nn and PyTorch in the same run (scripts/bench.sh, step "cnn") ----------
const median = (v) => {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};
const CNN_NETS = [
  ['cnn', 'science CNN'],
  ['small-cnn', 'small CNN'],
  ['small-cnn-nobn', 'small CNN, no batch norm'],
  ['small-cnn-lif4', 'small CNN, LIF T=4, no batch norm'],
];
const cnnCases = cnnRuns.flatMap((r) => r.cases);
const cnn = CNN_NETS.map(([name, label]) => {
  const ours = cnnCases.filter((c) => c.name === name);
  const peer = torchCnn.filter((p) => p.net === name);
  const s3nn = median(ours.map((c) => c.trainSamplesPerSec));
  const torch = median(peer.map((p) => p.samplesPerSec));
  const last = ours[ours.length - 1];
  return { name, label, arch: last?.arch, batchNorm: last?.batchNorm, neuron: last?.neuron, s3nn, torch, ratio: s3nn && torch ? s3nn / torch : null, firingRates: last?.firingRates, convPaths: last?.convPaths };
}).filter((c) => c.s3nn != null);
const cnnOf = (name) => cnn.find((c) => c.name === name);
const convSweep = cnnRuns.map((r) => r.convSweep).find(Boolean) || null;
if (cnn.length) {
  const sci = cnnOf('cnn');
  target('native science CNN training ≥ 1.5× PyTorch CPU (2 threads, batch norm, batch 100, Adam)', sci?.ratio ?? null, sci?.ratio >= 1.5, `${x(sci?.ratio)} (${fmt(sci?.s3nn)} vs PyTorch ${fmt(sci?.torch)} samples/s)`);
  const one = cnnOf('small-cnn-nobn');
  const lif = cnnOf('small-cnn-lif4');
  const cost = one && lif ? one.s3nn / lif.s3nn : null;
  target('LIF T=4 small CNN costs ≤ 5× the single-step small CNN per sample (native, 2 threads)', cost, cost <= 5, `${x(cost)} (${fmt(one?.s3nn)} vs ${fmt(lif?.s3nn)} samples/s)`);
}

// ---------- CNN training in headless Chromium: s3nn (wasm, one thread) and TF.js, one session ----------
const chrCnnNets = chrCnn?.cnn?.nets || [];
const cnnLabel = (name) => CNN_NETS.find(([n]) => n === name)?.[1] ?? name;
if (chrCnnNets.length) {
  const sci = chrCnnNets.find((n) => n.name === 'cnn');
  target('Chromium (wasm, one thread): science CNN training ≥ 10× TF.js fastest backend, same session', sci?.ratio ?? null, sci?.ratio >= 10, `${x(sci?.ratio)} (${fmt(sci?.s3nn?.trainSamplesPerSec, 1)} vs TF.js ${sci?.tfjsFastest?.backend ?? '–'} ${fmt(sci?.tfjsFastest?.trainSamplesPerSec, 2)} samples/s)`);
}

const result = {
  generated: new Date().toISOString(),
  versions,
  load,
  method: {
    kernels: 'median ms per call of 7 samples, each sample ≥ 50 ms of back-to-back calls (wall clock; timing loop inside Rust/wasm); the variants of one case (SIMD, scalar, …) are measured right after each other',
    training: 'MNIST 784-400-400-10, batch 100, Adam 1e-3, seed 1: median samples/s of 5 runs of 100 steps after 20 warm-up steps (native: Trainer::train_steps; wasm: Network.trainSteps)',
    inference: 'batch 1000 over the 10 000 test images (native: Network::predict; wasm: Network.predict from a Float32Array), after training 1 full epoch; median of 5 rounds, each round timing one pass of the S³NN, the ReLU net and the dense ANN back to back',
    denseAnn: 'the same MLP with kernels::matmul on every layer + ReLU (no sparsity skipped), same engine and build',
    memory: 'native: VmHWM of the e2e process (full MNIST loaded, 2 nets × 1 epoch); wasm: linear memory bytes of a fresh instance after loading full MNIST and training 2 nets × 1 epoch',
  },
  native: { kernels: nk, e2e1: ne1, e2e2: ne2, cnn: cnnRuns },
  cnn,
  torchCnn,
  convSweep,
  node: { kernels: nodeK, e2e: nodeE },
  chromium: chr,
  chromiumCnn: chrCnn,
  tfjsFastest: tfBest ? { backend: tfBest.backend, trainSamplesPerSec: tfBest.trainSamplesPerSec } : null,
  targets,
};
fs.mkdirSync(path.join(root, 'docs'), { recursive: true });

// ---------- Markdown ----------
const L = [];
L.push('# s3nn benchmarks', '');
L.push(`Generated by \`bash scripts/bench.sh\` on ${result.generated.slice(0, 16).replace('T', ' ')} UTC (commit ${versions.commit || '?'}${versions.dirtySrc ? `, plus uncommitted changes by others in ${versions.dirtySrc} file(s) under src/ or Cargo.toml` : ''}). Raw figures: [bench.json](bench.json).`, '');
L.push('Run: `bash scripts/bench.sh` (builds `target/bench-pkg/{simd,scalar}` from the example `wasm_bench` (bench/wasm/hooks.rs), then runs `bench/e2e.rs` natively, `bench/node.mjs` in Node, `bench/chromium.mjs` in headless Chromium and `bench/report.mjs`; about 5–10 minutes on 2 cores after the first builds). `SKIP_BUILD=1` reuses the bench packages; `ONLY="native node chromium"` picks steps (the report uses whatever raw files `target/bench-out/` holds).', '');
L.push('## Machine and versions', '', '| | |', '|---|---|');
for (const [k, v] of [
  ['CPU', versions.cpu], ['cores / memory', versions.cores && `${versions.cores} cores, ${versions.memory}`], ['OS', versions.os],
  ['rustc', versions.rustc], ['wasm-bindgen', versions.wasmBindgen], ['node', versions.node], ['chromium', versions.chromium],
  ['tfjs / tfjs-backend-wasm', `${versions.tfjs} / ${versions.tfjsBackendWasm}`],
]) L.push(`| ${k} | ${v ?? '–'} |`);
L.push('', 'Method: ' + Object.entries(result.method).map(([k, v]) => `**${k}** — ${v}`).join('; ') + '.', '');
L.push(`The machine has 2 shared cores; other work may run beside the benchmark, so single figures can be noisy (the JSON keeps every sample and run). Measurements ran at nice ${versions.nice ?? 0}.` +
  (load.length ? ` Load average (1/5/15 min) at each step: ${load.map((l) => `${l.time} ${l.step.replace(/ \(.*/, '')} — ${l.loadavg}`).join('; ')}.` : ''), '');

L.push('## Kernels: scalar vs SIMD (ms per call, median)', '');
L.push('Native: ' + nativeIsa + ' vs the same binary with `set_force_scalar(true)`. Wasm: the simd128 build vs a separate build with `-C target-feature=-simd128` (`activeIsa()` = "scalar"), because forcing scalar inside the simd128 build lets LLVM auto-vectorise the scalar code (shown in the last table).', '');
L.push('| kernel | native scalar | native ' + nativeIsa + ' | × | Node scalar | Node simd128 | × | Chromium scalar | Chromium simd128 | × |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const c of nk?.cases || chr?.kernels?.simd?.cases || []) {
  const n = nativeCase(c.name);
  const row = [c.desc];
  row.push(ms(n?.scalar?.msPerCall), ms(n?.simd?.msPerCall), x(n && n.scalar.msPerCall / n.simd.msPerCall));
  for (const k of [nodeK, chr?.kernels]) {
    const s = caseMs(k?.scalar, c.name);
    const v = caseMs(k?.simd, c.name);
    row.push(ms(s), ms(v), x(s / v));
  }
  L.push(`| ${row.join(' | ')} |`);
}
L.push('');

L.push('## Spike accumulation vs dense product, by firing rate (µs per sample)', '');
L.push('Spike accumulation: `sparse_matmul` with `val = None`, 100 rows × 400 inputs → 400 outputs; dense: `matmul` 100×400 · 400×400 (independent of the firing rate). Plot: [bench-firing.png](bench-firing.png).', '');
const perSample = (v) => (v == null ? null : (v * 1000) / 100);
const denseN = perSample(nativeCase('matmul')?.simd?.msPerCall);
const denseNode = perSample(caseMs(nodeK?.simd, 'matmul'));
const denseChr = perSample(caseMs(chr?.kernels?.simd, 'matmul'));
L.push(`| firing | native ${nativeIsa} spikes | dense ÷ spikes | Node simd128 spikes | dense ÷ spikes | Chromium simd128 spikes | dense ÷ spikes | Chromium scalar-build spikes |`, '|---:|---:|---:|---:|---:|---:|---:|---:|');
for (let i = 0; i < (nk?.firing || chr?.kernels?.simd?.firing || []).length; i++) {
  const rate = (nk?.firing || chr.kernels.simd.firing)[i].rate;
  const a = perSample(nk?.firing?.[i]?.simdMs);
  const b = perSample(nodeK?.simd?.firing?.[i]?.ms);
  const c = perSample(chr?.kernels?.simd?.firing?.[i]?.ms);
  const d = perSample(chr?.kernels?.scalar?.firing?.[i]?.ms);
  L.push(`| ${(rate * 100).toFixed(0)} % | ${fmt(a, 2)} | ${x(denseN / a)} | ${fmt(b, 2)} | ${x(denseNode / b)} | ${fmt(c, 2)} | ${x(denseChr / c)} | ${fmt(d, 2)} |`);
}
L.push(`| dense | ${fmt(denseN, 2)} | | ${fmt(denseNode, 2)} | | ${fmt(denseChr, 2)} | | ${fmt(perSample(caseMs(chr?.kernels?.scalar, 'matmul')), 2)} |`, '');

L.push('## End to end: MNIST 784-400-400-10, batch 100, Adam 1e-3', '');
L.push('| engine | S³NN train samples/s | ReLU train samples/s | S³NN infer samples/s | ReLU infer samples/s | dense ANN infer samples/s | S³NN ÷ dense ANN | S³NN ÷ ReLU (sparse-aware) | S³NN hidden firing (test) | test acc S³NN / ReLU (inferred nets) | memory |', '|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|');
for (const [env, e, kind] of envs) {
  if (!e) continue;
  const s = e.nets.s3nn;
  const r = e.nets.relu;
  const mem = kind === 'rss' ? `${mb(e.peakRssBytes)} peak RSS` : `${mb(e.wasmMemoryBytes)} wasm (${mb(e.memAfterLoadBytes)} after loading the data)`;
  L.push(`| ${env} | ${fmt(s.trainSamplesPerSec)} | ${fmt(r.trainSamplesPerSec)} | ${fmt(s.inferSamplesPerSec)} | ${fmt(r.inferSamplesPerSec)} | ${fmt(e.denseAnn.inferSamplesPerSec)} | ${x(s.inferSamplesPerSec / e.denseAnn.inferSamplesPerSec)} | ${x(s.inferSamplesPerSec / r.inferSamplesPerSec)} | ${s.testFiringRates.map((v) => `${(v * 100).toFixed(1)} %`).join(' / ')} | ${(s.testAccuracy * 100).toFixed(2)} % / ${(r.testAccuracy * 100).toFixed(2)} % | ${mem} |`);
}
{
  const src = [...new Set(envs.map(([, e]) => e?.inferModels).filter(Boolean))];
  const what = { reference: 'the 10-epoch reference models (784-400-400-10, Adam 1e-3, batch 100, seed 1), trained once by the CLI and loaded by every engine — so every engine infers with the same weights', epoch1: 'the one-epoch nets of the training runs above' };
  L.push('', `Inference (batch 1000 over the 10 000 test images) runs on ${src.map((k) => what[k] || k).join('; ')}. Training columns: the first epoch of a fresh net.`);
}
L.push('', '"ReLU" is the same network with `neuron: \'relu\'` run by the engine, which skips zero activations (CSR events with values); "dense ANN" runs every layer as a full `matmul`.', '');
{
  const st = [['1 thread', ne1], ['2 threads', ne2]].filter(([, e]) => e?.stealSeconds != null).map(([n, e]) => `${n}: ${e.stealSeconds.toFixed(2)} s of ${e.wallSeconds.toFixed(1)} s`);
  if (st.length) L.push(`CPU time the hypervisor gave to other guests during the native runs (steal, /proc/stat) — ${st.join('; ')}. Under steal every figure drops and threads stall each other at the joins; compare runs with little of it.`, '');
}

if (ne1?.nets?.s3nn?.stepPhasesMs) {
  L.push('### Training step phases, native (measured)', '');
  L.push('`Trainer::step` redone phase by phase on the trained nets (100 steps of random batches; median ms per phase). Forward includes the CSR event rebuilds and the neuron; backward the surrogate, transposes and the weight/input gradients.', '');
  const P = ['gather', 'zeroGrad', 'forward', 'loss', 'backward', 'optimizer', 'total'];
  const cols = [['S³NN 1 thread', ne1.nets.s3nn], ['S³NN 2 threads', ne2?.nets?.s3nn], ['ReLU 1 thread', ne1.nets.relu], ['ReLU 2 threads', ne2?.nets?.relu]];
  L.push(`| phase (ms) | ${cols.map((c) => c[0]).join(' | ')} |`, `|---|${cols.map(() => '---:').join('|')}|`);
  for (const p of P) {
    L.push(`| ${p === 'total' ? '**total (median step)**' : p} | ${cols.map(([, n]) => { const v = n?.stepPhasesMs?.[p]; const tot = n?.stepPhasesMs?.total; return v == null ? '–' : p === 'total' ? ms(v) : `${ms(v)} (${((v / tot) * 100).toFixed(0)} %)`; }).join(' | ')} |`);
  }
  L.push('');
}
L.push('### Where a training step goes (S³NN, estimate)', '');
L.push('Kernel calls of one batch-100 step of 784-400-400-10 priced with each kernel\'s fastest sample (the least disturbed by other load; densities 19 % input, 20 % / 18 % spikes; the 400→10 readout omitted), against the fastest measured training run (100 / samples/s). "Outside the kernels" is the rest: batch gather, CSR event rebuilds, neuron forward, loss, zeroing gradients, bias gradients, dispatch. Kernels and training were measured minutes apart, so under changing load this is an estimate.', '');
const STEP = [
  ['fwd L1 sparse_matmul (real input)', 'sparse_matmul_val', 1],
  ['fwd L2 spike accumulation', 'spike_acc', 1],
  ['bwd surrogate_grad_mul ×2', 'surrogate_grad_mul', 2],
  ['bwd transpose W2', 'transpose', 1],
  ['bwd dH1 = dY2 · W2ᵀ (matmul)', 'matmul', 1],
  ['bwd dW1 sparse_t_matmul (real input)', 'sparse_t_matmul_val', 1],
  ['bwd dW2 sparse_t_matmul (spikes)', 'sparse_t_matmul_spikes', 1],
  ['adam_step (478k parameters)', 'adam_step', 1],
];
const caseMin = (suite, name) => suite?.cases?.find((c) => c.name === name)?.minMs;
const stepEnvs = [
  [`native ${nativeIsa}, 1 thread`, (c) => nativeCase(c)?.simd?.minMs, ne1],
  ['Node simd128', (c) => caseMin(nodeK?.simd, c), nodeE?.e2e],
  ['Chromium simd128', (c) => caseMin(chr?.kernels?.simd, c), chr?.e2e],
];
L.push(`| part (ms per step) | ${stepEnvs.map((e) => e[0]).join(' | ')} |`, `|---|${stepEnvs.map(() => '---:').join('|')}|`);
const stepSum = stepEnvs.map(() => 0);
for (const [label, c, k] of STEP) {
  L.push(`| ${label} | ${stepEnvs.map(([, get], i) => { const v = get(c) * k; stepSum[i] += v; return ms(v); }).join(' | ')} |`);
}
L.push(`| **sum of kernels** | ${stepSum.map(ms).join(' | ')} |`);
const stepMeasured = stepEnvs.map(([, , e]) => (e?.nets?.s3nn ? (100 / Math.max(...e.nets.s3nn.trainRuns)) * 1e3 : null));
L.push(`| **measured step (fastest run)** | ${stepMeasured.map(ms).join(' | ')} |`);
L.push(`| outside the kernels | ${stepMeasured.map((m, i) => (m == null ? '–' : m < stepSum[i] ? '< 0 (kernels measured under heavier load)' : `${ms(m - stepSum[i])} (${(((m - stepSum[i]) / m) * 100).toFixed(0)} %)`)).join(' | ')} |`, '');
result.stepBreakdown = stepEnvs.map(([env], i) => ({ env, kernelsMs: stepSum[i], measuredMs: stepMeasured[i] }));

L.push('## Peer: TensorFlow.js in the same headless Chromium session', '');
L.push('Same ReLU MLP, batch 100, Adam 1e-3, softmax cross-entropy, `optimizer.minimize` per batch on the first 5 000 training images; each run lasts ≥ 1.5 s. Single-threaded (the page is not cross-origin isolated), like s3nn.', '');
L.push('| backend | train samples/s | infer samples/s (batch 1000) | s3nn S³NN training ÷ this | note |', '|---|---:|---:|---:|---|');
for (const [b, t] of Object.entries(chr?.tfjs || {})) {
  const note = t.error ? `failed: ${t.error}` : b === 'wasm' ? `SIMD ${t.wasmSimd}, threads ${t.wasmThreads}` : '';
  L.push(`| tfjs ${t.version || versions.tfjs} ${b} | ${fmt(t.trainSamplesPerSec)} | ${fmt(t.inferSamplesPerSec)} | ${x(chr.e2e?.nets?.s3nn?.trainSamplesPerSec / t.trainSamplesPerSec)} | ${note} |`);
}
L.push('');

const cnnTable = [];
if (cnn.length) {
  const trainRuns = cnnRuns.filter((r) => r.cases.length);
  const loads = trainRuns.map((r) => r.loadavg).filter(Boolean);
  const steal = trainRuns.reduce((a, r) => a + (r.stealSeconds || 0), 0);
  cnnTable.push('| net | spec | s3nn, samples/s | PyTorch, samples/s | s3nn ÷ PyTorch | firing rates | conv paths |', '|---|---|---:|---:|---:|---|---|');
  for (const c of cnn) {
    const rates = (c.firingRates || []).map((v) => `${(v * 100).toFixed(0)}`).join('/');
    cnnTable.push(`| ${c.label} | \`${c.arch}\`${c.batchNorm ? ' --batch-norm' : ''} ${c.neuron} | ${fmt(c.s3nn)} | ${fmt(c.torch)} | ${x(c.ratio)} | ${rates} % | ${(c.convPaths || []).join(', ')} |`);
  }
  cnnTable.push('', `Native, 2 threads, MNIST, batch 100, Adam 1e-3; s3nn is the median over ${trainRuns.length} processes of each one's median of 5 timed blocks, PyTorch ${torchCnn[0]?.torch ?? ''} the median of \`bench/torch_peer.py\` runs alternated with them. Load average at the s3nn runs: ${loads.join('; ')}; ${steal.toFixed(1)} s of CPU stolen by the hypervisor during them.`);
  if (convSweep) {
    const sweepRun = cnnRuns.find((r) => r.convSweep);
    cnnTable.push('', `One spike-fed conv layer by the firing rate of its input (32 → 32 channels, 28×28, k3 p1; forward + weight gradient, ms per sample, 2 threads, load ${sweepRun.loadavg}); the layer runs the table lookup on spikes:`, '');
    cnnTable.push('| firing rate | event list (an addition per spike and output) | dense product on the binary im2col | table lookup on 4-bit patterns |', '|---:|---:|---:|---:|');
    for (const r of convSweep) cnnTable.push(`| ${(r.rate * 100).toFixed(0)} % | ${ms(r.eventsMsPerSample)} | ${ms(r.denseMsPerSample)} | ${r.patternsMsPerSample == null ? '–' : ms(r.patternsMsPerSample)} |`);
  }
  L.push('## CNN training: s3nn and PyTorch side by side', '', ...cnnTable, '');
}
if (chrCnnNets.length) {
  const c = chrCnn.cnn;
  const tfv = chrCnnNets.flatMap((n) => Object.values(n.tfjs)).find((t) => t.version)?.version ?? versions.tfjs;
  const backends = [...new Set(chrCnnNets.flatMap((n) => Object.keys(n.tfjs)))];
  const cell = (t) => {
    if (!t) return '–';
    if (t.skipped) return t.skipped;
    if (t.error && !t.trainSamplesPerSec) return `cannot train: ${t.error}` + (t.forwardSamplesPerSec ? ` (forward pass alone: ${fmt(t.forwardSamplesPerSec)} samples/s)` : '');
    const n = t.trainRuns.length * t.stepsPerBlock;
    return `${fmt(t.trainSamplesPerSec, 2)} (${n} timed step${n > 1 ? 's' : ''} after ${t.warmupSteps} warm-up${t.cappedByTime ? `, capped at ${t.budgetSeconds} s` : ''}${t.webglRenderer ? `; renderer ${t.webglRenderer}` : ''})`;
  };
  const loss = (o) => (o?.firstLoss == null ? '–' : `${o.firstLoss.toFixed(2)} → ${o.lastLoss.toFixed(2)}${o.learned ? '' : ' (did not fall)'}`);
  const rows = ['', `In headless Chromium (${chrCnn.chromium}, \`--disable-gpu\`): s3nn's simd128 wasm build on one thread and TensorFlow.js ${tfv} on each backend train the same CNNs on one page of one browser session (\`bench/chromium.mjs cnn\`, \`bench/cnn-suite.mjs\`; the TF.js net is built from s3nn's own parsed spec by \`bench/tfjs-cnn.mjs\`: 3×3 convs with padding 1 and bias, batch norm on the batch statistics before each spike, max-pool 2, the S³NN spike as a \`tf.customGrad\` with g′(x) = α σ(αx)(1−σ(αx)) below 0 and β/(x+1) at and above it, α = 4, β = 1). MNIST, batch 100, Adam 1e-3; samples/s is the median of timed blocks after warm-up (s3nn: half of its blocks before the TF.js runs and half after).`, ''];
  rows.push(`| net | parameters s3nn / TF.js | s3nn, samples/s | ${backends.map((b) => `TF.js ${b}, samples/s`).join(' | ')} | s3nn ÷ fastest TF.js | loss s3nn / fastest TF.js (first → last) |`, `|---|---:|---:|${backends.map(() => '---').join('|')}|---:|---|`);
  for (const n of chrCnnNets) {
    const f = n.tfjsFastest && n.tfjs[n.tfjsFastest.backend];
    const counts = `${fmt(n.s3nn.parameterCount)} / ${fmt(f?.parameterCount ?? Object.values(n.tfjs).find((t) => t.parameterCount)?.parameterCount)}`;
    rows.push(`| ${cnnLabel(n.name)} \`${n.arch}\` | ${counts} | ${fmt(n.s3nn.trainSamplesPerSec, 1)} | ${backends.map((b) => cell(n.tfjs[b])).join(' | ')} | ${x(n.ratio)}${n.tfjsFastest ? ` (vs ${n.tfjsFastest.backend})` : ''} | ${loss(n.s3nn)} / ${loss(f)} |`);
  }
  const fwd = chrCnnNets.filter((n) => n.tfjs.wasm?.forwardSamplesPerSec);
  if (fwd.length) {
    rows.push('', `TF.js's wasm backend (${fwd[0].tfjs.wasm.wasmSimd ? 'SIMD' : 'no SIMD'}, one thread) has no conv filter gradient (\`Conv2DBackpropFilter\`), so it cannot train these nets; its forward pass alone (training mode) runs ${fwd.map((n) => `${fmt(n.tfjs.wasm.forwardSamplesPerSec)} samples/s on the ${cnnLabel(n.name)}`).join(' and ')}. A training step costs about three forward passes, so were that gradient there, s3nn's lead over it would be roughly ${fwd.map((n) => x(n.s3nn.trainSamplesPerSec / (n.tfjs.wasm.forwardSamplesPerSec / 3))).join(' and ')} — an estimate, not a measurement.`);
  }
  rows.push('', `Load average ${c.loadavgBefore} before the section, ${c.loadavgAfter} after; ${c.stealSeconds.toFixed(1)} s of CPU stolen by the hypervisor during its ${c.wallSeconds.toFixed(0)} s (all CPUs).`);
  cnnTable.push(...rows);
  L.push('## CNN training in Chromium: s3nn and TF.js side by side', ...rows, '');
}
if (cnnTable.length) {
  // The README's CNN rows, regenerated here (one home: this run's figures).
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docs/bench-cnn.md'), ['<!-- generated by bench/report.mjs from scripts/bench.sh (step cnn); do not edit -->', ...cnnTable, ''].join('\n'));
  // …and the same rows in the README, between its markers.
  writeReadmeBlock(path.join(root, 'README.md'), 'bench/report.mjs (cnn)', cnnTable);
}

L.push('## Targets', '', '| target | measured | result |', '|---|---|---|');
for (const t of targets) L.push(`| ${t.name} | ${t.detail} | ${t.pass == null ? 'n/a' : t.pass ? 'PASS' : 'MISS'} |`);
L.push('');

{
  const e = chr?.e2e || nodeE?.e2e;
  if (e?.memAfterLoadBytes) {
    const trainB = 60000 * 784 * 4;
    const testB = 10000 * 784 * 4;
    L.push('## Notes', '');
    L.push(`- Wasm memory: ${mb(e.memAfterLoadBytes)} right after \`Dataset.fromIdx\` of the train and test sets, ${mb(e.memAfterTrainingBytes)} after training both nets for an epoch, ${mb(e.wasmMemoryBytes)} at the end (linear memory never shrinks). For scale: the 70 000 MNIST images are ${mb((60000 + 10000) * 784)} as bytes and ${mb(trainB + testB)} as f32.`);
    L.push('- Native "scalar" is the same binary with `set_force_scalar(true)`; rustc may auto-vectorise the scalar reference with SSE2 (the x86_64 baseline), so native ratios understate SIMD vs truly scalar code.');
    L.push('');
  }
}
if (nodeK?.simdForcedScalar || chr?.kernels?.simdForcedScalar) {
  L.push('## Wasm scalar baselines compared (ms per call)', '');
  L.push('| kernel | Node: simd128 build, forced scalar | Node: build without simd128 | Chromium: simd128 build, forced scalar | Chromium: build without simd128 |', '|---|---:|---:|---:|---:|');
  for (const c of chr?.kernels?.simd?.cases || nodeK?.simd?.cases || []) {
    L.push(`| ${c.name} | ${ms(caseMs(nodeK?.simdForcedScalar, c.name))} | ${ms(caseMs(nodeK?.scalar, c.name))} | ${ms(caseMs(chr?.kernels?.simdForcedScalar, c.name))} | ${ms(caseMs(chr?.kernels?.scalar, c.name))} |`);
  }
  L.push('');
}
// A CNN-only run (ONLY=cnn) refreshes only the CNN files, so it cannot blank the MLP figures.
const mlpParts = !!(nk || ne1 || ne2 || nodeK || nodeE || chr);
const cnnOnly = (cnn.length > 0 || chrCnnNets.length > 0) && !mlpParts;
if (!mlpParts && !cnnOnly) {
  // e.g. ONLY=twin: nothing this report renders was measured, so no docs file is rewritten.
  process.stderr.write('[report] no MLP or CNN figures in this run: docs left as they were\n');
} else if (cnnOnly) {
  fs.writeFileSync(path.join(root, 'docs/bench-cnn.json'), JSON.stringify({ generated: result.generated, versions, load, cnn, torchCnn, native: cnnRuns, convSweep, chromiumCnn: chrCnn, targets: targets.filter((t) => t.value != null) }, null, 2) + '\n');
  process.stderr.write('[report] CNN-only run: wrote docs/bench-cnn.md, docs/bench-cnn.json (docs/bench.md left as it was)\n');
} else {
  writeReadmeMlp();
  fs.writeFileSync(path.join(root, 'docs/bench.md'), L.join('\n'));
  fs.writeFileSync(path.join(root, 'docs/bench.json'), JSON.stringify(result, null, 2) + '\n');
  process.stderr.write(`[report] wrote docs/bench.md, docs/bench.json\n`);
}
for (const t of targets) if (mlpParts || t.value != null) process.stderr.write(`[report] ${t.pass == null ? 'n/a ' : t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${t.detail}\n`);

// ---------- plot ----------
const series = [];
if (nk) {
  series.push({ label: `native ${nativeIsa}: spike accumulation`, color: '#d62728', dash: [], y: nk.firing.map((f) => perSample(f.simdMs)) });
  series.push({ label: `native ${nativeIsa}: dense matmul`, color: '#d62728', dash: [8, 6], y: nk.firing.map(() => denseN) });
}
if (chr?.kernels) {
  series.push({ label: 'wasm simd128 (Chromium): spike accumulation', color: '#1f77b4', dash: [], y: chr.kernels.simd.firing.map((f) => perSample(f.ms)) });
  series.push({ label: 'wasm simd128 (Chromium): dense matmul', color: '#1f77b4', dash: [8, 6], y: chr.kernels.simd.firing.map(() => denseChr) });
}
const xs = (nk?.firing || chr?.kernels?.simd?.firing || []).map((f) => f.rate * 100);
if (series.length && xs.length) {
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
    await page.goto(`${server.url}bench/plot.html`);
    await page.evaluate(({ xs, series, title }) => window.render(xs, series, title), {
      xs,
      series,
      title: `Time per sample vs firing rate — 400 → 400, batch 100 (${versions.cpu || ''})`,
    });
    await page.locator('#figure').screenshot({ path: path.join(root, 'docs/bench-firing.png') });
    process.stderr.write('[report] wrote docs/bench-firing.png\n');
  } finally {
    await browser.close();
    await server.close();
  }
}

// ---------- plot: one spike-fed conv layer, time per sample vs firing rate, both paths ----------
if (convSweep?.length) {
  const server = await startServer();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
    await page.goto(`${server.url}bench/plot.html`);
    const isa = cnnRuns.find((r) => r.convSweep)?.isa || '';
    await page.evaluate(({ xs, series, title, xLabel, note }) => window.render(xs, series, title, xLabel, note), {
      xs: convSweep.map((r) => r.rate * 100),
      series: [
        { label: `native ${isa}: event list (additions only)`, color: '#d62728', dash: [], y: convSweep.map((r) => r.eventsMsPerSample * 1000) },
        { label: `native ${isa}: dense product on the binary im2col`, color: '#d62728', dash: [8, 6], y: convSweep.map((r) => r.denseMsPerSample * 1000) },
        ...(convSweep.every((r) => r.patternsMsPerSample != null) ? [{ label: `native ${isa}: table lookup on 4-bit patterns (the layer's path)`, color: '#1f77b4', dash: [], y: convSweep.map((r) => r.patternsMsPerSample * 1000) }] : []),
      ],
      xLabel: 'firing rate of the 32 × 28 × 28 input spikes (%)',
      note: 'Event list: im2col as events, sparse_matmul forward and over the transposed events for the weight gradient. Dense: im2col in blocks, matmul forward, matmul_tn for the weight gradient. Table lookup: im2col as 4-bit patterns, subset sums of W (forward) and of dy (weight gradient) added per pattern (layers/patterns.rs). 20 samples, 2 threads.',
      title: `Conv 32 → 32, 28×28, k3 p1: forward + weight gradient, µs per sample vs input firing rate (${versions.cpu || ''})`,
    });
    await page.locator('#figure').screenshot({ path: path.join(root, 'docs/bench-conv-firing.png') });
    process.stderr.write('[report] wrote docs/bench-conv-firing.png\n');
  } finally {
    await browser.close();
    await server.close();
  }
}

// The README's MLP speed summary, between its markers: this run's figures, the rows docs/bench.md
// details (one home: nothing in that block is typed).
function writeReadmeMlp() {
  const k = (v) => (v == null || !Number.isFinite(v) ? '–' : `${(v / 1000).toFixed(1)} k`);
  const wasmX = (kern) => (kern ? `${simdRatio(kern, 'spike_acc').toFixed(1)}× / ${simdRatio(kern, 'matmul').toFixed(1)}×` : '');
  const kernOf = { 'Node (wasm simd128)': nodeK, 'Chromium (wasm simd128)': chr?.kernels };
  const cols = envs.filter(([, e]) => e);
  const row = (label, f) => `| ${label} | ${cols.map((c) => f(...c)).join(' | ')} |`;
  const out = [];
  const st = [['1 thread', ne1], ['2 threads', ne2]].filter(([, e]) => e?.stealSeconds != null).map(([n, e]) => `${e.stealSeconds.toFixed(2)} s of ${e.wallSeconds.toFixed(1)} s (${n})`);
  out.push(`Run of ${result.generated.slice(0, 10)} at commit ${versions.commit} (${versions.cpu}, ${versions.cores} cores, native kernels ${nativeIsa})` + (st.length ? `; the hypervisor stole ${st.join(', ')} of CPU during the native runs` : '') + '. MNIST 784-400-400-10 at batch 100; inference runs on the 10-epoch reference models.', '');
  out.push(`| | ${cols.map(([env]) => env).join(' | ')} |`, `|---|${cols.map(() => '---:').join('|')}|`);
  out.push(row('S³NN training, samples/s (first epoch)', (_, e) => k(e.nets.s3nn.trainSamplesPerSec)));
  out.push(row('S³NN inference, samples/s (batch 1000, trained net)', (_, e) => k(e.nets.s3nn.inferSamplesPerSec)));
  out.push(row('S³NN inference ÷ the same net run dense', (_, e) => x(e.nets.s3nn.inferSamplesPerSec / e.denseAnn.inferSamplesPerSec)));
  out.push(row('simd128 ÷ scalar wasm (spikes at 20 % / dense product)', (env) => wasmX(kernOf[env])));
  out.push(row('memory for full-MNIST training', (_, e, kind) => (kind === 'rss' ? `${mb(e.peakRssBytes)} RSS` : mb(e.wasmMemoryBytes))));
  const tfw = chr?.tfjs?.wasm;
  if (tfw?.trainSamplesPerSec && chr?.e2e) {
    out.push('', `In the same Chromium session, TensorFlow.js ${tfw.version || versions.tfjs} with its SIMD wasm backend trains the ReLU version of this net at ${k(tfw.trainSamplesPerSec)} samples/s, so s3nn's S³NN trains ${x(chr.e2e.nets.s3nn.trainSamplesPerSec / tfw.trainSamplesPerSec)} faster.`);
  }
  writeReadmeBlock(path.join(root, 'README.md'), 'bench/report.mjs (mlp)', out);
}
