//! Compute kernels with runtime ISA dispatch (scalar reference, x86_64 AVX2, wasm32 simd128).
//!
//! **Invariant: every ISA returns bit-identical results.** The same seed must train the same model
//! natively and in the browser, so the SIMD kernels are not allowed any numerical freedom:
//! - vectors run only across independent output elements (the contiguous column dimension `n`);
//! - each output element starts from its current value and accumulates its terms one at a time in
//!   increasing reduction index (events / `k`), exactly like [`scalar`];
//! - multiply then add, never FMA (x86 code enables only `avx2`, not `fma`; wasm uses no
//!   relaxed-simd); sqrt and division are correctly rounded everywhere, so they are allowed;
//! - `exp` is our own [`math::exp_f32`], replicated lane-wise with the identical op sequence.
//!
//! The public functions assert slice shapes once at entry (cheap, O(rows + events) at most) so the
//! SIMD code can use unchecked pointer arithmetic without risking out-of-bounds access in release.

use std::sync::atomic::{AtomicBool, Ordering};

mod cols;
pub mod math;
pub mod scalar;

pub use cols::ColsMut;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd128;
#[cfg(target_arch = "x86_64")]
mod x86;

use crate::surrogate::Surrogate;

static FORCE_SCALAR: AtomicBool = AtomicBool::new(false);

/// Make every dispatcher use the scalar reference (for "scalar vs SIMD" benchmarks). Results do not
/// change — only speed — which is the point of the exactness invariant.
pub fn set_force_scalar(force: bool) {
    FORCE_SCALAR.store(force, Ordering::Relaxed);
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Isa {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    Simd128,
}

#[cfg(target_arch = "x86_64")]
fn has_avx2() -> bool {
    // std caches the CPUID result too, but keeping our own flag makes the per-call cost one load.
    static AVX2: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVX2.get_or_init(|| std::arch::is_x86_feature_detected!("avx2"))
}

#[inline]
fn isa() -> Isa {
    if FORCE_SCALAR.load(Ordering::Relaxed) {
        return Isa::Scalar;
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        return Isa::Simd128;
    }
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx2() {
            return Isa::Avx2;
        }
    }
    #[allow(unreachable_code)]
    Isa::Scalar
}

/// The instruction set the dispatchers currently use: "avx2", "simd128" or "scalar".
pub fn active_isa() -> &'static str {
    match isa() {
        Isa::Scalar => "scalar",
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => "avx2",
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        Isa::Simd128 => "simd128",
    }
}

/// Checks a CSR structure; returns the number of rows. Needed before the unchecked SIMD paths.
///
/// `ptr[0]` need not be 0: positions are absolute indices into `idx`/`val`, so a caller can hand a
/// thread the rows `r0..r1` as `&ptr[r0..=r1]` with the full `idx`/`val` and `&mut out[r0*n..r1*n]`.
fn check_csr(ptr: &[u32], idx: &[u32], val: Option<&[f32]>) -> usize {
    assert!(
        !ptr.is_empty(),
        "CSR ptr must have rows+1 entries (at least 1)"
    );
    assert!(
        ptr.windows(2).all(|p| p[0] <= p[1]),
        "CSR ptr must be non-decreasing"
    );
    let nnz = *ptr.last().unwrap() as usize;
    assert!(
        nnz <= idx.len(),
        "CSR ptr ends at {nnz} but idx has {} entries",
        idx.len()
    );
    if let Some(v) = val {
        assert!(
            nnz <= v.len(),
            "CSR ptr ends at {nnz} but val has {} entries",
            v.len()
        );
    }
    ptr.len() - 1
}

/// `out[r*n + j] += Σ_e val[e] * w[idx[e]*n + j]` for every row r, events in CSR order
/// (`val = None`: binary spikes, additions only). `out` is accumulated into, starting from its
/// current contents (e.g. a bias set by [`broadcast_rows`]). Batch rows are independent, so
/// splitting them across threads (`&ptr[r0..=r1]`, see `check_csr`) gives identical bits.
pub fn sparse_matmul(
    ptr: &[u32],
    idx: &[u32],
    val: Option<&[f32]>,
    w: &[f32],
    n: usize,
    out: &mut [f32],
) {
    let rows = check_csr(ptr, idx, val);
    assert_eq!(
        out.len(),
        rows * n,
        "sparse_matmul: out.len() must be rows*n"
    );
    sparse_matmul_cols(ptr, idx, val, w, &mut ColsMut::all(out, n));
}

