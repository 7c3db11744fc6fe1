//! The catalog: every name, default and range a face shows — neuron models, surrogates and their
//! parameters, neuron parameters, optimizers, learning-rate schedules, the rate penalty, data
//! presets, energy constants, class names.
//!
//! It is assembled from the tables that own each fact (surrogates from `Surrogate::catalog()`,
//! toy sets from `data::ToyKind::ALL`, Fashion's class names from `data::fashion`, energy from
//! `EnergyModel::default()`) plus the few facts that have no other home (which neurons exist, their
//! parameter defaults, the per-data hyper-parameter presets). The CLI builds its `--neuron`/`--data`
//! help and defaults from it, the page its menus and sliders (through the JS `catalog()` export),
//! and `NeuronModel::from_name` resolves names through it — so adding a surrogate to
//! `src/surrogate.rs` adds a neuron everywhere with no other edit.

use std::sync::OnceLock;

use serde::Serialize;

use crate::data::{ToyKind, FASHION_CLASS_NAMES};
use crate::error::{Result, S3nnError};
pub use crate::neuron::NeuronFamily;
use crate::neuron::{NeuronModel, MAX_STEPS};
use crate::ops::EnergyModel;
use crate::optim::OptimizerSpec;
use crate::penalty::MAX_LAMBDA;
use crate::schedule::LrSchedule;
use crate::surrogate::{ParamInfo, Surrogate, SurrogateInfo};

/// The neuron a run uses when none is named.
pub const DEFAULT_NEURON: &str = "s3nn";

/// The seed of a run that names none (weights, data order, toy data).
pub const DEFAULT_SEED: u64 = 1;

#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NeuronInfo {
    /// The name the CLI (`--neuron`) and the JS config (`neuron`) take.
    pub name: String,
    pub label: String,
    pub family: NeuronFamily,
    /// The surrogate (its `SurrogateInfo::name`) whose parameters this neuron takes, if any.
    pub surrogate: Option<&'static str>,
    pub description: String,
}

/// A neuron parameter (threshold, steps, leak). One entry per (parameter, default): the
/// threshold appears twice because its default is 0 for single-step neurons and 1 for LIF.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NeuronParamInfo {
    /// Name, symbol, default, UI range and meaning, as a surrogate parameter has them (flattened:
    /// the JSON entry is `{name, symbol, default, min, max, step, meaning, appliesTo}`).
    /// Validation is `NeuronModel::validate`.
    #[serde(flatten)]
    pub param: ParamInfo,
    /// Names of the neurons this entry applies to.
    pub applies_to: Vec<String>,
}

#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OptimizerInfo {
    pub name: &'static str,
    /// Learning rate when neither the run nor a data preset gives one.
    pub lr_default: f32,
}

/// A learning-rate schedule (`schedule::LrSchedule`), stepped per epoch.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleInfo {
    /// The name `--lr-schedule` and the JS config's `lrSchedule` take.
    pub name: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    /// Its parameters, each by the name the JS config takes (the CLI flag is its kebab-case
    /// form: `etaMin` → `--eta-min`). Cosine's `T_max` is the run's epochs (`epochs` in JS).
    pub params: Vec<ParamInfo>,
}

/// A parameter of the firing-rate penalty (`penalty::RatePenalty`), by its JS config key.
/// Like [`ParamInfo`], but the default may be "none" (`null`: no target rate).
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PenaltyParamInfo {
    pub name: &'static str,
    pub symbol: &'static str,
    pub default: Option<f32>,
    /// The range a value must lie in (`validate` is `RatePenalty::validate`); `uiMax` is where a
    /// slider may stop when `max` is far beyond any useful value.
    pub min: f32,
    pub max: f32,
    pub ui_max: f32,
    pub step: f32,
    pub meaning: &'static str,
}

#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum DataKind {
    /// Generated 2-D points (`data::toy`).
    Toy,
    /// 28×28 grey images from files (MNIST, Fashion-MNIST).
    Image,
    /// The user's own `x,y,label` points.
    Csv,
}

