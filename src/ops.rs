//! Operation counts and energy, from the spikes that actually occurred in the last forward pass.
//!
//! Convention (common in the SNN literature; 45 nm figures from Horowitz, ISSCC 2014):
//! - a layer fed by real values (pixels, ReLU outputs) costs `fan_in × fan_out` MACs per output
//!   position — counted dense, as an ANN accelerator would run it;
//! - a layer fed by binary spikes costs one AC per (input spike × output it reaches) — exactly the
//!   additions the spike kernel performs;
//! - a layer fed by signs (BNN) costs `fan_in × fan_out` ACs (additions and subtractions);
//! - a multi-step SNN sums all of that over its T steps;
//! - max-pool comparisons are not counted (as in the reference papers).
//!
//! Two further baselines and one further term, because counting operations alone is not the
//! whole story:
//! - the ANN twin that *skips zero inputs* (`ann_sparse_*`): one MAC per non-zero input × output
//!   it reaches, at this net's own input sparsity. Beside it, a spike-fed layer's saving is only
//!   E_MAC/E_AC (additions instead of multiplications), not its sparsity, which such an ANN has
//!   too (its first layer skips MNIST's blank pixels as well);
//! - memory accesses (`mem_accesses`, priced at `e_mem_pj`, 0 = not counted: the papers'
//!   convention), a simple model in the spirit of Lemaire et al. (ICONIP 2022): every MAC or AC
//!   reads its weight; a layer computing dense products keeps each output's sum in a register and
//!   writes it once per step, while an event-driven spike-fed layer must read and write the
//!   target's potential for every AC (events come in any order); a multi-step neuron also reads
//!   and writes its membrane every step. This is where an SNN can lose its advantage.

use crate::activation::Activation;
use crate::pass::Pass;
use crate::neuron::Signal;
use serde::{Deserialize, Serialize};

/// Energy per operation in picojoules, and the T used for the multi-step equivalent.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnergyModel {
    pub e_mac_pj: f64,
    pub e_ac_pj: f64,
    /// Energy of one 32-bit memory access (see the module docs); 0: memory is not counted.
    #[serde(default)]
    pub e_mem_pj: f64,
    /// Time steps of the "same network as a T-step SNN" estimate.
    pub snn_steps: usize,
}

/// A suggested `e_mem_pj`: a 32-bit access to an 8 KB on-chip SRAM in 45 nm (Horowitz, ISSCC
/// 2014, gives 10 pJ per 64-bit access), i.e. about one MAC: the smallest memory a layer's weights
/// could live in, so the least the memory term can add.
pub const SRAM_ACCESS_PJ: f64 = 5.0;

/// Memory accesses of one event-driven AC: its weight, and the target potential read and written.
const ACCESSES_PER_AC: f64 = 3.0;
/// Memory accesses of a multi-step neuron's membrane per step: read and written.
const MEMBRANE_ACCESSES: f64 = 2.0;

impl Default for EnergyModel {
    fn default() -> Self {
        Self { e_mac_pj: 4.6, e_ac_pj: 0.9, e_mem_pj: 0.0, snn_steps: 4 }
    }
}

impl EnergyModel {
    /// Energy of the given operations and memory accesses.
    pub fn energy_pj(&self, macs: f64, acs: f64, mem_accesses: f64) -> f64 {
        macs * self.e_mac_pj + acs * self.e_ac_pj + mem_accesses * self.e_mem_pj
    }

    pub fn validate(&self) -> crate::error::Result<()> {
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        if !(ok(self.e_mac_pj) && ok(self.e_ac_pj) && ok(self.e_mem_pj)) {
            return Err(crate::error::S3nnError::Config("energy per MAC/AC/memory access must be finite and ≥ 0".into()));
        }
        if self.snn_steps == 0 || self.snn_steps > 1024 {
            return Err(crate::error::S3nnError::Config("snnSteps must be in 1..=1024".into()));
        }
        Ok(())
    }
}

