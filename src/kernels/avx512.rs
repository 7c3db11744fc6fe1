//! x86_64 AVX-512 lanes (16 × f32), chosen at run time when the CPU has AVX-512F. The entry
//! points enable `avx512f` only; LLVM's `avx512f` also implies `fma`, but rustc never contracts a
//! separate multiply and add into one (no fast-math), and the lane methods call `mul` then `add`,
//! so every element keeps the scalar lane's two roundings. The exactness tests (dispatched vs
//! scalar, bit for bit) hold that.
//!
//! As in `avx2.rs`, the lane methods are `#[inline(always)]` and carry no target feature; the
//! entry points made by `entry_points!` are `#[target_feature(enable = "avx512f")]`.

use core::arch::x86_64::*;

#[derive(Clone, Copy, Debug)]
pub struct Avx512;

/// Whether the CPU can run this file's code (cached, one load per call).
pub fn detected() -> bool {
    static AVX512: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVX512.get_or_init(|| std::arch::is_x86_feature_detected!("avx512f"))
}

// SAFETY (all methods): only ever executed inside the `#[target_feature(enable = "avx512f")]`
// entry points below, which the dispatcher calls only when `detected()`.
impl super::Lanes for Avx512 {
    const WIDTH: usize = 16;
    // 6×2 → 12 accumulators + 2 `b` vectors + 1 broadcast, of 32 zmm registers.
    const MATMUL_ROWS: usize = 6;
    type V = __m512;
    type M = __mmask16;

    #[inline(always)]
    unsafe fn load(p: *const f32) -> __m512 {
        _mm512_loadu_ps(p)
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: __m512) {
        _mm512_storeu_ps(p, v)
    }
    #[inline(always)]
    fn splat(x: f32) -> __m512 {
        unsafe { _mm512_set1_ps(x) }
    }
    #[inline(always)]
    fn add(a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_add_ps(a, b) }
    }
    #[inline(always)]
    fn sub(a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_sub_ps(a, b) }
    }
    #[inline(always)]
    fn mul(a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_mul_ps(a, b) }
    }
    #[inline(always)]
    fn div(a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_div_ps(a, b) }
    }
    #[inline(always)]
    fn sqrt(a: __m512) -> __m512 {
        unsafe { _mm512_sqrt_ps(a) }
    }
    /// Clears the sign bit (integer and: AVX-512F has no float `and`).
    #[inline(always)]
    fn abs(a: __m512) -> __m512 {
        unsafe { _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(0x7fff_ffff))) }
    }
    /// Flips the sign bit.
    #[inline(always)]
    fn neg(a: __m512) -> __m512 {
        unsafe { _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), _mm512_set1_epi32(i32::MIN))) }
    }
    /// `vminps(a, b)` is exactly `a < b ? a : b`, as in SSE/AVX.
    #[inline(always)]
    fn min(a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_min_ps(a, b) }
    }
    /// `vmaxps(a, b)` is exactly `a > b ? a : b`.
    #[inline(always)]
    fn max(a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_max_ps(a, b) }
    }
    /// Round toward −∞ (imm 0x09: round down, exceptions suppressed), as `floor`.
    #[inline(always)]
    fn floor(a: __m512) -> __m512 {
        unsafe { _mm512_roundscale_ps::<0x09>(a) }
    }
    /// n is integral, so the rounding conversion is exact.
    #[inline(always)]
    fn pow2i(n: __m512) -> __m512 {
        unsafe { _mm512_castsi512_ps(_mm512_slli_epi32::<23>(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)))) }
    }
    #[inline(always)]
    fn lt(a: __m512, b: __m512) -> __mmask16 {
        unsafe { _mm512_cmp_ps_mask::<_CMP_LT_OQ>(a, b) }
    }
    #[inline(always)]
    fn ge(a: __m512, b: __m512) -> __mmask16 {
        unsafe { _mm512_cmp_ps_mask::<_CMP_GE_OQ>(a, b) }
    }
    #[inline(always)]
    fn is_nan(a: __m512) -> __mmask16 {
        unsafe { _mm512_cmp_ps_mask::<_CMP_UNORD_Q>(a, a) }
    }
    /// `m ? a : b` per lane (the blend takes its second operand where the mask is set).
    #[inline(always)]
    fn select(m: __mmask16, a: __m512, b: __m512) -> __m512 {
        unsafe { _mm512_mask_blend_ps(m, b, a) }
    }
    /// 16×16 as four 8×8 AVX2 register tiles (AVX-512F CPUs run AVX2; data movement only).
    #[inline(always)]
    unsafe fn transpose_tile(src: *const f32, src_ld: usize, dst: *mut f32, dst_ld: usize) {
        use super::avx2::Avx2;
        for bi in 0..2 {
            for bj in 0..2 {
                Avx2::transpose_tile(src.add(bi * 8 * src_ld + bj * 8), src_ld, dst.add(bj * 8 * dst_ld + bi * 8), dst_ld);
            }
        }
    }
}

super::entry_points!(Avx512, "avx512f");
