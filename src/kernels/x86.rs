//! x86_64 AVX2 kernels (8 × f32 per vector). Only `avx2` is enabled — deliberately not `fma`, so
//! neither we nor LLVM can fuse a multiply-add (that would round once instead of twice and break
//! bit-identity with scalar and wasm).
//!
//! Every function mirrors the op order of its `scalar` counterpart per output element; register
//! blocking only changes *which* elements are in flight together, never the order of operations
//! applied to one element. Callers (`kernels/mod.rs`) have validated all shapes and indices.

use core::arch::x86_64::*;

use super::math::{C1, C2, EXP_HI, EXP_LO, LOG2E, P0, P1, P2, P3, P4, P5};
use crate::surrogate::Surrogate;

const W: usize = 8;

// ---------------------------------------------------------------------------------------------
// Sparse rows: out row += Σ_events val·w[idx] row  (also used for the transposed weight gradient)
// ---------------------------------------------------------------------------------------------

/// Lane mask with the first `rem` (1..=7) lanes set, for `maskload`/`maskstore` column tails.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn tail_mask(rem: usize) -> __m256i {
    let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    _mm256_cmpgt_epi32(_mm256_set1_epi32(rem as i32), lanes)
}

/// One output chunk of `NV*8` columns held in registers while all events of the row stream past.
/// NV independent accumulators hide the add latency (each event adds to all of them). With
/// `MASKED`, the last vector covers only the lanes in `mask` (masked-out lanes are never read
/// from memory or stored, so a partial chunk at the end of a row is safe and needs no scalar loop;
/// the stored lanes see exactly the scalar op sequence).
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn sparse_chunk<const NV: usize, const MASKED: bool>(
    o: *mut f32,
    w: *const f32,
    n: usize,
    ev: &[u32],
    vals: Option<&[f32]>,
    mask: __m256i,
) {
    #[inline(always)]
    unsafe fn load<const NV: usize, const MASKED: bool>(
        p: *const f32,
        v: usize,
        mask: __m256i,
    ) -> __m256 {
        if MASKED && v == NV - 1 {
            _mm256_maskload_ps(p.add(v * W), mask)
        } else {
            _mm256_loadu_ps(p.add(v * W))
        }
    }
    let mut acc = [_mm256_setzero_ps(); NV];
    for (v, a) in acc.iter_mut().enumerate() {
        *a = load::<NV, MASKED>(o, v, mask);
    }
    match vals {
        None => {
            for &i in ev {
                let wr = w.add(i as usize * n);
                for (v, a) in acc.iter_mut().enumerate() {
                    *a = _mm256_add_ps(*a, load::<NV, MASKED>(wr, v, mask));
                }
            }
        }
        Some(vals) => {
            for (&i, &x) in ev.iter().zip(vals) {
                let wr = w.add(i as usize * n);
                let xv = _mm256_set1_ps(x);
                for (v, a) in acc.iter_mut().enumerate() {
                    *a = _mm256_add_ps(*a, _mm256_mul_ps(xv, load::<NV, MASKED>(wr, v, mask)));
                }
            }
        }
    }
    for (v, a) in acc.iter().enumerate() {
        if MASKED && v == NV - 1 {
            _mm256_maskstore_ps(o.add(v * W), mask, *a);
        } else {
            _mm256_storeu_ps(o.add(v * W), *a);
        }
    }
}

/// One column strip `[j, j + NV*8)` (or a masked partial strip) for every row. Strips are the
/// outer loop so that the strip of `w` (w_rows × NV*8 floats: 200 KB for 784 × 64) stays in L2
/// while all batch rows pass over it, instead of streaming all of `w` from L3 once per row.
#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn sparse_strip<const NV: usize, const MASKED: bool>(
    ptr: &[u32],
    idx: &[u32],
    val: Option<&[f32]>,
    w: *const f32,
    ld: usize,
    out: *mut f32,
    j: usize,
    mask: __m256i,
) {
    for r in 0..ptr.len() - 1 {
        let (e0, e1) = (ptr[r] as usize, ptr[r + 1] as usize);
        let vv = val.map(|v| v.get_unchecked(e0..e1));
        sparse_chunk::<NV, MASKED>(
            out.add(r * ld + j),
            w.add(j),
            ld,
            idx.get_unchecked(e0..e1),
            vv,
            mask,
        );
    }
}