/// Per-layer counts, averaged per sample.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerOps {
    pub name: String,
    pub kind: String,
    /// What feeds this layer: "real", "spike" or "sign".
    pub input: String,
    pub fan_in: usize,
    pub fan_out: usize,
    /// Output neurons per sample (per time step).
    pub neurons: usize,
    pub macs: f64,
    pub acs: f64,
    /// Output spikes per sample (summed over steps); 0 for non-spiking outputs.
    pub spikes: f64,
    /// Spikes / (neurons × steps).
    pub firing_rate: f64,
    /// Memory accesses (see the module docs).
    pub mem_accesses: f64,
    /// Operations and memory, priced by the energy model.
    pub energy_pj: f64,
    /// The same layer in an ANN: every product a MAC.
    pub ann_macs: f64,
    /// The same layer in an ANN that skips zero inputs, at this net's input sparsity (one step).
    pub ann_sparse_macs: f64,
    /// The energies of those two ANN layers (operations and memory).
    pub ann_energy_pj: f64,
    pub ann_sparse_energy_pj: f64,
    /// A spike-fed layer's break-even input firing rate: below it, adding the weights of the
    /// inputs that spiked costs less than the ANN twin's dense layer (E_MAC / E_AC when memory is
    /// not counted); null for other layers.
    pub break_even_rate: Option<f64>,
}

#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpReport {
    pub samples: usize,
    pub steps: usize,
    pub layers: Vec<LayerOps>,
    pub macs: f64,
    pub acs: f64,
    pub energy_pj: f64,
    pub mem_accesses: f64,
    /// This net if its real-valued layers skipped zero inputs too (the baseline to hold against
    /// `ann_sparse_energy_pj`).
    pub sparse_energy_pj: f64,
    /// The same architecture as a full-precision ANN.
    pub ann_energy_pj: f64,
    /// ... as an ANN that skips zero inputs, at this net's input sparsity.
    pub ann_sparse_macs: f64,
    pub ann_sparse_energy_pj: f64,
    /// The same architecture as a T-step SNN with the same per-step firing (T = `snn_steps`).
    pub snn_steps: usize,
    pub snn_macs: f64,
    pub snn_acs: f64,
    pub snn_mem_accesses: f64,
    pub snn_energy_pj: f64,
    /// energy / ANN energy.
    pub ratio_to_ann: f64,
    pub energy_model: EnergyModel,
}

impl LayerOps {
    /// The products of a weight layer applying a `fan_in × fan_out` matrix at `positions` places
    /// per sample, fed by `input` carrying `events` non-zero inputs in the whole pass.
    #[allow(clippy::too_many_arguments)]
    pub fn product(name: String, kind: &str, input: Signal, fan_in: usize, fan_out: usize, positions: usize, events: usize, pass: &Pass, energy: &EnergyModel) -> Self {
        let (n, steps) = (pass.samples.max(1) as f64, pass.steps as f64);
        let dense_products = (fan_in * fan_out * positions) as f64;
        let neurons = fan_out * positions;
        let per_sample_events = events as f64 * fan_out as f64 / n;
        let (macs, acs) = match input {
            Signal::Real => (dense_products * steps, 0.0),
            Signal::Sign => (0.0, dense_products * steps),
            Signal::Spike => (0.0, per_sample_events),
        };
        // Dense products sum in a register and write each output once a step; event-driven
        // accumulation reads and writes the target potential for every AC.
        let mem_accesses = match input {
            Signal::Real | Signal::Sign => macs + acs + neurons as f64 * steps,
            Signal::Spike => ACCESSES_PER_AC * acs,
        };
        let mut ops = LayerOps {
            name,
            kind: kind.into(),
            input: match input {
                Signal::Real => "real",
                Signal::Spike => "spike",
                Signal::Sign => "sign",
            }
            .into(),
            fan_in,
            fan_out,
            neurons,
            macs,
            acs,
            spikes: 0.0,
            firing_rate: 0.0,
            mem_accesses,
            energy_pj: 0.0,
            ann_macs: dense_products,
            ann_sparse_macs: per_sample_events / steps,
            ann_energy_pj: 0.0,
            ann_sparse_energy_pj: 0.0,
            break_even_rate: None,
        };
        ops.price(energy);
        ops
    }

