//! The command line: subcommands and flags (clap). Names, defaults and help of the neuron, its
//! surrogate parameters, the data sets, the optimizers and the energy constants come from the
//! core's catalog, so a surrogate added to `src/surrogate.rs` is a `--neuron` value here with no
//! edit. Defaults that only the terminal has (toy set size and noise, the default training data,
//! the evaluation batch) are written here once.

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand};

use s3nn::catalog::{self, DataKind};
use s3nn::surrogate::Surrogate;
use s3nn::EnergyModel;

/// The data set `train` uses when `--data` is not given.
pub const DEFAULT_TRAIN_DATA: &str = "mnist";
/// Batch size of the evaluations `train` runs after each epoch and of `ops` (and `eval`'s default).
/// Larger than the core's `train::EVAL_BATCH` (chosen to keep wasm memory small): natively memory
/// is not the limit. The loss is summed per batch, so this is part of what a run reports.
pub const CLI_EVAL_BATCH: usize = 1000;
/// The small CNN for 28×28 data (`--arch cnn`); `--arch mlp` is the MNIST preset's MLP.
pub const CNN_28: &str = "1x28x28-c16-mp-c32-mp-10";

#[derive(Parser, Debug)]
#[command(name = "s3nn", version, about = "Single-step spiking neural networks (S³NN): train, evaluate, count operations")]
pub struct Cli {
    #[command(subcommand)]
    pub cmd: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train a network and report accuracy, firing rates, throughput and energy per epoch.
    Train(TrainArgs),
    /// Evaluate a saved model: accuracy, loss and operation counts.
    Eval(EvalArgs),
    /// Per-layer MACs, ACs, firing rates and energy of a saved model or an untrained network.
    Ops(OpsArgs),
    /// Write a saved model as a NIR graph (HDF5) for snnTorch, Norse, Lava, SpiNNaker2, ….
    Export(ExportArgs),
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Model file written by `s3nn train --out` (or a NIR graph).
    #[arg(long)]
    pub model: PathBuf,
    /// Where to write the NIR graph (checked before anything is read; see --force).
    #[arg(long)]
    pub nir: PathBuf,
    /// Replace an existing --nir file.
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug, Clone)]
pub struct DataArgs {
    #[arg(long, value_parser = CatalogName::data_sets(), help = data_help())]
    pub data: Option<String>,
    /// Your own 2-D points instead of --data: a text file of x,y,label lines, split 80/20 with the
    /// seed (the page's CSV upload, with its defaults).
    #[arg(long, conflicts_with = "data")]
    pub csv: Option<PathBuf>,
    /// Number of points of a toy data set (80 % train, 20 % test).
    #[arg(long, default_value_t = 2000)]
    pub samples: usize,
    /// Noise of a toy data set.
    #[arg(long, default_value_t = 0.1, allow_negative_numbers = true)]
    pub noise: f32,
}

#[derive(Args, Debug, Clone)]
pub struct NeuronArgs {
    #[arg(long, default_value = catalog::DEFAULT_NEURON, value_parser = CatalogName::neurons(), help = neuron_help())]
    pub neuron: String,
    #[arg(long, help = neuron_param_help("steps", "Time steps of the multi-step neuron"))]
    pub steps: Option<usize>,
    #[arg(long, allow_negative_numbers = true, help = surrogate_param_help(0))]
    pub alpha: Option<f32>,
    #[arg(long, allow_negative_numbers = true, help = surrogate_param_help(1))]
    pub beta: Option<f32>,
    #[arg(long, allow_negative_numbers = true, help = neuron_param_help("threshold", "Firing threshold θ"))]
    pub threshold: Option<f32>,
    #[arg(long, allow_negative_numbers = true, help = neuron_param_help("leak", "Membrane leak of the multi-step neuron, 1 = IF"))]
    pub leak: Option<f32>,
    /// Batch normalization between each hidden layer's product and its neuron.
    #[arg(long)]
    pub batch_norm: bool,
}

