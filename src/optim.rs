//! Optimizers (PyTorch semantics): SGD with momentum and Adam, over every parameter of a network.

use crate::error::{Result, S3nnError};
use crate::kernels;
use crate::parallel;
use crate::model::Model;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum OptimizerSpec {
    Sgd {
        lr: f32,
        #[serde(default)]
        momentum: f32,
        #[serde(default)]
        weight_decay: f32,
    },
    Adam {
        lr: f32,
        #[serde(default = "b1")]
        beta1: f32,
        #[serde(default = "b2")]
        beta2: f32,
        #[serde(default = "eps")]
        eps: f32,
        #[serde(default)]
        weight_decay: f32,
    },
}
fn b1() -> f32 {
    0.9
}
fn b2() -> f32 {
    0.999
}
fn eps() -> f32 {
    1e-8
}

impl Default for OptimizerSpec {
    fn default() -> Self {
        OptimizerSpec::Adam { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 }
    }
}

impl OptimizerSpec {
    /// `adam` or `sgd` (momentum 0.9) with the given learning rate.
    pub fn from_name(name: &str, lr: f32) -> Result<Self> {
        let s = match name.to_ascii_lowercase().as_str() {
            "adam" => OptimizerSpec::Adam { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 },
            "sgd" => OptimizerSpec::Sgd { lr, momentum: 0.9, weight_decay: 0.0 },
            other => return Err(S3nnError::Config(format!("unknown optimizer '{other}' (expected adam or sgd)"))),
        };
        s.validate()?;
        Ok(s)
    }

    pub fn validate(&self) -> Result<()> {
        let ok = |name: &str, v: f32, lo: f32, hi: f32| {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(S3nnError::Config(format!("{name} must be in [{lo}, {hi}], got {v}")))
            }
        };
        match *self {
            OptimizerSpec::Sgd { lr, momentum, weight_decay } => {
                ok("learning rate", lr, 1e-12, 100.0)?;
                ok("momentum", momentum, 0.0, 0.999_999)?;
                ok("weight decay", weight_decay, 0.0, 1.0)
            }
            OptimizerSpec::Adam { lr, beta1, beta2, eps, weight_decay } => {
                ok("learning rate", lr, 1e-12, 100.0)?;
                ok("beta1", beta1, 0.0, 0.999_999)?;
                ok("beta2", beta2, 0.0, 0.999_999_9)?;
                ok("eps", eps, 1e-30, 1.0)?;
                ok("weight decay", weight_decay, 0.0, 1.0)
            }
        }
    }

    /// Replaces the learning rate (unchecked: `validate` is the caller's; a schedule may reach 0).
    pub fn set_lr(&mut self, lr: f32) {
        match self {
            OptimizerSpec::Sgd { lr: l, .. } | OptimizerSpec::Adam { lr: l, .. } => *l = lr,
        }
    }

    pub fn lr(&self) -> f32 {
        match *self {
            OptimizerSpec::Sgd { lr, .. } | OptimizerSpec::Adam { lr, .. } => lr,
        }
    }
}

/// Optimizer state: one moment buffer (two for Adam) per parameter tensor, in network order.
#[derive(Clone, Debug)]
pub struct Optimizer {
    pub spec: OptimizerSpec,
    pub t: u64,
    /// β1^t and β2^t, kept by repeated multiplication (no `powf`: identical on every target).
    b1_pow: f32,
    b2_pow: f32,
    m: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
}

impl Optimizer {
    pub fn new(spec: OptimizerSpec) -> Result<Self> {
        spec.validate()?;
        Ok(Self { spec, t: 0, b1_pow: 1.0, b2_pow: 1.0, m: Vec::new(), v: Vec::new() })
    }

    /// Applies one update from the gradients accumulated in `net`. Moment buffers are created on
    /// the first step; later steps allocate nothing.
    pub fn step(&mut self, net: &mut Model) {
        self.t += 1;
        let (ms, vs) = (&mut self.m, &mut self.v);
        let state = |i: usize, len: usize, bufs: &mut Vec<Vec<f32>>| {
            if bufs.len() <= i {
                bufs.resize_with(i + 1, Vec::new);
            }
            if bufs[i].len() != len {
                bufs[i] = vec![0.0; len];
            }
        };
        match self.spec {
            OptimizerSpec::Sgd { lr, momentum, weight_decay } => {
                for_each_trainable(net, |i, w, g| {
                    state(i, w.len(), ms);
                    split_elementwise(w, g, &mut ms[i], None, &|w, g, m, _| kernels::sgd_step(w, g, m, lr, momentum, weight_decay));
                });
            }
            OptimizerSpec::Adam { lr, beta1, beta2, eps, weight_decay } => {
                self.b1_pow *= beta1;
                self.b2_pow *= beta2;
                let (bc1, bc2) = (1.0 - self.b1_pow, 1.0 - self.b2_pow);
                for_each_trainable(net, |i, w, g| {
                    state(i, w.len(), ms);
                    state(i, w.len(), vs);
                    split_elementwise(w, g, &mut ms[i], Some(&mut vs[i]), &|w, g, m, v| {
                        let v = v.expect("Adam has a second moment");
                        kernels::adam_step(w, g, m, v, lr, beta1, beta2, eps, bc1, bc2, weight_decay)
                    });
                });
            }
        }
    }
}

/// Calls `f(i, value, grad)` for the i-th trainable tensor (buffers are skipped): the index
/// of its moment buffers.
fn for_each_trainable(net: &mut Model, mut f: impl FnMut(usize, &mut [f32], &[f32])) {
    let mut i = 0;
    net.visit_params_mut(|p| {
        if let Some(g) = p.grad {
            f(i, p.value, g);
            i += 1;
        }
    });
}

/// Runs an element-wise update over `(w, g, m, v)`, in halves on two threads when the tensor is
/// large and we are on a pool worker. Element-wise means any split gives identical bits.
fn split_elementwise<F>(w: &mut [f32], g: &[f32], m: &mut [f32], v: Option<&mut [f32]>, f: &F)
where
    F: Fn(&mut [f32], &[f32], &mut [f32], Option<&mut [f32]>) + Sync,
{
    let len = w.len();
    if parallel::threads_here() < 2 || len < 2 * parallel::MIN_PARALLEL_ELEMS {
        return f(w, g, m, v);
    }
    // Cut at a multiple of 8 so both halves keep the vector loop (the result would be the same
    // either way; only speed differs).
    let mid = len / 2 / 8 * 8;
    let (w0, w1) = w.split_at_mut(mid);
    let (g0, g1) = g.split_at(mid);
    let (m0, m1) = m.split_at_mut(mid);
    let (v0, v1) = parallel::split_opt_mut(v, mid);
    parallel::join(|| split_elementwise(w0, g0, m0, v0, f), || split_elementwise(w1, g1, m1, v1, f));
}