    fn price(&mut self, energy: &EnergyModel) {
        self.energy_pj = energy.energy_pj(self.macs, self.acs, self.mem_accesses);
        self.ann_energy_pj = energy.energy_pj(self.ann_macs, 0.0, self.ann_mem_accesses(self.ann_macs));
        self.ann_sparse_energy_pj = energy.energy_pj(self.ann_sparse_macs, 0.0, self.ann_mem_accesses(self.ann_sparse_macs));
        // At input rate r a spike-fed layer does r·P ACs (and their accesses) for the ANN's P
        // MACs (one weight read each) and its N output writes.
        let per_ac = energy.energy_pj(0.0, 1.0, ACCESSES_PER_AC);
        self.break_even_rate = (self.input == "spike" && per_ac > 0.0 && self.ann_macs > 0.0).then(|| self.ann_energy_pj / (self.ann_macs * per_ac));
    }

    /// Adds the spikes of the neuron step that follows the layer (and, for a multi-step neuron,
    /// the membrane it reads and writes every step).
    pub(crate) fn fired(&mut self, out: &Activation, pass: &Pass, energy: &EnergyModel) {
        self.spikes = out.spike_count() as f64 / pass.samples.max(1) as f64;
        self.firing_rate = out.firing_rate();
        if pass.steps > 1 {
            self.mem_accesses += MEMBRANE_ACCESSES * (self.neurons * pass.steps) as f64;
            self.price(energy);
        }
    }

    /// Memory accesses of the same layer in an ANN doing `macs` products: a weight read each,
    /// one write per output.
    fn ann_mem_accesses(&self, macs: f64) -> f64 {
        macs + self.neurons as f64
    }

    /// (MACs, ACs, memory accesses) of this layer if a real-valued input's zeros were skipped
    /// too (spike-fed layers skip theirs already; signs are never zero).
    fn zero_skipping(&self, steps: usize) -> (f64, f64, f64) {
        if self.input != "real" {
            return (self.macs, self.acs, self.mem_accesses);
        }
        let (macs, steps) = (self.ann_sparse_macs * steps as f64, steps as f64);
        let membrane = self.mem_accesses - (self.macs + self.neurons as f64 * steps);
        (macs, 0.0, macs + self.neurons as f64 * steps + membrane)
    }
}

