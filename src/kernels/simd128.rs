//! wasm32 simd128 kernels (4 × f32 per vector). Compiled only with `target_feature = "simd128"`
//! (set in `.cargo/config.toml`); wasm cannot probe features at run time, so this is static.
//! No relaxed-simd: `f32x4_relaxed_madd` may or may not fuse depending on the engine/CPU, which
//! would make results machine-dependent.
//!
//! Same structure and per-element op order as `x86.rs` / `scalar.rs`; only widths differ. Block
//! sizes assume V8/SpiderMonkey on x64 (16 xmm registers): at most ~11 live vectors per kernel.

use core::arch::wasm32::*;

use super::math::{C1, C2, EXP_HI, EXP_LO, LOG2E, P0, P1, P2, P3, P4, P5};
use crate::surrogate::Surrogate;

const W: usize = 4;

#[inline(always)]
unsafe fn ld(p: *const f32) -> v128 {
    v128_load(p as *const v128)
}

#[inline(always)]
unsafe fn st(p: *mut f32, x: v128) {
    v128_store(p as *mut v128, x)
}

#[inline(always)]
unsafe fn sparse_chunk<const NV: usize>(
    o: *mut f32,
    w: *const f32,
    n: usize,
    ev: &[u32],
    vals: Option<&[f32]>,
) {
    let mut acc = [f32x4_splat(0.0); NV];
    for (v, a) in acc.iter_mut().enumerate() {
        *a = ld(o.add(v * W));
    }
    match vals {
        None => {
            for &i in ev {
                let wr = w.add(i as usize * n);
                for (v, a) in acc.iter_mut().enumerate() {
                    *a = f32x4_add(*a, ld(wr.add(v * W)));
                }
            }
        }
        Some(vals) => {
            for (&i, &x) in ev.iter().zip(vals) {
                let wr = w.add(i as usize * n);
                let xv = f32x4_splat(x);
                for (v, a) in acc.iter_mut().enumerate() {
                    *a = f32x4_add(*a, f32x4_mul(xv, ld(wr.add(v * W))));
                }
            }
        }
    }
    for (v, a) in acc.iter().enumerate() {
        st(o.add(v * W), *a);
    }
}

/// One column strip `[j, j + NV*4)` for every row: strips are the outer loop so the strip of `w`
/// stays in cache while all batch rows pass over it (see x86.rs).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn sparse_strip<const NV: usize>(
    ptr: &[u32],
    idx: &[u32],
    val: Option<&[f32]>,
    w: *const f32,
    ld: usize,
    out: *mut f32,
    j: usize,
) {
    for r in 0..ptr.len() - 1 {
        let (e0, e1) = (ptr[r] as usize, ptr[r + 1] as usize);
        let vv = val.map(|v| v.get_unchecked(e0..e1));
        sparse_chunk::<NV>(
            out.add(r * ld + j),
            w.add(j),
            ld,
            idx.get_unchecked(e0..e1),
            vv,
        );
    }
}

/// Columns `[0, cols)` of `out[r] += Σ val·w[idx]`; `w` and `out` point at the first column of
/// the range, row stride `ld` (see x86.rs).
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
    let mut j = 0;
    while j + 32 <= cols {
        sparse_strip::<8>(ptr, idx, val, wp, ld, op, j);
        j += 32;
    }
    while j + 8 <= cols {
        sparse_strip::<2>(ptr, idx, val, wp, ld, op, j);
        j += 8;
    }
    while j + 4 <= cols {
        sparse_strip::<1>(ptr, idx, val, wp, ld, op, j);
        j += 4;
    }
    if j == cols {
        return;
    }
    // Scalar tail columns (wasm has no masked loads), same per-element order.
    for r in 0..ptr.len() - 1 {
        let (e0, e1) = (ptr[r] as usize, ptr[r + 1] as usize);
        for jj in j..cols {
            let mut acc = *op.add(r * ld + jj);
            match val {
                None => {
                    for &i in &idx[e0..e1] {
                        acc += *wp.add(i as usize * ld + jj);
                    }
                }
                Some(v) => {
                    for (&i, &x) in idx[e0..e1].iter().zip(&v[e0..e1]) {
                        acc += x * *wp.add(i as usize * ld + jj);
                    }
                }
            }
            *op.add(r * ld + jj) = acc;
        }
    }
}

