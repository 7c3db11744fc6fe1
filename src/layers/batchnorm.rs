//! Batch normalization over the columns of a `[rows × C]` pre-activation (dense: units; conv:
//! channels, rows = samples × positions), placed before the threshold. At inference it is an
//! affine map that `fold_into` merges into the preceding weights, so it costs no operations.

use super::linear::Linear;
use super::Pass;
use crate::activation::Activation;
use crate::kernels;
use crate::parallel::{self, for_row_chunks, for_row_chunks2, join};
use crate::params::{shared_and_mut, Layout, Owner, Param, ParamMut};

/// Rows per thread at least, for the element-wise passes.
const ELEMENTWISE_ROWS: usize = 256;

/// Channels per thread at least, for the per-channel sums (one cache line of f64 sums).
const MIN_CHANNELS: usize = 8;

/// Threads for the per-channel sums over a `[rows × C]` matrix of `len` values.
fn parts_for(len: usize) -> usize {
    if len >= parallel::MIN_PARALLEL_ELEMENTWISE {
        parallel::threads_here()
    } else {
        1
    }
}

/// `f(j0, a, b)` over channel ranges `j0 .. j0 + a.len()` cut into `parts` blocks for threads
/// (`a` and `b` the per-channel sums of that range). Each channel's sum is made by one thread
/// in increasing row order, so any cut gives the same bits.
fn by_channels(parts: usize, j0: usize, a: &mut [f64], b: &mut [f64], f: &(impl Fn(usize, &mut [f64], &mut [f64]) + Sync)) {
    let c = a.len();
    if parts > 1 && c >= 2 * MIN_CHANNELS {
        let left = parts / 2;
        let cut = (c * left / parts).max(MIN_CHANNELS);
        let (a0, a1) = a.split_at_mut(cut);
        let (b0, b1) = b.split_at_mut(cut);
        join(|| by_channels(left, j0, a0, b0, f), || by_channels(parts - left, j0 + cut, a1, b1, f));
        return;
    }
    f(j0, a, b)
}

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
        let rows = u.len() / c.max(1);
        if train && rows > 1 {
            let parts = parts_for(u.len());
            let x = &*u;
            by_channels(parts, 0, &mut self.sum, &mut self.sum2, &|j0, mean, var| kernels::bn_statistics(x, c, j0, mean, var));
            let (mean, var) = (&self.sum, &self.sum2);
            for j in 0..c {
                let biased = var[j] / rows as f64;
                let unbiased = var[j] / (rows - 1) as f64;
                self.inv_std[j] = (1.0 / (biased + f64::from(self.eps)).sqrt()) as f32;
                self.running_mean[j] = (1.0 - self.momentum) * self.running_mean[j] + self.momentum * mean[j] as f32;
                self.running_var[j] = (1.0 - self.momentum) * self.running_var[j] + self.momentum * unbiased as f32;
            }
            self.xhat.resize(u.len(), 0.0); // every entry is written next
            let (gamma, beta, inv_std) = (&self.gamma, &self.beta, &self.inv_std);
            for_row_chunks2(u, c, &mut self.xhat[..], c, ELEMENTWISE_ROWS, |_, u, xhat| kernels::bn_normalize(u, xhat, mean, inv_std, gamma, beta));
        } else {
            let (scale, shift) = self.affine();
            for_row_chunks(u, c, ELEMENTWISE_ROWS, |_, u| {
                for u in u.chunks_exact_mut(c) {
                    for j in 0..c {
                        u[j] = u[j] * scale[j] + shift[j];
                    }
                }
            });
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
        let rows = g.len() / c.max(1);
        let (grads, xhat) = (&*g, &self.xhat[..g.len()]);
        by_channels(parts_for(g.len()), 0, &mut self.sum, &mut self.sum2, &|j0, sum_g, sum_gx| kernels::bn_grad_sums(grads, xhat, c, j0, sum_g, sum_gx));
        for j in 0..c {
            self.g_beta[j] += self.sum[j] as f32;
            self.g_gamma[j] += self.sum2[j] as f32;
        }
        let (sum_g, sum_gx, gamma, inv_std) = (&self.sum, &self.sum2, &self.gamma, &self.inv_std);
        let inv_rows = 1.0 / rows as f32;
        // dx = γ/σ · (g − mean(g) − x̂·mean(g·x̂))
        for_row_chunks(g, c, ELEMENTWISE_ROWS, |r0, g| kernels::bn_input_grad(g, &xhat[r0 * c..r0 * c + g.len()], gamma, inv_std, sum_g, sum_gx, inv_rows));
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
