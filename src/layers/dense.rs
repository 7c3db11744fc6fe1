//! A dense (fully connected) hidden layer: `u = b + x·W` over the input's events, so a spike-fed
//! layer adds only the weight rows of the inputs that spiked. `nn.Linear` in PyTorch.

use super::linear::Linear;
use super::Pass;
use crate::activation::{Activation, Events};
use crate::neuron::Signal;
use crate::ops::{EnergyModel, LayerOps};
use crate::params::{Layout, Owner, Param, ParamMut};
use crate::rng::Rng;
use crate::spec::Shape;

#[derive(Clone, Debug)]
pub struct Dense {
    pub linear: Linear,
    /// Shape of one input sample (HWC when it follows a conv stack: see [`Layout::Dense`]).
    pub input: Shape,
    /// Input events of the last forward.
    events: Events,
    /// Pre-activation of the last forward.
    pub(super) out: Activation,
}

impl Dense {
    pub fn new(input: Shape, units: usize, rng: &mut Rng) -> Self {
        Self { linear: Linear::new(input.len(), units, rng), input, events: Events::default(), out: Activation::default() }
    }

    pub fn forward(&mut self, input: &Activation, pass: &Pass) {
        let rows = pass.rows();
        self.events.rebuild(&input.dense, rows, input.cols, input.signal == Some(Signal::Spike));
        self.out.reset(rows, self.linear.fan_out, Signal::Real);
        self.linear.forward(&self.events, input.repeats, &mut self.out.dense);
    }

    pub fn backward(
        &mut self,
        g: &mut Vec<f32>,
        spare: &mut Vec<f32>,
        input_grad: bool,
        groups: super::Groups,
    ) {
        self.linear
            .backward(&self.events, g, input_grad.then_some(&mut *spare), groups);
        if input_grad {
            std::mem::swap(g, spare);
        }
    }

    pub fn ops(&self, name: String, input: Signal, pass: &Pass, energy: &EnergyModel) -> LayerOps {
        let l = &self.linear;
        LayerOps::product(name, "dense", input, l.fan_in, l.fan_out, 1, self.events.count(), pass, energy)
    }

    pub fn layout(&self) -> Layout {
        Layout::Dense { fan_in: self.linear.fan_in, fan_out: self.linear.fan_out, input: self.input }
    }

    pub fn params<'a>(&'a self, owner: Owner, f: &mut dyn FnMut(Param<'a>)) {
        self.linear.params(owner, self.layout(), f)
    }

    pub fn params_mut<'a>(&'a mut self, owner: Owner, f: &mut dyn FnMut(ParamMut<'a>)) {
        let layout = self.layout();
        self.linear.params_mut(owner, layout, f)
    }
}
