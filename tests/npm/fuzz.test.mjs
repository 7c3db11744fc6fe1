// A seeded fuzz of every export of the package (issue #15, build item 6, the JS half): thousands
// of calls whose arguments are, each independently, a plausible value or a hostile one (a wrong
// type, NaN, −1, 2³²+1, a freed object, …). Every call must return or throw an `Error` with a
// message — never a wasm trap, a non-Error, a panic on the console or wasm-bindgen's internals
// ("null pointer passed to rust", "recursive use of an object") — and afterwards every object
// still works, free() works (twice), and the wasm memory stayed under a bound.
//
// The calls run in a worker thread so a call that hangs is stopped and named (the worker posts
// each call before making it). Environment:
//   S3NN_FUZZ_SEED=N    replay a run (the seed is printed; default: from the clock)
//   S3NN_FUZZ_CALLS=N   calls (default 6000)
//   S3NN_FUZZ_TYPES_ONLY=1  leave out the values only the core's range checks refuse (steps
//                       2³¹, arch '2-4294967295', bit-flipped model files): for a build without them
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';

const CALLS = Number(process.env.S3NN_FUZZ_CALLS || 6000);
/** Wasm memory may not grow past this (it never shrinks, so this bounds every call's peak). */
const MEMORY_LIMIT_BYTES = 1 << 30;
/** A call that takes longer than this is a hang (the slowest plausible call takes milliseconds). */
const CALL_TIMEOUT_MS = 20_000;
/** Messages that mean the boundary let something through: a trap, a panic, glue internals. */
const FORBIDDEN = /unreachable|out of bounds|memory access|null pointer|recursive use|panicked|capacity overflow|RuntimeError|undefined is not|cannot read prop/i;

if (isMainThread) {
  test('every export survives thousands of random arguments, and every object still works', { timeout: 600_000 }, async () => {
    const seed = Number(process.env.S3NN_FUZZ_SEED ?? (Date.now() % 2 ** 31));
    const typesOnly = process.env.S3NN_FUZZ_TYPES_ONLY === '1';
    console.log(`fuzz seed ${seed} (replay: S3NN_FUZZ_SEED=${seed}), ${CALLS} calls${typesOnly ? ', types only' : ''}`);
    const result = await new Promise((resolve) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { seed, calls: CALLS, typesOnly } });
      let last = '(no call yet)';
      let timer;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          worker.terminate();
          resolve({ failure: `hung for ${CALL_TIMEOUT_MS / 1000} s in call ${last}` });
        }, CALL_TIMEOUT_MS);
      };
      arm();
      worker.on('message', (m) => {
        if (m.call) {
          last = m.call;
          arm();
        } else {
          clearTimeout(timer);
          resolve(m);
        }
      });
      worker.on('error', (e) => {
        clearTimeout(timer);
        resolve({ failure: `worker died in call ${last}: ${e.stack || e}` });
      });
    });
    if (result.stats) console.log('fuzz:', JSON.stringify(result.stats));
    assert.equal(result.failure, undefined, `seed ${seed}: ${result.failure}`);
  });
} else {
  runWorker(workerData);
}