/// A data set and the hyper-parameters a run on it starts from.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetPreset {
    pub name: &'static str,
    pub label: String,
    pub kind: DataKind,
    /// `None` when only the data decides (CSV).
    pub classes: Option<usize>,
    /// `[c, h, w]` of one sample; `None` when only the data decides (CSV).
    pub shape: Option<[usize; 3]>,
    /// Hidden layers in the compact grammar of `NetworkSpec::parse` (between input and classes).
    pub hidden: &'static str,
    /// A small spiking CNN for image sets (same grammar; the page offers it beside `hidden`).
    pub cnn_hidden: Option<&'static str>,
    pub lr: f32,
    pub batch: usize,
    /// Epochs of a CLI `train` run (the page trains until paused).
    pub epochs: usize,
    pub class_names: Option<Vec<String>>,
}

/// `EnergyModel::default()` and where its figures come from.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnergyInfo {
    pub e_mac_pj: f64,
    pub e_ac_pj: f64,
    /// 0: memory accesses are not counted (the papers' convention).
    pub e_mem_pj: f64,
    /// What a user who counts memory may start from (`ops::SRAM_ACCESS_PJ`), and its source.
    pub e_mem_suggested_pj: f64,
    pub mem_source: &'static str,
    pub snn_steps: usize,
    pub source: &'static str,
}

#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Catalog {
    pub neurons: Vec<NeuronInfo>,
    pub surrogates: &'static [SurrogateInfo],
    pub neuron_params: Vec<NeuronParamInfo>,
    pub optimizers: Vec<OptimizerInfo>,
    /// The first is the default (constant).
    pub schedules: Vec<ScheduleInfo>,
    pub rate_penalty: Vec<PenaltyParamInfo>,
    pub datasets: Vec<DatasetPreset>,
    pub energy: EnergyInfo,
}

/// The whole catalog (a copy of the table built once).
pub fn catalog() -> Catalog {
    table().clone()
}

/// The catalog, built on first use.
pub fn table() -> &'static Catalog {
    static TABLE: OnceLock<Catalog> = OnceLock::new();
    TABLE.get_or_init(build)
}

/// Other spellings accepted for a neuron (older names, the paper's v1 name, IF for LIF with no
/// leak). Matching ignores case, `_` and `-`, so `fast_sigmoid` needs no entry.
struct Alias {
    alias: &'static str,
    neuron: &'static str,
    /// A default that differs from the neuron's (IF is LIF with leak 1).
    leak: Option<f32>,
}
const ALIASES: [Alias; 6] = [
    Alias { alias: "s2nn", neuron: "s3nn", leak: None },
    Alias { alias: "ann", neuron: "relu", leak: None },
    Alias { alias: "sign", neuron: "bnn", leak: None },
    Alias { alias: "if", neuron: "lif", leak: Some(1.0) },
    Alias { alias: "snn", neuron: "lif", leak: None },
    Alias { alias: "multistep", neuron: "lif", leak: None },
];

/// The surrogate the multi-step neuron is trained through (SpikingJelly's default).
const MULTI_STEP_SURROGATE: &str = "sigmoid";

/// A neuron name resolved against the catalog, with the defaults of its parameters.
#[derive(Clone, Copy, Debug)]
pub struct NeuronChoice {
    pub info: &'static NeuronInfo,
    pub threshold: f32,
    pub steps: usize,
    pub leak: f32,
}

fn key(name: &str) -> String {
    name.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect()
}

/// Resolves a neuron name (or alias); the error lists the names.
pub fn neuron(name: &str) -> Result<NeuronChoice> {
    let t = table();
    let k = key(name);
    let alias = ALIASES.iter().find(|a| a.alias == k);
    let wanted = alias.map_or(k.as_str(), |a| a.neuron);
    let info = t.neurons.iter().find(|n| n.name == wanted).ok_or_else(|| {
        S3nnError::Config(format!("unknown neuron '{name}' (expected one of {})", neuron_names().join(", ")))
    })?;
    let default_of = |param: &str| {
        t.neuron_params
            .iter()
            .find(|p| p.param.name == param && p.applies_to.contains(&info.name))
            .map_or(0.0, |p| p.param.default)
    };
    Ok(NeuronChoice {
        info,
        threshold: default_of("threshold"),
        steps: default_of("steps") as usize,
        leak: alias.and_then(|a| a.leak).unwrap_or_else(|| default_of("leak")),
    })
}

