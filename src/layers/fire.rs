//! The neuron step after a weight layer (and its batch norm): turns the pre-activation into the
//! signal the next layer sees (spikes, ReLU values or signs; see [`NeuronModel`]), and records
//! the spikes and potentials of the pass.

use super::Pass;
use crate::activation::Activation;
use crate::inspect::LayerRecord;
use crate::neuron::{NeuronModel, Signal};
use crate::spec::Shape;

#[derive(Clone, Debug)]
pub struct Fire {
    pub neuron: NeuronModel,
    /// Neurons per sample and step.
    pub shape: Shape,
    /// The pre-activation of the last forward; for the multi-step neuron the pre-reset membrane
    /// potential of every step (where the surrogate is evaluated in backward).
    u: Vec<f32>,
    /// The emitted signal of the last forward.
    out: Activation,
    /// Working memory (the membrane between steps, shifted potentials).
    scratch: Vec<f32>,
}

impl Fire {
    pub fn new(neuron: NeuronModel, shape: Shape) -> Self {
        Self { neuron, shape, u: Vec::new(), out: Activation::default(), scratch: Vec::new() }
    }

    /// Neurons of one time step over the whole batch: the stride between steps.
    fn step_width(&self) -> usize {
        self.out.rows / self.neuron.steps() * self.shape.len()
    }

    pub fn forward(&mut self, input: &Activation, pass: &Pass) {
        self.u.clear();
        self.u.extend_from_slice(&input.dense);
        let signal = if pass.smooth { Signal::Real } else { self.neuron.signal() };
        self.out.reset(input.rows, input.cols, signal);
        let width = self.step_width();
        self.neuron.forward(&mut self.u, &mut self.out.dense, width, pass.smooth, &mut self.scratch);
    }

    /// Turns dL/d output into dL/du in place.
    pub fn backward(&mut self, g: &mut [f32]) {
        let width = self.step_width();
        self.neuron.backward(&self.u, &self.out.dense, g, width, &mut self.scratch);
    }

    pub fn output(&self) -> &Activation {
        &self.out
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
            potentials: self.u.iter().map(|&v| v - theta).collect(),
            firing_rate: self.out.firing_rate(),
        }
    }
}
