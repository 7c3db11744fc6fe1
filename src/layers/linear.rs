//! A weight matrix with bias and gradients: the product behind dense layers, conv layers
//! (through im2col, as events or dense) and the readout.
//!
//! Layout: `w` is `[fan_in × fan_out]` (input-major), so the weights an input spike adds are one
//! contiguous row. PyTorch stores `nn.Linear.weight` as `[fan_out × fan_in]`; the layer that
//! owns the matrix states its PyTorch layout (`params::Layout`).

use crate::activation::Events;
use crate::kernels;
use crate::kernels::TransposedEvents;
use crate::parallel::{self, for_row_chunks, for_sparse_blocks, join, MIN_PARALLEL_ELEMENTWISE};
use crate::params::{shared_and_mut, Layout, Owner, Param, ParamMut};
use crate::rng::Rng;

/// Inner dimension below which the input-gradient product is not split across threads.
const MIN_SPLIT_INNER: usize = 64;

/// Rows of a dense input handed to one product call: both column panels of the output then find
/// these rows of the input in L2 (96 × 576 floats = 221 KB for the widest science-CNN patch).
const DENSE_ROW_BLOCK: usize = 96;

/// Batch rows per step of the weight gradient `xᵀ · dy`: a block of the input (256 × 576 floats
/// = 590 KB at most) and of dy stay in L2 while every weight row block passes over them.
const GRAD_ROW_BLOCK: usize = 256;

/// Multiply-adds below which a weight gradient is not split across threads.
const MIN_SPLIT_GRAD_WORK: usize = 1 << 20;

#[derive(Clone, Debug)]
pub struct Linear {
    pub fan_in: usize,
    pub fan_out: usize,
    pub w: Vec<f32>,
    pub b: Vec<f32>,
    pub gw: Vec<f32>,
    pub gb: Vec<f32>,
    /// `w` transposed, for the input gradient; rebuilt by every backward that needs it (the
    /// weights change between any two backward passes of training).
    wt: Vec<f32>,
    /// The input events transposed (per input, the batch rows where it was active), for the
    /// weight gradient; kept so that rebuilding it allocates nothing.
    events_t: TransposedEvents,
}

impl Linear {
    /// PyTorch's default init for `nn.Linear`/`nn.Conv2d`: U(−1/√fan_in, 1/√fan_in) for weights
    /// and bias. Uniform (not normal) so that no transcendental function enters the weights.
    pub fn new(fan_in: usize, fan_out: usize, rng: &mut Rng) -> Self {
        let bound = 1.0 / (fan_in as f32).sqrt();
        let w = (0..fan_in * fan_out).map(|_| rng.range(-bound, bound)).collect();
        let b = (0..fan_out).map(|_| rng.range(-bound, bound)).collect();
        Self::from_parts(fan_in, fan_out, w, b)
    }

    pub fn from_parts(fan_in: usize, fan_out: usize, w: Vec<f32>, b: Vec<f32>) -> Self {
        debug_assert_eq!(w.len(), fan_in * fan_out);
        Self {
            fan_in,
            fan_out,
            gw: vec![0.0; w.len()],
            gb: vec![0.0; b.len()],
            w,
            b,
            wt: Vec::new(),
            events_t: TransposedEvents::default(),
        }
    }

    /// `out[rows × fan_out] = b + events · W`.
    pub fn forward(&self, ev: &Events, out: &mut Vec<f32>) {
        let rows = ev.rows();
        let n = self.fan_out;
        out.resize(rows * n, 0.0); // every element is overwritten by the bias next
        kernels::broadcast_rows(&self.b, rows, out);
        let vals = ev.values();
        for_sparse_blocks(&ev.ptr, out, n, |ptr, block| kernels::sparse_matmul_cols(ptr, &ev.idx, vals, &self.w, block));
    }

    /// `out[rows × fan_out] = b + x · W` for a dense input `x [rows × fan_in]` (a conv's im2col).
    /// Rows split between threads; each element adds its terms in increasing input index, as the
    /// event product does.
    pub fn forward_dense(&self, x: &[f32], rows: usize, out: &mut Vec<f32>) {
        let (k, n) = (self.fan_in, self.fan_out);
        debug_assert_eq!(x.len(), rows * k);
        out.resize(rows * n, 0.0); // every element is overwritten by the bias next
        kernels::broadcast_rows(&self.b, rows, out);
        let w = &self.w;
        for_row_chunks(out, n, DENSE_ROW_BLOCK, |r0, chunk| {
            for (b, block) in chunk.chunks_mut(DENSE_ROW_BLOCK * n).enumerate() {
                let (r, m) = (r0 + b * DENSE_ROW_BLOCK, block.len() / n);
                kernels::matmul(&x[r * k..(r + m) * k], w, m, k, n, block);
            }
        });
    }

    /// [`Linear::backward`] for a dense input `x [rows × fan_in]`: `gw += xᵀ · dy` (each
    /// element adds its terms in increasing batch row, as the event version does), `gb += Σ dy`,
    /// `din = dy · Wᵀ` if asked.
    pub fn backward_dense(&mut self, x: &[f32], dy: &[f32], din: Option<&mut Vec<f32>>) {
        let (k, n) = (self.fan_in, self.fan_out);
        let rows = dy.len() / n.max(1);
        debug_assert_eq!(x.len(), rows * k);
        let parts = if rows * k * n >= MIN_SPLIT_GRAD_WORK { parallel::threads_here() } else { 1 };
        grad_rows(x, k, dy, n, 0, &mut self.gw, parts);
        self.bias_grad(dy);
        if let Some(din) = din {
            self.transposed();
            self.input_grad(dy, din);
        }
    }

