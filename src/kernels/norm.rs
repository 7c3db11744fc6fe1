//! Batch-norm kernels: per-channel sums over the rows of a `[rows × C]` matrix (in f64, one row
//! after another) and the element-wise passes of batch norm's forward and backward.
//!
//! Plain loops, not lanes code: they are compiled inside each ISA's `#[target_feature]` entry
//! point, where LLVM vectorizes them across the channels at that ISA's width. Channels are
//! independent and every channel's sum still adds its rows one at a time in order (no
//! reassociation, no FMA: neither is enabled), so each ISA returns the scalar lane's bits.

/// `mean[jj]` and `var[jj]` for the channels `j0 .. j0 + mean.len()` of `x` (`c` per row): the
/// mean of the rows, then the sum of the squared differences from it (not yet divided).
#[inline(always)]
pub fn bn_statistics(x: &[f32], c: usize, j0: usize, mean: &mut [f64], var: &mut [f64]) {
    let (m, rows) = (mean.len(), x.len() / c);
    mean.fill(0.0);
    var.fill(0.0);
    for row in x.chunks_exact(c) {
        let row = &row[j0..j0 + m];
        for j in 0..m {
            mean[j] += f64::from(row[j]);
        }
    }
    mean.iter_mut().for_each(|v| *v /= rows as f64);
    for row in x.chunks_exact(c) {
        let row = &row[j0..j0 + m];
        for j in 0..m {
            let d = f64::from(row[j]) - mean[j];
            var[j] += d * d;
        }
    }
}

/// `xhat = (u − mean)·inv_std`, then `u = γ·xhat + β`, row by row (`c = gamma.len()` per row).
#[inline(always)]
pub fn bn_normalize(u: &mut [f32], xhat: &mut [f32], mean: &[f64], inv_std: &[f32], gamma: &[f32], beta: &[f32]) {
    let c = gamma.len();
    let (mean, inv_std, beta) = (&mean[..c], &inv_std[..c], &beta[..c]);
    for (u, xhat) in u.chunks_exact_mut(c).zip(xhat.chunks_exact_mut(c)) {
        for j in 0..c {
            let xh = (u[j] - mean[j] as f32) * inv_std[j];
            xhat[j] = xh;
            u[j] = gamma[j] * xh + beta[j];
        }
    }
}

/// `sum_g[jj] = Σ_rows g` and `sum_gx[jj] = Σ_rows g·xhat` (the product in f32) for the
/// channels `j0 .. j0 + sum_g.len()`.
#[inline(always)]
pub fn bn_grad_sums(g: &[f32], xhat: &[f32], c: usize, j0: usize, sum_g: &mut [f64], sum_gx: &mut [f64]) {
    let m = sum_g.len();
    let sum_gx = &mut sum_gx[..m];
    sum_g.fill(0.0);
    sum_gx.fill(0.0);
    for (row, xrow) in g.chunks_exact(c).zip(xhat.chunks_exact(c)) {
        let (row, xrow) = (&row[j0..j0 + m], &xrow[j0..j0 + m]);
        for j in 0..m {
            sum_g[j] += f64::from(row[j]);
            sum_gx[j] += f64::from(row[j] * xrow[j]);
        }
    }
}

/// `g = γ·inv_std·(g − sum_g/rows − xhat·sum_gx/rows)` (`inv_rows` = 1/rows, the sums rounded to
/// f32 first), row by row.
#[inline(always)]
pub fn bn_input_grad(g: &mut [f32], xhat: &[f32], gamma: &[f32], inv_std: &[f32], sum_g: &[f64], sum_gx: &[f64], inv_rows: f32) {
    let c = gamma.len();
    let (inv_std, sum_g, sum_gx) = (&inv_std[..c], &sum_g[..c], &sum_gx[..c]);
    for (g, xhat) in g.chunks_exact_mut(c).zip(xhat.chunks_exact(c)) {
        for j in 0..c {
            g[j] = gamma[j] * inv_std[j] * (g[j] - sum_g[j] as f32 * inv_rows - xhat[j] * sum_gx[j] as f32 * inv_rows);
        }
    }
}