impl OpReport {
    /// The report of a pass over `samples` samples of `steps` steps with these layers (hidden
    /// layers in order, then the readout), and its baselines: the ANN twin, dense and
    /// zero-skipping, and the T-step SNN with the same per-step firing.
    pub fn of(layers: Vec<LayerOps>, samples: usize, steps: usize, energy: &EnergyModel) -> OpReport {
        let sum = |f: &dyn Fn(&LayerOps) -> f64| layers.iter().map(f).sum::<f64>();
        let (macs, acs, mem_accesses) = (sum(&|l| l.macs), sum(&|l| l.acs), sum(&|l| l.mem_accesses));
        let ann_sparse_macs = sum(&|l| l.ann_sparse_macs);
        let ann_energy_pj = sum(&|l| l.ann_energy_pj);
        let ann_sparse_energy_pj = sum(&|l| l.ann_sparse_energy_pj);
        // T-step equivalent: real-input layers run every step as MACs; spike-fed layers see the
        // observed spikes per step, T times; every spiking layer keeps a membrane across steps.
        let t_eq = energy.snn_steps as f64;
        let per_step = |v: f64| if steps > 1 { v / steps as f64 } else { v };
        let snn_macs = sum(&|l| if l.input == "real" { l.ann_macs * t_eq } else { 0.0 });
        let snn_acs = sum(&|l| match l.input.as_str() {
            "real" => 0.0,
            "spike" => per_step(l.acs) * t_eq,
            _ => l.ann_macs * t_eq,
        });
        let hidden = layers.len().saturating_sub(1); // the last is the readout, which has no neuron
        let snn_mem_accesses: f64 = layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let products = match l.input.as_str() {
                    "spike" => ACCESSES_PER_AC * per_step(l.acs),
                    _ => l.ann_mem_accesses(l.ann_macs),
                };
                let membrane = if i < hidden { MEMBRANE_ACCESSES * l.neurons as f64 } else { 0.0 };
                (products + membrane) * t_eq
            })
            .sum();
        let energy_pj = energy.energy_pj(macs, acs, mem_accesses);
        let sparse_energy_pj = sum(&|l| {
            let (m, a, r) = l.zero_skipping(steps);
            energy.energy_pj(m, a, r)
        });
        OpReport {
            samples,
            steps,
            layers,
            macs,
            acs,
            mem_accesses,
            energy_pj,
            sparse_energy_pj,
            ann_energy_pj,
            ann_sparse_macs,
            ann_sparse_energy_pj,
            snn_steps: energy.snn_steps,
            snn_macs,
            snn_acs,
            snn_mem_accesses,
            snn_energy_pj: energy.energy_pj(snn_macs, snn_acs, snn_mem_accesses),
            ratio_to_ann: if ann_energy_pj > 0.0 { energy_pj / ann_energy_pj } else { 0.0 },
            energy_model: *energy,
        }
    }

    /// Sample-weighted mean of several reports (e.g. over the batches of a test set).
    pub fn merge(reports: &[OpReport]) -> Option<OpReport> {
        let total: usize = reports.iter().map(|r| r.samples).sum();
        let first = reports.first()?.clone();
        if total == 0 {
            return Some(first);
        }
        let w = |r: &OpReport| r.samples as f64 / total as f64;
        let mut out = first.clone();
        out.samples = total;
        for (li, l) in out.layers.iter_mut().enumerate() {
            l.macs = reports.iter().map(|r| r.layers[li].macs * w(r)).sum();
            l.acs = reports.iter().map(|r| r.layers[li].acs * w(r)).sum();
            l.spikes = reports.iter().map(|r| r.layers[li].spikes * w(r)).sum();
            l.firing_rate = reports.iter().map(|r| r.layers[li].firing_rate * w(r)).sum();
            l.mem_accesses = reports.iter().map(|r| r.layers[li].mem_accesses * w(r)).sum();
            l.energy_pj = reports.iter().map(|r| r.layers[li].energy_pj * w(r)).sum();
            l.ann_sparse_macs = reports.iter().map(|r| r.layers[li].ann_sparse_macs * w(r)).sum();
            l.ann_sparse_energy_pj = reports.iter().map(|r| r.layers[li].ann_sparse_energy_pj * w(r)).sum();
        }
        let avg = |f: fn(&OpReport) -> f64| reports.iter().map(|r| f(r) * w(r)).sum::<f64>();
        out.macs = avg(|r| r.macs);
        out.acs = avg(|r| r.acs);
        out.mem_accesses = avg(|r| r.mem_accesses);
        out.energy_pj = avg(|r| r.energy_pj);
        out.ann_sparse_macs = avg(|r| r.ann_sparse_macs);
        out.ann_sparse_energy_pj = avg(|r| r.ann_sparse_energy_pj);
        out.sparse_energy_pj = avg(|r| r.sparse_energy_pj);
        out.snn_mem_accesses = avg(|r| r.snn_mem_accesses);
        out.snn_macs = avg(|r| r.snn_macs);
        out.snn_acs = avg(|r| r.snn_acs);
        out.snn_energy_pj = avg(|r| r.snn_energy_pj);
        out.ratio_to_ann = if out.ann_energy_pj > 0.0 { out.energy_pj / out.ann_energy_pj } else { 0.0 };
        Some(out)
    }
}