#[inline(always)]
unsafe fn mm_block<const MR: usize, const NV: usize>(
    a: *const f32,
    b: *const f32,
    out: *mut f32,
    i0: usize,
    j0: usize,
    k: usize,
    n: usize,
) {
    let mut acc = [[f32x4_splat(0.0); NV]; MR];
    for (r, row) in acc.iter_mut().enumerate() {
        for (v, a) in row.iter_mut().enumerate() {
            *a = ld(out.add((i0 + r) * n + j0 + v * W));
        }
    }
    let arow = a.add(i0 * k);
    for p in 0..k {
        let bp = b.add(p * n + j0);
        let mut bv = [f32x4_splat(0.0); NV];
        for (v, x) in bv.iter_mut().enumerate() {
            *x = ld(bp.add(v * W));
        }
        for (r, row) in acc.iter_mut().enumerate() {
            let av = f32x4_splat(*arow.add(r * k + p));
            for (v, x) in row.iter_mut().enumerate() {
                *x = f32x4_add(*x, f32x4_mul(av, bv[v]));
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        for (v, x) in row.iter().enumerate() {
            st(out.add((i0 + r) * n + j0 + v * W), *x);
        }
    }
}

#[inline(always)]
unsafe fn mm_panel<const NV: usize>(
    a: *const f32,
    b: *const f32,
    out: *mut f32,
    m: usize,
    k: usize,
    n: usize,
    j0: usize,
) {
    // 4×8 → 8 accumulators + 2 B vectors + 1 broadcast.
    let mut i = 0;
    while i + 4 <= m {
        mm_block::<4, NV>(a, b, out, i, j0, k, n);
        i += 4;
    }
    while i < m {
        mm_block::<1, NV>(a, b, out, i, j0, k, n);
        i += 1;
    }
}

pub unsafe fn matmul(a: &[f32], b: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
    let (ap, bp, op) = (a.as_ptr(), b.as_ptr(), out.as_mut_ptr());
    let mut j = 0;
    while j + 8 <= n {
        mm_panel::<2>(ap, bp, op, m, k, n, j);
        j += 8;
    }
    while j + 4 <= n {
        mm_panel::<1>(ap, bp, op, m, k, n, j);
        j += 4;
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

/// 4×4 register transposes (two rounds of shuffles), scalar edges.
pub unsafe fn transpose(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    let (sp, dp) = (src.as_ptr(), dst.as_mut_ptr());
    let (r4, c4) = (rows / 4 * 4, cols / 4 * 4);
    for r0 in (0..r4).step_by(4) {
        for c0 in (0..c4).step_by(4) {
            let s = sp.add(r0 * cols + c0);
            let (a, b, c, d) = (
                ld(s),
                ld(s.add(cols)),
                ld(s.add(2 * cols)),
                ld(s.add(3 * cols)),
            );
            let t0 = i32x4_shuffle::<0, 4, 1, 5>(a, b);
            let t1 = i32x4_shuffle::<2, 6, 3, 7>(a, b);
            let t2 = i32x4_shuffle::<0, 4, 1, 5>(c, d);
            let t3 = i32x4_shuffle::<2, 6, 3, 7>(c, d);
            let o = dp.add(c0 * rows + r0);
            st(o, i32x4_shuffle::<0, 1, 4, 5>(t0, t2));
            st(o.add(rows), i32x4_shuffle::<2, 3, 6, 7>(t0, t2));
            st(o.add(2 * rows), i32x4_shuffle::<0, 1, 4, 5>(t1, t3));
            st(o.add(3 * rows), i32x4_shuffle::<2, 3, 6, 7>(t1, t3));
        }
        for r in r0..r0 + 4 {
            for c in c4..cols {
                *dp.add(c * rows + r) = *sp.add(r * cols + c);
            }
        }
    }
    for r in r4..rows {
        for c in 0..cols {
            *dp.add(c * rows + r) = *sp.add(r * cols + c);
        }
    }
}

/// Lane-wise copy of `math::exp_f32` (same op sequence; see its docs).
#[inline(always)]
fn exp4(x: v128) -> v128 {
    // pmin(a,b) = b<a ? b : a, so pmin(HI, x) = x<HI ? x : HI; pmax(LO, c) = LO<c ? c : LO —
    // the scalar clamp expressions, NaN handling included.
    let c = f32x4_pmin(f32x4_splat(EXP_HI), x);
    let c = f32x4_pmax(f32x4_splat(EXP_LO), c);
    let n = f32x4_floor(f32x4_add(
        f32x4_mul(c, f32x4_splat(LOG2E)),
        f32x4_splat(0.5),
    ));
    let r = f32x4_sub(c, f32x4_mul(n, f32x4_splat(C1)));
    let r = f32x4_sub(r, f32x4_mul(n, f32x4_splat(C2)));
    let z = f32x4_mul(r, r);
    let mut p = f32x4_add(f32x4_mul(f32x4_splat(P0), r), f32x4_splat(P1));
    p = f32x4_add(f32x4_mul(p, r), f32x4_splat(P2));
    p = f32x4_add(f32x4_mul(p, r), f32x4_splat(P3));
    p = f32x4_add(f32x4_mul(p, r), f32x4_splat(P4));
    p = f32x4_add(f32x4_mul(p, r), f32x4_splat(P5));
    let y = f32x4_add(f32x4_add(f32x4_mul(p, z), r), f32x4_splat(1.0));
    // n is integral and in [-126, 127], so truncation is exact.
    let e = i32x4_shl(i32x4_add(i32x4_trunc_sat_f32x4(n), i32x4_splat(127)), 23);
    let y = f32x4_mul(y, e);
    let under = f32x4_lt(x, f32x4_splat(EXP_LO));
    let y = v128_andnot(y, under);
    let nan = f32x4_ne(x, x);
    v128_bitselect(x, y, nan)
}

#[inline(always)]
fn sig_bump4(alpha: v128, z: v128) -> v128 {
    let e = exp4(z);
    let t = f32x4_add(f32x4_splat(1.0), e);
    f32x4_div(f32x4_mul(alpha, e), f32x4_mul(t, t))
}

/// One vector of `Surrogate::grad`, same op sequence per arm.
#[inline(always)]
fn grad4(s: &Surrogate, x: v128) -> v128 {
    let one = f32x4_splat(1.0);
    match *s {
        Surrogate::S3nn { alpha, beta } => {
            // Both sides computed, then selected; discarded x<0 lanes of β/(x+1) never escape.
            let a = f32x4_splat(alpha);
            let pos = f32x4_div(f32x4_splat(beta), f32x4_add(x, one));
            let neg = sig_bump4(a, f32x4_mul(a, x));
            let ge = f32x4_ge(x, f32x4_splat(0.0));
            v128_bitselect(pos, neg, ge)
        }
        Surrogate::Sigmoid { alpha } => {
            let a = f32x4_splat(alpha);
            sig_bump4(a, f32x4_neg(f32x4_mul(a, f32x4_abs(x))))
        }
        Surrogate::Rect { width } => {
            let inside = f32x4_lt(f32x4_abs(x), f32x4_splat(width * 0.5));
            v128_and(inside, f32x4_splat(1.0 / width))
        }
        Surrogate::Atan { alpha } => {
            let y = f32x4_mul(f32x4_splat(alpha * core::f32::consts::FRAC_PI_2), x);
            let d = f32x4_add(one, f32x4_mul(y, y));
            f32x4_div(f32x4_splat(alpha * 0.5), d)
        }
        Surrogate::FastSigmoid { slope } => {
            let d = f32x4_add(one, f32x4_mul(f32x4_splat(slope), f32x4_abs(x)));
            f32x4_div(one, f32x4_mul(d, d))
        }
    }
}

pub unsafe fn surrogate_grad_mul(s: &Surrogate, x: &[f32], g: &mut [f32]) {
    let len = x.len();
    let (xp, gp) = (x.as_ptr(), g.as_mut_ptr());
    let mut i = 0;
    while i + W <= len {
        let gr = grad4(s, ld(xp.add(i)));
        st(gp.add(i), f32x4_mul(ld(gp.add(i)), gr));
        i += W;
    }
    for i in i..len {
        g[i] *= s.grad(x[i]);
    }
}

#[allow(clippy::too_many_arguments)]
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
        f32x4_splat(lr),
        f32x4_splat(b1),
        f32x4_splat(b2),
        f32x4_splat(eps),
        f32x4_splat(bc1),
        f32x4_splat(bc2),
        f32x4_splat(weight_decay),
    );
    let omb1 = f32x4_splat(1.0 - b1);
    let omb2 = f32x4_splat(1.0 - b2);
    let one = |i: usize| {
        let wi = ld(wp.add(i));
        let gi = f32x4_add(ld(gp.add(i)), f32x4_mul(wdv, wi));
        let mi = f32x4_add(f32x4_mul(b1v, ld(mp.add(i))), f32x4_mul(omb1, gi));
        let vi = f32x4_add(
            f32x4_mul(b2v, ld(vp.add(i))),
            f32x4_mul(omb2, f32x4_mul(gi, gi)),
        );
        st(mp.add(i), mi);
        st(vp.add(i), vi);
        let den = f32x4_add(f32x4_sqrt(f32x4_div(vi, bc2v)), epsv);
        let step = f32x4_div(f32x4_mul(lrv, f32x4_div(mi, bc1v)), den);
        st(wp.add(i), f32x4_sub(wi, step));
    };
    let mut i = 0;
    // Two vectors per iteration: the divisions and sqrt are long-latency and V8 does not
    // interleave independent iterations by itself.
    while i + 2 * W <= len {
        one(i);
        one(i + W);
        i += 2 * W;
    }
    while i + W <= len {
        one(i);
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
        f32x4_splat(lr),
        f32x4_splat(momentum),
        f32x4_splat(weight_decay),
    );
    let mut i = 0;
    while i + W <= len {
        let wi = ld(wp.add(i));
        let gi = f32x4_add(ld(gp.add(i)), f32x4_mul(wdv, wi));
        let vi = f32x4_add(f32x4_mul(muv, ld(vp.add(i))), gi);
        st(vp.add(i), vi);
        st(wp.add(i), f32x4_sub(wi, f32x4_mul(lrv, vi)));
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
