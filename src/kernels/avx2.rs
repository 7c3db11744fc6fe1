//! x86_64 AVX2 lanes (8 × f32), chosen at run time when the CPU has AVX2. Only `avx2` is
//! enabled — deliberately not `fma`, so neither we nor LLVM can fuse a multiply-add (that would
//! round once instead of twice and break bit-identity with the scalar lane and wasm).
//!
//! The lane methods are `#[inline(always)]` and carry no target feature themselves; the kernel
//! entry points made by `entry_points!` are `#[target_feature(enable = "avx2")]`, and everything
//! inlines into them, intrinsics included.

use core::arch::x86_64::*;

#[derive(Clone, Copy, Debug)]
pub struct Avx2;

/// Whether the CPU can run this file's code. std caches the CPUID result too, but keeping our
/// own flag makes the per-call cost one load.
pub fn detected() -> bool {
    static AVX2: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVX2.get_or_init(|| std::arch::is_x86_feature_detected!("avx2"))
}

// SAFETY (all methods): only ever executed inside the `#[target_feature(enable = "avx2")]` entry
// points below, which the dispatcher calls only when `detected()`.
impl super::Lanes for Avx2 {
    const WIDTH: usize = 8;
    // 6×2 → 12 accumulators + 2 `b` vectors + 1 broadcast = 15 of 16 ymm registers.
    const MATMUL_ROWS: usize = 6;
    type V = __m256;
    type M = __m256;

    #[inline(always)]
    unsafe fn load(p: *const f32) -> __m256 {
        _mm256_loadu_ps(p)
    }
    #[inline(always)]
    unsafe fn store(p: *mut f32, v: __m256) {
        _mm256_storeu_ps(p, v)
    }
    #[inline(always)]
    fn splat(x: f32) -> __m256 {
        unsafe { _mm256_set1_ps(x) }
    }
    #[inline(always)]
    fn add(a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_add_ps(a, b) }
    }
    #[inline(always)]
    fn sub(a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_sub_ps(a, b) }
    }
    #[inline(always)]
    fn mul(a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_mul_ps(a, b) }
    }
    #[inline(always)]
    fn div(a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_div_ps(a, b) }
    }
    #[inline(always)]
    fn sqrt(a: __m256) -> __m256 {
        unsafe { _mm256_sqrt_ps(a) }
    }
    #[inline(always)]
    fn abs(a: __m256) -> __m256 {
        unsafe { _mm256_andnot_ps(_mm256_set1_ps(-0.0), a) }
    }
    #[inline(always)]
    fn neg(a: __m256) -> __m256 {
        unsafe { _mm256_xor_ps(a, _mm256_set1_ps(-0.0)) }
    }
    /// `minps(a, b)` is exactly `a < b ? a : b`.
    #[inline(always)]
    fn min(a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_min_ps(a, b) }
    }
    /// `maxps(a, b)` is exactly `a > b ? a : b`.
    #[inline(always)]
    fn max(a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_max_ps(a, b) }
    }
    #[inline(always)]
    fn floor(a: __m256) -> __m256 {
        unsafe { _mm256_floor_ps(a) }
    }
    /// n is integral, so the rounding conversion is exact.
    #[inline(always)]
    fn pow2i(n: __m256) -> __m256 {
        unsafe { _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)))) }
    }
    #[inline(always)]
    fn lt(a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_cmp_ps::<_CMP_LT_OQ>(a, b) }
    }
    #[inline(always)]
    fn ge(a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_cmp_ps::<_CMP_GE_OQ>(a, b) }
    }
    #[inline(always)]
    fn is_nan(a: __m256) -> __m256 {
        unsafe { _mm256_cmp_ps::<_CMP_UNORD_Q>(a, a) }
    }
    #[inline(always)]
    fn select(m: __m256, a: __m256, b: __m256) -> __m256 {
        unsafe { _mm256_blendv_ps(b, a, m) }
    }
    /// 8×8 in registers: unpack, shuffle, then swap 128-bit halves.
    #[inline(always)]
    unsafe fn transpose_tile(src: *const f32, src_ld: usize, dst: *mut f32, dst_ld: usize) {
        let r: [__m256; 8] = core::array::from_fn(|i| _mm256_loadu_ps(src.add(i * src_ld)));
        let t0 = _mm256_unpacklo_ps(r[0], r[1]);
        let t1 = _mm256_unpackhi_ps(r[0], r[1]);
        let t2 = _mm256_unpacklo_ps(r[2], r[3]);
        let t3 = _mm256_unpackhi_ps(r[2], r[3]);
        let t4 = _mm256_unpacklo_ps(r[4], r[5]);
        let t5 = _mm256_unpackhi_ps(r[4], r[5]);
        let t6 = _mm256_unpacklo_ps(r[6], r[7]);
        let t7 = _mm256_unpackhi_ps(r[6], r[7]);
        let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
        let u1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
        let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
        let u3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
        let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
        let u5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
        let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
        let u7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
        let o = [
            _mm256_permute2f128_ps::<0x20>(u0, u4),
            _mm256_permute2f128_ps::<0x20>(u1, u5),
            _mm256_permute2f128_ps::<0x20>(u2, u6),
            _mm256_permute2f128_ps::<0x20>(u3, u7),
            _mm256_permute2f128_ps::<0x31>(u0, u4),
            _mm256_permute2f128_ps::<0x31>(u1, u5),
            _mm256_permute2f128_ps::<0x31>(u2, u6),
            _mm256_permute2f128_ps::<0x31>(u3, u7),
        ];
        for (c, v) in o.iter().enumerate() {
            _mm256_storeu_ps(dst.add(c * dst_ld), *v);
        }
    }
}

