//! The one walk over a model's parameters: each tensor with its PyTorch `state_dict` name, its
//! layout here and in PyTorch, its values and (for trainable tensors) its gradient.
//!
//! The optimizers, gradient zeroing, parameter counts, gradient norms and model files all use it,
//! so a layer kind declares its tensors once (in its own file) and every one of those follows.
//!
//! Names: `layers.{k}.weight|bias` for the k-th hidden weight layer (dense or conv, k counting
//! from 0 over weight layers only), `layers.{k}.bn.weight|bias|running_mean|running_var` for the
//! batch norm after it, `readout.weight|bias`. The running statistics are buffers: saved in
//! model files, never trained (`grad` is `None`).

use crate::spec::Shape;
use std::fmt;

/// The module a tensor belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// `layers.{k}`: the k-th hidden weight layer.
    Layer(usize),
    /// `layers.{k}.bn`: the batch norm after hidden weight layer k.
    Norm(usize),
    /// `readout`.
    Readout,
}

impl Owner {
    pub fn field(self, field: &'static str) -> ParamName {
        ParamName { owner: self, field }
    }
}

/// A tensor's PyTorch name; formatting it is the only thing that allocates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamName {
    pub owner: Owner,
    /// `weight`, `bias`, `running_mean` or `running_var`.
    pub field: &'static str,
}

impl ParamName {
    /// A dense or conv layer's bias (or the readout's): the tensors a NaN or inf anywhere in the
    /// backward pass reaches first, which the trainer checks before an update.
    pub fn is_layer_bias(&self) -> bool {
        self.field == "bias" && !matches!(self.owner, Owner::Norm(_))
    }
}

impl fmt::Display for ParamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.owner {
            Owner::Layer(k) => write!(f, "layers.{k}.{}", self.field),
            Owner::Norm(k) => write!(f, "layers.{k}.bn.{}", self.field),
            Owner::Readout => write!(f, "readout.{}", self.field),
        }
    }
}

/// How a tensor is laid out here, and in PyTorch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `[len]` in both (biases, batch-norm tensors).
    Vector(usize),
    /// Ours `[fan_in × fan_out]` (input-major: the weights an input spike adds are one row);
    /// `nn.Linear.weight` is `[fan_out, fan_in]` with a spatial input in `nn.Flatten`'s CHW order
    /// where ours is HWC.
    Dense { fan_in: usize, fan_out: usize, input: Shape },
    /// Ours `[(ky·k + kx)·C_in + c_in] × C_out`; `nn.Conv2d.weight` is `[C_out, C_in, k, k]`.
    Conv { c_in: usize, c_out: usize, kernel: usize },
}

impl Layout {
    pub fn len(&self) -> usize {
        match *self {
            Layout::Vector(n) => n,
            Layout::Dense { fan_in, fan_out, .. } => fan_in * fan_out,
            Layout::Conv { c_in, c_out, kernel } => c_in * c_out * kernel * kernel,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// PyTorch's shape of the tensor.
    pub fn torch_shape(&self) -> Vec<usize> {
        match *self {
            Layout::Vector(n) => vec![n],
            Layout::Dense { fan_in, fan_out, .. } => vec![fan_out, fan_in],
            Layout::Conv { c_in, c_out, kernel } => vec![c_out, c_in, kernel, kernel],
        }
    }

    /// Calls `f(ours, torch)` for every element: its index in our layout and in PyTorch's. One
    /// mapping serves both directions of the conversion.
    fn for_each_index(&self, mut f: impl FnMut(usize, usize)) {
        match *self {
            Layout::Vector(n) => (0..n).for_each(|i| f(i, i)),
            Layout::Dense { fan_in, fan_out, input } => {
                for i in 0..fan_in {
                    let ti = hwc_to_chw(i, input);
                    for o in 0..fan_out {
                        f(i * fan_out + o, o * fan_in + ti);
                    }
                }
            }
            Layout::Conv { c_in, c_out, kernel: k } => {
                for co in 0..c_out {
                    for ci in 0..c_in {
                        for ky in 0..k {
                            for kx in 0..k {
                                f(((ky * k + kx) * c_in + ci) * c_out + co, ((co * c_in + ci) * k + ky) * k + kx);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Our values in PyTorch's layout.
    pub fn to_torch(&self, ours: &[f32]) -> Vec<f32> {
        let mut out = vec![0.0f32; ours.len()];
        self.for_each_index(|o, t| out[t] = ours[o]);
        out
    }

    /// Fills `ours` from PyTorch's layout (`torch` already checked against `torch_shape`).
    pub fn from_torch(&self, torch: &[f32], ours: &mut [f32]) {
        self.for_each_index(|o, t| ours[o] = torch[t]);
    }
}

/// Index of HWC feature `i` in CHW order (identity for flat or single-channel inputs).
fn hwc_to_chw(i: usize, s: Shape) -> usize {
    if s.c == 1 || s.h * s.w == 1 {
        return i;
    }
    let (p, c) = (i / s.c, i % s.c);
    c * s.h * s.w + p
}

/// A tensor seen through shared access.
pub struct Param<'a> {
    pub name: ParamName,
    pub layout: Layout,
    pub value: &'a [f32],
    /// `None` for buffers (batch-norm running statistics).
    pub grad: Option<&'a [f32]>,
}

/// A tensor seen through exclusive access (optimizer steps, gradient zeroing, loading).
pub struct ParamMut<'a> {
    pub name: ParamName,
    pub layout: Layout,
    pub value: &'a mut [f32],
    /// `None` for buffers (batch-norm running statistics).
    pub grad: Option<&'a mut [f32]>,
}

/// Writes a walk once and expands it for shared and for exclusive access: `$walk!(name, Param)`
/// and `$walk!(name_mut, ParamMut, mut)`, the body borrowing with `& $($m)?`.
macro_rules! shared_and_mut {
    ($walk:ident) => {
        $walk!(params, Param);
        $walk!(params_mut, ParamMut, mut);
    };
}
pub(crate) use shared_and_mut;
