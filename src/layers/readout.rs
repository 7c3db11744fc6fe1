//! The real-valued output layer (`nn.Linear`): logits per time step, averaged over the steps.

use super::linear::Linear;
use super::Pass;
use crate::activation::{Activation, Events};
use crate::neuron::Signal;
use crate::ops::{EnergyModel, LayerOps};
use crate::params::{Layout, Owner, Param, ParamMut};
use crate::rng::Rng;
use crate::spec::Shape;

#[derive(Clone, Debug)]
pub struct Readout {
    pub linear: Linear,
    /// Shape of one input sample.
    pub input: Shape,
    /// Input events of the last forward.
    events: Events,
    /// Logits of every step, `[steps × batch, classes]`.
    logits_t: Vec<f32>,
    /// Logits averaged over the steps, `[batch, classes]`.
    logits: Vec<f32>,
    /// dL/d logits of every step, for backward.
    grad: Vec<f32>,
}

impl Readout {
    pub fn new(input: Shape, classes: usize, rng: &mut Rng) -> Self {
        Self {
            linear: Linear::new(input.len(), classes, rng),
            input,
            events: Events::default(),
            logits_t: Vec::new(),
            logits: Vec::new(),
            grad: Vec::new(),
        }
    }

    /// The logits of `pass.samples` samples, averaged over time steps.
    pub fn forward(&mut self, input: &Activation, pass: &Pass) -> &[f32] {
        self.events.rebuild(&input.dense, pass.rows(), input.cols, input.signal == Some(Signal::Spike));
        self.linear.forward(&self.events, input.repeats, &mut self.logits_t);
        let (n, k, steps) = (pass.samples, self.linear.fan_out, pass.steps);
        self.logits.clear();
        self.logits.resize(n * k, 0.0);
        for t in 0..steps {
            for (o, &v) in self.logits.iter_mut().zip(&self.logits_t[t * n * k..(t + 1) * n * k]) {
                *o += v;
            }
        }
        if steps > 1 {
            let inv = 1.0 / steps as f32;
            self.logits.iter_mut().for_each(|v| *v *= inv);
        }
        &self.logits
    }

    /// Logits of the last forward.
    pub fn logits(&self) -> &[f32] {
        &self.logits
    }

    /// From dL/d logits `[batch × classes]`: accumulates the gradients and, if `din` is given,
    /// writes dL/d input there.
    pub fn backward(
        &mut self,
        dlogits: &[f32],
        steps: usize,
        din: Option<&mut Vec<f32>>,
        groups: super::Groups,
    ) {
        // d logits_t = d logits / T for every step.
        self.grad.clear();
        let inv = 1.0 / steps as f32;
        for _ in 0..steps {
            self.grad.extend(dlogits.iter().map(|g| g * inv));
        }
        self.linear.backward(&self.events, &self.grad, din, groups);
    }

    pub fn ops(&self, input: Signal, pass: &Pass, energy: &EnergyModel) -> LayerOps {
        let l = &self.linear;
        LayerOps::product("readout".into(), "dense", input, l.fan_in, l.fan_out, 1, self.events.count(), pass, energy)
    }

    pub fn layout(&self) -> Layout {
        Layout::Dense { fan_in: self.linear.fan_in, fan_out: self.linear.fan_out, input: self.input }
    }

    pub fn params<'a>(&'a self, f: &mut dyn FnMut(Param<'a>)) {
        self.linear.params(Owner::Readout, self.layout(), f)
    }

    pub fn params_mut<'a>(&'a mut self, f: &mut dyn FnMut(ParamMut<'a>)) {
        let layout = self.layout();
        self.linear.params_mut(Owner::Readout, layout, f)
    }
}
