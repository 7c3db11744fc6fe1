//! `s3nn` — the command-line face: train, evaluate and count operations of single-step spiking
//! networks and their baselines.
//!
//! Human-readable output by default; `--json` prints exactly one JSON object per line (one per
//! epoch for `train`, then a summary). Errors never panic: they print `error: <message>` to stderr
//! and exit with status 2.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{json, Value};

use s3nn::data::{self, ToyKind};
use s3nn::ops::LayerOps;
use s3nn::rng::Rng;
use s3nn::{evaluate, Dataset, EnergyModel, Model, NetworkSpec, NeuronModel, OpReport, OptimizerSpec, S3nnError, Trainer};

type CliResult<T> = std::result::Result<T, CliError>;

/// Everything that ends the program with `error: ...` and status 2.
#[derive(Debug)]
struct CliError(String);

impl From<S3nnError> for CliError {
    fn from(e: S3nnError) -> Self {
        CliError(e.to_string())
    }
}
impl From<String> for CliError {
    fn from(s: String) -> Self {
        CliError(s)
    }
}
impl From<&str> for CliError {
    fn from(s: &str) -> Self {
        CliError(s.to_string())
    }
}

/// The standard MLP and the small CNN, so scripts can say `--arch mlp` / `--arch cnn` for 28×28 data.
const MLP_28: &str = "784-400-400-10";
const CNN_28: &str = "1x28x28-c16-mp-c32-mp-10";

#[derive(Parser, Debug)]
#[command(name = "s3nn", version, about = "Single-step spiking neural networks (S³NN): train, evaluate, count operations")]
struct Cli {
    #[command(subcommand)]
    cmd: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Train a network and report accuracy, firing rates, throughput and energy per epoch.
    Train(TrainArgs),
    /// Evaluate a saved model: accuracy, loss and operation counts.
    Eval(EvalArgs),
    /// Per-layer MACs, ACs, firing rates and energy of a saved model or an untrained network.
    Ops(OpsArgs),
}

#[derive(Args, Debug, Clone)]
struct DataArgs {
    /// Data set: mnist, fashion, spiral, moons, circles, xor, blobs (train: default mnist; eval/ops: inferred from the model input, 784 = mnist, 2 = spiral).
    #[arg(long)]
    data: Option<String>,
    /// Number of points of a toy data set (80 % train, 20 % test).
    #[arg(long, default_value_t = 2000)]
    samples: usize,
    /// Noise of a toy data set.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    noise: f32,
}

#[derive(Args, Debug, Clone)]
struct NeuronArgs {
    /// Neuron model: s3nn, sigmoid, rect, atan, fastsigmoid, bnn, relu, lif (or if).
    #[arg(long, default_value = "s3nn")]
    neuron: String,
    /// Time steps of the multi-step (lif/if) neuron.
    #[arg(long)]
    steps: Option<usize>,
    /// Surrogate's first parameter: α (s3nn, sigmoid, atan), width (rect) or slope (fastsigmoid).
    #[arg(long, allow_negative_numbers = true)]
    alpha: Option<f32>,
    /// Surrogate's second parameter: β (s3nn).
    #[arg(long, allow_negative_numbers = true)]
    beta: Option<f32>,
    /// Firing threshold θ (default 0 for single-step neurons, 1 for lif).
    #[arg(long, allow_negative_numbers = true)]
    threshold: Option<f32>,
    /// Membrane leak of the lif neuron (1 = IF).
    #[arg(long, allow_negative_numbers = true)]
    leak: Option<f32>,
    /// Batch normalization between each hidden layer's product and its neuron.
    #[arg(long)]
    batch_norm: bool,
}

#[derive(Args, Debug, Clone)]
struct EnergyArgs {
    /// Energy of one multiply-accumulate in pJ (45 nm, 32-bit float: 4.6).
    #[arg(long, default_value_t = 4.6, allow_negative_numbers = true)]
    e_mac: f64,
    /// Energy of one accumulate in pJ (45 nm, 32-bit float: 0.9).
    #[arg(long, default_value_t = 0.9, allow_negative_numbers = true)]
    e_ac: f64,
    /// T of the "same network as a T-step SNN" energy estimate.
    #[arg(long, default_value_t = 4)]
    snn_steps: usize,
}

