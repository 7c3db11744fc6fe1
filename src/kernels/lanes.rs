//! The lanes abstraction every kernel is written over, and its width-1 instance [`Scalar`].
//!
//! A kernel is written once as `fn k<L: Lanes>(…)`: it applies the same sequence of IEEE operations
//! to every output element and only chooses how many neighbouring elements travel together
//! (`L::WIDTH`). Column / element tails that do not fill a vector are run by the same code at
//! `L = Scalar`, so each element sees the identical operation order on every ISA *by construction*
//! — the exactness rule of `kernels/mod.rs` is not kept by hand in mirrored copies any more.
//!
//! What an implementation must guarantee (the per-lane semantics below are the specification):
//! - `add/sub/mul/div/sqrt` are single correctly rounded IEEE operations; no fused multiply-add.
//! - `min(a, b)` is `a < b ? a : b`, `max(a, b)` is `a > b ? a : b` (operand order matters for NaN).
//! - comparisons are ordered (false when either side is NaN), `is_nan` is the unordered test.
//! - `select(m, a, b)` is `m ? a : b` lane-wise; a lane `a` or `b` that is not selected never
//!   reaches the output (so a discarded `inf` is harmless).
//!
//! Every method is `#[inline(always)]`: the ISA entry points (`#[target_feature]` wrappers made by
//! `entry_points!` in `kernels/mod.rs`) must end up with the intrinsics inlined into their bodies.

/// One ISA's vector of f32 lanes. Methods are associated functions (`L::add(a, b)`), as in
/// candle's per-ISA `Cpu` trait; the loads and stores are `unsafe` because they read and write
/// `WIDTH` floats through raw pointers.
pub trait Lanes: Copy {
    /// f32 lanes in one vector.
    const WIDTH: usize;
    /// Row blocking of the dense product (rows of `out` kept in registers at once): as many as
    /// the register file holds next to two `b` vectors and one broadcast (see `dense.rs`).
    const MATMUL_ROWS: usize;
    /// A vector of `WIDTH` f32.
    type V: Copy;
    /// A lane mask produced by the comparisons.
    type M: Copy;

    /// Reads `WIDTH` floats from `p` (no alignment required).
    ///
    /// # Safety
    /// `p .. p + WIDTH` must be readable.
    unsafe fn load(p: *const f32) -> Self::V;
    /// Writes `WIDTH` floats to `p` (no alignment required).
    ///
    /// # Safety
    /// `p .. p + WIDTH` must be writable.
    unsafe fn store(p: *mut f32, v: Self::V);
    fn splat(x: f32) -> Self::V;
    fn add(a: Self::V, b: Self::V) -> Self::V;
    fn sub(a: Self::V, b: Self::V) -> Self::V;
    fn mul(a: Self::V, b: Self::V) -> Self::V;
    fn div(a: Self::V, b: Self::V) -> Self::V;
    fn sqrt(a: Self::V) -> Self::V;
    /// Clears the sign bit.
    fn abs(a: Self::V) -> Self::V;
    /// Flips the sign bit.
    fn neg(a: Self::V) -> Self::V;
    /// `a < b ? a : b`.
    fn min(a: Self::V, b: Self::V) -> Self::V;
    /// `a > b ? a : b`.
    fn max(a: Self::V, b: Self::V) -> Self::V;
    /// Round towards −∞.
    fn floor(a: Self::V) -> Self::V;
    /// `2^n` for lanes holding an integral `n` in [−126, 127], built from the exponent field.
    fn pow2i(n: Self::V) -> Self::V;
    /// `a < b` (false if either is NaN).
    fn lt(a: Self::V, b: Self::V) -> Self::M;
    /// `a >= b` (false if either is NaN).
    fn ge(a: Self::V, b: Self::V) -> Self::M;
    fn is_nan(a: Self::V) -> Self::M;
    /// `m ? a : b` per lane.
    fn select(m: Self::M, a: Self::V, b: Self::V) -> Self::V;
    /// Transposes the `WIDTH × WIDTH` tile at `src` (row stride `src_ld`) into `dst` (row stride
    /// `dst_ld`): `dst[c·dst_ld + r] = src[r·src_ld + c]`. Pure data movement, but the shuffles
    /// that do it in registers differ per ISA, so it is part of the lane interface.
    ///
    /// # Safety
    /// Both tiles must be in bounds.
    unsafe fn transpose_tile(src: *const f32, src_ld: usize, dst: *mut f32, dst_ld: usize);
}

/// A function applied lane-wise, written once over [`Lanes`] — e.g. a surrogate gradient
/// (`surrogate.rs` implements it); the kernel [`mul_by_map`](super::mul_by_map) multiplies by it.
/// Kernels know only this trait, not what implements it.
pub trait LaneMap {
    /// `f(x)` for every lane of `x`, using only the operations of `L`.
    fn map<L: Lanes>(&self, x: L::V) -> L::V;

    /// `f(x)` for one float: the same code at the scalar lane.
    #[inline(always)]
    fn at(&self, x: f32) -> f32 {
        self.map::<Scalar>(x)
    }
}

/// The reference lane: one plain f32. Every other ISA must return its bits.
#[derive(Clone, Copy, Debug)]
pub struct Scalar;

impl Lanes for Scalar {
    const WIDTH: usize = 1;
    // Twelve scalar accumulators in registers (x86_64 and wasm both have ≥ 16 float registers).
    const MATMUL_ROWS: usize = 6;
    type V = f32;
    type M = bool;

    #[inline(always)]
    unsafe fn load(p: *const f32) -> f32 {
        *p
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: f32) {
        *p = v
    }
    #[inline(always)]
    fn splat(x: f32) -> f32 {
        x
    }
    #[inline(always)]
    fn add(a: f32, b: f32) -> f32 {
        a + b
    }
    #[inline(always)]
    fn sub(a: f32, b: f32) -> f32 {
        a - b
    }
    #[inline(always)]
    fn mul(a: f32, b: f32) -> f32 {
        a * b
    }
    #[inline(always)]
    fn div(a: f32, b: f32) -> f32 {
        a / b
    }
    #[inline(always)]
    fn sqrt(a: f32) -> f32 {
        a.sqrt()
    }
    #[inline(always)]
    fn abs(a: f32) -> f32 {
        a.abs()
    }
    #[inline(always)]
    fn neg(a: f32) -> f32 {
        -a
    }
    #[inline(always)]
    fn min(a: f32, b: f32) -> f32 {
        if a < b {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn max(a: f32, b: f32) -> f32 {
        if a > b {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn floor(a: f32) -> f32 {
        a.floor()
    }
    #[inline(always)]
    fn pow2i(n: f32) -> f32 {
        f32::from_bits(((n as i32 + 127) as u32) << 23)
    }
    #[inline(always)]
    fn lt(a: f32, b: f32) -> bool {
        a < b
    }
    #[inline(always)]
    fn ge(a: f32, b: f32) -> bool {
        a >= b
    }
    #[inline(always)]
    fn is_nan(a: f32) -> bool {
        a.is_nan()
    }
    #[inline(always)]
    fn select(m: bool, a: f32, b: f32) -> f32 {
        if m {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    unsafe fn transpose_tile(src: *const f32, _src_ld: usize, dst: *mut f32, _dst_ld: usize) {
        *dst = *src
    }
}
