//! A weight matrix with bias and gradients: the product behind dense layers, conv layers
//! (through im2col events) and the readout.
//!
//! Layout: `w` is `[fan_in × fan_out]` (input-major), so the weights an input spike adds are one
//! contiguous row. PyTorch stores `nn.Linear.weight` as `[fan_out × fan_in]`; the layer that
//! owns the matrix states its PyTorch layout (`params::Layout`).

use crate::activation::Events;
use crate::kernels;
use crate::kernels::TransposedEvents;
use crate::parallel::{for_row_chunks, for_sparse_blocks, join, MIN_PARALLEL_ELEMENTWISE};
use crate::params::{shared_and_mut, Layout, Owner, Param, ParamMut};
use crate::rng::Rng;

/// Inner dimension below which the input-gradient product is not split across threads.
const MIN_SPLIT_INNER: usize = 64;

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
        for r in 0..rows {
            for (g, &d) in self.gb.iter_mut().zip(&dy[r * n..(r + 1) * n]) {
                *g += d;
            }
        }
        if let Some(din) = din {
            let k = self.fan_in;
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
