//! wasm32 simd128 lanes (4 × f32). Compiled only with `target_feature = "simd128"` (set in
//! `.cargo/config.toml`); wasm cannot probe features at run time, so this is static.
//! No relaxed-simd: `f32x4_relaxed_madd` may or may not fuse depending on the engine/CPU, which
//! would make results machine-dependent.

use core::arch::wasm32::*;

#[derive(Clone, Copy, Debug)]
pub struct Simd128;

/// Compiled in means usable: the engine validated the module's SIMD instructions on load.
pub fn detected() -> bool {
    true
}

impl super::Lanes for Simd128 {
    const WIDTH: usize = 4;
    // 4×2 → 8 accumulators + 2 `b` vectors + 1 broadcast: V8/SpiderMonkey on x64 keep ~11 live
    // vectors in the 16 xmm registers without spilling.
    const MATMUL_ROWS: usize = 4;
    type V = v128;
    type M = v128;

    #[inline(always)]
    unsafe fn load(p: *const f32) -> v128 {
        v128_load(p as *const v128)
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: v128) {
        v128_store(p as *mut v128, v)
    }
    #[inline(always)]
    fn splat(x: f32) -> v128 {
        f32x4_splat(x)
    }
    #[inline(always)]
    fn add(a: v128, b: v128) -> v128 {
        f32x4_add(a, b)
    }
    #[inline(always)]
    fn sub(a: v128, b: v128) -> v128 {
        f32x4_sub(a, b)
    }
    #[inline(always)]
    fn mul(a: v128, b: v128) -> v128 {
        f32x4_mul(a, b)
    }
    #[inline(always)]
    fn div(a: v128, b: v128) -> v128 {
        f32x4_div(a, b)
    }
    #[inline(always)]
    fn sqrt(a: v128) -> v128 {
        f32x4_sqrt(a)
    }
    #[inline(always)]
    fn abs(a: v128) -> v128 {
        f32x4_abs(a)
    }
    #[inline(always)]
    fn neg(a: v128) -> v128 {
        f32x4_neg(a)
    }
    /// `pmin(b, a)` is `a < b ? a : b`.
    #[inline(always)]
    fn min(a: v128, b: v128) -> v128 {
        f32x4_pmin(b, a)
    }
    /// `pmax(b, a)` is `b < a ? a : b`, i.e. `a > b ? a : b`.
    #[inline(always)]
    fn max(a: v128, b: v128) -> v128 {
        f32x4_pmax(b, a)
    }
    #[inline(always)]
    fn floor(a: v128) -> v128 {
        f32x4_floor(a)
    }
    /// n is integral and in [-126, 127], so truncation is exact.
    #[inline(always)]
    fn pow2i(n: v128) -> v128 {
        i32x4_shl(i32x4_add(i32x4_trunc_sat_f32x4(n), i32x4_splat(127)), 23)
    }
    #[inline(always)]
    fn lt(a: v128, b: v128) -> v128 {
        f32x4_lt(a, b)
    }
    #[inline(always)]
    fn ge(a: v128, b: v128) -> v128 {
        f32x4_ge(a, b)
    }
    #[inline(always)]
    fn is_nan(a: v128) -> v128 {
        f32x4_ne(a, a)
    }
    #[inline(always)]
    fn select(m: v128, a: v128, b: v128) -> v128 {
        v128_bitselect(a, b, m)
    }
    /// 4×4 in registers: two rounds of shuffles.
    #[inline(always)]
    unsafe fn transpose_tile(src: *const f32, src_ld: usize, dst: *mut f32, dst_ld: usize) {
        let [a, b, c, d] = core::array::from_fn(|i| Self::load(src.add(i * src_ld)));
        let t0 = i32x4_shuffle::<0, 4, 1, 5>(a, b);
        let t1 = i32x4_shuffle::<2, 6, 3, 7>(a, b);
        let t2 = i32x4_shuffle::<0, 4, 1, 5>(c, d);
        let t3 = i32x4_shuffle::<2, 6, 3, 7>(c, d);
        Self::store(dst, i32x4_shuffle::<0, 1, 4, 5>(t0, t2));
        Self::store(dst.add(dst_ld), i32x4_shuffle::<2, 3, 6, 7>(t0, t2));
        Self::store(dst.add(2 * dst_ld), i32x4_shuffle::<0, 1, 4, 5>(t1, t3));
        Self::store(dst.add(3 * dst_ld), i32x4_shuffle::<2, 3, 6, 7>(t1, t3));
    }
}

super::entry_points!(Simd128, "simd128");