#[derive(Args, Debug, Clone)]
struct CommonArgs {
    /// One JSON object per line instead of human-readable text (no progress bar).
    #[arg(long)]
    json: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Args, Debug)]
struct TrainArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Architecture, e.g. 784-400-400-10 or 1x28x28-c16-mp-c32-mp-10 ("mlp"/"cnn" for 28×28 data).
    /// Default: 784-400-400-10 for mnist/fashion, 2-32-32-<classes> for toy sets.
    #[arg(long)]
    arch: Option<String>,
    #[command(flatten)]
    neuron: NeuronArgs,
    /// Epochs (default 10 for mnist/fashion, 30 for toy sets).
    #[arg(long)]
    epochs: Option<usize>,
    /// Mini-batch size (default 100 for mnist/fashion, 32 for toy sets).
    #[arg(long)]
    batch: Option<usize>,
    /// Learning rate (default 1e-3 for mnist/fashion, 1e-2 for toy sets).
    #[arg(long, allow_negative_numbers = true)]
    lr: Option<f32>,
    /// Optimizer: adam or sgd (momentum 0.9).
    #[arg(long, default_value = "adam")]
    optimizer: String,
    /// Seed for weights, data order and toy data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Save the trained model here (safetensors).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Train on a seeded random subset of this many training samples.
    #[arg(long)]
    limit_train: Option<usize>,
    /// Evaluate on a seeded random subset of this many test samples.
    #[arg(long)]
    limit_test: Option<usize>,
    #[command(flatten)]
    energy: EnergyArgs,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
struct EvalArgs {
    /// Model file written by `s3nn train --out`.
    #[arg(long)]
    model: PathBuf,
    #[command(flatten)]
    data: DataArgs,
    /// Seed of the toy data set (must match training to get the same test split).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Evaluate on a seeded random subset of this many test samples.
    #[arg(long)]
    limit: Option<usize>,
    /// Evaluation batch size.
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// Also print the confusion matrix.
    #[arg(long)]
    confusion: bool,
    #[command(flatten)]
    energy: EnergyArgs,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Debug)]
struct OpsArgs {
    /// Model file written by `s3nn train --out` (or give --arch for an untrained network).
    #[arg(long, conflicts_with = "arch")]
    model: Option<PathBuf>,
    /// Architecture of an untrained, seeded network ("mlp"/"cnn" for 28×28 data).
    #[arg(long)]
    arch: Option<String>,
    #[command(flatten)]
    neuron: NeuronArgs,
    #[command(flatten)]
    data: DataArgs,
    /// Seed of the untrained network and of a toy data set.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Count over a seeded random subset of this many test samples.
    #[arg(long)]
    limit: Option<usize>,
    #[command(flatten)]
    energy: EnergyArgs,
    #[command(flatten)]
    common: CommonArgs,
}

fn main() -> ExitCode {
    // Safety net: a panic anywhere still ends as `error: ...` with status 2.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let loc = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("error: internal error: {msg}{loc}");
    }));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help / --version go to stdout with status 0; usage errors exit 2.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli)));
    match result {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(CliError(msg))) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}

fn run(cli: Cli) -> CliResult<()> {
    match cli.cmd {
        Command::Train(a) => {
            setup_threads(&a.common)?;
            train(a)
        }
        Command::Eval(a) => {
            setup_threads(&a.common)?;
            eval(a)
        }
        Command::Ops(a) => {
            setup_threads(&a.common)?;
            ops(a)
        }
    }
}

fn setup_threads(c: &CommonArgs) -> CliResult<()> {
    if let Some(n) = c.threads {
        if n == 0 || n > 1024 {
            return Err(format!("--threads must be in 1..=1024, got {n}").into());
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| format!("cannot set up {n} threads: {e}"))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Output helpers

/// Writes one line to stdout; a closed pipe (e.g. `| head`) ends the program quietly.
fn out(line: impl AsRef<str>) {
    let mut so = std::io::stdout().lock();
    if writeln!(so, "{}", line.as_ref()).and_then(|_| so.flush()).is_err() {
        std::process::exit(0);
    }
}

fn out_json(v: &Value) {
    out(v.to_string());
}

fn to_value<T: serde::Serialize>(v: &T) -> CliResult<Value> {
    serde_json::to_value(v).map_err(|e| CliError(format!("cannot encode JSON: {e}")))
}

/// Energy in the largest unit that keeps the number ≥ 1.
fn fmt_energy(pj: f64) -> String {
    let a = pj.abs();
    if a >= 1e6 {
        format!("{:.3} µJ", pj / 1e6)
    } else if a >= 1e3 {
        format!("{:.3} nJ", pj / 1e3)
    } else {
        format!("{pj:.1} pJ")
    }
}

/// Operation counts with thousands separators (per sample, so fractions are rounded).
fn fmt_count(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let r = v.round() as u64;
    let s = r.to_string();
    let mut outs = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            outs.push(',');
        }
        outs.push(ch);
    }
    outs
}

