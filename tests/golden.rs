//! Golden hashes: a fixed set of seeded runs, each saved as a model file and hashed (SHA-256), plus
//! the hash of its batch-1000 inference logits. The list in `tests/golden/hashes.txt` was written by
//! the engine as it stood before the layer/kernel redesign; a refactoring that changes no result
//! keeps every hash. Runs natively with 1 and 2 threads (`cargo test`) and in wasm
//! (`wasm-pack test --node`), so it also pins "same seed, same bytes" across targets.
//!
//! Sharded training steps (issue 12) came later: the cases written before them train unsharded
//! (`max_shards: 1`), so their hashes still pin the arithmetic they always had; the `-sharded`
//! cases, appended, pin the sharded one (the same on 1 thread, where the layers group the sums,
//! and on 2, where replicas run the shards).
//!
//! A deliberate change of results (a new summation order, say) regenerates the list with
//! `S3NN_GOLDEN_WRITE=1 cargo test --release --test golden -- --nocapture` and says why in its commit.

use s3nn::{data, io, Dataset, Model, NetworkSpec, NeuronModel, OptimizerSpec, Trainer};
use sha2::{Digest, Sha256};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test;

const GOLDEN: &str = include_str!("golden/hashes.txt");

/// One seeded run: a spec, a neuron, the data, the optimizer and how long it trains.
struct Case {
    name: &'static str,
    arch: &'static str,
    neuron: &'static str,
    batch_norm: bool,
    threshold: Option<f32>,
    data: fn() -> Dataset,
    optimizer: &'static str,
    lr: f32,
    steps: usize,
    batch: usize,
    /// `Trainer::set_max_shards`: 1 for the cases written before sharded steps existed (they pin
    /// the unsharded arithmetic, unchanged), `MAX_SHARDS` (the default) for the sharded cases.
    max_shards: usize,
    /// The rate penalty (λ, target), if any.
    penalty: Option<(f32, Option<f32>)>,
}

fn spiral() -> Dataset {
    data::toy(data::ToyKind::Spiral, 1000, 0.1, 7).unwrap()
}

/// 1000 sparse 196-feature samples, 10 classes: large enough (batch 100 × 400 units) for the
/// 2-thread column splits to run.
fn sparse196() -> Dataset {
    let mut rng = s3nn::rng::Rng::new(5);
    let n = 1000;
    let x: Vec<f32> = (0..n * 196).map(|_| if rng.uniform() < 0.25 { rng.uniform() } else { 0.0 }).collect();
    let y: Vec<u32> = (0..n).map(|i| (i % 10) as u32).collect();
    Dataset::new("sparse196", [196, 1, 1], 10, x, y).unwrap()
}

/// 1000 seeded images of `classes` classes (class `i % classes` for image `i`), pixels in CHW order:
/// `hi` where `bright(class, channel, row, col)`, else `lo`, plus `noise` × a uniform draw.
fn images(
    name: &str,
    seed: u64,
    shape: [usize; 3],
    classes: usize,
    (lo, hi, noise): (f32, f32, f32),
    bright: fn(usize, usize, usize, usize) -> bool,
) -> Dataset {
    let mut rng = s3nn::rng::Rng::new(seed);
    let n = 1000;
    let [channels, rows, cols] = shape;
    let mut x = Vec::with_capacity(n * channels * rows * cols);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let class = i % classes;
        for ch in 0..channels {
            for r in 0..rows {
                for c in 0..cols {
                    x.push(if bright(class, ch, r, c) { hi } else { lo } + noise * rng.uniform());
                }
            }
        }
        y.push(class as u32);
    }
    Dataset::new(name, shape, classes, x, y).unwrap()
}

/// 1000 single-channel 12×12 images of 4 classes: a bright bar whose place depends on the class,
/// over seeded noise.
fn bars12() -> Dataset {
    images("bars12", 9, [1, 12, 12], 4, (0.0, 0.8, 0.3), |class, _, r, c| match class {
        0 => r == 3,
        1 => r == 8,
        2 => c == 3,
        _ => c == 8,
    })
}