/// Columns `[0, cols)` of `out[r] += Σ val·w[idx]`, where `w` and `out` point at the first
/// column of the range and both have row stride `ld` (see `ColsMut`).
#[target_feature(enable = "avx2")]
pub unsafe fn sparse_matmul(
    ptr: &[u32],
    idx: &[u32],
    val: Option<&[f32]>,
    w: *const f32,
    ld: usize,
    cols: usize,
    out: *mut f32,
) {
    let (wp, op) = (w, out);
    let full = _mm256_set1_epi32(-1);
    let mut j = 0;
    // 64 columns (8 accumulators) per strip where possible, then narrower strips; the last
    // partial vector (cols % 8 columns) is a masked strip.
    while j + 64 <= cols {
        sparse_strip::<8, false>(ptr, idx, val, wp, ld, op, j, full);
        j += 64;
    }
    while j + 32 <= cols {
        sparse_strip::<4, false>(ptr, idx, val, wp, ld, op, j, full);
        j += 32;
    }
    let rem = cols - j;
    match (rem / W, rem % W) {
        (0, 0) => {}
        (1, 0) => sparse_strip::<1, false>(ptr, idx, val, wp, ld, op, j, full),
        (2, 0) => sparse_strip::<2, false>(ptr, idx, val, wp, ld, op, j, full),
        (3, 0) => sparse_strip::<3, false>(ptr, idx, val, wp, ld, op, j, full),
        (0, r) => sparse_strip::<1, true>(ptr, idx, val, wp, ld, op, j, tail_mask(r)),
        (1, r) => sparse_strip::<2, true>(ptr, idx, val, wp, ld, op, j, tail_mask(r)),
        (2, r) => sparse_strip::<3, true>(ptr, idx, val, wp, ld, op, j, tail_mask(r)),
        (3, r) => sparse_strip::<4, true>(ptr, idx, val, wp, ld, op, j, tail_mask(r)),
        _ => unreachable!(),
    }
}

// ---------------------------------------------------------------------------------------------
// Dense matmul: MR rows × NV*8 columns of `out` in registers, k streamed in increasing order.
// ---------------------------------------------------------------------------------------------