async function runWorker({ seed, calls, typesOnly }) {
  const pkgUrl = new URL('../../pkg/', import.meta.url);
  const s3nn = await import(new URL('s3nn_node.js', pkgUrl));
  // Already instantiated by the Node entry: initSync hands back the same instance's exports.
  const wasm = s3nn.initSync({ module: readFileSync(new URL('s3nn_bg.wasm', pkgUrl)) });
  const { Network, Dataset } = s3nn;
  const fail = (failure) => {
    parentPort.postMessage({ failure });
    process.exit(0);
  };
  // console_error_panic_hook writes a panic here before the trap.
  console.error = (...a) => fail(`console.error: ${a.join(' ')}`);

  // mulberry32: small, seeded, and the same in every Node.
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const chance = (p) => rand() < p;

  // --- plausible values ------------------------------------------------------------------------
  const idx = (dims, data) => {
    const head = new Uint8Array(4 + 4 * dims.length);
    const v = new DataView(head.buffer);
    v.setUint8(2, 8);
    v.setUint8(3, dims.length);
    dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
    const out = new Uint8Array(head.length + data.length);
    out.set(head);
    out.set(data, head.length);
    return out;
  };
  const idxImages = idx([6, 4, 4], Uint8Array.from({ length: 96 }, (_, i) => (i * 37) % 256));
  const idxLabels = idx([6], Uint8Array.from([0, 1, 2, 3, 0, 1]));
  const ARCHS = ['2-8-2', '2-6-3', '2-4-4-2', '16-8-4', '1x4x4-c2-mp-4', '2-3'];
  const NEURONS = s3nn.catalog().neurons.map((n) => n.name);
  const SURROGATES = s3nn.catalog().surrogates.map((s) => s.name);
  const goodConfig = () => ({ arch: pick(ARCHS), neuron: pick(NEURONS), seed: int(0, 9), ...(chance(0.3) ? { steps: int(1, 3) } : {}) });

  // The pools: objects the calls act on, and freed ones for use-after-free.
  const datasets = [
    Dataset.toy('xor', 60, 0.1, 1),
    Dataset.toy('blobs', 50, 0.2, 2),
    Dataset.fromCsv('1,1,0\n2,2,1\n3,3,2\n'),
    Dataset.fromIdx('idx', idxImages, idxLabels),
    Dataset.fromArrays('img', new Float32Array(16 * 8).fill(0.25), Uint32Array.from([0, 1, 2, 3, 0, 1, 2, 3]), [1, 4, 4], 4),
  ];
  const nets = [new Network({ arch: '2-8-2' }), new Network({ arch: '2-6-3', neuron: 'lif', steps: 2 }), new Network({ arch: '16-8-4', neuron: 'relu' }), new Network({ arch: '1x4x4-c2-mp-4' })];
  const modelBytes = nets.map((n) => n.save());
  const freed = [];
  const MAX_POOL = 10;
  const keep = (v) => {
    const pool = v instanceof Dataset ? datasets : v instanceof Network ? nets : null;
    if (!pool) return;
    if (pool.length < MAX_POOL) pool.push(v);
    else if (chance(0.5)) {
      v.free();
      if (freed.length < MAX_POOL) freed.push(v);
    } else v.free();
  };
  const inputsOf = (d, n) => d.inputs().subarray(0, Math.min(n, d.length) * d.features);

  // --- hostile values --------------------------------------------------------------------------
  const TYPE_NUMBERS = [-1, -0, 0.5, 1.5, -1.5, NaN, Infinity, -Infinity, 2 ** 32, 2 ** 32 + 1, 2 ** 32 + 5, 2 ** 53, 2 ** 64, 1e300, -1e300, 5e-324];
  // In range for the type (a usize), refused only by the core's limits.
  const RANGE_NUMBERS = typesOnly ? [0, 1, 7] : [0, 1, 2 ** 30 + 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 53 - 1];
  const RANGE_ARCHS = typesOnly ? [] : ['2-4294967295', '2-18446744073709551615', '1x28x28-c1k4294967296p2147483648-10', '100000-100000-10', '1x9x9-c8192k1p0-mp3-10'];
  const STRINGS = ['', '5', 'xor', 'spiral', 'train', 'test', 's3nn', '2-8-2', 'x,y,label\n1,2,0\n', '\uFEFF1,1,0\n2,2,1\n', 'null', '💥💥', 'a'.repeat(300)];
  const hostileConfig = () => {
    const c = chance(0.5) ? goodConfig() : {};
    const keys = ['arch', 'neuron', 'alpha', 'beta', 'threshold', 'steps', 'leak', 'batchNorm', 'optimizer', 'lr', 'seed', 'lrSchedule', 'epochs', 'etaMin', 'stepSize', 'gamma', 'ratePenalty', 'targetRate', 'width', 'slope', 'neuronn', 'kind', 'eMacPj', 'snnSteps'];
    for (let k = int(1, 3); k > 0; k--) c[pick(keys)] = chance(0.3) ? pick([...ARCHS, ...RANGE_ARCHS, ...SURROGATES, ...NEURONS, '2-x-2']) : hostile(1);
    return c;
  };
  const mutate = (bytes) => {
    const b = bytes.slice(0, chance(0.5) ? bytes.length : int(0, bytes.length));
    if (!typesOnly) for (let k = int(0, 3); k > 0 && b.length; k--) b[int(0, b.length - 1)] ^= 1 << int(0, 7);
    return b;
  };
  function hostile(depth = 0) {
    const kinds = [
      () => pick(TYPE_NUMBERS),
      () => pick(RANGE_NUMBERS),
      () => int(-3, 40),
      () => pick(STRINGS),
      () => chance(0.5),
      () => null,
      () => undefined,
      () => ({}),
      () => [],
      () => [1, 2],
      () => [NaN, 1.7],
      () => ['a'],
      () => new Uint8Array(int(0, 20)),
      () => new Float32Array(int(0, 20)).fill(pick([0, 1, NaN, -Infinity])),
      () => Uint32Array.from([0, 1, 2 ** 32 - 1]),
      () => new Int32Array([-1]),
      () => new Float64Array([1.7]),
      () => new ArrayBuffer(8),
      () => 5n,
      () => Symbol('s'),
      () => () => 1,
      () => new Date(0),
      () => pick(datasets),
      () => pick(nets),
      () => (freed.length ? pick(freed) : null),
      () => mutate(pick(modelBytes)),
    ];
    if (depth === 0) kinds.push(hostileConfig);
    return pick(kinds)();
  }

  /** `good()` with probability 0.75, else a hostile value. */
  const arg = (good) => (chance(0.75) ? good() : hostile());
  const anyData = () => (chance(0.1) && freed.some((o) => o instanceof Dataset) ? pick(freed.filter((o) => o instanceof Dataset)) : pick(datasets));
  const energy = () => pick([undefined, null, {}, { eMacPj: 4.6, eAcPj: 0.9 }, { snnSteps: int(1, 8) }, { eMemPj: 5 }]);
  const inference = (method, withEnergy) => (net) => {
    const d = pick(datasets);
    const n = int(0, 5);
    const a = [arg(() => inputsOf(d, n)), arg(() => Math.min(n, d.length))];
    if (withEnergy) a.push(arg(energy));
    return [method, a];
  };

  // Every export: a receiver-less call, or a method on a pooled (or freed) object.
  const STATICS = [
    () => ['version', [], () => s3nn.version()],
    () => ['activeIsa', [], () => s3nn.activeIsa()],
    () => ['catalog', [], () => s3nn.catalog()],
    () => {
      const a = [arg(() => ({ kind: pick(SURROGATES) })), arg(() => -int(1, 3)), arg(() => int(1, 3)), arg(() => int(2, 50))];
      return ['surrogateCurve', a, () => s3nn.surrogateCurve(...a)];
    },
    () => {
      const a = [chance(0.5) ? goodConfig() : hostile()];
      return ['new Network', a, () => new Network(...a)];
    },
    () => {
      const a = [arg(() => pick(modelBytes))];
      return ['Network.load', a, () => Network.load(...a)];
    },
    () => {
      const a = [arg(() => pick(['xor', 'spiral', 'moons', 'circles', 'blobs'])), arg(() => int(1, 80)), arg(() => rand() * 0.5), arg(() => int(0, 2 ** 31))];
      return ['Dataset.toy', a, () => Dataset.toy(...a)];
    },
    () => {
      const a = [arg(() => 'idx'), arg(() => idxImages), arg(() => idxLabels)];
      return ['Dataset.fromIdx', a, () => Dataset.fromIdx(...a)];
    },
    () => {
      const a = [arg(() => pick(['1,1,0\n2,2,1\n', 'x,y,label\n0.5,0.5,1\n-1,0,0\n', '\uFEFF1,1,0\n2,2,1\n', '1,2\n']))];
      return ['Dataset.fromCsv', a, () => Dataset.fromCsv(...a)];
    },
    () => {
      const a = [arg(() => Array.from({ length: 10 }, () => new TextEncoder().encode('[]'))), arg(() => pick(['train', 'test']))];
      return ['Dataset.fromFashionJson', a, () => Dataset.fromFashionJson(...a)];
    },
    () => {
      const n = int(1, 6);
      const a = [arg(() => 'mine'), arg(() => new Float32Array(2 * n).fill(0.5)), arg(() => Array.from({ length: n }, (_, i) => i % 2)), arg(() => [2]), arg(() => 2)];
      return ['Dataset.fromArrays', a, () => Dataset.fromArrays(...a)];
    },
  ];
  const NET_METHODS = [
    () => ['save', []], () => ['spec', []], () => ['arch', []], () => ['parameterCount', null], () => ['steps', null], () => ['seed', null],
    () => ['setLearningRate', [arg(() => pick([1e-3, 0.01, 0.1]))]],
    () => ['setSurrogate', [arg(() => pick([{ kind: 's3nn', alpha: 2, beta: 1 }, { kind: 'sigmoid' }, { kind: 'rect', width: 0.5 }]))]],
    () => ['trainSteps', [arg(anyData), arg(() => int(0, 3)), arg(() => int(1, 32))]],
    () => ['evaluate', [arg(anyData), arg(() => pick([undefined, null, int(0, 100)])), arg(energy)]],
    inference('predict'), inference('predictProba'), inference('record'), inference('inspect', true), inference('opCounts', true),
  ];
  const DATA_METHODS = [
    () => ['split', [arg(() => pick([0.5, 0.8])), arg(() => int(0, 100))]],
    () => ['take', [arg(() => int(0, 100))]],
    () => ['length', null], () => ['features', null], () => ['classes', null], () => ['name', null],
    () => ['shape', []], () => ['labels', []], () => ['inputs', []], () => ['classNames', []],
    () => ['sample', [arg(() => int(0, 60))]],
    () => ['label', [arg(() => int(0, 60))]],
  ];

  const show = (v) => {
    if (typeof v === 'string') return JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v);
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'symbol' || typeof v === 'function') return typeof v;
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    if (v instanceof Dataset || v instanceof Network) return `${v.constructor.name}${v.__wbg_ptr === 0 ? '(freed)' : ''}`;
    if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length})`;
    if (Array.isArray(v)) return `[${v.slice(0, 4).map(show).join(', ')}${v.length > 4 ? ', …' : ''}]`;
    if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`).join(', ')}}`;
    return String(v);
  };

  const stats = { calls: 0, returned: 0, threw: 0, freedUse: 0, messages: 0 };
  const messages = new Set();
  for (let i = 0; i < calls; i++) {
    let name;
    let args;
    let run;
    const which = rand();
    if (which < 0.25) {
      [name, args, run] = pick(STATICS)();
    } else {
      const isNet = which < 0.65;
      const pool = isNet ? nets : datasets;
      const poolFreed = freed.filter((o) => o instanceof (isNet ? Network : Dataset));
      const self = chance(0.05) && poolFreed.length ? pick(poolFreed) : pick(pool);
      const [method, a] = pick(isNet ? NET_METHODS : DATA_METHODS)(self);
      name = `${isNet ? 'net' : 'data'}${self.__wbg_ptr === 0 ? '(freed)' : ''}.${method}`;
      args = a ?? [];
      run = a === null ? () => self[method] : () => self[method](...a);
      if (self.__wbg_ptr === 0) stats.freedUse++;
    }
    const call = `#${i} ${name}(${args.map(show).join(', ')})`;
    parentPort.postMessage({ call });
    stats.calls++;
    try {
      const r = run();
      stats.returned++;
      if (Array.isArray(r)) r.forEach(keep);
      else keep(r);
    } catch (e) {
      stats.threw++;
      if (!(e instanceof Error) || e instanceof WebAssembly.RuntimeError) fail(`${call} threw a non-Error or trapped: ${e?.constructor?.name}: ${e}`);
      if (!e.message || FORBIDDEN.test(e.message)) fail(`${call} threw ${JSON.stringify(e.message)}`);
      messages.add(e.message.replace(/\d+/g, 'N'));
    }
    if (wasm.memory.buffer.byteLength > MEMORY_LIMIT_BYTES) fail(`${call}: wasm memory grew to ${wasm.memory.buffer.byteLength} B`);
  }
  stats.messages = messages.size;

  // Afterwards every live object works, and free() works, twice.
  const xor = Dataset.toy('xor', 40, 0.1, 3);
  for (const [k, net] of nets.entries()) {
    parentPort.postMessage({ call: `after: nets[${k}]` });
    try {
      const shape = net.spec().input; // [c, h, w]
      const d = Dataset.fromArrays('after', new Float32Array(4 * shape[0] * shape[1] * shape[2]).fill(0.5), [0, 1, 0, 1], shape, 2);
      const s = net.trainSteps(d, 2, 4);
      assert.equal(s.steps, 2);
      assert.equal(net.predict(d.inputs(), 4).length, 4);
      d.free();
    } catch (e) {
      fail(`nets[${k}] (${net.arch()}) no longer works after the fuzz: ${e.message}`);
    }
  }
  for (const [k, d] of datasets.entries()) {
    try {
      // take(0) and split() make empty or 1-sample sets: what must work is what they hold.
      if (d.length > 0) assert.equal(d.sample(0).length, d.features);
      assert.equal(d.take(1).length, Math.min(1, d.length));
      assert.equal(d.labels().length, d.length);
    } catch (e) {
      fail(`datasets[${k}] (${d.name}) no longer works after the fuzz: ${e.message}`);
    }
  }
  for (const o of [...nets, ...datasets, ...freed, xor]) {
    o.free();
    o.free();
  }
  stats.memoryBytes = wasm.memory.buffer.byteLength;
  parentPort.postMessage({ stats });
}