/// The neuron names, in menu order.
pub fn neuron_names() -> Vec<&'static str> {
    table().neurons.iter().map(|n| n.name.as_str()).collect()
}

/// The catalog entry of a built neuron (its `name`).
pub fn neuron_info_of(family: NeuronFamily, surrogate: Option<&Surrogate>) -> &'static NeuronInfo {
    let t = table();
    let found = match family {
        NeuronFamily::Spike => {
            let s = surrogate.map(|s| s.info().name);
            t.neurons.iter().find(|n| n.family == family && n.surrogate == s)
        }
        _ => t.neurons.iter().find(|n| n.family == family),
    };
    found.expect("every neuron family and surrogate has a catalog entry (built from the same tables)")
}

/// Resolves a data preset by name (case-insensitive; `fashion-mnist` for `fashion`).
pub fn dataset(name: &str) -> Result<&'static DatasetPreset> {
    let k = key(name);
    let k = if k == "fashionmnist" { "fashion".to_string() } else { k };
    table().datasets.iter().find(|d| d.name == k).ok_or_else(|| {
        let names: Vec<&str> = table().datasets.iter().map(|d| d.name).collect();
        S3nnError::Config(format!("unknown data set '{name}' (expected one of {})", names.join(", ")))
    })
}

/// Resolves an optimizer name (case-insensitive); the error lists the names.
pub fn optimizer(name: &str) -> Result<&'static OptimizerInfo> {
    let t = table();
    t.optimizers.iter().find(|o| o.name.eq_ignore_ascii_case(name)).ok_or_else(|| {
        let names: Vec<&str> = t.optimizers.iter().map(|o| o.name).collect();
        S3nnError::Config(format!("unknown optimizer '{name}' (expected one of {})", names.join(", ")))
    })
}

/// The optimizer of a run that names none: the first in the catalog.
pub fn default_optimizer() -> &'static OptimizerInfo {
    &table().optimizers[0]
}

/// Resolves a schedule name (case-insensitive); the error lists the names.
pub fn schedule(name: &str) -> Result<&'static ScheduleInfo> {
    let t = table();
    t.schedules.iter().find(|s| s.name.eq_ignore_ascii_case(name)).ok_or_else(|| {
        let names: Vec<&str> = t.schedules.iter().map(|s| s.name).collect();
        S3nnError::Config(format!("unknown learning-rate schedule '{name}' (expected one of {})", names.join(", ")))
    })
}

/// The default of parameter `param` of schedule `name` (both as the catalog spells them).
pub fn schedule_default(name: &str, param: &str) -> f32 {
    table()
        .schedules
        .iter()
        .find(|s| s.name == name)
        .and_then(|s| s.params.iter().find(|p| p.name == param))
        .map(|p| p.default)
        .unwrap_or_else(|| panic!("the catalog has no parameter {param} of schedule {name}"))
}

/// The default learning rate of an optimizer that names none (`OptimizerSpec::default()`'s).
fn default_lr() -> f32 {
    match OptimizerSpec::default() {
        OptimizerSpec::Adam { lr, .. } | OptimizerSpec::Sgd { lr, .. } => lr,
    }
}