    /// `W` transposed (`[fan_out × fan_in]`), refreshed from the current weights.
    pub fn transposed(&mut self) -> &[f32] {
        self.wt.resize(self.w.len(), 0.0);
        kernels::transpose(&self.w, self.fan_in, self.fan_out, &mut self.wt);
        &self.wt
    }

    fn bias_grad(&mut self, dy: &[f32]) {
        let n = self.fan_out;
        for row in dy.chunks_exact(n.max(1)) {
            for (g, &d) in self.gb.iter_mut().zip(row) {
                *g += d;
            }
        }
    }

    /// `din = dy · Wᵀ` from the transposed weights `wt` (fresh).
    fn input_grad(&self, dy: &[f32], din: &mut Vec<f32>) {
        let (k, n) = (self.fan_in, self.fan_out);
        let rows = dy.len() / n.max(1);
        din.clear();
        din.resize(rows * k, 0.0);
        let wt = &self.wt;
        if n < MIN_SPLIT_INNER {
            // e.g. the readout's 10 outputs: too little work per row to be worth a join.
            kernels::matmul(dy, wt, rows, n, k, din);
        } else {
            for_row_chunks(din, k, 8, |r0, chunk| {
                let m = chunk.len() / k;
                kernels::matmul(&dy[r0 * n..(r0 + m) * n], wt, m, n, k, chunk);
            });
        }
    }

    /// Accumulates `gw += eventsᵀ · dy`, `gb += Σ_rows dy`; writes `din = dy · Wᵀ` if asked.
    pub fn backward(&mut self, ev: &Events, dy: &[f32], din: Option<&mut Vec<f32>>) {
        let n = self.fan_out;
        let rows = ev.rows();
        debug_assert_eq!(dy.len(), rows * n);
        let vals = ev.values();
        // gw row i = Σ over the batch rows where input i was active of val·dy[row]: a sparse
        // product of the transposed events with dy (the same sums, in the same order, as
        // `Kernels::SCALAR.sparse_t_matmul`).
        // The transposed events and (for din) the transposed weights do not depend on dy, so
        // the two sequential rebuilds run side by side.
        let (events_t, wt, w, fan_in, fan_out) = (&mut self.events_t, &mut self.wt, &self.w, self.fan_in, self.fan_out);
        let refresh_wt = din.is_some();
        let mut rebuild = || events_t.rebuild(&ev.ptr, &ev.idx, vals, 0, fan_in as u32);
        let mut transpose = || {
            wt.resize(w.len(), 0.0);
            kernels::transpose(w, fan_in, fan_out, wt);
        };
        if refresh_wt && w.len() >= MIN_PARALLEL_ELEMENTWISE {
            join(rebuild, transpose);
        } else {
            rebuild();
            if refresh_wt {
                transpose();
            }
        }
        let t = &self.events_t;
        for_sparse_blocks(&t.ptr, &mut self.gw, n, |ptr, block| kernels::sparse_matmul_cols(ptr, &t.row, t.values(), dy, block));
        self.bias_grad(dy);
        if let Some(din) = din {
            self.input_grad(dy, din);
        }
    }
}

/// `gw[p0.. p0 + gw.len()/n] += x[:, p0..]ᵀ · dy` over all batch rows in order, GRAD_ROW_BLOCK rows
/// at a time; the weight rows are cut into `parts` blocks for threads (each element is still
/// summed by one thread in increasing row order, so any cut gives the same bits).
fn grad_rows(x: &[f32], k: usize, dy: &[f32], n: usize, p0: usize, gw: &mut [f32], parts: usize) {
    let m = gw.len() / n.max(1);
    if parts > 1 && m >= 2 {
        let left = parts / 2;
        let cut = m * left / parts;
        let (a, b) = gw.split_at_mut(cut * n);
        join(|| grad_rows(x, k, dy, n, p0, a, left), || grad_rows(x, k, dy, n, p0 + cut, b, parts - left));
        return;
    }
    let rows = dy.len() / n.max(1);
    let mut r0 = 0;
    while r0 < rows {
        let kc = GRAD_ROW_BLOCK.min(rows - r0);
        kernels::matmul_tn(&x[r0 * k + p0..(r0 + kc) * k], k, &dy[r0 * n..(r0 + kc) * n], m, kc, n, gw);
        r0 += kc;
    }
}

/// `weight` (in the owner's `layout`) and `bias`.
macro_rules! linear_params {
    ($name:ident, $param:ident $(, $m:ident)?) => {
        pub fn $name(& $($m)? self, owner: Owner, layout: Layout, f: &mut dyn FnMut($param<'_>)) {
            f($param { name: owner.field("weight"), layout, value: & $($m)? self.w, grad: Some(& $($m)? self.gw) });
            f($param { name: owner.field("bias"), layout: Layout::Vector(self.fan_out), value: & $($m)? self.b, grad: Some(& $($m)? self.gb) });
        }
    };
}

impl Linear {
    shared_and_mut!(linear_params);
}
