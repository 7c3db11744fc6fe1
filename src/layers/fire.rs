//! The neuron step after a weight layer (and its batch norm): turns the pre-activation into the
//! signal the next layer sees (spikes, ReLU values or signs; see [`NeuronModel`]), and records
//! the spikes and potentials of the pass.

use super::Pass;
use crate::activation::Activation;
use serde::Serialize;
use crate::neuron::{NeuronModel, Signal};
use crate::spec::Shape;

#[derive(Clone, Debug)]
pub struct Fire {
    pub neuron: NeuronModel,
    /// Neurons per sample and step.
    pub shape: Shape,
    /// The pre-activation of the last forward; for the multi-step neuron the pre-reset membrane
    /// potential of every step (where the surrogate is evaluated in backward).
    u: Activation,
    /// The emitted signal of the last forward.
    pub(super) out: Activation,
    /// Working memory (the membrane between steps, shifted potentials).
    scratch: Vec<f32>,
}

impl Fire {
    pub fn new(neuron: NeuronModel, shape: Shape) -> Self {
        Self { neuron, shape, u: Activation::default(), out: Activation::default(), scratch: Vec::new() }
    }

    /// Neurons of one time step over the whole batch: the stride between steps.
    fn step_width(&self) -> usize {
        self.out.rows / self.neuron.steps() * self.shape.len()
    }

    /// Fires on `input` (the pre-activation), taking its buffer: nothing else reads it, and so
    /// nothing is copied.
    pub fn forward(&mut self, input: &mut Activation, pass: &Pass) {
        std::mem::swap(&mut self.u, input);
        let signal = if pass.smooth { Signal::Real } else { self.neuron.signal() };
        self.out.reset(self.u.rows, self.u.cols, signal);
        let width = self.step_width();
        self.neuron.forward(&mut self.u.dense, &mut self.out.dense, width, pass.smooth, &mut self.scratch);
    }

    /// Turns dL/d output into dL/du in place.
    pub fn backward(&mut self, g: &mut [f32]) {
        let width = self.step_width();
        self.neuron.backward(&self.u.dense, &self.out.dense, g, width, &mut self.scratch);
    }

    /// The last forward's spikes and potentials `u − θ`, as `name` (of kind `kind`).
    pub fn record(&self, name: String, kind: &'static str) -> LayerRecord {
        let theta = self.neuron.threshold();
        LayerRecord {
            name,
            kind,
            shape: self.shape,
            steps: self.neuron.steps(),
            spikes: (0..self.out.dense.len()).map(|i| u8::from(self.out.is_spike(i))).collect(),
            potentials: self.u.dense.iter().map(|&v| v - theta).collect(),
            firing_rate: self.out.firing_rate(),
        }
    }
}

/// What one hidden dense/conv layer did in the pass.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerRecord {
    /// "layer1", "layer2", …: counting the weight layers from 1 (as in `OpReport`).
    pub name: String,
    /// "dense" or "conv".
    pub kind: &'static str,
    /// Output shape per sample and step.
    pub shape: Shape,
    pub steps: usize,
    /// 1 where a neuron spiked, `(steps·n) × neurons`, rows t-major, neurons HWC.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Uint8Array"))]
    pub spikes: Vec<u8>,
    /// `u − θ` (the distance to the threshold), same layout as `spikes`.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "Float32Array"))]
    pub potentials: Vec<f32>,
    /// See [`crate::activation::Activation::firing_rate`].
    pub firing_rate: f64,
}

