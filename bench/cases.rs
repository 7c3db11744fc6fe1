//! Benchmark cases shared by the native runners (bench/e2e.rs, bench/kernels.rs) and the wasm
//! hooks (bench/wasm/hooks.rs), so that both measure exactly the same work. Each runner mounts it
//! with `#[path = "…/cases.rs"] mod cases;` and uses the part it needs, hence the `dead_code` allow.
//!
//! Shapes are those of the reference MLP 784-400-400-10 at batch 100.
#![allow(dead_code)]

use s3nn::kernels;
use s3nn::parallel;
use s3nn::rng::Rng;
use s3nn::surrogate::Surrogate;

/// Batch rows of every kernel case.
pub const BENCH_BATCH: usize = 100;

/// (name, description, default density) of every kernel case, in report order.
pub const KERNEL_CASES: &[(&str, &str, f32)] = &[
    ("spike_acc", "sparse_matmul, spikes (val=None) 100×400 → 400, 20 % firing", 0.20),
    ("matmul", "matmul dense 100×400 · 400×400", 1.0),
    ("sparse_matmul_val", "sparse_matmul, real inputs 100×784 → 400, 19 % non-zero", 0.19),
    ("sparse_t_matmul_spikes", "sparse_t_matmul dW, spikes 100×400 ⊗ 400, 18 % firing", 0.18),
    ("sparse_t_matmul_val", "sparse_t_matmul dW, real inputs 100×784 ⊗ 400, 19 % non-zero", 0.19),
    ("transpose", "transpose 400×400", 1.0),
    ("surrogate_grad_mul", "surrogate_grad_mul s3nn 100×400 (incl. 160 KB reset copy)", 1.0),
    ("adam_step", "adam_step, all 478 410 parameters", 1.0),
    ("sgd_step", "sgd_step (momentum), all 478 410 parameters", 1.0),
    ("broadcast_rows", "broadcast_rows bias 400 → 100×400", 1.0),
];

/// Firing rates of the spike-accumulation vs dense-product sweep.
pub const FIRING_RATES: &[f32] = &[0.01, 0.02, 0.05, 0.10, 0.20, 0.30, 0.40, 0.60];

/// Compressed sparse rows: the events of a spike (or non-zero input) batch.
pub struct BenchCsr {
    pub ptr: Vec<u32>,
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
}

pub fn bench_randn(rng: &mut Rng, len: usize) -> Vec<f32> {
    (0..len).map(|_| rng.normal()).collect()
}

/// Random CSR with exactly round(density·cols) events per row (so the firing rate is exact).
pub fn bench_csr(rng: &mut Rng, rows: usize, cols: usize, density: f32) -> BenchCsr {
    let per_row = ((density * cols as f32).round() as usize).min(cols);
    let (mut ptr, mut idx, mut val) = (vec![0u32], Vec::new(), Vec::new());
    let mut cols_v: Vec<u32> = (0..cols as u32).collect();
    for _ in 0..rows {
        rng.shuffle(&mut cols_v);
        let mut pick: Vec<u32> = cols_v[..per_row].to_vec();
        pick.sort_unstable();
        for c in pick {
            idx.push(c);
            val.push(rng.uniform());
        }
        ptr.push(idx.len() as u32);
    }
    BenchCsr { ptr, idx, val }
}