fn pct(v: f64) -> String {
    format!("{:.2}%", v * 100.0)
}

fn hidden_layers(ops: &OpReport) -> impl Iterator<Item = &LayerOps> {
    ops.layers.iter().filter(|l| l.name != "readout")
}

/// Test-set firing rates of the hidden layers (0 for neurons that do not spike).
fn firing_rates(ops: &OpReport) -> Vec<f64> {
    hidden_layers(ops).map(|l| l.firing_rate).collect()
}

/// Firing rates for display: "-" for neurons that do not spike (ReLU, BNN).
fn fmt_rates_for(n: &NeuronModel, r: &[f64]) -> String {
    if n.signal() != s3nn::neuron::Signal::Spike {
        return "-".into();
    }
    fmt_rates(r)
}

fn fmt_rates(r: &[f64]) -> String {
    if r.is_empty() {
        return "-".into();
    }
    r.iter().map(|v| format!("{:.1}%", v * 100.0)).collect::<Vec<_>>().join("/")
}

fn progress_bar(len: u64, json: bool, label: String) -> ProgressBar {
    let hidden = json || !std::io::stderr().is_terminal();
    let pb = if hidden { ProgressBar::hidden() } else { ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr()) };
    pb.set_length(len);
    if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg} eta {eta}") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_prefix(label);
    pb
}

// ---------------------------------------------------------------------------------------------
// Data, networks, energy

fn is_image(name: &str) -> bool {
    matches!(name, "mnist" | "fashion" | "fashion-mnist")
}

/// (train, test) for a data set name; toy sets are generated and split 80/20 with `seed`.
fn load_data(d: &DataArgs, name: &str, seed: u64) -> CliResult<(Dataset, Dataset)> {
    match name.to_ascii_lowercase().as_str() {
        "mnist" => Ok(data::load_mnist()?),
        "fashion" | "fashion-mnist" => Ok(data::load_fashion()?),
        other => {
            let kind: ToyKind = other.parse().map_err(|_| {
                CliError(format!("unknown data set '{name}' (expected mnist, fashion, spiral, moons, circles, xor or blobs)"))
            })?;
            let all = data::toy(kind, d.samples, d.noise, seed)?;
            Ok(all.split(0.8, seed)?)
        }
    }
}

/// A seeded random subset of `n` samples (class-sorted sets like Fashion-MNIST stay balanced).
fn random_subset(d: &Dataset, n: usize, seed: u64, what: &str) -> CliResult<Dataset> {
    if n == 0 {
        return Err(format!("{what} must be at least 1").into());
    }
    if n >= d.len() {
        return Ok(d.clone());
    }
    let mut idx: Vec<usize> = (0..d.len()).collect();
    Rng::new(seed ^ 0x005A_B5E7).shuffle(&mut idx);
    idx.truncate(n);
    idx.sort_unstable();
    Ok(d.subset(&idx)?)
}

fn expand_arch(arch: &str) -> &str {
    match arch.trim().to_ascii_lowercase().as_str() {
        "mlp" => MLP_28,
        "cnn" => CNN_28,
        _ => arch,
    }
}

fn neuron_from(a: &NeuronArgs) -> CliResult<NeuronModel> {
    // Surrogate parameters are scales: a zero, negative or non-finite one silently stops learning.
    for (flag, v) in [("--alpha", a.alpha), ("--beta", a.beta)] {
        if let Some(v) = v {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("{flag} must be a finite number > 0, got {v}").into());
            }
        }
    }
    Ok(NeuronModel::from_name(&a.neuron, a.alpha, a.beta, a.threshold, a.steps, a.leak)?)
}

