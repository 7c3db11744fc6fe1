//! Compute kernels, each written once over a lanes abstraction ([`Lanes`]) and instantiated per
//! instruction set: the scalar reference lane, x86_64 AVX2 (detected at run time) and wasm32
//! simd128.
//!
//! **Invariant: every ISA returns bit-identical results.** The same seed must train the same model
//! natively and in the browser, so the vector code is not allowed any numerical freedom:
//! - vectors run only across independent output elements (the contiguous column dimension `n`);
//! - each output element starts from its current value and accumulates its terms one at a time in
//!   increasing reduction index (events / `k`);
//! - multiply then add, never FMA (x86 code enables only `avx2` or `avx512f` and never calls an
//!   FMA intrinsic, and rustc does not contract; wasm uses no relaxed-simd); sqrt and division are correctly rounded everywhere, so they are allowed;
//! - `exp` is our own [`math::exp`], written once over the lanes like everything else.
//!
//! The first two hold by construction: a kernel (`sparse.rs`, `dense.rs`, `lut.rs`,
//! `elementwise.rs`, `math.rs`) is one generic function whose per-element operation sequence does
//! not depend on the lane width, and tails that do not fill a vector run the same function at the
//! [`Scalar`] lane. `norm.rs` (batch norm) is plain loops across independent channels that LLVM
//! vectorizes inside each ISA's entry point, which cannot reorder an element's f64 sum either.
//! The ISA files (`avx512.rs`, `avx2.rs`, `simd128.rs`) only say what each lane operation is. Per-ISA code
//! remains only where the instructions really differ: the register transpose tile (part of the
//! lane interface) and AVX2's movemask/left-pack event compaction (an override of `compact.rs`).
//!
//! Adding an ISA: a file implementing [`Lanes`] that ends with `entry_points!(Lane, "feature")`,
//! and its line in `isas!` below.
//!
//! The public functions assert slice shapes once at entry (cheap, O(rows + events) at most) so the
//! kernels can use unchecked pointer arithmetic without risking out-of-bounds access in release.

use std::sync::atomic::{AtomicBool, Ordering};

mod cols;
mod compact;
mod dense;
mod elementwise;
mod lanes;
mod lut;
pub mod math;
mod norm;
mod sparse;

pub use cols::ColsMut;
pub use lanes::{LaneMap, Lanes, Scalar};
pub use lut::{GROUP as SPIKE_GROUP, SUBSETS};
pub use sparse::TransposedEvents;