/// [`sparse_matmul`] restricted to the columns of `out` (a view of a `[rows × n]` matrix, n =
/// `out.stride()`, also the row length of `w`). Every element is computed exactly as by the whole
/// product, so column blocks can run on different threads.
pub fn sparse_matmul_cols(ptr: &[u32], idx: &[u32], val: Option<&[f32]>, w: &[f32], out: &mut ColsMut) {
    let rows = check_csr(ptr, idx, val);
    let n = out.stride();
    assert_eq!(out.rows(), rows, "sparse_matmul: out has {} rows, the events {rows}", out.rows());
    if n == 0 || rows == 0 || out.cols() == 0 {
        return;
    }
    assert_eq!(
        w.len() % n,
        0,
        "sparse_matmul: w.len() must be a multiple of n"
    );
    let w_rows = w.len() / n;
    let events = &idx[ptr[0] as usize..ptr[rows] as usize];
    // `max` (not an early-exit `all`) so that this check over every event vectorizes.
    assert!(
        events.iter().copied().max().map_or(true, |i| (i as usize) < w_rows),
        "sparse_matmul: column index out of range"
    );
    match isa() {
        Isa::Scalar => scalar::sparse_matmul_cols(ptr, idx, val, w, out),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 detected at runtime; shapes and indices checked above, and the kernel
        // touches only columns [first_col, first_col + cols) of rows < rows, at stride n.
        Isa::Avx2 => unsafe {
            x86::sparse_matmul(ptr, idx, val, w.as_ptr().add(out.first_col()), n, out.cols(), out.as_mut_ptr())
        },
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        // SAFETY: as above.
        Isa::Simd128 => unsafe {
            simd128::sparse_matmul(ptr, idx, val, w.as_ptr().add(out.first_col()), n, out.cols(), out.as_mut_ptr())
        },
    }
}

/// Weight-gradient accumulation over active inputs only: for r in order, for each event e of row r
/// with `idx[e]` in `[row_lo, row_hi)`: `dw_part[(idx[e]-row_lo)*n + j] += val[e] * dy[r*n + j]`.
/// Events outside the range are skipped, so callers can split dw rows across threads and still get
/// exactly the single-threaded result.
///
/// Fast path: transpose the events ([`TransposedEvents`]) and run [`sparse_matmul`] with `dy` as
/// the matrix — what `Linear::backward` does directly, keeping the transposed lists between calls.
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
    let rows = check_csr(ptr, idx, val);
    assert!(row_lo <= row_hi, "sparse_t_matmul: row_lo > row_hi");
    assert_eq!(
        dy.len(),
        rows * n,
        "sparse_t_matmul: dy.len() must be rows*n"
    );
    assert_eq!(
        dw_part.len(),
        (row_hi - row_lo) as usize * n,
        "sparse_t_matmul: dw_part.len() must be (row_hi-row_lo)*n"
    );
    if n == 0 || rows == 0 || row_lo == row_hi {
        return;
    }
    if isa() == Isa::Scalar {
        return scalar::sparse_t_matmul(ptr, idx, val, dy, n, row_lo, row_hi, dw_part);
    }
    TRANSPOSED.with(|cell| {
        let mut t = cell.borrow_mut();
        t.rebuild(ptr, idx, val, row_lo, row_hi);
        sparse_matmul(&t.ptr, &t.row, t.values(), dy, n, dw_part);
    })
}

/// The transpose of a CSR restricted to columns [lo, hi): for every dw row, the list of (batch row,
/// value) events that touch it, **in increasing batch-row order** (a stable counting sort). With it
/// the weight gradient becomes another `sparse_matmul` (dw row = Σ val·dy row), which keeps each dw
/// chunk in registers instead of read-modify-writing whole dw rows per event — and the per-element
/// accumulation order is unchanged (r increasing), so results equal [`scalar::sparse_t_matmul`]
/// exactly. Buffers are reused: rebuilding allocates nothing once they have grown.
#[derive(Clone, Debug, Default)]
pub struct TransposedEvents {
    /// CSR row pointers, one row per column in [lo, hi) (plus one).
    pub ptr: Vec<u32>,
    /// Batch rows, increasing within each list.
    pub row: Vec<u32>,
    /// Values per event (empty for binary spikes).
    vals: Vec<f32>,
    binary: bool,
    /// Fill cursor of the counting sort.
    fill: Vec<u32>,
}