#[target_feature(enable = "avx2")]
#[inline]
unsafe fn mm_block<const MR: usize, const NV: usize>(
    a: *const f32,
    b: *const f32,
    out: *mut f32,
    i0: usize,
    j0: usize,
    k: usize,
    n: usize,
) {
    let mut acc = [[_mm256_setzero_ps(); NV]; MR];
    for (r, row) in acc.iter_mut().enumerate() {
        for (v, a) in row.iter_mut().enumerate() {
            *a = _mm256_loadu_ps(out.add((i0 + r) * n + j0 + v * W));
        }
    }
    let arow = a.add(i0 * k);
    for p in 0..k {
        let bp = b.add(p * n + j0);
        let mut bv = [_mm256_setzero_ps(); NV];
        for (v, x) in bv.iter_mut().enumerate() {
            *x = _mm256_loadu_ps(bp.add(v * W));
        }
        for (r, row) in acc.iter_mut().enumerate() {
            let av = _mm256_set1_ps(*arow.add(r * k + p));
            for (v, x) in row.iter_mut().enumerate() {
                *x = _mm256_add_ps(*x, _mm256_mul_ps(av, bv[v]));
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        for (v, x) in row.iter().enumerate() {
            _mm256_storeu_ps(out.add((i0 + r) * n + j0 + v * W), *x);
        }
    }
}

#[target_feature(enable = "avx2")]
#[inline]
unsafe fn mm_panel<const NV: usize>(
    a: *const f32,
    b: *const f32,
    out: *mut f32,
    m: usize,
    k: usize,
    n: usize,
    j0: usize,
) {
    // 6×16 → 12 accumulators + 2 B vectors + 1 broadcast = 15 of 16 ymm registers.
    let mut i = 0;
    while i + 6 <= m {
        mm_block::<6, NV>(a, b, out, i, j0, k, n);
        i += 6;
    }
    while i + 2 <= m {
        mm_block::<2, NV>(a, b, out, i, j0, k, n);
        i += 2;
    }
    while i < m {
        mm_block::<1, NV>(a, b, out, i, j0, k, n);
        i += 1;
    }
}

#[target_feature(enable = "avx2")]
pub unsafe fn matmul(a: &[f32], b: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
    let (ap, bp, op) = (a.as_ptr(), b.as_ptr(), out.as_mut_ptr());
    // Column panels outermost: a 16-column strip of B (k×64 bytes) stays in L1/L2 while every
    // row block of A streams through it.
    let mut j = 0;
    while j + 16 <= n {
        mm_panel::<2>(ap, bp, op, m, k, n, j);
        j += 16;
    }
    while j + 8 <= n {
        mm_panel::<1>(ap, bp, op, m, k, n, j);
        j += 8;
    }
    if j < n {
        for i in 0..m {
            for p in 0..k {
                let av = a[i * k + p];
                for jj in j..n {
                    out[i * n + jj] += av * b[p * n + jj];
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Transpose: 8×8 register transposes (unpack / shuffle / lane permute), scalar edges.
// ---------------------------------------------------------------------------------------------

#[target_feature(enable = "avx2")]
pub unsafe fn transpose(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    let (sp, dp) = (src.as_ptr(), dst.as_mut_ptr());
    let (r8, c8) = (rows / 8 * 8, cols / 8 * 8);
    for r0 in (0..r8).step_by(8) {
        for c0 in (0..c8).step_by(8) {
            let s = sp.add(r0 * cols + c0);
            let r: [__m256; 8] = core::array::from_fn(|i| _mm256_loadu_ps(s.add(i * cols)));
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
            let d = dp.add(c0 * rows + r0);
            for (c, v) in o.iter().enumerate() {
                _mm256_storeu_ps(d.add(c * rows), *v);
            }
        }
        for r in r0..r0 + 8 {
            for c in c8..cols {
                *dp.add(c * rows + r) = *sp.add(r * cols + c);
            }
        }
    }
    for r in r8..rows {
        for c in 0..cols {
            *dp.add(c * rows + r) = *sp.add(r * cols + c);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Compaction: dense row → (index, value) of its non-zeros, 8 lanes at a time
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

/// Same contract and result as `scalar::compact_nonzero`. Each block of 8 writes 8 entries at the
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
    while j + W <= len {
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
        j += W;
    }
    let tail = super::scalar::compact_nonzero(&row[j..], &mut idx[c..c + (len - j)], val.map(|v| &mut v[c..c + (len - j)]));
    for i in &mut idx[c..c + tail] {
        *i += j as u32;
    }
    c + tail
}

// ---------------------------------------------------------------------------------------------
// Element-wise: surrogate gradient, optimisers
// ---------------------------------------------------------------------------------------------

/// Lane-wise copy of `math::exp_f32` (same op sequence; see its docs).
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn exp8(x: __m256) -> __m256 {
    // minps(a,b) = a<b ? a : b and maxps(a,b) = a>b ? a : b: exactly the scalar clamp expressions.
    let c = _mm256_min_ps(x, _mm256_set1_ps(EXP_HI));
    let c = _mm256_max_ps(c, _mm256_set1_ps(EXP_LO));
    let n = _mm256_floor_ps(_mm256_add_ps(
        _mm256_mul_ps(c, _mm256_set1_ps(LOG2E)),
        _mm256_set1_ps(0.5),
    ));
    let r = _mm256_sub_ps(c, _mm256_mul_ps(n, _mm256_set1_ps(C1)));
    let r = _mm256_sub_ps(r, _mm256_mul_ps(n, _mm256_set1_ps(C2)));
    let z = _mm256_mul_ps(r, r);
    let mut p = _mm256_add_ps(_mm256_mul_ps(_mm256_set1_ps(P0), r), _mm256_set1_ps(P1));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(P2));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(P3));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(P4));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(P5));
    let y = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(p, z), r), _mm256_set1_ps(1.0));
    // n is integral, so the rounding conversion is exact.
    let e = _mm256_slli_epi32::<23>(_mm256_add_epi32(
        _mm256_cvtps_epi32(n),
        _mm256_set1_epi32(127),
    ));
    let y = _mm256_mul_ps(y, _mm256_castsi256_ps(e));
    let under = _mm256_cmp_ps::<_CMP_LT_OQ>(x, _mm256_set1_ps(EXP_LO));
    let y = _mm256_andnot_ps(under, y);
    let nan = _mm256_cmp_ps::<_CMP_UNORD_Q>(x, x);
    _mm256_blendv_ps(y, x, nan)
}

/// `(α·e) / (t·t)` with `e = exp(z)`, `t = 1 + e` (see `surrogate::sig_bump`).
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn sig_bump8(alpha: __m256, z: __m256) -> __m256 {
    let e = exp8(z);
    let t = _mm256_add_ps(_mm256_set1_ps(1.0), e);
    _mm256_div_ps(_mm256_mul_ps(alpha, e), _mm256_mul_ps(t, t))
}

#[target_feature(enable = "avx2")]
#[inline]
unsafe fn abs8(x: __m256) -> __m256 {
    _mm256_andnot_ps(_mm256_set1_ps(-0.0), x)
}

/// One vector of `Surrogate::grad`, same op sequence per arm.
#[target_feature(enable = "avx2")]
#[inline]
unsafe fn grad8(s: &Surrogate, x: __m256) -> __m256 {
    let one = _mm256_set1_ps(1.0);
    match *s {
        Surrogate::S3nn { alpha, beta } => {
            // Both sides computed, then selected: the x<0 lanes of β/(x+1) may be inf (x=−1) but
            // are discarded, so the result equals the branchy scalar version.
            let a = _mm256_set1_ps(alpha);
            let pos = _mm256_div_ps(_mm256_set1_ps(beta), _mm256_add_ps(x, one));
            let neg = sig_bump8(a, _mm256_mul_ps(a, x));
            let ge = _mm256_cmp_ps::<_CMP_GE_OQ>(x, _mm256_setzero_ps());
            _mm256_blendv_ps(neg, pos, ge)
        }
        Surrogate::Sigmoid { alpha } => {
            let a = _mm256_set1_ps(alpha);
            let z = _mm256_xor_ps(_mm256_mul_ps(a, abs8(x)), _mm256_set1_ps(-0.0));
            sig_bump8(a, z)
        }
        Surrogate::Rect { width } => {
            let inside = _mm256_cmp_ps::<_CMP_LT_OQ>(abs8(x), _mm256_set1_ps(width * 0.5));
            _mm256_and_ps(inside, _mm256_set1_ps(1.0 / width))
        }
        Surrogate::Atan { alpha } => {
            let y = _mm256_mul_ps(_mm256_set1_ps(alpha * core::f32::consts::FRAC_PI_2), x);
            let d = _mm256_add_ps(one, _mm256_mul_ps(y, y));
            _mm256_div_ps(_mm256_set1_ps(alpha * 0.5), d)
        }
        Surrogate::FastSigmoid { slope } => {
            let d = _mm256_add_ps(one, _mm256_mul_ps(_mm256_set1_ps(slope), abs8(x)));
            _mm256_div_ps(one, _mm256_mul_ps(d, d))
        }
    }
}

#[target_feature(enable = "avx2")]
pub unsafe fn surrogate_grad_mul(s: &Surrogate, x: &[f32], g: &mut [f32]) {
    let len = x.len();
    let (xp, gp) = (x.as_ptr(), g.as_mut_ptr());
    let mut i = 0;
    while i + W <= len {
        let gr = grad8(s, _mm256_loadu_ps(xp.add(i)));
        _mm256_storeu_ps(gp.add(i), _mm256_mul_ps(_mm256_loadu_ps(gp.add(i)), gr));
        i += W;
    }
    for i in i..len {
        g[i] *= s.grad(x[i]);
    }
}

#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx2")]
pub unsafe fn adam_step(
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
    let (wp, gp, mp, vp) = (w.as_mut_ptr(), g.as_ptr(), m.as_mut_ptr(), v.as_mut_ptr());
    let (lrv, b1v, b2v, epsv, bc1v, bc2v, wdv) = (
        _mm256_set1_ps(lr),
        _mm256_set1_ps(b1),
        _mm256_set1_ps(b2),
        _mm256_set1_ps(eps),
        _mm256_set1_ps(bc1),
        _mm256_set1_ps(bc2),
        _mm256_set1_ps(weight_decay),
    );
    let omb1 = _mm256_set1_ps(1.0 - b1);
    let omb2 = _mm256_set1_ps(1.0 - b2);
    let mut i = 0;
    while i + W <= len {
        let wi = _mm256_loadu_ps(wp.add(i));
        let gi = _mm256_add_ps(_mm256_loadu_ps(gp.add(i)), _mm256_mul_ps(wdv, wi));
        let mi = _mm256_add_ps(
            _mm256_mul_ps(b1v, _mm256_loadu_ps(mp.add(i))),
            _mm256_mul_ps(omb1, gi),
        );
        let vi = _mm256_add_ps(
            _mm256_mul_ps(b2v, _mm256_loadu_ps(vp.add(i))),
            _mm256_mul_ps(omb2, _mm256_mul_ps(gi, gi)),
        );
        _mm256_storeu_ps(mp.add(i), mi);
        _mm256_storeu_ps(vp.add(i), vi);
        let den = _mm256_add_ps(_mm256_sqrt_ps(_mm256_div_ps(vi, bc2v)), epsv);
        let step = _mm256_div_ps(_mm256_mul_ps(lrv, _mm256_div_ps(mi, bc1v)), den);
        _mm256_storeu_ps(wp.add(i), _mm256_sub_ps(wi, step));
        i += W;
    }
    super::scalar::adam_step(
        &mut w[i..],
        &g[i..],
        &mut m[i..],
        &mut v[i..],
        lr,
        b1,
        b2,
        eps,
        bc1,
        bc2,
        weight_decay,
    );
}

#[target_feature(enable = "avx2")]
pub unsafe fn sgd_step(
    w: &mut [f32],
    g: &[f32],
    vel: &mut [f32],
    lr: f32,
    momentum: f32,
    weight_decay: f32,
) {
    let len = w.len();
    let (wp, gp, vp) = (w.as_mut_ptr(), g.as_ptr(), vel.as_mut_ptr());
    let (lrv, muv, wdv) = (
        _mm256_set1_ps(lr),
        _mm256_set1_ps(momentum),
        _mm256_set1_ps(weight_decay),
    );
    let mut i = 0;
    while i + W <= len {
        let wi = _mm256_loadu_ps(wp.add(i));
        let gi = _mm256_add_ps(_mm256_loadu_ps(gp.add(i)), _mm256_mul_ps(wdv, wi));
        let vi = _mm256_add_ps(_mm256_mul_ps(muv, _mm256_loadu_ps(vp.add(i))), gi);
        _mm256_storeu_ps(vp.add(i), vi);
        _mm256_storeu_ps(wp.add(i), _mm256_sub_ps(wi, _mm256_mul_ps(lrv, vi)));
        i += W;
    }
    super::scalar::sgd_step(
        &mut w[i..],
        &g[i..],
        &mut vel[i..],
        lr,
        momentum,
        weight_decay,
    );
}
