//! Flags turned into what the core runs on: data sets, model files, network configs, energy.

use std::path::Path;

use s3nn::catalog::{self, DataKind, DatasetPreset};
use s3nn::data::{self, ToyKind};
use s3nn::rng::Rng;
use s3nn::surrogate::Surrogate;
use s3nn::{Dataset, EnergyModel, Model, RunConfig};

use crate::args::{cli_data_sets, expand_arch, flag_of, DataArgs, EnergyArgs, NeuronArgs, ObjectiveArgs, TestSetArgs};
use crate::CliResult;

/// The catalog preset of a `--csv` file.
pub const CSV_PRESET: &str = "csv";

/// The data set name `--data`/`--csv` select (`default` when neither is given).
pub fn data_name(d: &DataArgs, default: &str) -> String {
    match (&d.data, &d.csv) {
        (_, Some(_)) => CSV_PRESET.to_string(),
        (Some(n), None) => n.to_ascii_lowercase(),
        (None, None) => default.to_string(),
    }
}

/// (train, test) for a data preset; toy sets are generated and split 80/20 with `seed`.
pub fn load_data(d: &DataArgs, preset: &DatasetPreset, seed: u64) -> CliResult<(Dataset, Dataset)> {
    match preset.kind {
        DataKind::Image if preset.name == "fashion" => Ok(data::load_fashion()?),
        DataKind::Image => Ok(data::load_mnist()?),
        DataKind::Toy => {
            let kind: ToyKind = preset.name.parse()?;
            let all = data::toy(kind, d.samples, d.noise, seed)?;
            Ok(all.split(0.8, seed)?)
        }
        DataKind::Csv => match &d.csv {
            Some(path) => Ok(data::locate::load_csv_from(path)?.split(0.8, seed)?),
            None => Err(format!("data set '{}' needs --csv FILE", preset.name).into()),
        },
    }
}

