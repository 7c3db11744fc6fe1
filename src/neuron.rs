//! Neuron models: what turns a layer's pre-activation `u` into the signal the next layer sees,
//! and how gradient flows back through that step.
//!
//! `Spike` is the S³NN neuron (one time step, `s = H(u − θ)`, surrogate gradient); the others are
//! the baselines the paper compares against, all usable in the same network type.

use crate::error::{Result, S3nnError};
use crate::surrogate::Surrogate;
use serde::{Deserialize, Serialize};

#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum NeuronModel {
    /// Single-step spiking neuron: `s = H(u − θ)`, backward through `surrogate`.
    Spike { surrogate: Surrogate, threshold: f32 },
    /// Full-precision ANN baseline.
    Relu,
    /// BNN baseline: `sign(u)` in {−1, +1}, straight-through estimator clipped at |u| ≤ 1.
    Sign,
    /// Multi-step IF/LIF neuron over `steps` time steps with reset by subtraction.
    /// `leak` = 1 is IF, `leak` < 1 is LIF (v ← leak·v + I). Gradient flows through the reset
    /// too (SpikingJelly's default `detach_reset=False`).
    MultiStep { steps: usize, leak: f32, threshold: f32, surrogate: Surrogate },
}

/// What a neuron model emits, which decides how the next layer computes (MAC vs AC).
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Signal {
    /// Real values (input pixels, ReLU outputs): products are multiply-accumulates.
    Real,
    /// Binary spikes {0, 1}: the next layer only adds the weight rows of inputs that spiked.
    Spike,
    /// Signs {−1, +1}: additions and subtractions.
    Sign,
}

impl Default for NeuronModel {
    fn default() -> Self {
        NeuronModel::Spike { surrogate: Surrogate::default(), threshold: 0.0 }
    }
}

/// How a neuron model turns the pre-activation into its output (decides the neuron's parameters).
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum NeuronFamily {
    /// Single-step spike `H(u − θ)`, trained through a surrogate gradient.
    Spike,
    /// Full-precision ReLU (the ANN baseline).
    Relu,
    /// `sign(u)` with a straight-through estimator (the BNN baseline).
    Sign,
    /// IF/LIF neuron over T time steps (the multi-step SNN baseline).
    MultiStep,
}

/// Upper bound on T for the multi-step neuron: memory grows with T × batch × width.
pub const MAX_STEPS: usize = 64;

impl NeuronModel {
    /// The family of this neuron model (what its parameters are, see the catalog).
    pub fn family(&self) -> NeuronFamily {
        match self {
            NeuronModel::Spike { .. } => NeuronFamily::Spike,
            NeuronModel::Relu => NeuronFamily::Relu,
            NeuronModel::Sign => NeuronFamily::Sign,
            NeuronModel::MultiStep { .. } => NeuronFamily::MultiStep,
        }
    }

    pub fn validate(&self) -> Result<()> {
        match *self {
            NeuronModel::Spike { surrogate, threshold } => {
                surrogate.validate()?;
                finite("threshold", threshold)
            }
            NeuronModel::MultiStep { steps, leak, threshold, surrogate } => {
                surrogate.validate()?;
                finite("threshold", threshold)?;
                if steps == 0 || steps > MAX_STEPS {
                    return Err(S3nnError::Config(format!("steps must be in 1..={MAX_STEPS}, got {steps}")));
                }
                if !(leak > 0.0 && leak <= 1.0) {
                    return Err(S3nnError::Config(format!("leak must be in (0, 1], got {leak}")));
                }
                Ok(())
            }
            NeuronModel::Relu | NeuronModel::Sign => Ok(()),
        }
    }


    pub fn signal(&self) -> Signal {
        match self {
            NeuronModel::Spike { .. } | NeuronModel::MultiStep { .. } => Signal::Spike,
            NeuronModel::Relu => Signal::Real,
            NeuronModel::Sign => Signal::Sign,
        }
    }

    /// Number of time steps the network runs (1 for every single-step model).
    pub fn steps(&self) -> usize {
        match self {
            NeuronModel::MultiStep { steps, .. } => *steps,
            _ => 1,
        }
    }

    pub fn threshold(&self) -> f32 {
        match self {
            NeuronModel::Spike { threshold, .. } | NeuronModel::MultiStep { threshold, .. } => *threshold,
            _ => 0.0,
        }
    }

    /// The same neuron trained through `surrogate` instead (forward unchanged: the surrogate only
    /// shapes the gradient). An error for the neurons that have none (ReLU, sign).
    pub fn with_surrogate(self, surrogate: Surrogate) -> Result<Self> {
        surrogate.validate()?;
        match self {
            NeuronModel::Spike { threshold, .. } => Ok(NeuronModel::Spike { surrogate, threshold }),
            NeuronModel::MultiStep { steps, leak, threshold, .. } => Ok(NeuronModel::MultiStep { steps, leak, threshold, surrogate }),
            NeuronModel::Relu | NeuronModel::Sign => Err(S3nnError::Config(format!(
                "a {} network has no surrogate gradient to change (only spiking neurons have one)",
                match self {
                    NeuronModel::Relu => "ReLU",
                    _ => "sign (BNN)",
                }
            ))),
        }
    }

    pub fn surrogate(&self) -> Option<Surrogate> {
        match self {
            NeuronModel::Spike { surrogate, .. } | NeuronModel::MultiStep { surrogate, .. } => Some(*surrogate),
            _ => None,
        }
    }

