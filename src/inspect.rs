//! One forward pass seen from outside: every spiking/weight layer's spikes and potentials, the
//! class probabilities and the operation counts, so a probe of the page costs one pass.

use crate::error::Result;
use crate::loss::softmax;
use crate::model::Model;
use crate::ops::{self, EnergyModel, OpReport};
use crate::spec::Shape;
use serde::Serialize;

/// What one hidden dense/conv layer did in the pass.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerRecord {
    /// "layer1", "layer2", …: counting the weight layers from 1 (as in [`OpReport`]).
    pub name: String,
    /// "dense" or "conv".
    pub kind: &'static str,
    /// Output shape per sample and step.
    pub shape: Shape,
    pub steps: usize,
    /// 1 where a neuron spiked, `(steps·n) × neurons`, rows t-major, neurons HWC.
    pub spikes: Vec<u8>,
    /// `u − θ` (the distance to the threshold), same layout as `spikes`.
    pub potentials: Vec<f32>,
    /// See [`crate::activation::Activation::firing_rate`].
    pub firing_rate: f64,
}

/// Everything one inference pass over `n` samples shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub layers: Vec<LayerRecord>,
    /// Softmax of the logits, `n × classes`.
    pub probabilities: Vec<f32>,
    pub ops: OpReport,
}

impl Model {
    /// Runs `n` samples (inference mode) and returns what every layer did, the class
    /// probabilities and the operation counts of that one pass.
    pub fn inspect(&mut self, x: &[f32], n: usize, energy: &EnergyModel) -> Result<Inspection> {
        energy.validate()?;
        let classes = self.classes();
        let probabilities = softmax(self.forward(x, n, false)?, classes);
        Ok(Inspection { layers: self.layer_records(), probabilities, ops: ops::count(self, energy) })
    }
}
