//! TEMPORARY scalar stand-in while the SIMD kernels land on their own branch.
pub mod scalar {}
pub fn sparse_matmul(ptr: &[u32], idx: &[u32], val: Option<&[f32]>, w: &[f32], n: usize, out: &mut [f32]) {
    for r in 0..ptr.len().saturating_sub(1) {
        let o = &mut out[r * n..(r + 1) * n];
        for e in ptr[r] as usize..ptr[r + 1] as usize {
            let row = &w[idx[e] as usize * n..][..n];
            match val { Some(v) => { let a = v[e]; for j in 0..n { o[j] += a * row[j]; } } None => { for j in 0..n { o[j] += row[j]; } } }
        }
    }
}
#[allow(clippy::too_many_arguments)]
pub fn sparse_t_matmul(ptr: &[u32], idx: &[u32], val: Option<&[f32]>, dy: &[f32], n: usize, row_lo: u32, row_hi: u32, dw_part: &mut [f32]) {
    for r in 0..ptr.len().saturating_sub(1) {
        let d = &dy[r * n..(r + 1) * n];
        for e in ptr[r] as usize..ptr[r + 1] as usize {
            let i = idx[e];
            if i < row_lo || i >= row_hi { continue; }
            let o = &mut dw_part[(i - row_lo) as usize * n..][..n];
            match val { Some(v) => { let a = v[e]; for j in 0..n { o[j] += a * d[j]; } } None => { for j in 0..n { o[j] += d[j]; } } }
        }
    }
}
pub fn matmul(a: &[f32], b: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
    for r in 0..m { for p in 0..k { let x = a[r * k + p]; for j in 0..n { out[r * n + j] += x * b[p * n + j]; } } }
}
pub fn transpose(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    for r in 0..rows { for c in 0..cols { dst[c * rows + r] = src[r * cols + c]; } }
}
pub fn broadcast_rows(bias: &[f32], rows: usize, out: &mut [f32]) {
    for r in 0..rows { out[r * bias.len()..(r + 1) * bias.len()].copy_from_slice(bias); }
}
pub fn surrogate_grad_mul(s: &crate::surrogate::Surrogate, x: &[f32], g: &mut [f32]) {
    for (gi, &xi) in g.iter_mut().zip(x) { *gi *= s.grad(xi); }
}
#[allow(clippy::too_many_arguments)]
pub fn adam_step(w: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], lr: f32, b1: f32, b2: f32, eps: f32, bc1: f32, bc2: f32, wd: f32) {
    for i in 0..w.len() {
        let gi = g[i] + wd * w[i];
        m[i] = b1 * m[i] + (1.0 - b1) * gi;
        v[i] = b2 * v[i] + (1.0 - b2) * gi * gi;
        w[i] -= lr * (m[i] / bc1) / ((v[i] / bc2).sqrt() + eps);
    }
}
pub fn sgd_step(w: &mut [f32], g: &[f32], vel: &mut [f32], lr: f32, mu: f32, wd: f32) {
    for i in 0..w.len() { let gi = g[i] + wd * w[i]; vel[i] = mu * vel[i] + gi; w[i] -= lr * vel[i]; }
}
pub fn active_isa() -> &'static str { "scalar" }