/// The learning-rate schedule and the firing-rate penalty of a training run.
#[derive(Args, Debug, Clone)]
pub struct ObjectiveArgs {
    #[arg(long, default_value = catalog::table().schedules[0].name, value_parser = CatalogName::schedules(), help = schedule_help())]
    pub lr_schedule: String,
    #[arg(long, allow_negative_numbers = true, help = schedule_param_help("cosine", "etaMin"))]
    pub eta_min: Option<f32>,
    #[arg(long, help = schedule_param_help("step", "stepSize"))]
    pub step_size: Option<usize>,
    #[arg(long, allow_negative_numbers = true, help = schedule_param_help("step", "gamma"))]
    pub gamma: Option<f32>,
    #[arg(long, allow_negative_numbers = true, help = penalty_help("ratePenalty"))]
    pub rate_penalty: Option<f32>,
    #[arg(long, allow_negative_numbers = true, help = penalty_help("targetRate"))]
    pub target_rate: Option<f32>,
}

/// The test set `eval` and `ops` measure on: the data set, its seed, a seeded subset.
#[derive(Args, Debug, Clone)]
pub struct TestSetArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Seed of the toy data set (must match training to get the same test split).
    #[arg(long, default_value_t = catalog::DEFAULT_SEED)]
    pub seed: u64,
    /// Evaluate on a seeded random subset of this many test samples.
    #[arg(long)]
    pub limit: Option<usize>,
}

#[derive(Args, Debug, Clone)]
pub struct EnergyArgs {
    #[arg(long, default_value_t = EnergyModel::default().e_mac_pj, allow_negative_numbers = true, help = energy_help("Energy of one multiply-accumulate in pJ"))]
    pub e_mac: f64,
    #[arg(long, default_value_t = EnergyModel::default().e_ac_pj, allow_negative_numbers = true, help = energy_help("Energy of one accumulate in pJ"))]
    pub e_ac: f64,
    #[arg(long, default_value_t = EnergyModel::default().e_mem_pj, allow_negative_numbers = true, help = mem_help())]
    pub e_mem: f64,
    /// T of the "same network as a T-step SNN" energy estimate.
    #[arg(long, default_value_t = EnergyModel::default().snn_steps)]
    pub snn_steps: usize,
}

#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// One JSON object per line instead of human-readable text (no progress bar).
    #[arg(long)]
    pub json: bool,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(Args, Debug)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[arg(long, help = arch_help())]
    pub arch: Option<String>,
    /// Continue from this model file (written by --out, or a NIR graph): its architecture, neuron
    /// and weights; the optimizer, learning rate, schedule and penalty start afresh from the flags.
    #[arg(long)]
    pub init: Option<PathBuf>,
    #[command(flatten)]
    pub neuron: NeuronArgs,
    #[arg(long, help = preset_help("Epochs", |d| d.epochs.to_string()))]
    pub epochs: Option<usize>,
    #[arg(long, help = preset_help("Mini-batch size", |d| d.batch.to_string()))]
    pub batch: Option<usize>,
    #[arg(long, allow_negative_numbers = true, help = preset_help("Learning rate", |d| d.lr.to_string()))]
    pub lr: Option<f32>,
    #[arg(long, default_value = catalog::default_optimizer().name, value_parser = CatalogName::optimizers(), help = "Optimizer (SGD with momentum 0.9)")]
    pub optimizer: String,
    #[command(flatten)]
    pub objective: ObjectiveArgs,
    /// Seed for weights, data order and toy data.
    #[arg(long, default_value_t = catalog::DEFAULT_SEED)]
    pub seed: u64,
    /// Save the trained model here (safetensors). Checked before training; an existing file is
    /// an error unless --force is given.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace an existing --out file (only once the new model is completely written).
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Train on a seeded random subset of this many training samples.
    #[arg(long)]
    pub limit_train: Option<usize>,
    /// Evaluate on a seeded random subset of this many test samples.
    #[arg(long)]
    pub limit_test: Option<usize>,
    #[command(flatten)]
    pub energy: EnergyArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Model file written by `s3nn train --out`, or a NIR graph (HDF5).
    #[arg(long)]
    pub model: PathBuf,
    #[command(flatten)]
    pub test: TestSetArgs,
    /// Evaluation batch size.
    #[arg(long, default_value_t = CLI_EVAL_BATCH)]
    pub batch: usize,
    /// Also print the confusion matrix.
    #[arg(long)]
    pub confusion: bool,
    #[command(flatten)]
    pub energy: EnergyArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// `ops` takes `eval`'s test-set flags; its seed also seeds an untrained network.
