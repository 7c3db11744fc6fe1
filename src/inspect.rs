//! One forward pass seen from outside: every spiking/weight layer's spikes and potentials, the
//! class probabilities and the operation counts, so a probe of the page costs one pass.

use crate::budget::PassKind;
use crate::error::Result;
use crate::loss::softmax;
use crate::model::Model;
pub use crate::layers::LayerRecord;
use crate::ops::{EnergyModel, OpReport};
use serde::Serialize;

/// Everything one inference pass over `n` samples shows.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub layers: Vec<LayerRecord>,
    /// Softmax of the logits, `n × classes`.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Float32Array"))]
    pub probabilities: Vec<f32>,
    pub ops: OpReport,
}

impl Model {
    /// Runs `n` samples (inference mode) and returns what every layer did, the class
    /// probabilities and the operation counts of that one pass.
    pub fn inspect(&mut self, x: &[f32], n: usize, energy: &EnergyModel) -> Result<Inspection> {
        energy.validate()?;
        // The records are as large as the activations: budget them before the pass.
        self.check_input(x, n, PassKind::Inspect)?;
        let classes = self.classes();
        let probabilities = softmax(self.forward_checked(x, n, false)?, classes);
        Ok(Inspection { layers: self.layer_records(), probabilities, ops: self.op_report(energy) })
    }
}
