//! A weight matrix with bias and gradients: the product behind dense layers, conv layers
//! (through im2col events) and the readout.
//!
//! Layout: `w` is `[fan_in × fan_out]` (input-major), so the weights an input spike adds are one
//! contiguous row. PyTorch stores `nn.Linear.weight` as `[fan_out × fan_in]`; `io` transposes.

use crate::activation::Events;
use crate::kernels;
use crate::parallel::for_row_chunks;
use crate::rng::Rng;

#[derive(Clone, Debug)]
pub struct Linear {
    pub fan_in: usize,
    pub fan_out: usize,
    pub w: Vec<f32>,
    pub b: Vec<f32>,
    pub gw: Vec<f32>,
    pub gb: Vec<f32>,
    /// `w` transposed, for the input gradient; rebuilt lazily after each weight update.
    wt: Vec<f32>,
    wt_fresh: bool,
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
            wt_fresh: false,
        }
    }

    /// Call after changing `w` in place.
    pub fn weights_changed(&mut self) {
        self.wt_fresh = false;
    }

    /// `out[rows × fan_out] = b + events · W`.
    pub fn forward(&self, ev: &Events, out: &mut Vec<f32>) {
        let rows = ev.rows();
        let n = self.fan_out;
        out.clear();
        out.resize(rows * n, 0.0);
        kernels::broadcast_rows(&self.b, rows, out);
        let vals = ev.values();
        for_row_chunks(out, n, 8, |r0, chunk| {
            let r1 = r0 + chunk.len() / n;
            kernels::sparse_matmul(&ev.ptr[r0..=r1], &ev.idx, vals, &self.w, n, chunk);
        });
    }

    /// Accumulates `gw += eventsᵀ · dy`, `gb += Σ_rows dy`; writes `din = dy · Wᵀ` if asked.
    pub fn backward(&mut self, ev: &Events, dy: &[f32], din: Option<&mut Vec<f32>>) {
        let n = self.fan_out;
        let rows = ev.rows();
        debug_assert_eq!(dy.len(), rows * n);
        let vals = ev.values();
        for_row_chunks(&mut self.gw, n, 16, |i0, chunk| {
            let i1 = i0 + chunk.len() / n;
            kernels::sparse_t_matmul(&ev.ptr, &ev.idx, vals, dy, n, i0 as u32, i1 as u32, chunk);
        });
        for r in 0..rows {
            for (g, &d) in self.gb.iter_mut().zip(&dy[r * n..(r + 1) * n]) {
                *g += d;
            }
        }
        if let Some(din) = din {
            if !self.wt_fresh {
                self.wt.resize(self.w.len(), 0.0);
                kernels::transpose(&self.w, self.fan_in, self.fan_out, &mut self.wt);
                self.wt_fresh = true;
            }
            let k = self.fan_in;
            din.clear();
            din.resize(rows * k, 0.0);
            let wt = &self.wt;
            for_row_chunks(din, k, 8, |r0, chunk| {
                let m = chunk.len() / k;
                kernels::matmul(&dy[r0 * n..(r0 + m) * n], wt, m, n, k, chunk);
            });
        }
    }

    pub fn zero_grad(&mut self) {
        self.gw.iter_mut().for_each(|g| *g = 0.0);
        self.gb.iter_mut().for_each(|g| *g = 0.0);
    }
}
