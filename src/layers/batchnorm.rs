//! Batch normalization over the columns of a `[rows × C]` pre-activation (dense: units; conv:
//! channels, rows = samples × positions), placed before the threshold. At inference it is an
//! affine map that `fold_into` merges into the preceding weights, so it costs no operations.

use super::linear::Linear;
use super::Pass;
use crate::activation::Activation;
use crate::params::{shared_and_mut, Layout, Owner, Param, ParamMut};

#[derive(Clone, Debug)]
pub struct BatchNorm {
    pub gamma: Vec<f32>,
    pub beta: Vec<f32>,
    pub running_mean: Vec<f32>,
    pub running_var: Vec<f32>,
    pub g_gamma: Vec<f32>,
    pub g_beta: Vec<f32>,
    pub momentum: f32,
    pub eps: f32,
    xhat: Vec<f32>,
    inv_std: Vec<f32>,
    /// Per-channel sums reused every step (training allocates nothing).
    sum: Vec<f64>,
    sum2: Vec<f64>,
    /// Normalized output of the last forward.
    pub(super) out: Activation,
}

impl BatchNorm {
    pub fn new(c: usize) -> Self {
        Self {
            gamma: vec![1.0; c],
            beta: vec![0.0; c],
            running_mean: vec![0.0; c],
            running_var: vec![1.0; c],
            g_gamma: vec![0.0; c],
            g_beta: vec![0.0; c],
            momentum: 0.1,
            eps: 1e-5,
            xhat: Vec::new(),
            inv_std: vec![0.0; c],
            sum: vec![0.0; c],
            sum2: vec![0.0; c],
            out: Activation::default(),
        }
    }

    /// Normalizes `input` (the pre-activation a weight layer wrote), taking its buffer: nothing
    /// else reads it, and so nothing is copied.
    pub fn forward(&mut self, input: &mut Activation, pass: &Pass) {
        std::mem::swap(&mut self.out, input);
        let mut u = std::mem::take(&mut self.out.dense);
        self.normalize(&mut u, pass.train);
        self.out.dense = u;
    }

    pub fn channels(&self) -> usize {
        self.gamma.len()
    }

    /// Normalizes `u` in place: batch statistics when training, running ones otherwise.
    fn normalize(&mut self, u: &mut [f32], train: bool) {
        let c = self.channels();
        let rows = u.len() / c;
        if train && rows > 1 {
            let (mean, var) = (&mut self.sum, &mut self.sum2);
            mean.iter_mut().for_each(|v| *v = 0.0);
            var.iter_mut().for_each(|v| *v = 0.0);
            for r in 0..rows {
                for j in 0..c {
                    mean[j] += f64::from(u[r * c + j]);
                }
            }
            mean.iter_mut().for_each(|m| *m /= rows as f64);
            for r in 0..rows {
                for j in 0..c {
                    let d = f64::from(u[r * c + j]) - mean[j];
                    var[j] += d * d;
                }
            }
            self.xhat.clear();
            self.xhat.resize(u.len(), 0.0);
            for j in 0..c {
                let biased = var[j] / rows as f64;
                let unbiased = var[j] / (rows - 1) as f64;
                self.inv_std[j] = (1.0 / (biased + f64::from(self.eps)).sqrt()) as f32;
                self.running_mean[j] = (1.0 - self.momentum) * self.running_mean[j] + self.momentum * mean[j] as f32;
                self.running_var[j] = (1.0 - self.momentum) * self.running_var[j] + self.momentum * unbiased as f32;
            }
            for r in 0..rows {
                for j in 0..c {
                    let i = r * c + j;
                    let xh = (u[i] - mean[j] as f32) * self.inv_std[j];
                    self.xhat[i] = xh;
                    u[i] = self.gamma[j] * xh + self.beta[j];
                }
            }
        } else {
            let (scale, shift) = self.affine();
            for r in 0..rows {
                for j in 0..c {
                    let i = r * c + j;
                    u[i] = u[i] * scale[j] + shift[j];
                }
            }
        }
    }

    /// Inference-time affine form: y = x·scale + shift.
    pub fn affine(&self) -> (Vec<f32>, Vec<f32>) {
        let scale: Vec<f32> = (0..self.channels())
            .map(|j| self.gamma[j] / (self.running_var[j] + self.eps).sqrt())
            .collect();
        let shift = (0..self.channels()).map(|j| self.beta[j] - self.running_mean[j] * scale[j]).collect();
        (scale, shift)
    }

    /// Turns dL/dy into dL/dx in place (training-mode statistics).
    pub fn backward(&mut self, g: &mut [f32]) {
        let c = self.channels();
        let rows = g.len() / c;
        let (sum_g, sum_gx) = (&mut self.sum, &mut self.sum2);
        sum_g.iter_mut().for_each(|v| *v = 0.0);
        sum_gx.iter_mut().for_each(|v| *v = 0.0);
        for r in 0..rows {
            for j in 0..c {
                let i = r * c + j;
                sum_g[j] += f64::from(g[i]);
                sum_gx[j] += f64::from(g[i] * self.xhat[i]);
            }
        }
        for j in 0..c {
            self.g_beta[j] += sum_g[j] as f32;
            self.g_gamma[j] += sum_gx[j] as f32;
        }
        let (sum_g, sum_gx) = (&self.sum, &self.sum2);
        let inv_rows = 1.0 / rows as f32;
        for r in 0..rows {
            for j in 0..c {
                let i = r * c + j;
                // dx = γ/σ · (g − mean(g) − x̂·mean(g·x̂))
                g[i] = self.gamma[j] * self.inv_std[j] * (g[i] - sum_g[j] as f32 * inv_rows - self.xhat[i] * sum_gx[j] as f32 * inv_rows);
            }
        }
    }

    /// Merges the inference affine map into the weights `[fan_in × C]` and bias `[C]` before it.
    pub fn fold_into(&self, lin: &mut Linear) {
        let (scale, shift) = self.affine();
        let c = self.channels();
        let w = lin.weights_mut();
        for row in w.chunks_mut(c) {
            for j in 0..c {
                row[j] *= scale[j];
            }
        }
        let b = &mut lin.b;
        for j in 0..c {
            b[j] = b[j] * scale[j] + shift[j];
        }
    }

}

/// γ and β as PyTorch's `weight` and `bias`, then the running statistics (buffers).
macro_rules! norm_params {
    ($name:ident, $param:ident $(, $m:ident)?) => {
        pub fn $name<'a>(&'a $($m)? self, owner: Owner, f: &mut dyn FnMut($param<'a>)) {
            let layout = Layout::Vector(self.gamma.len());
            f($param { name: owner.field("weight"), layout, value: & $($m)? self.gamma, grad: Some(& $($m)? self.g_gamma) });
            f($param { name: owner.field("bias"), layout, value: & $($m)? self.beta, grad: Some(& $($m)? self.g_beta) });
            f($param { name: owner.field("running_mean"), layout, value: & $($m)? self.running_mean, grad: None });
            f($param { name: owner.field("running_var"), layout, value: & $($m)? self.running_var, grad: None });
        }
    };
}

impl BatchNorm {
    shared_and_mut!(norm_params);

    /// γ's and β's gradients, in the order of the parameter walk.
    pub fn grads_mut(&mut self) -> [&mut [f32]; 2] {
        [&mut self.g_gamma, &mut self.g_beta]
    }
}
