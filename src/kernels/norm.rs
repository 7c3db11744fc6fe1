//! Batch-norm kernels: per-channel sums over the rows of a `[rows × C]` matrix (in f64, one row
//! after another) and the element-wise passes of batch norm's forward and backward.
//!
//! Plain loops, not lanes code: they are compiled inside each ISA's `#[target_feature]` entry
//! point, where LLVM vectorizes them across the channels at that ISA's width. Channels are
//! independent and every channel's sum still adds its rows one at a time in order (no
//! reassociation, no FMA: neither is enabled), so each ISA returns the scalar lane's bits.

/// Channels summed side by side: one f64 vector of the widest ISA (AVX-512).
const LANES: usize = 8;

/// Channel blocks per pass over the rows: 64 channels, 4 KB of sums, in L1.
const BLOCKS: usize = 8;

/// `sums[jj] = Σ_rows term(row, jj)` for `jj < sums.len()`, each channel's terms added in row
/// order. `lanes(r, j)` gives the terms of the `LANES` channels from `j` of row `r` (one bounds
/// check per vector, so the adds vectorize), `one(r, j)` a single channel's (for the last
/// channels, fewer than `LANES`). The channels go `LANES` at a time in fixed-size arrays, so the
/// loop vectorizes at any channel count (a thread's share may be 16 channels, which a loop over a
/// run-time count would leave to its scalar remainder); up to `BLOCKS` of them per pass.
#[inline(always)]
fn channel_sums(rows: usize, sums: &mut [f64], lanes: impl Fn(usize, usize) -> [f64; LANES], one: impl Fn(usize, usize) -> f64) {
    let m = sums.len();
    let mut b0 = 0;
    while b0 < m {
        let blocks = ((m - b0) / LANES).min(BLOCKS);
        if blocks == 0 {
            for (jj, s) in sums.iter_mut().enumerate().skip(b0) {
                *s = (0..rows).fold(0.0, |a, r| a + one(r, jj));
            }
            return;
        }
        let mut acc = [[0.0f64; LANES]; BLOCKS];
        for r in 0..rows {
            for (b, a) in acc.iter_mut().enumerate().take(blocks) {
                let t = lanes(r, b0 + b * LANES);
                for (v, t) in a.iter_mut().zip(t) {
                    *v += t;
                }
            }
        }
        for (b, a) in acc.iter().enumerate().take(blocks) {
            sums[b0 + b * LANES..][..LANES].copy_from_slice(a);
        }
        b0 += blocks * LANES;
    }
}

/// `LANES` floats of `x` from `at`, as an array (one bounds check).
#[inline(always)]
fn lanes_at(x: &[f32], at: usize) -> [f32; LANES] {
    x[at..at + LANES].try_into().unwrap()
}

/// `mean[jj]` and `var[jj]` for the channels `j0 .. j0 + mean.len()` of `x` (`c` per row): the
/// mean of the rows, then the sum of the squared differences from it (not yet divided).
#[inline(always)]
pub fn bn_statistics(x: &[f32], c: usize, j0: usize, mean: &mut [f64], var: &mut [f64]) {
    let rows = x.len() / c;
    let m = mean.len();
    let at = |r: usize, jj: usize| r * c + j0 + jj;
    channel_sums(rows, mean, |r, j| lanes_at(x, at(r, j)).map(f64::from), |r, j| f64::from(x[at(r, j)]));
    mean.iter_mut().for_each(|v| *v /= rows as f64);
    let mu = &mean[..m];
    channel_sums(
        rows,
        &mut var[..m],
        |r, j| {
            let (v, mu): ([f32; LANES], &[f64; LANES]) = (lanes_at(x, at(r, j)), mu[j..j + LANES].try_into().unwrap());
            core::array::from_fn(|i| {
                let d = f64::from(v[i]) - mu[i];
                d * d
            })
        },
        |r, j| {
            let d = f64::from(x[at(r, j)]) - mu[j];
            d * d
        },
    );
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
    let rows = g.len() / c;
    let m = sum_g.len();
    let at = |r: usize, jj: usize| r * c + j0 + jj;
    channel_sums(rows, sum_g, |r, j| lanes_at(g, at(r, j)).map(f64::from), |r, j| f64::from(g[at(r, j)]));
    channel_sums(
        rows,
        &mut sum_gx[..m],
        |r, j| {
            let (a, b) = (lanes_at(g, at(r, j)), lanes_at(xhat, at(r, j)));
            core::array::from_fn(|i| f64::from(a[i] * b[i]))
        },
        |r, j| f64::from(g[at(r, j)] * xhat[at(r, j)]),
    );
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
