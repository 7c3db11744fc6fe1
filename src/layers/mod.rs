//! Layer kinds, each in its own file, owning its forward, backward, record, operation count and
//! parameters: [`Dense`], [`Conv`], [`MaxPool`], [`BatchNorm`], [`Fire`] (the neuron step) and the
//! [`Readout`]. A model is a list of [`Layer`]s and a readout; the one dispatch is here.
//!
//! Every layer reads the previous layer's output [`Activation`] and keeps its own (rows
//! `steps × batch`, t-major), so the backward pass and the spike record find what they need.
//! A layer whose input is needed by nobody else (the pre-activation, read only by the batch norm
//! or neuron step after it) takes the input's buffer instead of copying it; so dense and conv
//! layers, which such takers follow, never read their own output after their forward.

pub mod batchnorm;
pub mod conv;
pub mod dense;
pub mod fire;
pub mod linear;
pub mod patterns;
pub mod pool;
pub mod readout;

pub use batchnorm::BatchNorm;
pub use conv::Conv;
pub use dense::Dense;
pub use fire::{Fire, LayerRecord};
use linear::Linear;
pub use pool::MaxPool;
pub use readout::Readout;

use crate::activation::Activation;
use crate::neuron::Signal;
use crate::ops::{EnergyModel, LayerOps};
use crate::params::{shared_and_mut, Owner, Param, ParamMut};

pub use crate::pass::{Groups, Pass};

#[derive(Clone, Debug)]
pub enum Layer {
    Dense(Dense),
    Conv(Conv),
    MaxPool(MaxPool),
    BatchNorm(BatchNorm),
    Fire(Fire),
}

impl Layer {
    /// Forward over `input` (the previous layer's output; see the module note on taking it).
    pub fn forward(&mut self, input: &mut Activation, pass: &Pass) {
        match self {
            Layer::Dense(l) => l.forward(input, pass),
            Layer::Conv(l) => l.forward(input, pass),
            Layer::MaxPool(l) => l.forward(input, pass),
            Layer::BatchNorm(l) => l.forward(input, pass),
            Layer::Fire(l) => l.forward(input, pass),
        }
    }

    /// Turns `g` (dL/d output of the last forward) into dL/d input, accumulating parameter
    /// gradients on the way; `spare` is working memory. `input_grad = false` (the first layer)
    /// skips the input gradient, leaving `g` as it is.
    pub fn backward(
        &mut self,
        g: &mut Vec<f32>,
        spare: &mut Vec<f32>,
        input_grad: bool,
        groups: Groups,
    ) {
        match self {
            Layer::Dense(l) => l.backward(g, spare, input_grad, groups),
            Layer::Conv(l) => l.backward(g, spare, input_grad, groups),
            Layer::MaxPool(l) => l.backward(g, spare, input_grad),
            Layer::BatchNorm(l) => l.backward(g),
            Layer::Fire(l) => l.backward(g),
        }
    }

    /// Output of the last forward.
    pub fn output(&self) -> &Activation {
        match self {
            Layer::Dense(l) => &l.out,
            Layer::Conv(l) => &l.out,
            Layer::MaxPool(l) => &l.out,
            Layer::BatchNorm(l) => &l.out,
            Layer::Fire(l) => &l.out,
        }
    }

    /// The output, for the next layer's forward.
    pub fn output_mut(&mut self) -> &mut Activation {
        match self {
            Layer::Dense(l) => &mut l.out,
            Layer::Conv(l) => &mut l.out,
            Layer::MaxPool(l) => &mut l.out,
            Layer::BatchNorm(l) => &mut l.out,
            Layer::Fire(l) => &mut l.out,
        }
    }

    /// The layer's operations in the last forward (weight layers only), fed by `input`.
    pub fn ops(
        &self,
        name: String,
        input: Signal,
        pass: &Pass,
        energy: &EnergyModel,
    ) -> Option<LayerOps> {
        match self {
            Layer::Dense(l) => Some(l.ops(name, input, pass, energy)),
            Layer::Conv(l) => Some(l.ops(name, input, pass, energy)),
            Layer::MaxPool(_) | Layer::BatchNorm(_) | Layer::Fire(_) => None,
        }
    }

    /// "dense", "conv", … as in records and op counts.
    pub fn kind(&self) -> &'static str {
        match self {
            Layer::Dense(_) => "dense",
            Layer::Conv(_) => "conv",
            Layer::MaxPool(_) => "maxPool",
            Layer::BatchNorm(_) => "batchNorm",
            Layer::Fire(_) => "fire",
        }
    }

    /// Whether the layer holds a weight matrix (and so gets a `layers.{k}` name).
    pub fn has_weights(&self) -> bool {
        matches!(self, Layer::Dense(_) | Layer::Conv(_))
    }
}

/// `next` is the index the next weight layer gets; a batch norm is named after the weight layer
/// it follows (the model places one right after a weight layer, never elsewhere).
macro_rules! layer_params {
    ($name:ident, $param:ident $(, $m:ident)?) => {
        pub fn $name<'a>(&'a $($m)? self, next: &mut usize, f: &mut dyn FnMut($param<'a>)) {
            match self {
                Layer::Dense(l) => {
                    l.$name(Owner::Layer(*next), f);
                    *next += 1;
                }
                Layer::Conv(l) => {
                    l.$name(Owner::Layer(*next), f);
                    *next += 1;
                }
                Layer::BatchNorm(l) => l.$name(Owner::Norm(next.saturating_sub(1)), f),
                Layer::MaxPool(_) | Layer::Fire(_) => {}
            }
        }
    };
}

impl Layer {
    shared_and_mut!(layer_params);

    /// The weight matrix of a dense or conv layer.
    pub fn linear(&self) -> Option<&Linear> {
        match self {
            Layer::Dense(l) => Some(&l.linear),
            Layer::Conv(l) => Some(&l.linear),
            _ => None,
        }
    }

    /// [`Layer::linear`], exclusive.
    pub fn linear_mut(&mut self) -> Option<&mut Linear> {
        match self {
            Layer::Dense(l) => Some(&mut l.linear),
            Layer::Conv(l) => Some(&mut l.linear),
            _ => None,
        }
    }

    /// Calls `f` on each trainable tensor's gradient, in the order of the parameter walk,
    /// without touching the values (which a sharded step's replicas share).
    pub fn grads_mut<'a>(&'a mut self, f: &mut dyn FnMut(&'a mut [f32])) {
        let grads = match self {
            Layer::Dense(l) => l.linear.grads_mut(),
            Layer::Conv(l) => l.linear.grads_mut(),
            Layer::BatchNorm(l) => l.grads_mut(),
            Layer::MaxPool(_) | Layer::Fire(_) => return,
        };
        grads.into_iter().for_each(f);
    }
}