/// The entry points of every kernel for one lane type: plain monomorphic functions, marked
/// `#[target_feature(enable = $feature)]` so that the lane methods and their intrinsics inline
/// into them. Invoked once at the end of each ISA file.
macro_rules! entry_points {
    ($lanes:ty $(, $feature:literal)?) => {
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn sparse_matmul(ptr: &[u32], idx: &[u32], val: Option<&[f32]>, w: *const f32, ld: usize, cols: usize, out: *mut f32) {
            super::sparse::sparse_matmul::<$lanes>(ptr, idx, val, w, ld, cols, out)
        }
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn matmul(a: *const f32, b: *const f32, m: usize, k: usize, n: usize, out: *mut f32) {
            super::dense::matmul::<$lanes>(a, b, m, k, n, out)
        }
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn matmul_set(a: *const f32, b: *const f32, m: usize, k: usize, n: usize, out: *mut f32) {
            super::dense::matmul_set::<$lanes>(a, b, m, k, n, out)
        }
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn matmul_tn(a: *const f32, lda: usize, b: *const f32, m: usize, k: usize, n: usize, out: *mut f32) {
            super::dense::matmul_tn::<$lanes>(a, lda, b, m, k, n, out)
        }
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn subset_tables(src: *const f32, ld: usize, rows: usize, n: usize, tables: *mut f32) {
            super::lut::subset_tables::<$lanes>(src, ld, rows, n, tables)
        }
        $(#[target_feature(enable = $feature)])?
        #[allow(clippy::too_many_arguments)]
        pub(super) unsafe fn lookup_rows(pat: *const u8, row_step: usize, group_step: usize, groups: usize, rows: usize, tables: *const f32, n: usize, out: *mut f32, ld: usize, skip_empty: bool) {
            super::lut::lookup_rows::<$lanes>(pat, row_step, group_step, groups, rows, tables, n, out, ld, skip_empty)
        }
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn bn_statistics(x: &[f32], c: usize, j0: usize, mean: &mut [f64], var: &mut [f64]) {
            super::norm::bn_statistics(x, c, j0, mean, var)
        }
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn bn_normalize(u: &mut [f32], xhat: &mut [f32], mean: &[f64], inv_std: &[f32], gamma: &[f32], beta: &[f32]) {
            super::norm::bn_normalize(u, xhat, mean, inv_std, gamma, beta)
        }
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn bn_grad_sums(g: &[f32], xhat: &[f32], c: usize, j0: usize, sum_g: &mut [f64], sum_gx: &mut [f64]) {
            super::norm::bn_grad_sums(g, xhat, c, j0, sum_g, sum_gx)
        }
        $(#[target_feature(enable = $feature)])?
        #[allow(clippy::too_many_arguments)]
        pub(super) unsafe fn bn_input_grad(g: &mut [f32], xhat: &[f32], gamma: &[f32], inv_std: &[f32], sum_g: &[f64], sum_gx: &[f64], inv_rows: f32) {
            super::norm::bn_input_grad(g, xhat, gamma, inv_std, sum_g, sum_gx, inv_rows)
        }
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn transpose(src: *const f32, src_ld: usize, rows: usize, cols: usize, dst: *mut f32) {
            super::dense::transpose::<$lanes>(src, src_ld, rows, cols, dst)
        }
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn mul_by_map<F: super::LaneMap>(f: &F, x: &[f32], g: &mut [f32]) {
            super::elementwise::mul_by_map::<$lanes, F>(f, x, g)
        }
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn adam_step(h: &super::elementwise::Adam, w: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32]) {
            super::elementwise::adam_step::<$lanes>(h, w, g, m, v)
        }
        $(#[target_feature(enable = $feature)])?
        pub(super) unsafe fn sgd_step(lr: f32, momentum: f32, weight_decay: f32, w: &mut [f32], g: &[f32], vel: &mut [f32]) {
            super::elementwise::sgd_step::<$lanes>(lr, momentum, weight_decay, w, g, vel)
        }
    };
}
use entry_points;

/// The ISAs, preferred first: `Variant => module, "name", cfg(where it can be compiled)`. Makes
/// the [`Isa`] enum, the run-time choice and the one `dispatch!` match — the only place that
/// lists the ISAs. The scalar lane is always last and always available.
macro_rules! isas {
    // `$d` is a literal `$` passed in, so that the inner macro can have its own metavariables.
    ($d:tt $($variant:ident => $module:ident, $name:literal, cfg($($cfg:tt)*);)*) => {
        $(#[cfg($($cfg)*)] mod $module;)*

        /// The scalar lane's entry points (always compiled, no target feature).
        mod scalar {
            use super::Scalar;
            super::entry_points!(Scalar);
        }

        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        enum Isa {
            $(#[cfg($($cfg)*)] $variant,)*
            Scalar,
        }

        impl Isa {
            /// The fastest ISA this machine runs (unless forced to scalar).
            #[inline]
            fn best() -> Isa {
                if FORCE_SCALAR.load(Ordering::Relaxed) {
                    return Isa::Scalar;
                }
                $(
                    #[cfg($($cfg)*)]
                    if $module::detected() {
                        return Isa::$variant;
                    }
                )*
                Isa::Scalar
            }

            /// Every ISA this machine runs, preferred first (scalar last).
            fn available() -> Vec<Isa> {
                let mut all = Vec::new();
                $(
                    #[cfg($($cfg)*)]
                    if $module::detected() {
                        all.push(Isa::$variant);
                    }
                )*
                all.push(Isa::Scalar);
                all
            }

            fn name(self) -> &'static str {
                match self {
                    $(#[cfg($($cfg)*)] Isa::$variant => $name,)*
                    Isa::Scalar => "scalar",
                }
            }
        }

        /// `dispatch!(isa, kernel(args…))` calls `kernel` of the chosen ISA's entry points.
        macro_rules! dispatch {
            ($d isa:expr, $d kernel:ident($d ($d arg:expr),* $d (,)?)) => {
                match $d isa {
                    // SAFETY: an ISA other than scalar is only chosen when `detected()` says the
                    // CPU runs it, and the public functions checked every shape and index first.
                    $(#[cfg($($cfg)*)] Isa::$variant => unsafe { $module::$d kernel($d ($d arg),*) },)*
                    // SAFETY: shapes and indices were checked by the public function.
                    Isa::Scalar => unsafe { scalar::$d kernel($d ($d arg),*) },
                }
            };
        }
    };
}

isas! { $
    Avx512 => avx512, "avx512", cfg(target_arch = "x86_64");
    Avx2 => avx2, "avx2", cfg(target_arch = "x86_64");
    Simd128 => simd128, "simd128", cfg(all(target_arch = "wasm32", target_feature = "simd128"));
}

static FORCE_SCALAR: AtomicBool = AtomicBool::new(false);

/// Make every dispatcher use the scalar reference (for "scalar vs SIMD" benchmarks). Results do not
/// change — only speed — which is the point of the exactness invariant.
pub fn set_force_scalar(force: bool) {
    FORCE_SCALAR.store(force, Ordering::Relaxed);
}

/// The instruction set the dispatchers currently use: "avx512", "avx2", "simd128" or "scalar".
pub fn active_isa() -> &'static str {
    Isa::best().name()
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

/// The kernels of one ISA. [`Kernels::active`] is what the free functions below use;
/// [`Kernels::SCALAR`] is the reference that the tests compare every other ISA with (and that
/// `set_force_scalar` selects). Every method checks the shapes and then runs the same generic
/// kernel at that ISA's lanes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Kernels {
    isa: Isa,
}

impl Kernels {
    /// The scalar reference lane.
    pub const SCALAR: Kernels = Kernels { isa: Isa::Scalar };

    /// The fastest ISA of this machine, or scalar when forced (see [`set_force_scalar`]).
    #[inline]
    pub fn active() -> Self {
        Kernels { isa: Isa::best() }
    }

    /// Every ISA this machine runs, preferred first, scalar last: the exactness tests compare
    /// each of them with [`Kernels::SCALAR`], not only the one dispatch picks.
    pub fn available() -> Vec<Kernels> {
        Isa::available().into_iter().map(|isa| Kernels { isa }).collect()
    }

    /// "avx512", "avx2", "simd128" or "scalar".
    pub fn isa(self) -> &'static str {
        self.isa.name()
    }

    /// `out[r*n + j] += Σ_e val[e] * w[idx[e]*n + j]` for every row r, events in CSR order
    /// (`val = None`: binary spikes, additions only). `out` is accumulated into, starting from its
    /// current contents (e.g. a bias set by [`broadcast_rows`]). Batch rows are independent, so
    /// splitting them across threads (`&ptr[r0..=r1]`, see `check_csr`) gives identical bits.
    pub fn sparse_matmul(self, ptr: &[u32], idx: &[u32], val: Option<&[f32]>, w: &[f32], n: usize, out: &mut [f32]) {
        let rows = check_csr(ptr, idx, val);
        assert_eq!(out.len(), rows * n, "sparse_matmul: out.len() must be rows*n");
        self.sparse_matmul_cols(ptr, idx, val, w, &mut ColsMut::all(out, n));
    }

    /// [`sparse_matmul`](Self::sparse_matmul) restricted to the columns of `out` (a view of a
    /// `[rows × n]` matrix, n = `out.stride()`, also the row length of `w`). Every element is
    /// computed exactly as by the whole product, so column blocks can run on different threads.
    pub fn sparse_matmul_cols(self, ptr: &[u32], idx: &[u32], val: Option<&[f32]>, w: &[f32], out: &mut ColsMut) {
        let rows = check_csr(ptr, idx, val);
        let n = out.stride();
        assert_eq!(out.rows(), rows, "sparse_matmul: out has {} rows, the events {rows}", out.rows());
        if n == 0 || rows == 0 || out.cols() == 0 {
            return;
        }
        assert_eq!(w.len() % n, 0, "sparse_matmul: w.len() must be a multiple of n");
        let w_rows = w.len() / n;
        let events = &idx[ptr[0] as usize..ptr[rows] as usize];
        // `max` (not an early-exit `all`) so that this check over every event vectorizes.
        assert!(
            events.iter().copied().max().map_or(true, |i| (i as usize) < w_rows),
            "sparse_matmul: column index out of range"
        );
        // The kernel touches only columns [first_col, first_col + cols) of rows < rows, at stride n.
        let w = w[out.first_col()..].as_ptr();
        dispatch!(self.isa, sparse_matmul(ptr, idx, val, w, n, out.cols(), out.as_mut_ptr()))
    }

    /// Weight-gradient accumulation over active inputs only: for r in order, for each event e of
    /// row r with `idx[e]` in `[row_lo, row_hi)`: `dw_part[(idx[e]-row_lo)*n + j] += val[e] * dy[r*n + j]`.
    /// Events outside the range are skipped, so callers can split dw rows across threads and
    /// still get exactly the single-threaded result.
    ///
    /// The scalar ISA runs this definition directly; the vector ISAs transpose the events
    /// ([`TransposedEvents`]) and run [`sparse_matmul`] with `dy` as the matrix — what
    /// `Linear::backward` does directly, keeping the transposed lists between calls.
    #[allow(clippy::too_many_arguments)]
    pub fn sparse_t_matmul(self, ptr: &[u32], idx: &[u32], val: Option<&[f32]>, dy: &[f32], n: usize, row_lo: u32, row_hi: u32, dw_part: &mut [f32]) {
        let rows = check_csr(ptr, idx, val);
        assert!(row_lo <= row_hi, "sparse_t_matmul: row_lo > row_hi");
        assert_eq!(dy.len(), rows * n, "sparse_t_matmul: dy.len() must be rows*n");
        assert_eq!(
            dw_part.len(),
            (row_hi - row_lo) as usize * n,
            "sparse_t_matmul: dw_part.len() must be (row_hi-row_lo)*n"
        );
        if n == 0 || rows == 0 || row_lo == row_hi {
            return;
        }
        if self.isa == Isa::Scalar {
            return sparse::sparse_t_matmul_reference(ptr, idx, val, dy, n, row_lo, row_hi, dw_part);
        }
        TRANSPOSED.with(|cell| {
            let mut t = cell.borrow_mut();
            t.rebuild(ptr, idx, val, row_lo, row_hi);
            self.sparse_matmul(&t.ptr, &t.row, t.values(), dy, n, dw_part);
        })
    }

    /// `out[m×n] += a[m×k] · b[k×n]`; each out element starts from its current value and adds
    /// `a[i,p]*b[p,j]` for p = 0, 1, …, k−1 in order.
    pub fn matmul(self, a: &[f32], b: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
        assert_eq!(a.len(), m * k, "matmul: a.len() must be m*k");
        assert_eq!(b.len(), k * n, "matmul: b.len() must be k*n");
        assert_eq!(out.len(), m * n, "matmul: out.len() must be m*n");
        if m == 0 || n == 0 || k == 0 {
            return;
        }
        dispatch!(self.isa, matmul(a.as_ptr(), b.as_ptr(), m, k, n, out.as_mut_ptr()))
    }

    /// `out[m×n] = a[m×k] · b[k×n]`: the bits of [`Kernels::matmul`] into a zeroed `out`, without
    /// the pass that zeroes it (each element starts from +0).
    pub fn matmul_set(self, a: &[f32], b: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
        assert_eq!(a.len(), m * k, "matmul_set: a.len() must be m*k");
        assert_eq!(b.len(), k * n, "matmul_set: b.len() must be k*n");
        assert_eq!(out.len(), m * n, "matmul_set: out.len() must be m*n");
        if m == 0 || n == 0 {
            return;
        }
        if k == 0 {
            return out.fill(0.0);
        }
        dispatch!(self.isa, matmul_set(a.as_ptr(), b.as_ptr(), m, k, n, out.as_mut_ptr()))
    }

    /// `out[m×n] += aᵀ · b[k×n]`, where `a` is a `[k × lda]` matrix whose first `m` columns are
    /// used (`a[p·lda + i]` for i < m): each out element starts from its current value and adds
    /// `a[p·lda + i]*b[p,j]` for p = 0, 1, …, k−1 in order — the order of a weight gradient
    /// accumulated over the batch rows, so a conv's `colᵀ · dy` needs no transposed copy.
    /// Offsetting `a` by a column gives a row block of `out` (for threads) with the same bits.
    #[allow(clippy::too_many_arguments)]
    pub fn matmul_tn(self, a: &[f32], lda: usize, b: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
        assert!(m <= lda, "matmul_tn: m must be ≤ lda");
        assert_eq!(b.len(), k * n, "matmul_tn: b.len() must be k*n");
        assert_eq!(out.len(), m * n, "matmul_tn: out.len() must be m*n");
        if m == 0 || n == 0 || k == 0 {
            return;
        }
        assert!(a.len() >= (k - 1) * lda + m, "matmul_tn: a must hold (k−1)·lda + m floats");
        dispatch!(self.isa, matmul_tn(a.as_ptr(), lda, b.as_ptr(), m, k, n, out.as_mut_ptr()))
    }

    /// The subset sums of every group of [`SPIKE_GROUP`] rows of `src` (`rows` rows of `n`
    /// floats, `ld` apart) into `tables` (`rows.div_ceil(SPIKE_GROUP) · SUBSETS · n` floats):
    /// `tables[(g·SUBSETS + s)·n + j]` = the rows `SPIKE_GROUP·g + b` for the set bits b of s,
    /// added in increasing b (see `lut.rs`).
    pub fn subset_tables(self, src: &[f32], ld: usize, rows: usize, n: usize, tables: &mut [f32]) {
        let groups = rows.div_ceil(SPIKE_GROUP);
        assert_eq!(tables.len(), groups * SUBSETS * n, "subset_tables: tables must hold groups·SUBSETS·n floats");
        if rows == 0 || n == 0 {
            return;
        }
        assert!(n <= ld && src.len() >= (rows - 1) * ld + n, "subset_tables: src must hold {rows} rows of {n} floats, {ld} apart");
        dispatch!(self.isa, subset_tables(src.as_ptr(), ld, rows, n, tables.as_mut_ptr()))
    }

    /// A binary matrix times a matrix by table lookup: `out[r·ld + j] += Σ_g tables[(g·SUBSETS +
    /// s)·n + j]` over the groups g < `groups` in increasing order, with s the low 4 bits of
    /// `pat[r·row_step + g·group_step]` (the ones of row r in group g), each element starting
    /// from `out + 0`; `tables` from [`Kernels::subset_tables`] of the right-hand matrix. Rows and
    /// columns are independent, so cuts of either give the same bits. `skip_empty` (a branch per
    /// pattern, faster for sparse spikes) changes no bit: see `lut.rs`.
    #[allow(clippy::too_many_arguments)]
    pub fn lookup_rows(self, pat: &[u8], row_step: usize, group_step: usize, groups: usize, rows: usize, tables: &[f32], n: usize, out: &mut [f32], ld: usize, skip_empty: bool) {
        if rows == 0 || n == 0 {
            return;
        }
        assert!(n <= ld && out.len() >= (rows - 1) * ld + n, "lookup_rows: out must hold {rows} rows of {n} floats, {ld} apart");
        assert!(tables.len() >= groups * SUBSETS * n, "lookup_rows: tables must hold groups·SUBSETS·n floats");
        if groups == 0 {
            return;
        }
        let last = (rows - 1) * row_step + (groups - 1) * group_step;
        assert!(last < pat.len(), "lookup_rows: pattern {last} is outside the {} given", pat.len());
        dispatch!(self.isa, lookup_rows(pat.as_ptr(), row_step, group_step, groups, rows, tables.as_ptr(), n, out.as_mut_ptr(), ld, skip_empty))
    }

    /// Batch norm's statistics for the channels `j0 .. j0 + mean.len()` of `x` (`[rows × c]`):
    /// `mean` of the rows in f64, and `var` the sum of squared differences from it (each channel
    /// summed row after row).
    pub fn bn_statistics(self, x: &[f32], c: usize, j0: usize, mean: &mut [f64], var: &mut [f64]) {
        assert!(c > 0 && x.len() % c == 0 && j0 + mean.len() <= c && var.len() == mean.len(), "bn_statistics: shapes");
        dispatch!(self.isa, bn_statistics(x, c, j0, mean, var))
    }

    /// Batch norm's forward map: `xhat = (u − mean)·inv_std`, `u = γ·xhat + β` per channel.
    pub fn bn_normalize(self, u: &mut [f32], xhat: &mut [f32], mean: &[f64], inv_std: &[f32], gamma: &[f32], beta: &[f32]) {
        let c = gamma.len();
        assert!(c > 0 && u.len() % c == 0 && xhat.len() == u.len() && mean.len() >= c && inv_std.len() >= c && beta.len() >= c, "bn_normalize: shapes");
        dispatch!(self.isa, bn_normalize(u, xhat, mean, inv_std, gamma, beta))
    }

    /// Batch norm's backward sums for the channels `j0 .. j0 + sum_g.len()`: `Σ g` and
    /// `Σ g·xhat` over the rows, in f64, row after row.
    pub fn bn_grad_sums(self, g: &[f32], xhat: &[f32], c: usize, j0: usize, sum_g: &mut [f64], sum_gx: &mut [f64]) {
        assert!(c > 0 && g.len() % c == 0 && xhat.len() == g.len() && j0 + sum_g.len() <= c && sum_gx.len() == sum_g.len(), "bn_grad_sums: shapes");
        dispatch!(self.isa, bn_grad_sums(g, xhat, c, j0, sum_g, sum_gx))
    }

    /// Batch norm's input gradient: `g = γ·inv_std·(g − Σg/rows − xhat·Σg·xhat/rows)`.
    #[allow(clippy::too_many_arguments)]
    pub fn bn_input_grad(self, g: &mut [f32], xhat: &[f32], gamma: &[f32], inv_std: &[f32], sum_g: &[f64], sum_gx: &[f64], inv_rows: f32) {
        let c = gamma.len();
        assert!(c > 0 && g.len() % c == 0 && xhat.len() == g.len() && inv_std.len() >= c && sum_g.len() >= c && sum_gx.len() >= c, "bn_input_grad: shapes");
        dispatch!(self.isa, bn_input_grad(g, xhat, gamma, inv_std, sum_g, sum_gx, inv_rows))
    }

    /// `dst[cols×rows]` = transpose of `src[rows×cols]`. Pure data movement, so bit-identity is
    /// trivial; the vector ISAs transpose WIDTH × WIDTH tiles in registers.
    pub fn transpose(self, src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
        assert_eq!(src.len(), rows * cols, "transpose: src.len() must be rows*cols");
        assert_eq!(dst.len(), rows * cols, "transpose: dst.len() must be rows*cols");
        self.transpose_cols(src, rows, cols, 0, dst);
    }

    /// `dst[m×rows]` = transpose of the columns `c0 .. c0 + m` of `src[rows×cols]`, where
    /// `m = dst.len() / rows`: rows `c0..` of `srcᵀ`, so that threads can make one transpose in
    /// parts, each a contiguous block of it.
    pub fn transpose_cols(self, src: &[f32], rows: usize, cols: usize, c0: usize, dst: &mut [f32]) {
        assert_eq!(src.len(), rows * cols, "transpose_cols: src.len() must be rows*cols");
        if rows == 0 || dst.is_empty() {
            assert!(dst.is_empty(), "transpose_cols: a matrix of no rows has an empty transpose");
            return;
        }
        assert!(dst.len() % rows == 0, "transpose_cols: dst.len() must be a multiple of rows");
        let m = dst.len() / rows;
        assert!(c0 + m <= cols, "transpose_cols: columns {c0}..{} of a {rows}×{cols} matrix", c0 + m);
        dispatch!(self.isa, transpose(src[c0..].as_ptr(), cols, rows, m, dst.as_mut_ptr()))
    }

    /// Writes the column indices of the non-zero entries of `row` (in increasing order) to `idx`,
    /// and their values to `val` if given; returns their number. `idx` and `val` must have room
    /// for `row.len()` entries (entries past the returned count are scratch). `-0.0` counts as
    /// zero. This turns a layer's dense output into the next layer's event list.
    pub fn compact_nonzero(self, row: &[f32], idx: &mut [u32], val: Option<&mut [f32]>) -> usize {
        assert!(idx.len() >= row.len(), "compact_nonzero: idx has room for {} of {}", idx.len(), row.len());
        if let Some(v) = val.as_deref() {
            assert!(v.len() >= row.len(), "compact_nonzero: val has room for {} of {}", v.len(), row.len());
        }
        assert!(row.len() <= u32::MAX as usize, "compact_nonzero: row too long for u32 indices");
        match self.isa {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: AVX2 detected (every AVX-512F CPU has it too); idx/val have room for
            // row.len() entries (checked above).
            Isa::Avx2 | Isa::Avx512 => unsafe { avx2::compact_nonzero(row, idx, val) },
            // simd128 has no lane-compress instruction (a byte-shuffle table version is possible;
            // not written yet), so it keeps the branch-free portable loop.
            _ => compact::compact_nonzero(row, idx, val),
        }
    }

    /// `g[i] *= f(x[i])` — e.g. the surrogate-gradient step of backprop (f = a surrogate, x = u − θ).
    pub fn mul_by_map<F: LaneMap>(self, f: &F, x: &[f32], g: &mut [f32]) {
        assert_eq!(x.len(), g.len(), "mul_by_map: x and g lengths differ");
        dispatch!(self.isa, mul_by_map(f, x, g))
    }

    /// Adam (PyTorch semantics, L2 weight decay added to g):
    /// `m = b1 m + (1−b1) g; v = b2 v + (1−b2) g²; w −= lr (m/bc1) / (sqrt(v/bc2) + eps)`,
    /// with `bc1 = 1 − b1^t`, `bc2 = 1 − b2^t` supplied by the caller.
    #[allow(clippy::too_many_arguments)]
    pub fn adam_step(
        self,
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
        assert!(g.len() == len && m.len() == len && v.len() == len, "adam_step: slice lengths differ");
        let h = elementwise::Adam { lr, b1, b2, eps, bc1, bc2, weight_decay };
        dispatch!(self.isa, adam_step(&h, w, g, m, v))
    }

    /// SGD with momentum (PyTorch semantics): `g' = g + wd w; vel = mu vel + g'; w −= lr vel`.
    pub fn sgd_step(self, w: &mut [f32], g: &[f32], vel: &mut [f32], lr: f32, momentum: f32, weight_decay: f32) {
        let len = w.len();
        assert!(g.len() == len && vel.len() == len, "sgd_step: slice lengths differ");
        dispatch!(self.isa, sgd_step(lr, momentum, weight_decay, w, g, vel))
    }
}

thread_local! {
    static TRANSPOSED: std::cell::RefCell<TransposedEvents> = std::cell::RefCell::new(TransposedEvents::default());
}

// The free functions: the active ISA's kernels (see the methods of [`Kernels`] for each contract).

/// [`Kernels::sparse_matmul`] on the active ISA.
pub fn sparse_matmul(ptr: &[u32], idx: &[u32], val: Option<&[f32]>, w: &[f32], n: usize, out: &mut [f32]) {
    Kernels::active().sparse_matmul(ptr, idx, val, w, n, out)
}

/// [`Kernels::sparse_matmul_cols`] on the active ISA.
pub fn sparse_matmul_cols(ptr: &[u32], idx: &[u32], val: Option<&[f32]>, w: &[f32], out: &mut ColsMut) {
    Kernels::active().sparse_matmul_cols(ptr, idx, val, w, out)
}

/// [`Kernels::sparse_t_matmul`] on the active ISA.
#[allow(clippy::too_many_arguments)]
pub fn sparse_t_matmul(ptr: &[u32], idx: &[u32], val: Option<&[f32]>, dy: &[f32], n: usize, row_lo: u32, row_hi: u32, dw_part: &mut [f32]) {
    Kernels::active().sparse_t_matmul(ptr, idx, val, dy, n, row_lo, row_hi, dw_part)
}

/// [`Kernels::matmul`] on the active ISA.
pub fn matmul(a: &[f32], b: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
    Kernels::active().matmul(a, b, m, k, n, out)
}

/// [`Kernels::matmul_set`] on the active ISA.
pub fn matmul_set(a: &[f32], b: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
    Kernels::active().matmul_set(a, b, m, k, n, out)
}

/// [`Kernels::matmul_tn`] on the active ISA.
#[allow(clippy::too_many_arguments)]
pub fn matmul_tn(a: &[f32], lda: usize, b: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
    Kernels::active().matmul_tn(a, lda, b, m, k, n, out)
}

/// [`Kernels::subset_tables`] on the active ISA.
pub fn subset_tables(src: &[f32], ld: usize, rows: usize, n: usize, tables: &mut [f32]) {
    Kernels::active().subset_tables(src, ld, rows, n, tables)
}

/// [`Kernels::lookup_rows`] on the active ISA.
#[allow(clippy::too_many_arguments)]
pub fn lookup_rows(pat: &[u8], row_step: usize, group_step: usize, groups: usize, rows: usize, tables: &[f32], n: usize, out: &mut [f32], ld: usize, skip_empty: bool) {
    Kernels::active().lookup_rows(pat, row_step, group_step, groups, rows, tables, n, out, ld, skip_empty)
}

/// [`Kernels::bn_statistics`] on the active ISA.
pub fn bn_statistics(x: &[f32], c: usize, j0: usize, mean: &mut [f64], var: &mut [f64]) {
    Kernels::active().bn_statistics(x, c, j0, mean, var)
}

/// [`Kernels::bn_normalize`] on the active ISA.
pub fn bn_normalize(u: &mut [f32], xhat: &mut [f32], mean: &[f64], inv_std: &[f32], gamma: &[f32], beta: &[f32]) {
    Kernels::active().bn_normalize(u, xhat, mean, inv_std, gamma, beta)
}

/// [`Kernels::bn_grad_sums`] on the active ISA.
pub fn bn_grad_sums(g: &[f32], xhat: &[f32], c: usize, j0: usize, sum_g: &mut [f64], sum_gx: &mut [f64]) {
    Kernels::active().bn_grad_sums(g, xhat, c, j0, sum_g, sum_gx)
}

/// [`Kernels::bn_input_grad`] on the active ISA.
#[allow(clippy::too_many_arguments)]
pub fn bn_input_grad(g: &mut [f32], xhat: &[f32], gamma: &[f32], inv_std: &[f32], sum_g: &[f64], sum_gx: &[f64], inv_rows: f32) {
    Kernels::active().bn_input_grad(g, xhat, gamma, inv_std, sum_g, sum_gx, inv_rows)
}

/// [`Kernels::transpose`] on the active ISA.
pub fn transpose(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    Kernels::active().transpose(src, rows, cols, dst)
}

/// [`Kernels::transpose_cols`] on the active ISA.
pub fn transpose_cols(src: &[f32], rows: usize, cols: usize, c0: usize, dst: &mut [f32]) {
    Kernels::active().transpose_cols(src, rows, cols, c0, dst)
}

/// [`Kernels::compact_nonzero`] on the active ISA.
pub fn compact_nonzero(row: &[f32], idx: &mut [u32], val: Option<&mut [f32]>) -> usize {
    Kernels::active().compact_nonzero(row, idx, val)
}

/// [`Kernels::mul_by_map`] on the active ISA: `g[i] *= f(x[i])`.
pub fn mul_by_map<F: LaneMap>(f: &F, x: &[f32], g: &mut [f32]) {
    Kernels::active().mul_by_map(f, x, g)
}

/// [`Kernels::adam_step`] on the active ISA.
#[allow(clippy::too_many_arguments)]
pub fn adam_step(w: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32], lr: f32, b1: f32, b2: f32, eps: f32, bc1: f32, bc2: f32, weight_decay: f32) {
    Kernels::active().adam_step(w, g, m, v, lr, b1, b2, eps, bc1, bc2, weight_decay)
}

/// [`Kernels::sgd_step`] on the active ISA.
pub fn sgd_step(w: &mut [f32], g: &[f32], vel: &mut [f32], lr: f32, momentum: f32, weight_decay: f32) {
    Kernels::active().sgd_step(w, g, vel, lr, momentum, weight_decay)
}

/// `out[r*n + j] = bias[j]` for every row (n = bias.len()). A memcpy per row is already optimal
/// on every target, so this has no per-ISA form.
pub fn broadcast_rows(bias: &[f32], rows: usize, out: &mut [f32]) {
    assert_eq!(out.len(), rows * bias.len(), "broadcast_rows: out.len() must be rows*bias.len()");
    if bias.is_empty() {
        return;
    }
    for row in out.chunks_exact_mut(bias.len()) {
        row.copy_from_slice(bias);
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