/// 1000 three-channel 8×8 images of 3 classes (which channel is bright), for the HWC/CHW mapping.
fn rgb8() -> Dataset {
    images("rgb8", 13, [3, 8, 8], 3, (0.1, 0.6, 0.4), |class, ch, _, _| ch == class)
}

const fn mlp(name: &'static str, neuron: &'static str) -> Case {
    Case { name, arch: "2-64-64-2", neuron, batch_norm: false, threshold: None, data: spiral, optimizer: "adam", lr: 0.01, steps: 60, batch: 32, max_shards: 1, penalty: None }
}

const SHARDED: usize = s3nn::shards::MAX_SHARDS;

const CASES: &[Case] = &[
    mlp("spiral-s3nn", "s3nn"),
    mlp("spiral-sigmoid", "sigmoid"),
    mlp("spiral-rect", "rect"),
    mlp("spiral-atan", "atan"),
    mlp("spiral-fastsigmoid", "fastsigmoid"),
    mlp("spiral-relu", "relu"),
    mlp("spiral-bnn", "bnn"),
    mlp("spiral-lif4", "lif"),
    Case { name: "spiral-s3nn-bn-theta-sgd", batch_norm: true, threshold: Some(0.25), optimizer: "sgd", lr: 0.05, ..mlp("", "s3nn") },
    Case { name: "mlp400-s3nn", arch: "196-400-400-10", data: sparse196, lr: 1e-3, steps: 12, batch: 100, ..mlp("", "s3nn") },
    Case { name: "mlp400-relu", arch: "196-400-400-10", neuron: "relu", data: sparse196, lr: 1e-3, steps: 12, batch: 100, ..mlp("", "") },
    Case { name: "mlp400-bnn-bn", arch: "196-400-400-10", neuron: "bnn", batch_norm: true, data: sparse196, lr: 1e-3, steps: 12, batch: 100, ..mlp("", "") },
    Case { name: "mlp400-lif4", arch: "196-400-400-10", neuron: "lif", data: sparse196, lr: 1e-3, steps: 6, batch: 100, ..mlp("", "") },
    Case { name: "cnn-s3nn-bn", arch: "1x12x12-c8-mp-c16k3s2p1-32-4", batch_norm: true, data: bars12, lr: 3e-3, steps: 12, batch: 50, ..mlp("", "s3nn") },
    Case { name: "cnn-relu-bn", arch: "1x12x12-c8-mp-c16k3s2p1-32-4", neuron: "relu", batch_norm: true, data: bars12, lr: 3e-3, steps: 12, batch: 50, ..mlp("", "") },
    Case { name: "cnn-lif4", arch: "1x12x12-c8-mp-c16k3s2p1-4", neuron: "lif", data: bars12, lr: 3e-3, steps: 6, batch: 50, ..mlp("", "") },
    Case { name: "cnn-rgb-s3nn-k5p0", arch: "3x8x8-c6k5s1p0-mp-3", data: rgb8, lr: 3e-3, steps: 12, batch: 50, ..mlp("", "s3nn") },
    // Sharded steps (issue 12): batch 100 is 2 shards, 200 is 4.
    Case { name: "mlp400-s3nn-sharded", arch: "196-400-400-10", data: sparse196, lr: 1e-3, steps: 12, batch: 100, max_shards: SHARDED, ..mlp("", "s3nn") },
    Case { name: "mlp400-relu-sharded", arch: "196-400-400-10", neuron: "relu", data: sparse196, lr: 1e-3, steps: 12, batch: 100, max_shards: SHARDED, ..mlp("", "") },
    Case { name: "mlp400-lif4-sharded", arch: "196-400-400-10", neuron: "lif", data: sparse196, lr: 1e-3, steps: 6, batch: 100, max_shards: SHARDED, ..mlp("", "") },
    Case { name: "mlp400-s3nn-penalty-4shards", arch: "196-400-400-10", data: sparse196, lr: 1e-3, steps: 8, batch: 200, max_shards: SHARDED, penalty: Some((0.5, Some(0.1))), ..mlp("", "s3nn") },
    Case { name: "cnn-s3nn-sharded", arch: "1x12x12-c8-mp-c16k3s2p1-32-4", data: bars12, lr: 3e-3, steps: 12, batch: 100, max_shards: SHARDED, ..mlp("", "s3nn") },
    Case { name: "cnn-rgb-s3nn-4shards", arch: "3x8x8-c6k5s1p0-mp-3", data: rgb8, lr: 3e-3, steps: 8, batch: 200, max_shards: SHARDED, penalty: Some((0.2, None)), ..mlp("", "s3nn") },
];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Trains one case; returns (model file hash, inference logits hash).
fn run(case: &Case) -> (String, String) {
    let data = (case.data)();
    let neuron = NeuronModel::from_name(case.neuron, None, None, case.threshold, None, None).unwrap();
    let mut spec = NetworkSpec::parse(case.arch, neuron).unwrap();
    spec.batch_norm = case.batch_norm;
    let net = Model::new(spec, 3).unwrap();
    let mut t = Trainer::new(net, OptimizerSpec::from_name(case.optimizer, case.lr).unwrap(), 3).unwrap();
    t.set_max_shards(case.max_shards);
    if let Some((lambda, target)) = case.penalty {
        t.set_rate_penalty(s3nn::RatePenalty::new(lambda, target).unwrap()).unwrap();
    }
    t.train_steps(&data, case.steps, case.batch).unwrap();
    let model = Sha256::digest(io::save(&t.net).unwrap());
    let n = data.len();
    let logits = t.net.forward(&data.values(), n, false).unwrap();
    let bits: Vec<u8> = logits.iter().flat_map(|v| v.to_le_bytes()).collect();
    (hex(&model), hex(&Sha256::digest(bits)))
}

