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
    /// Time steps of the "same network as a T-step SNN" estimate.
    pub snn_steps: usize,
}

impl Default for EnergyModel {
    fn default() -> Self {
        Self { e_mac_pj: 4.6, e_ac_pj: 0.9, snn_steps: 4 }
    }
}

impl EnergyModel {
    pub fn energy_pj(&self, macs: f64, acs: f64) -> f64 {
        macs * self.e_mac_pj + acs * self.e_ac_pj
    }

    pub fn validate(&self) -> crate::error::Result<()> {
        if !(self.e_mac_pj.is_finite() && self.e_mac_pj >= 0.0 && self.e_ac_pj.is_finite() && self.e_ac_pj >= 0.0) {
            return Err(crate::error::S3nnError::Config("energy per MAC/AC must be finite and ≥ 0".into()));
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
    pub energy_pj: f64,
    /// The same layer in an ANN: every product a MAC.
    pub ann_macs: f64,
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
    /// The same architecture as a full-precision ANN.
    pub ann_energy_pj: f64,
    /// The same architecture as a T-step SNN with the same per-step firing (T = `snn_steps`).
    pub snn_steps: usize,
    pub snn_macs: f64,
    pub snn_acs: f64,
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
        let (macs, acs) = match input {
            Signal::Real => (dense_products * steps, 0.0),
            Signal::Sign => (0.0, dense_products * steps),
            Signal::Spike => (0.0, events as f64 * fan_out as f64 / n),
        };
        LayerOps {
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
            neurons: fan_out * positions,
            macs,
            acs,
            spikes: 0.0,
            firing_rate: 0.0,
            energy_pj: energy.energy_pj(macs, acs),
            ann_macs: dense_products,
        }
    }

    /// Adds the spikes of the neuron step that follows the layer.
    pub(crate) fn fired(&mut self, out: &Activation, pass: &Pass) {
        self.spikes = out.spike_count() as f64 / pass.samples.max(1) as f64;
        self.firing_rate = out.firing_rate();
    }
}

impl OpReport {
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
            l.energy_pj = reports.iter().map(|r| r.layers[li].energy_pj * w(r)).sum();
        }
        let avg = |f: fn(&OpReport) -> f64| reports.iter().map(|r| f(r) * w(r)).sum::<f64>();
        out.macs = avg(|r| r.macs);
        out.acs = avg(|r| r.acs);
        out.energy_pj = avg(|r| r.energy_pj);
        out.snn_macs = avg(|r| r.snn_macs);
        out.snn_acs = avg(|r| r.snn_acs);
        out.snn_energy_pj = avg(|r| r.snn_energy_pj);
        out.ratio_to_ann = if out.ann_energy_pj > 0.0 { out.energy_pj / out.ann_energy_pj } else { 0.0 };
        Some(out)
    }
}