/// The closure running one call of kernel case `name`; `density` ≤ 0 selects the case default.
pub fn kernel_case(name: &str, density: f32, seed: u64) -> Option<Box<dyn FnMut()>> {
    let default = KERNEL_CASES.iter().find(|c| c.0 == name)?.2;
    let d = if density > 0.0 { density.min(1.0) } else { default };
    let mut rng = Rng::new(seed);
    let b = BENCH_BATCH;
    let (n0, n1, n3) = (784usize, 400usize, 10usize);
    let np = n0 * n1 + n1 * n1 + n1 * n3 + n1 + n1 + n3;
    let f: Box<dyn FnMut()> = match name {
        "spike_acc" => {
            let s = bench_csr(&mut rng, b, n1, d);
            let w = bench_randn(&mut rng, n1 * n1);
            let mut o = vec![0f32; b * n1];
            Box::new(move || {
                kernels::sparse_matmul(&s.ptr, &s.idx, None, &w, n1, std::hint::black_box(&mut o))
            })
        }
        "matmul" => {
            let a = bench_randn(&mut rng, b * n1);
            let w = bench_randn(&mut rng, n1 * n1);
            let mut o = vec![0f32; b * n1];
            Box::new(move || kernels::matmul(&a, &w, b, n1, n1, std::hint::black_box(&mut o)))
        }
        "sparse_matmul_val" => {
            let s = bench_csr(&mut rng, b, n0, d);
            let w = bench_randn(&mut rng, n0 * n1);
            let mut o = vec![0f32; b * n1];
            Box::new(move || {
                kernels::sparse_matmul(&s.ptr, &s.idx, Some(&s.val), &w, n1, std::hint::black_box(&mut o))
            })
        }
        "sparse_t_matmul_spikes" | "sparse_t_matmul_val" => {
            let real = name.ends_with("val");
            let k = if real { n0 } else { n1 };
            let s = bench_csr(&mut rng, b, k, d);
            let dy = bench_randn(&mut rng, b * n1);
            let mut o = vec![0f32; k * n1];
            Box::new(move || {
                let v = if real { Some(&s.val[..]) } else { None };
                kernels::sparse_t_matmul(&s.ptr, &s.idx, v, &dy, n1, 0, k as u32, std::hint::black_box(&mut o))
            })
        }
        "transpose" => {
            let src = bench_randn(&mut rng, n1 * n1);
            let mut dst = vec![0f32; n1 * n1];
            Box::new(move || kernels::transpose(&src, n1, n1, std::hint::black_box(&mut dst)))
        }
        "surrogate_grad_mul" => {
            let x = bench_randn(&mut rng, b * n1);
            let g0 = bench_randn(&mut rng, b * n1);
            let mut g = g0.clone();
            let sur = Surrogate::default();
            // g is reset every call: repeated products would otherwise decay into denormals.
            Box::new(move || {
                g.copy_from_slice(&g0);
                kernels::mul_by_map(&sur, &x, std::hint::black_box(&mut g))
            })
        }
        "adam_step" => {
            let (mut w, g, mut m, mut v) = (vec![0.01f32; np], bench_randn(&mut rng, np), vec![0f32; np], vec![0f32; np]);
            Box::new(move || {
                kernels::adam_step(std::hint::black_box(&mut w), &g, &mut m, &mut v, 1e-3, 0.9, 0.999, 1e-8, 0.5, 0.01, 0.0)
            })
        }
        "sgd_step" => {
            let (mut w, g, mut vel) = (vec![0.01f32; np], bench_randn(&mut rng, np), vec![0f32; np]);
            Box::new(move || kernels::sgd_step(std::hint::black_box(&mut w), &g, &mut vel, 1e-3, 0.9, 0.0))
        }
        "broadcast_rows" => {
            let bias = bench_randn(&mut rng, n1);
            let mut o = vec![0f32; b * n1];
            Box::new(move || kernels::broadcast_rows(&bias, b, std::hint::black_box(&mut o)))
        }
        _ => return None,
    };
    Some(f)
}

/// A timing: median and minimum milliseconds per call over `samples`, each of `reps` calls.
pub struct BenchTiming {
    pub median_ms: f64,
    pub min_ms: f64,
    pub reps: u32,
    pub samples_ms: Vec<f64>,
}

pub fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = s.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        s[n / 2]
    } else {
        0.5 * (s[n / 2 - 1] + s[n / 2])
    }
}

/// Calls per sample: one warm-up call, then doubles the repetition count until one batch of calls
/// takes ≥ `min_sample_ms` on the clock `now` (ms).
pub fn calibrate(f: &mut dyn FnMut(), now: &dyn Fn() -> f64, min_sample_ms: f64) -> u32 {
    f();
    let mut reps = 1u32;
    loop {
        let t = now();
        for _ in 0..reps {
            f();
        }
        let dt = now() - t;
        if dt >= min_sample_ms || reps >= 1 << 24 {
            return reps;
        }
        // Jump close to the target, at least doubling.
        let want = if dt > 0.0 { (f64::from(reps) * min_sample_ms * 1.1 / dt).ceil() as u32 } else { reps * 8 };
        reps = want.max(reps * 2).min(1 << 24);
    }
}

