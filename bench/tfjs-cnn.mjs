// The TensorFlow.js twin of an s3nn network, for the Chromium CNN benchmark (bench/cnn-suite.mjs).
// It is built from the spec s3nn itself parsed (`Network.spec()`), so the two cannot drift apart:
// each conv/dense layer is its product plus bias (s3nn keeps the bias beside batch norm, so the
// parameter counts match), then batch norm on the batch's statistics (running statistics updated
// as s3nn does), then the S³NN spike as a tf.customGrad: forward the exact step H(x) = [x ≥ 0],
// x = u − θ, backward the surrogate of src/surrogate.rs (/work/shared/s3nn-reference.md):
//   g′(x) = α σ(αx)(1 − σ(αx)) for x < 0,   β / (x + 1) for x ≥ 0.
// Max-pool of 2 over the spikes (an OR, as in s3nn), a real-valued readout, softmax cross-entropy.
// Layout is NHWC, TF.js's native one (s3nn is NCHW; flattening order differs, sizes do not).

const BN_EPS = 1e-5; // src/layers/batchnorm.rs
const BN_MOMENTUM = 0.1;

/**
 * `tf`: the TF.js namespace (backend already chosen); `spec`: s3nn's `Network.spec()` of a spiking
 * net with the S³NN surrogate. Returns `{ parameterCount, logits(x, training), loss(x, y), dispose() }`
 * with `trainable` (the variables Adam updates). Throws on a spec this twin does not cover.
 */
export function tfjsTwin(tf, spec, seed = 1) {
  const n = spec.neuron;
  if (n?.kind !== 'spike' || n.surrogate?.kind !== 's3nn') throw new Error(`tfjsTwin: only the single-step spike with the S³NN surrogate is covered, got ${JSON.stringify(n)}`);
  const { alpha, beta } = n.surrogate;
  const theta = n.threshold ?? 0;
  const spike = s3nnSpike(tf, alpha, beta);
  const trainable = [];
  const buffers = [];
  let s = seed;
  const heNormal = (shape, fanIn) => {
    const v = tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', s++));
    trainable.push(v);
    return v;
  };
  const zeros = (c) => {
    const v = tf.variable(tf.zeros([c]));
    trainable.push(v);
    return v;
  };
  const batchNorm = (c) => {
    const gamma = tf.variable(tf.ones([c]));
    const betaOff = tf.variable(tf.zeros([c]));
    trainable.push(gamma, betaOff);
    const mean = tf.variable(tf.zeros([c]), false);
    const variance = tf.variable(tf.ones([c]), false);
    buffers.push(mean, variance);
    return (u, training) => {
      if (!training) return tf.batchNorm(u, mean, variance, betaOff, gamma, BN_EPS);
      const axes = u.rank === 4 ? [0, 1, 2] : [0];
      const m = tf.moments(u, axes);
      const count = axes.reduce((p, a) => p * u.shape[a], 1);
      // The running statistics (inference only) as s3nn and PyTorch keep them: unbiased variance.
      mean.assign(tf.add(tf.mul(mean, 1 - BN_MOMENTUM), tf.mul(m.mean, BN_MOMENTUM)));
      variance.assign(tf.add(tf.mul(variance, 1 - BN_MOMENTUM), tf.mul(m.variance, (BN_MOMENTUM * count) / Math.max(1, count - 1))));
      return tf.batchNorm(u, m.mean, m.variance, betaOff, gamma, BN_EPS);
    };
  };
  const fire = (u) => spike(theta ? tf.sub(u, theta) : u);

  let [c, h, w] = spec.input;
  const layers = [];
  let flat = false;
  for (const l of spec.hidden) {
    if (l.type === 'conv') {
      if (flat) throw new Error('tfjsTwin: a conv layer after a dense one');
      const { channels: co, kernel: k, stride: st, padding: p } = l;
      const W = heNormal([k, k, c, co], k * k * c);
      const b = zeros(co);
      const bn = spec.batchNorm ? batchNorm(co) : null;
      // 'same' is padding (k−1)/2 at stride 1, the form every backend's conv kernel takes.
      const pad = st === 1 && 2 * p === k - 1 ? 'same' : p;
      layers.push((x, training) => {
        const u = tf.add(tf.conv2d(x, W, st, pad), b);
        return fire(bn ? bn(u, training) : u);
      });
      h = Math.floor((h + 2 * p - k) / st) + 1;
      w = Math.floor((w + 2 * p - k) / st) + 1;
      c = co;
    } else if (l.type === 'maxPool') {
      if (flat) throw new Error('tfjsTwin: a max-pool after a dense layer');
      const z = l.size;
      layers.push((x) => tf.maxPool(x, z, z, 'valid'));
      h = Math.floor(h / z);
      w = Math.floor(w / z);
    } else if (l.type === 'dense') {
      const fanIn = c * h * w;
      const W = heNormal([fanIn, l.units], fanIn);
      const b = zeros(l.units);
      const bn = spec.batchNorm ? batchNorm(l.units) : null;
      const wasFlat = flat;
      layers.push((x, training) => {
        const u = tf.add(tf.matMul(wasFlat ? x : tf.reshape(x, [x.shape[0], fanIn]), W), b);
        return fire(bn ? bn(u, training) : u);
      });
      flat = true;
      [c, h, w] = [l.units, 1, 1];
    } else {
      throw new Error(`tfjsTwin: layer type ${l.type} is not covered`);
    }
  }
  const fanIn = c * h * w;
  const Wout = heNormal([fanIn, spec.classes], fanIn);
  const bout = zeros(spec.classes);
  const wasFlat = flat;
  const logits = (x, training) => {
    let a = x;
    for (const f of layers) a = f(a, training);
    return tf.add(tf.matMul(wasFlat ? a : tf.reshape(a, [a.shape[0], fanIn]), Wout), bout);
  };
  return {
    trainable,
    parameterCount: trainable.reduce((p, v) => p + v.size, 0),
    logits,
    /** Mean softmax cross-entropy of a batch `x` [n, h, w, c] against one-hot `y` [n, classes]. */
    loss: (x, y) => tf.losses.softmaxCrossEntropy(y, logits(x, true)),
    dispose: () => [...trainable, ...buffers].forEach((v) => v.dispose()),
  };
}

/** H(x) = [x ≥ 0] forward; the S³NN surrogate g′(x) times the incoming gradient backward. */
export function s3nnSpike(tf, alpha, beta) {
  return tf.customGrad((x, save) => {
    save([x]);
    return {
      value: tf.cast(tf.greaterEqual(x, 0), 'float32'),
      gradFunc: (dy, [xs]) => {
        const sig = tf.sigmoid(tf.mul(xs, alpha));
        const below = tf.mul(tf.mul(sig, tf.sub(1, sig)), alpha);
        // β/(x+1) on the x ≥ 0 side only: relu keeps the denominator ≥ 1 where `where` discards it.
        const above = tf.div(beta, tf.add(tf.relu(xs), 1));
        return tf.mul(dy, tf.where(tf.greaterEqual(xs, 0), above, below));
      },
    };
  });
}