#[derive(Args, Debug)]
#[command(
    mut_arg("seed", |a| a.help("Seed of the untrained network and of a toy data set")),
    mut_arg("limit", |a| a.help("Count over a seeded random subset of this many test samples"))
)]
pub struct OpsArgs {
    /// Model file written by `s3nn train --out` (or give --arch for an untrained network).
    #[arg(long, conflicts_with = "arch")]
    pub model: Option<PathBuf>,
    /// Architecture of an untrained, seeded network ("mlp"/"cnn" for 28×28 data).
    #[arg(long)]
    pub arch: Option<String>,
    #[command(flatten)]
    pub neuron: NeuronArgs,
    #[command(flatten)]
    pub test: TestSetArgs,
    #[command(flatten)]
    pub energy: EnergyArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

// ---------------------------------------------------------------------------------------------
// Values checked against the catalog

/// A flag whose values are catalog names. Unlike clap's `PossibleValuesParser` it accepts what
/// the core accepts (aliases such as `if`, `fast_sigmoid`), and its error is the core's message.
#[derive(Clone)]
pub struct CatalogName {
    names: fn() -> Vec<&'static str>,
    check: fn(&str) -> s3nn::Result<()>,
}

impl CatalogName {
    fn neurons() -> Self {
        CatalogName { names: catalog::neuron_names, check: |s| catalog::neuron(s).map(|_| ()) }
    }
    fn optimizers() -> Self {
        CatalogName { names: || catalog::table().optimizers.iter().map(|o| o.name).collect(), check: |s| catalog::optimizer(s).map(|_| ()) }
    }
    fn schedules() -> Self {
        CatalogName { names: || catalog::table().schedules.iter().map(|s| s.name).collect(), check: |s| catalog::schedule(s).map(|_| ()) }
    }
    /// The data sets the terminal can load: every preset but the page's CSV upload.
    fn data_sets() -> Self {
        CatalogName {
            names: || cli_data_sets().map(|d| d.name).collect(),
            check: |s| {
                let known = || cli_data_sets().map(|d| d.name).collect::<Vec<_>>().join(", ");
                match catalog::dataset(s) {
                    Ok(d) if d.kind != DataKind::Csv => Ok(()),
                    Ok(_) => Err(s3nn::S3nnError::Config(format!("data set '{s}' is read from a file: give --csv FILE (--data takes {})", known()))),
                    Err(_) => Err(s3nn::S3nnError::Config(format!("unknown data set '{s}' (the CLI loads {})", known()))),
                }
            },
        }
    }
}

impl TypedValueParser for CatalogName {
    type Value = String;

    fn parse_ref(&self, cmd: &clap::Command, _arg: Option<&clap::Arg>, value: &OsStr) -> Result<String, clap::Error> {
        let s = value.to_str().ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8).with_cmd(cmd))?;
        (self.check)(s).map_err(|e| clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{e}\n")).with_cmd(cmd))?;
        Ok(s.to_string())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.names)().into_iter().map(PossibleValue::new)))
    }
}

pub fn cli_data_sets() -> impl Iterator<Item = &'static catalog::DatasetPreset> {
    catalog::table().datasets.iter().filter(|d| d.kind != DataKind::Csv)
}

// ---------------------------------------------------------------------------------------------
// Help texts built from the catalog

fn neuron_help() -> String {
    let t = catalog::table();
    let list = t.neurons.iter().map(|n| format!("{} = {}", n.name, n.label)).collect::<Vec<_>>().join("; ");
    format!("Neuron model: {list}")
}