fn build() -> Catalog {
    let surrogates = Surrogate::catalog();
    let mut neurons: Vec<NeuronInfo> = surrogates
        .iter()
        .map(|s| NeuronInfo {
            name: s.name.to_ascii_lowercase(),
            label: s.label.to_string(),
            family: NeuronFamily::Spike,
            surrogate: Some(s.name),
            description: format!(
                "single-step spiking neuron s = H(u − θ), trained through the {} surrogate gradient {}",
                s.label, s.formula
            ),
        })
        .collect();
    let spike_names: Vec<String> = neurons.iter().map(|n| n.name.clone()).collect();
    neurons.push(NeuronInfo {
        name: "bnn".into(),
        label: "BNN (sign)".into(),
        family: NeuronFamily::Sign,
        surrogate: None,
        description: "binary neural network baseline: sign(u) in {−1, +1}, straight-through gradient for |u| ≤ 1".into(),
    });
    neurons.push(NeuronInfo {
        name: "relu".into(),
        label: "ANN (ReLU)".into(),
        family: NeuronFamily::Relu,
        surrogate: None,
        description: "full-precision ANN baseline: max(0, u)".into(),
    });
    neurons.push(NeuronInfo {
        name: "lif".into(),
        label: "LIF, T steps".into(),
        family: NeuronFamily::MultiStep,
        surrogate: Some(
            surrogates
                .iter()
                .find(|s| s.name == MULTI_STEP_SURROGATE)
                .map(|s| s.name)
                .expect("the multi-step neuron's surrogate is in the surrogate table"),
        ),
        description: "multi-step SNN baseline: IF/LIF neuron over T steps, v ← λ·v + I, reset by subtraction, trained by BPTT through the sigmoid surrogate (λ = 1 is IF)".into(),
    });
    let lif = vec!["lif".to_string()];
    let neuron_params = vec![
        NeuronParamInfo {
            param: ParamInfo { name: "threshold", symbol: "θ", default: 0.0, min: -1.0, max: 1.0, step: 0.05, meaning: "firing threshold: the neuron spikes when u − θ ≥ 0" },
            applies_to: spike_names,
        },
        NeuronParamInfo {
            param: ParamInfo { name: "threshold", symbol: "θ", default: 1.0, min: 0.1, max: 4.0, step: 0.1, meaning: "firing threshold: the neuron spikes when its membrane v ≥ θ, then v ← v − θ" },
            applies_to: lif.clone(),
        },
        NeuronParamInfo {
            param: ParamInfo { name: "steps", symbol: "T", default: 4.0, min: 1.0, max: MAX_STEPS as f32, step: 1.0, meaning: "time steps the multi-step network runs per input" },
            applies_to: lif.clone(),
        },
        NeuronParamInfo {
            param: ParamInfo { name: "leak", symbol: "λ", default: 0.5, min: 0.05, max: 1.0, step: 0.05, meaning: "membrane leak: v ← λ·v + I between steps (1 = IF, no leak); in (0, 1]" },
            applies_to: lif,
        },
    ];
    let optimizers = ["adam", "sgd"].iter().map(|&name| OptimizerInfo { name, lr_default: default_lr() }).collect();

    let schedules = LrSchedule::NAMES
        .iter()
        .map(|&name| match name {
            "constant" => ScheduleInfo { name, label: "constant", description: "the learning rate throughout", params: vec![] },
            "cosine" => ScheduleInfo {
                name,
                label: "cosine annealing",
                description: "PyTorch CosineAnnealingLR, stepped per epoch with T_max = the run's epochs: lr_e = etaMin + (lr − etaMin)(1 + cos(π e / T_max))/2",
                params: vec![ParamInfo { name: "etaMin", symbol: "η_min", default: 0.0, min: 0.0, max: 0.01, step: 1e-5, meaning: "the learning rate the cosine reaches at the last epoch; ≥ 0" }],
            },
            "step" => ScheduleInfo {
                name,
                label: "step decay",
                description: "PyTorch StepLR, stepped per epoch: lr_e = lr · gamma^⌊e / stepSize⌋",
                params: vec![
                    ParamInfo { name: "stepSize", symbol: "k", default: 3.0, min: 1.0, max: 100.0, step: 1.0, meaning: "epochs between two decays; at least 1" },
                    ParamInfo { name: "gamma", symbol: "γ", default: 0.1, min: 0.01, max: 1.0, step: 0.01, meaning: "factor of each decay; in (0, 1]" },
                ],
            },
            other => unreachable!("schedule {other} has no catalog entry"),
        })
        .collect();
    let rate_penalty = vec![
        PenaltyParamInfo {
            name: "ratePenalty",
            symbol: "λ",
            default: Some(0.0),
            min: 0.0,
            max: MAX_LAMBDA,
            ui_max: 1.0,
            step: 0.001,
            meaning: "weight of the firing-rate penalty λ·Σ_layers mean(spikes) added to the loss (0 = off); spiking neurons only",
        },
        PenaltyParamInfo {
            name: "targetRate",
            symbol: "r",
            default: None,
            min: 0.0,
            max: 1.0,
            ui_max: 1.0,
            step: 0.01,
            meaning: "penalize the distance to this firing rate instead, λ·Σ_layers (mean(spikes) − r)²; none = the rate itself",
        },
    ];

    let digits = |k: usize| Some((0..k).map(|i| i.to_string()).collect::<Vec<_>>());
    let mut datasets: Vec<DatasetPreset> = ToyKind::ALL
        .iter()
        .map(|k| DatasetPreset {
            name: k.name(),
            label: if k.classes() == 2 { k.name().to_string() } else { format!("{} ({} classes)", k.name(), k.classes()) },
            kind: DataKind::Toy,
            classes: Some(k.classes()),
            shape: Some([2, 1, 1]),
            hidden: "32-32",
            cnn_hidden: None,
            lr: 1e-2,
            batch: 32,
            epochs: 30,
            class_names: digits(k.classes()),
        })
        .collect();
    let image = |name: &'static str, label: &str, class_names: Option<Vec<String>>| DatasetPreset {
        name,
        label: label.to_string(),
        kind: DataKind::Image,
        classes: Some(10),
        shape: Some([1, 28, 28]),
        hidden: "400-400",
        // The benchmark's small CNN (bench/cases.rs): ≥ 97 % on MNIST after one epoch in the page.
        cnn_hidden: Some("c16-mp-c32-mp"),
        lr: 1e-3,
        batch: 100,
        epochs: 10,
        class_names,
    };
    datasets.push(image("mnist", "MNIST", digits(10)));
    datasets.push(image("fashion", "Fashion-MNIST", Some(FASHION_CLASS_NAMES.iter().map(|s| s.to_string()).collect())));
    datasets.push(DatasetPreset {
        name: "csv",
        label: "CSV upload (x,y,label)".into(),
        kind: DataKind::Csv,
        classes: None,
        shape: None,
        hidden: "32-32",
        cnn_hidden: None,
        lr: 1e-2,
        batch: 32,
        epochs: 30,
        class_names: None,
    });

    let e = EnergyModel::default();
    Catalog {
        neurons,
        surrogates,
        neuron_params,
        optimizers,
        schedules,
        rate_penalty,
        datasets,
        energy: EnergyInfo {
            e_mac_pj: e.e_mac_pj,
            e_ac_pj: e.e_ac_pj,
            e_mem_pj: e.e_mem_pj,
            e_mem_suggested_pj: crate::ops::SRAM_ACCESS_PJ,
            mem_source: "Horowitz, ISSCC 2014: a 32-bit access to an 8 KB SRAM, 45 nm (10 pJ per 64 bits); access model after Lemaire et al., ICONIP 2022",
            snn_steps: e.snn_steps,
            source: "Horowitz, ISSCC 2014: 45 nm, 32-bit float",
        },
    }
}