fn build_spec(arch: &str, n: &NeuronArgs) -> CliResult<NetworkSpec> {
    let mut spec = NetworkSpec::parse(expand_arch(arch), neuron_from(n)?)?;
    spec.batch_norm = n.batch_norm;
    Ok(spec)
}

fn energy_from(e: &EnergyArgs) -> CliResult<EnergyModel> {
    let m = EnergyModel { e_mac_pj: e.e_mac, e_ac_pj: e.e_ac, snn_steps: e.snn_steps };
    m.validate()?;
    Ok(m)
}

fn check_fit(net: &Model, d: &Dataset) -> CliResult<()> {
    if d.features() != net.features() {
        return Err(format!(
            "data '{}' has {} features per sample ({}x{}x{}), the network '{}' expects {}",
            d.name,
            d.features(),
            d.shape[0],
            d.shape[1],
            d.shape[2],
            net.spec.arch_string(),
            net.features()
        )
        .into());
    }
    if d.classes > net.classes() {
        return Err(format!("data '{}' has {} classes, the network outputs only {}", d.name, d.classes, net.classes()).into());
    }
    Ok(())
}

fn read_model(path: &Path) -> CliResult<Model> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read model {}: {e}", path.display()))?;
    Ok(s3nn::io::load(&bytes).map_err(|e| format!("{}: {e}", path.display()))?)
}

/// Data set for a loaded network when --data is not given: 28×28 inputs mean MNIST, 2 mean spiral.
fn default_data_for(net: &Model) -> CliResult<String> {
    match net.features() {
        784 => Ok("mnist".into()),
        2 => Ok("spiral".into()),
        f => Err(format!("no default data set for a network with {f} inputs; pass --data").into()),
    }
}

// ---------------------------------------------------------------------------------------------
// train