impl TransposedEvents {
    pub fn rebuild(&mut self, ptr: &[u32], idx: &[u32], val: Option<&[f32]>, lo: u32, hi: u32) {
        check_csr(ptr, idx, val);
        assert!(lo <= hi, "TransposedEvents: lo > hi");
        let rows = ptr.len() - 1;
        let span = (hi - lo) as usize;
        self.binary = val.is_none();
        let cptr = &mut self.ptr;
        cptr.clear();
        cptr.resize(span + 1, 0);
        for &i in &idx[ptr[0] as usize..ptr[rows] as usize] {
            if i >= lo && i < hi {
                cptr[(i - lo) as usize + 1] += 1;
            }
        }
        for c in 0..span {
            cptr[c + 1] += cptr[c];
        }
        let total = cptr[span] as usize;
        // Room for the densest possible batch of this shape up front, so that a later batch with
        // more events than any before it does not reallocate in the middle of training.
        let most = rows * span;
        if self.row.capacity() < most {
            self.row.reserve_exact(most - self.row.len());
        }
        if val.is_some() && self.vals.capacity() < most {
            self.vals.reserve_exact(most - self.vals.len());
        }
        self.fill.clear();
        self.fill.extend_from_slice(&cptr[..span]);
        self.row.clear();
        self.row.resize(total, 0);
        self.vals.clear();
        if val.is_some() {
            self.vals.resize(total, 0.0);
        }
        for r in 0..rows {
            for e in ptr[r] as usize..ptr[r + 1] as usize {
                let i = idx[e];
                if i >= lo && i < hi {
                    let c = (i - lo) as usize;
                    let at = self.fill[c] as usize;
                    self.fill[c] += 1;
                    self.row[at] = r as u32;
                    if let Some(v) = val {
                        self.vals[at] = v[e];
                    }
                }
            }
        }
    }

    /// Values for the kernels: `None` for binary spikes.
    pub fn values(&self) -> Option<&[f32]> {
        if self.binary {
            None
        } else {
            Some(&self.vals)
        }
    }
}

thread_local! {
    static TRANSPOSED: std::cell::RefCell<TransposedEvents> = std::cell::RefCell::new(TransposedEvents::default());
}

/// `out[m×n] += a[m×k] · b[k×n]`; each out element starts from its current value and adds
/// `a[i,p]*b[p,j]` for p = 0, 1, …, k−1 in order.
pub fn matmul(a: &[f32], b: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
    assert_eq!(a.len(), m * k, "matmul: a.len() must be m*k");
    assert_eq!(b.len(), k * n, "matmul: b.len() must be k*n");
    assert_eq!(out.len(), m * n, "matmul: out.len() must be m*n");
    if m == 0 || n == 0 || k == 0 {
        return;
    }
    match isa() {
        Isa::Scalar => scalar::matmul(a, b, m, k, n, out),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 detected; shapes checked above.
        Isa::Avx2 => unsafe { x86::matmul(a, b, m, k, n, out) },
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        // SAFETY: shapes checked above.
        Isa::Simd128 => unsafe { simd128::matmul(a, b, m, k, n, out) },
    }
}

/// `dst[cols×rows]` = transpose of `src[rows×cols]`. Pure data movement, so bit-identity is
/// trivial; the SIMD versions transpose 8×8 (AVX2) / 4×4 (simd128) blocks in registers.
pub fn transpose(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    assert_eq!(
        src.len(),
        rows * cols,
        "transpose: src.len() must be rows*cols"
    );
    assert_eq!(
        dst.len(),
        rows * cols,
        "transpose: dst.len() must be rows*cols"
    );
    match isa() {
        Isa::Scalar => scalar::transpose(src, rows, cols, dst),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 detected; shapes checked above.
        Isa::Avx2 => unsafe { x86::transpose(src, rows, cols, dst) },
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        // SAFETY: shapes checked above.
        Isa::Simd128 => unsafe { simd128::transpose(src, rows, cols, dst) },
    }
}

/// Writes the column indices of the non-zero entries of `row` (in increasing order) to `idx`, and
/// their values to `val` if given; returns their number. `idx` and `val` must have room for
/// `row.len()` entries (entries past the returned count are scratch). `-0.0` counts as zero.
/// This turns a layer's dense output into the next layer's event list.
pub fn compact_nonzero(row: &[f32], idx: &mut [u32], val: Option<&mut [f32]>) -> usize {
    assert!(idx.len() >= row.len(), "compact_nonzero: idx has room for {} of {}", idx.len(), row.len());
    if let Some(v) = val.as_deref() {
        assert!(v.len() >= row.len(), "compact_nonzero: val has room for {} of {}", v.len(), row.len());
    }
    assert!(row.len() <= u32::MAX as usize, "compact_nonzero: row too long for u32 indices");
    match isa() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 detected; idx/val have room for row.len() entries (checked above).
        Isa::Avx2 => unsafe { x86::compact_nonzero(row, idx, val) },
        // wasm keeps the branch-free reference: simd128 has no lane-compress instruction (a
        // byte-shuffle table version is possible; not written yet).
        _ => scalar::compact_nonzero(row, idx, val),
    }
}