super::entry_points!(Avx2, "avx2");

// ---------------------------------------------------------------------------------------------
// The one per-ISA override: event compaction with movemask + left-pack (no lane-compress in the
// lanes interface, since simd128 has no such instruction). Tested against `compact.rs`.
// ---------------------------------------------------------------------------------------------

/// For each 8-bit lane mask, the lane numbers of its set bits first (in order), then the rest:
/// a `permutevar8x32` with this packs the selected lanes to the front ("left-pack").
const PACK: [[u32; 8]; 256] = {
    let mut t = [[0u32; 8]; 256];
    let mut m = 0;
    while m < 256 {
        let mut k = 0;
        let mut lane = 0;
        while lane < 8 {
            if m & (1 << lane) != 0 {
                t[m][k] = lane as u32;
                k += 1;
            }
            lane += 1;
        }
        while k < 8 {
            t[m][k] = 0;
            k += 1;
        }
        m += 1;
    }
    t
};

/// Same contract and result as `compact::compact_nonzero`. Each block of 8 writes 8 entries at the
/// cursor c ≤ j, so writes stay below j + 8 ≤ row.len() — inside the room the caller checked.
#[target_feature(enable = "avx2")]
pub unsafe fn compact_nonzero(row: &[f32], idx: &mut [u32], mut val: Option<&mut [f32]>) -> usize {
    let len = row.len();
    let (rp, ip) = (row.as_ptr(), idx.as_mut_ptr());
    let vp = val.as_deref_mut().map(|v| v.as_mut_ptr());
    let zero = _mm256_setzero_ps();
    let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    let mut c = 0usize;
    let mut j = 0usize;
    while j + 8 <= len {
        let x = _mm256_loadu_ps(rp.add(j));
        // NEQ_UQ: true for non-zero and NaN, false for ±0 — exactly `x != 0.0`.
        let bits = _mm256_movemask_ps(_mm256_cmp_ps::<_CMP_NEQ_UQ>(x, zero)) as usize;
        let perm = _mm256_loadu_si256(PACK.as_ptr().add(bits) as *const __m256i);
        let ids = _mm256_add_epi32(_mm256_set1_epi32(j as i32), lanes);
        _mm256_storeu_si256(ip.add(c) as *mut __m256i, _mm256_permutevar8x32_epi32(ids, perm));
        if let Some(vp) = vp {
            _mm256_storeu_ps(vp.add(c), _mm256_permutevar8x32_ps(x, perm));
        }
        c += bits.count_ones() as usize;
        j += 8;
    }
    let tail = super::compact::compact_nonzero(&row[j..], &mut idx[c..c + (len - j)], val.map(|v| &mut v[c..c + (len - j)]));
    for i in &mut idx[c..c + tail] {
        *i += j as u32;
    }
    c + tail
}