/// Neurons by their catalog names: here rather than in src/neuron.rs, so that the neuron model
/// knows nothing of the catalog built on top of it.
impl NeuronModel {
    /// Builds a neuron from its catalog name (`catalog::neuron_names()`, or an alias such as `if`).
    /// `a` is the surrogate's first parameter (α, width or slope), `b` its second (β); `None`
    /// means the catalog's default. Parameters beyond the neuron's surrogate's are ignored (a
    /// page sends β for every neuron), so are surrogate parameters of ReLU/BNN.
    pub fn from_name(
        name: &str,
        a: Option<f32>,
        b: Option<f32>,
        threshold: Option<f32>,
        steps: Option<usize>,
        leak: Option<f32>,
    ) -> Result<Self> {
        Self::from_catalog(name, &[a, b], threshold, steps, leak)
    }

    /// [`NeuronModel::from_name`] with the surrogate's parameters in catalog order
    /// (`Surrogate::catalog()[..].params`), any number of them; values beyond the surrogate's
    /// parameters are ignored.
    pub fn from_catalog(
        name: &str,
        surrogate_values: &[Option<f32>],
        threshold: Option<f32>,
        steps: Option<usize>,
        leak: Option<f32>,
    ) -> Result<Self> {
        let choice = neuron(name)?;
        let surrogate = || -> Result<Surrogate> {
            let sname = choice.info.surrogate.expect("spike and multi-step neurons name a surrogate");
            let wanted = Surrogate::catalog().iter().find(|s| s.name == sname).map_or(0, |s| s.params.len());
            Surrogate::from_params(sname, &surrogate_values[..wanted.min(surrogate_values.len())])
        };
        let model = match choice.info.family {
            NeuronFamily::Relu => NeuronModel::Relu,
            NeuronFamily::Sign => NeuronModel::Sign,
            NeuronFamily::MultiStep => NeuronModel::MultiStep {
                steps: steps.unwrap_or(choice.steps),
                leak: leak.unwrap_or(choice.leak),
                threshold: threshold.unwrap_or(choice.threshold),
                surrogate: surrogate()?,
            },
            NeuronFamily::Spike => NeuronModel::Spike { surrogate: surrogate()?, threshold: threshold.unwrap_or(choice.threshold) },
        };
        model.validate()?;
        Ok(model)
    }

