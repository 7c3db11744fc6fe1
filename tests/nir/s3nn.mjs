// The npm package's side of tests/nir/test_nir.py: one JSON line per command, on stdout.
//   predict MODEL IMAGES N      classes of N images (raw little-endian float32, N × features);
//                               MODEL is safetensors or NIR (Network.load / Network.fromNir)
//   tonir MODEL OUT             Network.load(MODEL).toNir() written to OUT
//   refuse MODEL                Network.fromNir(MODEL) must throw; prints the message, then checks
//                               that another Network still trains and that a loaded one predicts
import { readFileSync, writeFileSync } from 'node:fs';
import * as s3nn from '../../pkg/s3nn_node.js';

const { Network, Dataset } = s3nn;
const [cmd, model, arg, n] = process.argv.slice(2);
const bytes = readFileSync(model);
const isNir = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x48, 0x44, 0x46]));
const open = () => (isNir ? Network.fromNir(bytes) : Network.load(bytes));

if (cmd === 'predict') {
  const raw = readFileSync(arg);
  const x = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const net = open();
  console.log(JSON.stringify({ arch: net.arch(), predictions: Array.from(net.predict(x, Number(n))) }));
} else if (cmd === 'tonir') {
  writeFileSync(arg, open().toNir());
  console.log(JSON.stringify({ wrote: arg }));
} else if (cmd === 'refuse') {
  const other = new Network({ arch: '2-8-2', seed: 1 });
  let message = null;
  try {
    Network.fromNir(bytes);
  } catch (e) {
    if (!(e instanceof Error)) throw new Error(`threw a ${typeof e}, not an Error`);
    message = e.message;
  }
  const stillTrains = other.trainSteps(Dataset.toy('moons', 100, 0.1, 1), 2, 10).loss > 0;
  console.log(JSON.stringify({ message, stillTrains }));
} else {
  throw new Error(`unknown command ${cmd}`);
}
