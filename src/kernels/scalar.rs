//! Reference kernels: the plainest loops that have the project's accumulation order.
//!
//! These define the results. Every SIMD kernel must return the same bits, which holds because
//! (a) SIMD only runs across independent output elements, (b) each output element sees the same
//! sequence of IEEE operations (mul, then add; never fused), in the same order. The compiler may
//! auto-vectorise these loops too — that is fine for the same reason (LLVM does not contract
//! mul+add into FMA without fast-math flags, and does not reassociate float adds).
//!
//! Accumulation convention (all "+=" kernels): the output element's current value is the initial
//! accumulator, and terms are added one at a time in increasing reduction index:
//! `acc = out; for p in order { acc = acc + a_p * b_p }; out = acc`. Binary spikes (val = None)
//! add `w` directly (no multiply by 1.0 — which would be the same value anyway, but costs time).
//!
//! No length checks here beyond what indexing does: the public dispatchers in `kernels/mod.rs`
//! assert the shapes once.

use super::ColsMut;
use crate::surrogate::Surrogate;

pub fn sparse_matmul(
    ptr: &[u32],
    idx: &[u32],
    val: Option<&[f32]>,
    w: &[f32],
    n: usize,
    out: &mut [f32],
) {
    sparse_matmul_cols(ptr, idx, val, w, &mut ColsMut::all(out, n));
}

/// Columns `[j0, j1)` of [`sparse_matmul`] (`out` views a `[rows × n]` matrix, `w` is `[_ × n]`).
pub fn sparse_matmul_cols(ptr: &[u32], idx: &[u32], val: Option<&[f32]>, w: &[f32], out: &mut ColsMut) {
    let rows = ptr.len().saturating_sub(1);
    let (n, j0, j1) = (out.stride(), out.first_col(), out.first_col() + out.cols());
    for r in 0..rows {
        let o = out.row(r);
        for e in ptr[r] as usize..ptr[r + 1] as usize {
            let wr = &w[idx[e] as usize * n + j0..idx[e] as usize * n + j1];
            match val {
                None => {
                    for (o, &w) in o.iter_mut().zip(wr) {
                        *o += w;
                    }
                }
                Some(v) => {
                    let a = v[e];
                    for (o, &w) in o.iter_mut().zip(wr) {
                        *o += a * w;
                    }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub fn sparse_t_matmul(
    ptr: &[u32],
    idx: &[u32],
    val: Option<&[f32]>,
    dy: &[f32],
    n: usize,
    row_lo: u32,
    row_hi: u32,
    dw_part: &mut [f32],
) {
    let rows = ptr.len().saturating_sub(1);
    for r in 0..rows {
        let d = &dy[r * n..(r + 1) * n];
        for e in ptr[r] as usize..ptr[r + 1] as usize {
            let i = idx[e];
            if i < row_lo || i >= row_hi {
                continue;
            }
            let off = (i - row_lo) as usize * n;
            let o = &mut dw_part[off..off + n];
            match val {
                None => {
                    for (o, &d) in o.iter_mut().zip(d) {
                        *o += d;
                    }
                }
                Some(v) => {
                    let a = v[e];
                    for (o, &d) in o.iter_mut().zip(d) {
                        *o += a * d;
                    }
                }
            }
        }
    }
}

pub fn matmul(a: &[f32], b: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
    // i-p-j order: for a fixed (i, j), p increases — the defined accumulation order.
    for i in 0..m {
        let o = &mut out[i * n..(i + 1) * n];
        for p in 0..k {
            let av = a[i * k + p];
            let br = &b[p * n..(p + 1) * n];
            for (o, &b) in o.iter_mut().zip(br) {
                *o += av * b;
            }
        }
    }
}

pub fn transpose(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    for r in 0..rows {
        for c in 0..cols {
            dst[c * rows + r] = src[r * cols + c];
        }
    }
}

pub fn broadcast_rows(bias: &[f32], rows: usize, out: &mut [f32]) {
    let n = bias.len();
    for r in 0..rows {
        out[r * n..(r + 1) * n].copy_from_slice(bias);
    }
}

pub fn surrogate_grad_mul(s: &Surrogate, x: &[f32], g: &mut [f32]) {
    for (g, &x) in g.iter_mut().zip(x) {
        *g *= s.grad(x);
    }
}

/// Adam, op order per element (SIMD copies it):
/// `g' = g + wd*w; m = b1*m + (1-b1)*g'; v = b2*v + (1-b2)*(g'*g');`
/// `w = w - (lr*(m/bc1)) / (sqrt(v/bc2) + eps)`.
#[allow(clippy::too_many_arguments)]
pub fn adam_step(
    w: &mut [f32],
    g: &[f32],
    m: &mut [f32],
    v: &mut [f32],
    lr: f32,
    b1: f32,
    b2: f32,
    eps: f32,
    bc1: f32,
    bc2: f32,
    weight_decay: f32,
) {
    let omb1 = 1.0 - b1;
    let omb2 = 1.0 - b2;
    for i in 0..w.len() {
        let gi = g[i] + weight_decay * w[i];
        let mi = b1 * m[i] + omb1 * gi;
        let vi = b2 * v[i] + omb2 * (gi * gi);
        m[i] = mi;
        v[i] = vi;
        let den = (vi / bc2).sqrt() + eps;
        w[i] -= (lr * (mi / bc1)) / den;
    }
}

/// SGD with momentum, op order: `g' = g + wd*w; vel = mu*vel + g'; w = w - lr*vel`.
pub fn sgd_step(
    w: &mut [f32],
    g: &[f32],
    vel: &mut [f32],
    lr: f32,
    momentum: f32,
    weight_decay: f32,
) {
    for i in 0..w.len() {
        let gi = g[i] + weight_decay * w[i];
        let vi = momentum * vel[i] + gi;
        vel[i] = vi;
        w[i] -= lr * vi;
    }
}

/// Indices (and values) of the non-zero entries of `row`, in increasing order; returns how many.
/// Branch-free: every index is written and the cursor advances only past non-zeros, so `idx`
/// (and `val`) must hold `row.len()` entries; slots past the count are scratch. At MNIST's 19 %
/// input density an `if x != 0 { push }` loop mispredicts on most pixels; this one does not
/// branch on the data. `-0.0` counts as zero and NaN as non-zero (`x != 0.0`).
pub fn compact_nonzero(row: &[f32], idx: &mut [u32], mut val: Option<&mut [f32]>) -> usize {
    let mut c = 0usize;
    for (j, &x) in row.iter().enumerate() {
        idx[c] = j as u32;
        if let Some(v) = val.as_deref_mut() {
            v[c] = x;
        }
        c += usize::from(x != 0.0);
    }
    c
}