fn expected() -> Vec<(&'static str, &'static str, &'static str)> {
    GOLDEN
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 3, "golden line '{l}' needs: name model-hash logits-hash");
            (f[0], f[1], f[2])
        })
        .collect()
}

fn check_all(label: &str) {
    let golden = expected();
    let write = option_env!("S3NN_GOLDEN_WRITE").is_some() || std::env::var_os("S3NN_GOLDEN_WRITE").is_some();
    let mut bad = Vec::new();
    for case in CASES {
        let (model, logits) = run(case);
        if write {
            println!("{} {model} {logits}", case.name);
            continue;
        }
        match golden.iter().find(|g| g.0 == case.name) {
            None => bad.push(format!("{}: not in tests/golden/hashes.txt", case.name)),
            Some(g) => {
                if g.1 != model {
                    bad.push(format!("{}: model file hash {model}, golden {}", case.name, g.1));
                }
                if g.2 != logits {
                    bad.push(format!("{}: logits hash {logits}, golden {}", case.name, g.2));
                }
            }
        }
    }
    assert!(write || golden.len() == CASES.len(), "tests/golden/hashes.txt has {} lines for {} cases", golden.len(), CASES.len());
    assert!(bad.is_empty(), "{label}: results changed:\n{}", bad.join("\n"));
}

#[cfg(all(not(target_arch = "wasm32"), feature = "parallel"))]
#[test]
fn golden_hashes_hold_natively_on_one_and_two_threads() {
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| check_all(&format!("native, {threads} thread(s)")));
    }
}

#[cfg(all(not(target_arch = "wasm32"), not(feature = "parallel")))]
#[test]
fn golden_hashes_hold_natively() {
    check_all("native");
}

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test]
fn golden_hashes_hold_in_wasm() {
    check_all("wasm");
}