    /// Forward over a `[steps × batch, width]` block (rows t-major). Writes the emitted signal to
    /// `out` and, for the multi-step neuron, the pre-reset membrane potentials back into `u`
    /// (what the surrogate is evaluated at in backward).
    ///
    /// `smooth` replaces each step function by its surrogate's primitive (sign by its clipped
    /// identity) so that `backward` is the exact gradient of `forward`: the finite-difference
    /// check of the whole backward pass runs in this mode.
    /// `scratch` is reused working memory (the membrane between steps), so training allocates nothing.
    pub fn forward(&self, u: &mut [f32], out: &mut [f32], batch_width: usize, smooth: bool, scratch: &mut Vec<f32>) {
        match *self {
            NeuronModel::MultiStep { steps, leak, threshold, surrogate } => {
                // v carries the membrane between steps; u[t] becomes leak·v[t−1] + I[t].
                scratch.clear();
                scratch.resize(batch_width, 0.0);
                let v = scratch;
                for t in 0..steps {
                    let ut = &mut u[t * batch_width..(t + 1) * batch_width];
                    let ot = &mut out[t * batch_width..(t + 1) * batch_width];
                    for i in 0..batch_width {
                        let h = leak * v[i] + ut[i];
                        ut[i] = h;
                        let s = if smooth {
                            surrogate.primitive(h - threshold)
                        } else if h - threshold >= 0.0 {
                            1.0
                        } else {
                            0.0
                        };
                        ot[i] = s;
                        v[i] = h - threshold * s;
                    }
                }
            }
            _ => {
                // One element at a time: halves on two threads for big batches.
                let model = *self;
                crate::parallel::for_elementwise(u, out, |u, out| model.forward_elementwise(u, out, smooth));
            }
        }
    }

    /// `forward` of the neurons without state (everything but the multi-step one).
    fn forward_elementwise(&self, u: &[f32], out: &mut [f32], smooth: bool) {
        match *self {
            NeuronModel::Spike { surrogate, threshold } if smooth => {
                for (o, &x) in out.iter_mut().zip(u.iter()) {
                    *o = surrogate.primitive(x - threshold);
                }
            }
            NeuronModel::Sign if smooth => {
                for (o, &x) in out.iter_mut().zip(u.iter()) {
                    *o = x.clamp(-1.0, 1.0);
                }
            }
            NeuronModel::Spike { threshold, .. } => {
                for (o, &x) in out.iter_mut().zip(u.iter()) {
                    *o = if x - threshold >= 0.0 { 1.0 } else { 0.0 };
                }
            }
            NeuronModel::Relu => {
                for (o, &x) in out.iter_mut().zip(u.iter()) {
                    *o = if x > 0.0 { x } else { 0.0 };
                }
            }
            NeuronModel::Sign => {
                for (o, &x) in out.iter_mut().zip(u.iter()) {
                    *o = if x >= 0.0 { 1.0 } else { -1.0 };
                }
            }
            NeuronModel::MultiStep { .. } => unreachable!("the multi-step neuron has state across steps"),
        }
    }

    /// Backward: turns `g` (dL/d output) into dL/du in place, given the recorded `u` and `out`.
    pub fn backward(&self, u: &[f32], out: &[f32], g: &mut [f32], batch_width: usize, scratch: &mut Vec<f32>) {
        match *self {
            NeuronModel::Spike { surrogate, threshold } => {
                let x = if threshold == 0.0 {
                    u
                } else {
                    scratch.clear();
                    scratch.extend(u.iter().map(|&v| v - threshold));
                    &scratch[..]
                };
                crate::parallel::for_elementwise(x, g, |x, g| crate::kernels::mul_by_map(&surrogate, x, g));
            }
            NeuronModel::Relu => {
                for (gi, &o) in g.iter_mut().zip(out) {
                    if o <= 0.0 {
                        *gi = 0.0;
                    }
                }
            }
            NeuronModel::Sign => {
                for (gi, &x) in g.iter_mut().zip(u) {
                    if x.abs() > 1.0 {
                        *gi = 0.0;
                    }
                }
            }
            NeuronModel::MultiStep { steps, leak, threshold, surrogate } => {
                // BPTT: with s = H(h − θ) and v = h − θ·s,
                // dh[t] = ds[t]·g' + dv[t]·(1 − θ·g'), and h[t+1] = leak·v[t] + I gives dv[t] = leak·dh[t+1].
                // The surrogate of a whole step at once through the SIMD kernel (`1 · g'(x)` is
                // `g'(x)` exactly, and the kernel returns the scalar `surrogate.grad` bits).
                scratch.clear();
                scratch.resize(3 * batch_width, 0.0);
                let (dv, rest) = scratch.split_at_mut(batch_width);
                let (x, sgs) = rest.split_at_mut(batch_width);
                for t in (0..steps).rev() {
                    let range = t * batch_width..(t + 1) * batch_width;
                    let gt = &mut g[range.clone()];
                    for (xi, &ui) in x.iter_mut().zip(&u[range]) {
                        *xi = ui - threshold;
                    }
                    sgs.fill(1.0);
                    crate::parallel::for_elementwise(x, sgs, |x, sg| crate::kernels::mul_by_map(&surrogate, x, sg));
                    for i in 0..batch_width {
                        let sg = sgs[i];
                        let dh = gt[i] * sg + dv[i] * (1.0 - threshold * sg);
                        gt[i] = dh;
                        dv[i] = leak * dh;
                    }
                }
            }
        }
    }
}

fn finite(name: &str, v: f32) -> Result<()> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(S3nnError::Config(format!("{name} must be finite, got {v}")))
    }
}