fn data_help() -> String {
    let by_input = cli_data_sets()
        .filter_map(|d| d.shape.map(|s| (s.iter().product::<usize>(), d.name)))
        .fold(Vec::<(usize, &str)>::new(), |mut acc, (f, n)| {
            if !acc.iter().any(|(g, _)| *g == f) {
                acc.push((f, n));
            }
            acc
        })
        .iter()
        .map(|(f, n)| format!("{f} = {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("Data set (train: default {DEFAULT_TRAIN_DATA}; eval/ops: inferred from the model input, {by_input})")
}

/// `alpha` is a surrogate's first parameter, `beta` its second, whatever their names.
fn surrogate_param_help(slot: usize) -> String {
    let uses: Vec<String> = Surrogate::catalog()
        .iter()
        .filter_map(|s| s.params.get(slot).map(|p| format!("{} {} (default {})", s.name, p.name, p.default)))
        .collect();
    let which = if slot == 0 { "first" } else { "second" };
    format!("Surrogate's {which} parameter: {}", uses.join(", "))
}

fn neuron_param_help(name: &str, what: &str) -> String {
    let defaults: Vec<String> = catalog::table()
        .neuron_params
        .iter()
        .filter(|p| p.param.name == name)
        .map(|p| {
            let all_spikes = p.applies_to.len() > 1;
            let who = if all_spikes { "single-step neurons".to_string() } else { p.applies_to.join(", ") };
            format!("{} for {who}", p.param.default)
        })
        .collect();
    format!("{what} (default {})", defaults.join(", "))
}

fn schedule_help() -> String {
    let list: Vec<String> = catalog::table().schedules.iter().map(|s| format!("{} = {}", s.name, s.description)).collect();
    format!("Learning-rate schedule, stepped per epoch: {}", list.join("; "))
}

/// The flag of a catalog parameter named in the JS config's camelCase: `etaMin` → `eta-min`.
pub fn flag_of(name: &str) -> String {
    name.chars().flat_map(|c| if c.is_ascii_uppercase() { vec!['-', c.to_ascii_lowercase()] } else { vec![c] }).collect()
}

fn schedule_param_help(schedule: &str, param: &str) -> String {
    let s = catalog::schedule(schedule).expect("the catalog has this schedule");
    let p = s.params.iter().find(|p| p.name == param).expect("the catalog has this schedule parameter");
    format!("{} schedule: {} (default {})", s.name, p.meaning, p.default)
}

fn penalty_help(param: &str) -> String {
    let p = catalog::table().rate_penalty.iter().find(|p| p.name == param).expect("the catalog has this rate-penalty parameter");
    let default = p.default.map_or("none".to_string(), |d| d.to_string());
    format!("Firing-rate penalty {}: {} (default {default}; in [{}, {}])", p.symbol, p.meaning, p.min, p.max)
}

fn energy_help(what: &str) -> String {
    format!("{what} ({})", catalog::table().energy.source)
}

fn mem_help() -> String {
    let e = &catalog::table().energy;
    format!("Energy of one memory access in pJ; 0: not counted (try {}: {})", e.e_mem_suggested_pj, e.mem_source)
}

/// "<what> (default 10 for mnist, fashion; 30 for spiral, …)" from the data presets.
fn preset_help(what: &str, value: fn(&catalog::DatasetPreset) -> String) -> String {
    let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
    for d in cli_data_sets() {
        let v = value(d);
        match groups.iter_mut().find(|(g, _)| *g == v) {
            Some((_, names)) => names.push(d.name),
            None => groups.push((v, vec![d.name])),
        }
    }
    let parts: Vec<String> = groups.iter().map(|(v, names)| format!("{v} for {}", names.join(", "))).collect();
    format!("{what} (default {})", parts.join("; "))
}

fn arch_help() -> String {
    format!(
        "Architecture, e.g. 784-400-400-10 or {CNN_28} (\"mlp\"/\"cnn\" for 28×28 data). Default: <inputs>-<hidden>-<classes>, {}",
        preset_help("hidden", |d| d.hidden.to_string())
    )
}

/// `--arch mlp` / `--arch cnn` for 28×28 data; anything else as given.
pub fn expand_arch(arch: &str) -> String {
    match arch.trim().to_ascii_lowercase().as_str() {
        "mlp" => mlp_28(),
        "cnn" => CNN_28.to_string(),
        _ => arch.to_string(),
    }
}

/// The MNIST preset's MLP, `784-400-400-10`.
fn mlp_28() -> String {
    let d = catalog::dataset("mnist").expect("the catalog has an mnist preset");
    let (Some(shape), Some(classes)) = (d.shape, d.classes) else { unreachable!("image presets have a shape and classes") };
    format!("{}-{}-{classes}", shape.iter().product::<usize>(), d.hidden)
}