/// `out[r*n + j] = bias[j]` for every row (n = bias.len()).
pub fn broadcast_rows(bias: &[f32], rows: usize, out: &mut [f32]) {
    assert_eq!(
        out.len(),
        rows * bias.len(),
        "broadcast_rows: out.len() must be rows*bias.len()"
    );
    // memcpy per row is already optimal on every target.
    scalar::broadcast_rows(bias, rows, out)
}

/// `g[i] *= s.grad(x[i])` — the surrogate-gradient step of backprop (x = u − θ).
pub fn surrogate_grad_mul(s: &Surrogate, x: &[f32], g: &mut [f32]) {
    assert_eq!(
        x.len(),
        g.len(),
        "surrogate_grad_mul: x and g lengths differ"
    );
    match isa() {
        Isa::Scalar => scalar::surrogate_grad_mul(s, x, g),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 detected; lengths checked.
        Isa::Avx2 => unsafe { x86::surrogate_grad_mul(s, x, g) },
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        // SAFETY: lengths checked.
        Isa::Simd128 => unsafe { simd128::surrogate_grad_mul(s, x, g) },
    }
}

/// Adam (PyTorch semantics, L2 weight decay added to g):
/// `m = b1 m + (1−b1) g; v = b2 v + (1−b2) g²; w −= lr (m/bc1) / (sqrt(v/bc2) + eps)`,
/// with `bc1 = 1 − b1^t`, `bc2 = 1 − b2^t` supplied by the caller.
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
    let len = w.len();
    assert!(
        g.len() == len && m.len() == len && v.len() == len,
        "adam_step: slice lengths differ"
    );
    match isa() {
        Isa::Scalar => scalar::adam_step(w, g, m, v, lr, b1, b2, eps, bc1, bc2, weight_decay),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 detected; lengths checked.
        Isa::Avx2 => unsafe { x86::adam_step(w, g, m, v, lr, b1, b2, eps, bc1, bc2, weight_decay) },
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        // SAFETY: lengths checked.
        Isa::Simd128 => unsafe {
            simd128::adam_step(w, g, m, v, lr, b1, b2, eps, bc1, bc2, weight_decay)
        },
    }
}

/// SGD with momentum (PyTorch semantics): `g' = g + wd w; vel = mu vel + g'; w −= lr vel`.
pub fn sgd_step(
    w: &mut [f32],
    g: &[f32],
    vel: &mut [f32],
    lr: f32,
    momentum: f32,
    weight_decay: f32,
) {
    let len = w.len();
    assert!(
        g.len() == len && vel.len() == len,
        "sgd_step: slice lengths differ"
    );
    match isa() {
        Isa::Scalar => scalar::sgd_step(w, g, vel, lr, momentum, weight_decay),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: AVX2 detected; lengths checked.
        Isa::Avx2 => unsafe { x86::sgd_step(w, g, vel, lr, momentum, weight_decay) },
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        // SAFETY: lengths checked.
        Isa::Simd128 => unsafe { simd128::sgd_step(w, g, vel, lr, momentum, weight_decay) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The only test in the crate that flips the global switch; the exactness tests live in
    // tests/kernels.rs (a separate process), so they cannot be disturbed by it.
    #[test]
    fn force_scalar_switches_dispatch_and_not_results() {
        let simd = active_isa();
        let a: Vec<f32> = (0..7 * 19).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..19 * 21).map(|i| (i as f32 * 0.11).cos()).collect();
        let mut o1 = vec![0.5f32; 7 * 21];
        let mut o2 = o1.clone();
        matmul(&a, &b, 7, 19, 21, &mut o1);
        set_force_scalar(true);
        assert_eq!(active_isa(), "scalar");
        matmul(&a, &b, 7, 19, 21, &mut o2);
        set_force_scalar(false);
        assert_eq!(active_isa(), simd);
        assert!(o1.iter().zip(&o2).all(|(x, y)| x.to_bits() == y.to_bits()));
    }
}