/// A seeded random subset of `n` samples (class-sorted sets like Fashion-MNIST stay balanced).
pub fn random_subset(d: &Dataset, n: usize, seed: u64, what: &str) -> CliResult<Dataset> {
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

/// The run config the neuron flags describe (no architecture yet: see [`with_arch`]).
pub fn neuron_config(n: &NeuronArgs) -> CliResult<RunConfig> {
    // Surrogate parameters are scales: a zero, negative or non-finite one silently stops learning
    // (and ReLU/BNN ignore them, so the core would not notice).
    for (flag, v) in [("--alpha", n.alpha), ("--beta", n.beta)] {
        if let Some(v) = v {
            if !(v.is_finite() && v > 0.0) {
                return Err(format!("{flag} must be a finite number > 0, got {v}").into());
            }
        }
    }
    refuse_flags_the_neuron_ignores(n)?;
    Ok(RunConfig {
        neuron: Some(n.neuron.clone()),
        alpha: n.alpha,
        beta: n.beta,
        threshold: n.threshold,
        steps: n.steps,
        leak: n.leak,
        batch_norm: Some(n.batch_norm),
        ..RunConfig::default()
    })
}

/// `--steps 8` with `--neuron s3nn`, or `--alpha` with `--neuron relu`, would be accepted and
/// silently do nothing: a neuron parameter the chosen neuron does not have is an error naming the
/// neurons that have it (from the catalog, like the help).
fn refuse_flags_the_neuron_ignores(n: &NeuronArgs) -> CliResult<()> {
    let t = catalog::table();
    let neuron = catalog::neuron(&n.neuron)?.info;
    for (flag, param, given) in [("--steps", "steps", n.steps.is_some()), ("--threshold", "threshold", n.threshold.is_some()), ("--leak", "leak", n.leak.is_some())] {
        let applies = |who: &String| t.neuron_params.iter().any(|p| p.param.name == param && p.applies_to.contains(who));
        if given && !applies(&neuron.name) {
            let having: Vec<&str> = t.neurons.iter().filter(|x| applies(&x.name)).map(|x| x.name.as_str()).collect();
            return Err(format!("{flag} does not apply to --neuron {} (it applies to {})", neuron.name, having.join(", ")).into());
        }
    }
    let surrogate_params = |who: &catalog::NeuronInfo| {
        who.surrogate.and_then(|s| Surrogate::catalog().iter().find(|x| x.name == s)).map_or(0, |s| s.params.len())
    };
    for (flag, slot, given) in [("--alpha", 0, n.alpha.is_some()), ("--beta", 1, n.beta.is_some())] {
        if given && surrogate_params(neuron) <= slot {
            let having: Vec<&str> = t.neurons.iter().filter(|x| surrogate_params(x) > slot).map(|x| x.name.as_str()).collect();
            return Err(format!("{flag} does not apply to --neuron {} (it applies to {})", neuron.name, having.join(", ")).into());
        }
    }
    Ok(())
}

/// `config` for the architecture `arch` ("mlp"/"cnn" expanded).
/// `config` with the schedule (cosine's `T_max` = the run's `epochs`) and the rate penalty of the
/// flags. A flag that the chosen schedule does not take, or a target rate with no penalty, is an
/// error rather than silently ignored.
pub fn objective_config(o: &ObjectiveArgs, epochs: usize, config: RunConfig) -> CliResult<RunConfig> {
    let schedule = catalog::schedule(&o.lr_schedule)?;
    let given = [("etaMin", o.eta_min.is_some()), ("stepSize", o.step_size.is_some()), ("gamma", o.gamma.is_some())];
    for (name, _) in given.iter().filter(|(_, set)| *set) {
        if !schedule.params.iter().any(|p| p.name == *name) {
            let owner = catalog::table().schedules.iter().find(|s| s.params.iter().any(|p| p.name == *name)).map_or("another", |s| s.name);
            return Err(format!("--{} is a parameter of the {owner} schedule, not of --lr-schedule {}", flag_of(name), schedule.name).into());
        }
    }
    if o.target_rate.is_some() && o.rate_penalty.map_or(true, |l| l == 0.0) {
        return Err("--target-rate needs --rate-penalty λ > 0 (without it the penalty is off)".into());
    }
    Ok(RunConfig {
        lr_schedule: Some(schedule.name.to_string()),
        epochs: Some(epochs),
        eta_min: o.eta_min,
        step_size: o.step_size,
        gamma: o.gamma,
        rate_penalty: o.rate_penalty,
        target_rate: o.target_rate,
        ..config
    })
}

pub fn with_arch(config: &RunConfig, arch: &str) -> RunConfig {
    RunConfig { arch: expand_arch(arch), ..config.clone() }
}

pub fn energy_from(e: &EnergyArgs) -> CliResult<EnergyModel> {
    let m = EnergyModel { e_mac_pj: e.e_mac, e_ac_pj: e.e_ac, e_mem_pj: e.e_mem, snn_steps: e.snn_steps };
    m.validate()?;
    Ok(m)
}

/// A model file: safetensors from `train --out`, or a NIR graph (HDF5, told by its first bytes).
pub fn read_model(path: &Path) -> CliResult<Model> {
    let limit = s3nn::io::MAX_FILE_BYTES as u64;
    let bytes = s3nn::data::locate::read_bounded(path, limit, "model file")?;
    let net = if s3nn::nir::is_nir(&bytes) { s3nn::nir::from_nir(&bytes) } else { s3nn::io::load(&bytes) };
    Ok(net.map_err(|e| format!("{}: {e}", path.display()))?)
}

/// The data set for a loaded network when --data is not given: the first preset whose samples
/// have as many values as the network has inputs (784 → mnist, 2 → spiral).
fn default_data_for(net: &Model) -> CliResult<&'static DatasetPreset> {
    let f = net.features();
    cli_data_sets()
        .find(|d| d.shape.is_some_and(|s| s.iter().product::<usize>() == f))
        .ok_or_else(|| format!("no default data set for a network with {f} inputs; pass --data").into())
}

/// The test set `eval`/`ops` run on: `--data` or the default for the network, optionally a
/// seeded subset, checked to fit the network. Returns it with the name to report.
pub fn test_data_for(net: &Model, t: &TestSetArgs) -> CliResult<(String, Dataset)> {
    let TestSetArgs { data: d, seed, limit } = t;
    let (seed, limit) = (*seed, *limit);
    let (name, preset) = match (&d.data, &d.csv) {
        (_, Some(_)) => (CSV_PRESET.to_string(), catalog::dataset(CSV_PRESET)?),
        (Some(n), None) => (n.to_ascii_lowercase(), catalog::dataset(n)?),
        (None, None) => {
            let p = default_data_for(net)?;
            (p.name.to_string(), p)
        }
    };
    let (_, mut test) = load_data(d, preset, seed)?;
    if let Some(n) = limit {
        test = random_subset(&test, n, seed.wrapping_add(1), "--limit")?;
    }
    s3nn::train::check_fit(net, &test)?;
    Ok((name, test))
}