/// One sample: milliseconds per call over `reps` back-to-back calls.
pub fn sample_ms(f: &mut dyn FnMut(), now: &dyn Fn() -> f64, reps: u32) -> f64 {
    let t = now();
    for _ in 0..reps {
        f();
    }
    (now() - t) / f64::from(reps.max(1))
}

/// Summary of samples taken with `reps` calls each.
pub fn timing_of(samples_ms: Vec<f64>, reps: u32) -> BenchTiming {
    BenchTiming {
        median_ms: median(&samples_ms),
        min_ms: samples_ms.iter().copied().fold(f64::INFINITY, f64::min),
        reps,
        samples_ms,
    }
}

/// Times `f`: `reps` calls per sample (`None`: calibrate to ≥ `min_sample_ms` first), `samples`
/// samples.
pub fn time_case(f: &mut dyn FnMut(), now: &dyn Fn() -> f64, min_sample_ms: f64, samples: usize, reps: Option<u32>) -> BenchTiming {
    let reps = match reps {
        Some(r) => {
            f();
            r.max(1)
        }
        None => calibrate(f, now, min_sample_ms),
    };
    let s: Vec<f64> = (0..samples.max(1)).map(|_| sample_ms(f, now, reps)).collect();
    timing_of(s, reps)
}

/// The same MLP as a plain dense ANN on the same kernels: `h = relu(x·W + b)` with
/// `kernels::matmul` (no sparsity skipped), readout without activation, argmax. The time of a
/// dense product does not depend on the weight values, so PyTorch-init weights stand in for
/// trained ones.
pub struct DenseMlp {
    sizes: Vec<usize>,
    w: Vec<Vec<f32>>,
    b: Vec<Vec<f32>>,
    bufs: [Vec<f32>; 2],
}

impl DenseMlp {
    pub fn new(sizes: &[usize], seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let (mut w, mut b) = (Vec::new(), Vec::new());
        for p in sizes.windows(2) {
            let bound = 1.0 / (p[0] as f32).sqrt();
            w.push((0..p[0] * p[1]).map(|_| rng.range(-bound, bound)).collect());
            b.push((0..p[1]).map(|_| rng.range(-bound, bound)).collect());
        }
        DenseMlp { sizes: sizes.to_vec(), w, b, bufs: [Vec::new(), Vec::new()] }
    }

    /// Input features (`sizes[0]`).
    pub fn inputs(&self) -> usize {
        self.sizes[0]
    }

    /// Class predictions for `n` samples of `x` (`n × sizes[0]`).
    pub fn predict(&mut self, x: &[f32], n: usize) -> Vec<u32> {
        let layers = self.w.len();
        let [mut cur, mut next] = std::mem::take(&mut self.bufs);
        for l in 0..layers {
            let (k, m) = (self.sizes[l], self.sizes[l + 1]);
            next.clear();
            next.resize(n * m, 0.0);
            kernels::broadcast_rows(&self.b[l], n, &mut next);
            let input: &[f32] = if l == 0 { &x[..n * k] } else { &cur };
            let w = &self.w[l];
            // Split like the engine's own products (rows here), so both sides of the S³NN vs
            // dense comparison get the same threads.
            parallel::for_row_chunks(&mut next, m, 8, |r0, chunk| {
                let rows = chunk.len() / m;
                kernels::matmul(&input[r0 * k..(r0 + rows) * k], w, rows, k, m, chunk);
            });
            if l + 1 < layers {
                next.iter_mut().for_each(|v| *v = v.max(0.0));
            }
            std::mem::swap(&mut cur, &mut next);
        }
        let m = *self.sizes.last().unwrap();
        let out = cur
            .chunks(m)
            .map(|row| {
                let mut best = 0;
                for (i, &v) in row.iter().enumerate() {
                    if v > row[best] {
                        best = i;
                    }
                }
                best as u32
            })
            .collect();
        self.bufs = [cur, next];
        out
    }
}