fn train(a: TrainArgs) -> CliResult<()> {
    let json = a.common.json;
    let data_name = a.data.data.clone().unwrap_or_else(|| "mnist".into()).to_ascii_lowercase();
    let image = is_image(&data_name);
    let energy = energy_from(&a.energy)?;
    let epochs = a.epochs.unwrap_or(if image { 10 } else { 30 });
    if epochs == 0 {
        return Err("--epochs must be at least 1".into());
    }
    let batch = a.batch.unwrap_or(if image { 100 } else { 32 });
    if batch == 0 || batch > s3nn::train::MAX_BATCH {
        return Err(format!("--batch must be in 1..={}, got {batch}", s3nn::train::MAX_BATCH).into());
    }
    let lr = a.lr.unwrap_or(if image { 1e-3 } else { 1e-2 });
    let opt = OptimizerSpec::from_name(&a.optimizer, lr)?;
    // Validate the neuron (and an explicit architecture) before spending time on data.
    let neuron = neuron_from(&a.neuron)?;
    if let Some(arch) = &a.arch {
        build_spec(arch, &a.neuron)?;
    }
    if let Some(p) = &a.out {
        if p.as_os_str().is_empty() {
            return Err("--out needs a file name".into());
        }
    }

    let t_load = Instant::now();
    let (mut train_set, mut test_set) = load_data(&a.data, &data_name, a.seed)?;
    if let Some(n) = a.limit_train {
        train_set = random_subset(&train_set, n, a.seed, "--limit-train")?;
    }
    if let Some(n) = a.limit_test {
        test_set = random_subset(&test_set, n, a.seed.wrapping_add(1), "--limit-test")?;
    }
    let load_s = t_load.elapsed().as_secs_f64();

    let arch = match &a.arch {
        Some(s) => expand_arch(s).to_string(),
        None if image => MLP_28.to_string(),
        None if train_set.features() == 2 => format!("2-32-32-{}", train_set.classes),
        None => format!("{}-400-400-{}", train_set.features(), train_set.classes),
    };
    let spec = build_spec(&arch, &a.neuron)?;
    let net = Model::new(spec, a.seed)?;
    check_fit(&net, &train_set)?;
    let params = net.parameter_count();
    let mut trainer = Trainer::new(net, opt, a.seed)?;

    if !json {
        out(format!(
            "data {data_name}: {} train / {} test samples, {} classes, loaded in {load_s:.2} s",
            train_set.len(),
            test_set.len(),
            train_set.classes
        ));
        out(format!(
            "net {} ({params} parameters), neuron {}{}, {} lr {lr}, batch {batch}, {epochs} epochs, seed {}",
            trainer.net.spec.arch_string(),
            neuron_label(&neuron),
            if a.neuron.batch_norm { " + batch norm" } else { "" },
            a.optimizer.to_ascii_lowercase(),
            a.seed
        ));
    }

    let mut total_train_s = 0.0f64;
    let mut total_samples = 0usize;
    let mut last_eval = None;
    for epoch in 1..=epochs {
        let pb = progress_bar(train_set.len() as u64, json, format!("epoch {epoch}/{epochs}"));
        let t0 = Instant::now();
        let mut last_draw = Instant::now();
        let stats = trainer.train_epoch(&train_set, batch, |seen, loss| {
            // Cheap: indicatif rate-limits drawing; the message is only rebuilt every 100 ms.
            pb.set_position(seen as u64);
            if last_draw.elapsed().as_millis() >= 100 {
                let rate = seen as f64 / t0.elapsed().as_secs_f64().max(1e-9);
                pb.set_message(format!("{rate:.0} samples/s, loss {loss:.4}"));
                last_draw = Instant::now();
            }
        })?;
        let train_s = t0.elapsed().as_secs_f64();
        pb.finish_and_clear();
        total_train_s += train_s;
        total_samples += stats.samples;
        let sps = stats.samples as f64 / train_s.max(1e-9);

        let t1 = Instant::now();
        let ev = evaluate(&mut trainer.net, &test_set, 1000, None, &energy)?;
        let eval_s = t1.elapsed().as_secs_f64();
        let rates = firing_rates(&ev.ops);
        if json {
            out_json(&json!({
                "type": "epoch",
                "epoch": epoch,
                "trainLoss": stats.loss,
                "trainAccuracy": stats.accuracy,
                "testLoss": ev.loss,
                "testAccuracy": ev.accuracy,
                "firingRates": rates,
                "trainFiringRates": stats.firing_rates,
                "gradNorms": stats.grad_norms,
                "trainSeconds": train_s,
                "samplesPerSec": sps,
                "evalSeconds": eval_s,
                "evalSamplesPerSec": ev.samples as f64 / eval_s.max(1e-9),
                "macs": ev.ops.macs,
                "acs": ev.ops.acs,
                "energyPj": ev.ops.energy_pj,
                "annEnergyPj": ev.ops.ann_energy_pj,
                "snnEnergyPj": ev.ops.snn_energy_pj,
                "ratioToAnn": ev.ops.ratio_to_ann,
            }));
        } else {
            out(format!(
                "epoch {epoch:>3}: train loss {:.4} acc {} | test loss {:.4} acc {} | firing {} | {sps:.0} samples/s ({train_s:.1} s) | energy {} / inference, {:.3}× ANN",
                stats.loss,
                pct(f64::from(stats.accuracy)),
                ev.loss,
                pct(f64::from(ev.accuracy)),
                fmt_rates_for(&neuron, &rates),
                fmt_energy(ev.ops.energy_pj),
                ev.ops.ratio_to_ann
            ));
        }
        last_eval = Some(ev);
    }
    let ev = last_eval.ok_or("no epoch ran")?;

    let saved = if let Some(p) = &a.out {
        let bytes = s3nn::io::save(&trainer.net)?;
        std::fs::write(p, bytes).map_err(|e| format!("cannot write model {}: {e}", p.display()))?;
        Some(p.display().to_string())
    } else {
        None
    };

    let sps = total_samples as f64 / total_train_s.max(1e-9);
    if json {
        out_json(&json!({
            "type": "summary",
            "data": data_name,
            "arch": trainer.net.spec.arch_string(),
            "neuron": neuron_label(&neuron),
            "neuronModel": to_value(&neuron)?,
            "batchNorm": a.neuron.batch_norm,
            "parameters": params,
            "optimizer": to_value(&opt)?,
            "batch": batch,
            "epochs": epochs,
            "seed": a.seed,
            "trainSamples": train_set.len(),
            "testSamples": test_set.len(),
            "dataLoadSeconds": load_s,
            "trainSeconds": total_train_s,
            "samplesPerSec": sps,
            "testAccuracy": ev.accuracy,
            "testLoss": ev.loss,
            "firingRates": firing_rates(&ev.ops),
            "ops": to_value(&ev.ops)?,
            "model": saved,
        }));
    } else {
        out(format!(
            "done: test accuracy {} (loss {:.4}) after {epochs} epochs; training {sps:.0} samples/s over {total_train_s:.1} s; data load {load_s:.2} s",
            pct(f64::from(ev.accuracy)),
            ev.loss
        ));
        print_ops_table(&ev.ops);
        if let Some(p) = saved {
            out(format!("model saved to {p}"));
        }
    }
    Ok(())
}