    /// The catalog name of this neuron (what `from_name` takes), e.g. "fastsigmoid", "lif".
    pub fn name(&self) -> &'static str {
        neuron_info_of(self.family(), self.surrogate().as_ref()).name.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neuron::NeuronModel;
    use crate::penalty::RatePenalty;
    use crate::spec::NetworkSpec;

    #[test]
    fn one_spike_neuron_per_surrogate_and_every_neuron_builds() {
        let t = table();
        let spikes: Vec<_> = t.neurons.iter().filter(|n| n.family == NeuronFamily::Spike).collect();
        assert_eq!(spikes.len(), Surrogate::catalog().len());
        for n in &t.neurons {
            let m = NeuronModel::from_name(&n.name, None, None, None, None, None).unwrap();
            assert_eq!(m.name(), n.name, "name() round-trips");
            assert_eq!(m.surrogate().map(|s| s.info().name), n.surrogate, "{}", n.name);
        }
        assert_eq!(t.neurons.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), neuron_names());
    }

    #[test]
    fn neuron_defaults_come_from_the_param_table() {
        let lif = neuron("lif").unwrap();
        assert_eq!((lif.threshold, lif.steps, lif.leak), (1.0, 4, 0.5));
        let iff = neuron("IF").unwrap();
        assert_eq!((iff.info.name.as_str(), iff.leak), ("lif", 1.0));
        assert_eq!(neuron("s3nn").unwrap().threshold, 0.0);
        assert_eq!(neuron("fast_sigmoid").unwrap().info.name, "fastsigmoid");
        let e = neuron("banana").unwrap_err().to_string();
        assert!(e.contains("unknown neuron 'banana'") && e.contains("fastsigmoid") && e.contains("lif"), "{e}");
    }

    #[test]
    fn optimizers_and_presets_are_usable() {
        let t = table();
        for o in &t.optimizers {
            OptimizerSpec::from_name(o.name, o.lr_default).unwrap();
        }
        for d in &t.datasets {
            if let (Some(shape), Some(classes)) = (d.shape, d.classes) {
                let input = if shape[1] == 1 && shape[2] == 1 { shape[0].to_string() } else { format!("{}x{}x{}", shape[0], shape[1], shape[2]) };
                let flat = shape.iter().product::<usize>();
                NetworkSpec::parse(&format!("{flat}-{}-{classes}", d.hidden), NeuronModel::default()).unwrap();
                assert!(!input.is_empty());
                assert_eq!(d.class_names.as_ref().map(Vec::len), Some(classes), "{}", d.name);
            }
            assert!(d.batch >= 1 && d.batch <= crate::train::MAX_BATCH);
        }
        assert_eq!(dataset("Fashion-MNIST").unwrap().name, "fashion");
        assert!(dataset("nonsense").unwrap_err().to_string().contains("spiral"));
        let e = t.energy.clone();
        let d = EnergyModel::default();
        assert_eq!((e.e_mac_pj, e.e_ac_pj, e.snn_steps), (d.e_mac_pj, d.e_ac_pj, d.snn_steps));
    }

    #[test]
    fn serializes_with_the_contract_keys() {
        let v = serde_json::to_value(catalog()).unwrap();
        for k in ["neurons", "surrogates", "neuronParams", "optimizers", "schedules", "ratePenalty", "datasets", "energy"] {
            assert!(v.get(k).is_some(), "{k}");
        }
        assert_eq!(v["neurons"][0]["family"], "spike");
        assert_eq!(v["neuronParams"][0]["appliesTo"][0], "s3nn");
        // The surrogate parameter's fields, flattened, then appliesTo: the page reads them by name.
        for p in v["neuronParams"].as_array().unwrap() {
            let mut keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
            keys.sort_unstable();
            assert_eq!(keys, ["appliesTo", "default", "max", "meaning", "min", "name", "step", "symbol"]);
        }
        assert_eq!(v["neuronParams"][2]["name"], "steps");
        assert_eq!(v["neuronParams"][2]["step"], 1.0);
        assert_eq!(v["optimizers"][0]["lrDefault"], serde_json::json!(default_lr()));
        assert_eq!(v["energy"]["eMacPj"], 4.6);
        let csv = v["datasets"].as_array().unwrap().iter().find(|d| d["name"] == "csv").unwrap();
        assert!(csv["classes"].is_null() && csv["shape"].is_null() && csv["classNames"].is_null());
        assert_eq!(v["surrogates"][0]["params"][0]["name"], "alpha");
        assert_eq!(v["schedules"][0]["name"], "constant");
        assert_eq!(v["schedules"][1]["params"][0]["name"], "etaMin");
        assert!(v["ratePenalty"][1]["default"].is_null(), "no target rate by default");
        assert_eq!(v["ratePenalty"][0]["uiMax"], 1.0);
    }

    #[test]
    fn every_schedule_builds_from_its_catalog_defaults_and_the_penalty_ranges_are_the_valid_ones() {
        let t = table();
        assert_eq!(t.schedules.iter().map(|s| s.name).collect::<Vec<_>>(), LrSchedule::NAMES);
        for s in &t.schedules {
            let built = LrSchedule::from_name(s.name, Some(6), schedule_default("cosine", "etaMin"), schedule_default("step", "stepSize") as usize, schedule_default("step", "gamma")).unwrap();
            for p in &s.params {
                assert!(p.min <= p.default && p.default <= p.max, "{} {}", s.name, p.name);
            }
            assert_eq!(schedule(&s.name.to_uppercase()).unwrap().name, s.name);
            assert_eq!(built == LrSchedule::Constant, s.name == "constant");
        }
        assert!(schedule("linear").unwrap_err().to_string().contains("constant, cosine, step"));
        for p in &t.rate_penalty {
            let at = |v: f32| if p.name == "ratePenalty" { RatePenalty::new(v, None) } else { RatePenalty::new(0.1, Some(v)) };
            at(p.min).unwrap();
            at(p.max).unwrap();
            assert!(at(p.max * 1.01 + 0.01).is_err() && at(p.min - 0.01).is_err(), "{}", p.name);
        }
    }
}