fn neuron_label(n: &NeuronModel) -> String {
    match n {
        NeuronModel::Spike { surrogate, threshold } => {
            let s = serde_json::to_value(surrogate).ok();
            let params = s
                .as_ref()
                .and_then(Value::as_object)
                .map(|o| o.iter().filter(|(k, _)| *k != "kind").map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","))
                .unwrap_or_default();
            format!("{}({params}{}θ={threshold})", surrogate.name(), if params.is_empty() { "" } else { "," })
        }
        NeuronModel::MultiStep { steps, leak, threshold, .. } => {
            format!("{}(T={steps},leak={leak},θ={threshold})", if *leak == 1.0 { "if" } else { "lif" })
        }
        other => other.name().to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// eval / ops

fn print_ops_table(ops: &OpReport) {
    // Only spike outputs have a firing rate; ReLU/BNN layers report 0, shown as "-".
    let spiking = hidden_layers(ops).any(|l| l.spikes > 0.0) || ops.layers.iter().any(|l| l.input == "spike");
    let header = ["layer", "kind", "input", "fan-in", "fan-out", "neurons", "MACs", "ACs", "firing", "energy"];
    let mut rows: Vec<[String; 10]> = ops
        .layers
        .iter()
        .map(|l| {
            [
                l.name.clone(),
                l.kind.clone(),
                l.input.clone(),
                l.fan_in.to_string(),
                l.fan_out.to_string(),
                l.neurons.to_string(),
                fmt_count(l.macs),
                fmt_count(l.acs),
                if l.name == "readout" || !spiking { "-".into() } else { format!("{:.2}%", l.firing_rate * 100.0) },
                fmt_energy(l.energy_pj),
            ]
        })
        .collect();
    rows.push([
        "total".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        fmt_count(ops.macs),
        fmt_count(ops.acs),
        String::new(),
        fmt_energy(ops.energy_pj),
    ]);
    let mut w = header.map(|h| h.chars().count());
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = w[i].saturating_sub(c.chars().count());
                // Text columns left-aligned, numbers right-aligned.
                if i < 3 {
                    format!("{c}{}", " ".repeat(pad))
                } else {
                    format!("{}{c}", " ".repeat(pad))
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let header_cells: Vec<String> = header.iter().map(|s| s.to_string()).collect();
    out(line(&header_cells));
    out(w.iter().map(|&n| "-".repeat(n)).collect::<Vec<_>>().join("  "));
    let n = rows.len();
    for (i, r) in rows.iter().enumerate() {
        if i + 1 == n {
            out(w.iter().map(|&n| "-".repeat(n)).collect::<Vec<_>>().join("  "));
        }
        out(line(r));
    }
    let em = &ops.energy_model;
    out(format!(
        "per inference ({} samples, {} step{}): {} (E_MAC {} pJ, E_AC {} pJ)",
        ops.samples,
        ops.steps,
        if ops.steps == 1 { "" } else { "s" },
        fmt_energy(ops.energy_pj),
        em.e_mac_pj,
        em.e_ac_pj
    ));
    out(format!("ANN equivalent (all MACs):        {}", fmt_energy(ops.ann_energy_pj)));
    out(format!(
        "{}-step SNN equivalent:            {} ({} MACs, {} ACs)",
        ops.snn_steps,
        fmt_energy(ops.snn_energy_pj),
        fmt_count(ops.snn_macs),
        fmt_count(ops.snn_acs)
    ));
    out(format!("ratio to ANN:                     {:.4}", ops.ratio_to_ann));
}

fn test_data_for(net: &Model, d: &DataArgs, seed: u64, limit: Option<usize>) -> CliResult<(String, Dataset)> {
    let name = match &d.data {
        Some(n) => n.to_ascii_lowercase(),
        None => default_data_for(net)?,
    };
    let (_, mut test) = load_data(d, &name, seed)?;
    if let Some(n) = limit {
        test = random_subset(&test, n, seed.wrapping_add(1), "--limit")?;
    }
    check_fit(net, &test)?;
    Ok((name, test))
}

fn eval(a: EvalArgs) -> CliResult<()> {
    let energy = energy_from(&a.energy)?;
    if a.batch == 0 || a.batch > s3nn::train::MAX_BATCH {
        return Err(format!("--batch must be in 1..={}, got {}", s3nn::train::MAX_BATCH, a.batch).into());
    }
    let mut net = read_model(&a.model)?;
    let t_load = Instant::now();
    let (name, test) = test_data_for(&net, &a.data, a.seed, a.limit)?;
    let load_s = t_load.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let ev = evaluate(&mut net, &test, a.batch, None, &energy)?;
    let eval_s = t0.elapsed().as_secs_f64();
    let sps = ev.samples as f64 / eval_s.max(1e-9);
    if a.common.json {
        out_json(&json!({
            "type": "eval",
            "model": a.model.display().to_string(),
            "arch": net.spec.arch_string(),
            "neuron": neuron_label(&net.neuron()),
            "data": name,
            "samples": ev.samples,
            "loss": ev.loss,
            "accuracy": ev.accuracy,
            "firingRates": firing_rates(&ev.ops),
            "dataLoadSeconds": load_s,
            "evalSeconds": eval_s,
            "samplesPerSec": sps,
            "confusion": ev.confusion,
            "ops": to_value(&ev.ops)?,
        }));
    } else {
        out(format!("model {} : {} ({} parameters), neuron {}", a.model.display(), net.spec.arch_string(), net.parameter_count(), neuron_label(&net.neuron())));
        out(format!("data {name}: {} test samples, loaded in {load_s:.2} s", ev.samples));
        out(format!(
            "accuracy {} loss {:.4} | firing {} | {sps:.0} samples/s (batch {})",
            pct(f64::from(ev.accuracy)),
            ev.loss,
            fmt_rates_for(&net.neuron(), &firing_rates(&ev.ops)),
            a.batch
        ));
        if a.confusion {
            print_confusion(&ev.confusion, net.classes());
        }
        print_ops_table(&ev.ops);
    }
    Ok(())
}

fn print_confusion(c: &[u32], k: usize) {
    let w = c.iter().map(|v| v.to_string().len()).max().unwrap_or(1).max(3);
    out("confusion (rows: true, columns: predicted)");
    out(format!("{:>4} {}", "", (0..k).map(|j| format!("{j:>w$}")).collect::<Vec<_>>().join(" ")));
    for (i, row) in c.chunks(k.max(1)).enumerate() {
        out(format!("{i:>4} {}", row.iter().map(|v| format!("{v:>w$}")).collect::<Vec<_>>().join(" ")));
    }
}

fn ops(a: OpsArgs) -> CliResult<()> {
    let energy = energy_from(&a.energy)?;
    let (mut net, source) = match (&a.model, &a.arch) {
        (Some(p), _) => (read_model(p)?, p.display().to_string()),
        (None, Some(arch)) => {
            let spec = build_spec(arch, &a.neuron)?;
            (Model::new(spec, a.seed)?, format!("untrained, seed {}", a.seed))
        }
        (None, None) => return Err("give --model FILE or --arch ARCH (with --neuron) for an untrained network".into()),
    };
    let (name, test) = test_data_for(&net, &a.data, a.seed, a.limit)?;
    let ev = evaluate(&mut net, &test, 1000, None, &energy)?;
    if a.common.json {
        out_json(&json!({
            "type": "ops",
            "source": source,
            "arch": net.spec.arch_string(),
            "neuron": neuron_label(&net.neuron()),
            "data": name,
            "samples": ev.samples,
            "accuracy": ev.accuracy,
            "firingRates": firing_rates(&ev.ops),
            "ops": to_value(&ev.ops)?,
        }));
    } else {
        out(format!("{} ({source}), neuron {}, over {} {name} test samples", net.spec.arch_string(), neuron_label(&net.neuron()), ev.samples));
        print_ops_table(&ev.ops);
    }
    Ok(())
}
