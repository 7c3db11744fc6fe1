//! Dense kernels written once over [`Lanes`]: the matrix product (with `a` stored as is or
//! transposed) and the transpose.

use super::lanes::{Lanes, Scalar};

/// `MR` rows × `NV` vectors of `out` in registers while k streams past in increasing order: each
/// element starts from its current value and adds `a[i,p]·b[p,j]` for p = 0, 1, …, k−1.
/// `a[i,p]` is `a[i·lda + p]`, or with `AT` (a stored transposed, `[k × lda]`) `a[p·lda + i]`;
/// only the address differs, never the arithmetic. With `SET` the elements start from +0 instead
/// of `out`'s contents (the bits of zeroing `out` first, without the pass over it).
///
/// # Safety
/// Rows `[i0, i0 + MR)` of `a` and `out` (n wide), and columns `[j0, j0 + NV·WIDTH)` of
/// `b` and `out`, are in bounds.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn block<L: Lanes, const MR: usize, const NV: usize, const AT: bool, const SET: bool>(
    a: *const f32,
    lda: usize,
    b: *const f32,
    out: *mut f32,
    i0: usize,
    j0: usize,
    k: usize,
    n: usize,
) {
    let mut acc = [[L::splat(0.0); NV]; MR];
    if !SET {
        for (r, row) in acc.iter_mut().enumerate() {
            for (v, x) in row.iter_mut().enumerate() {
                *x = L::load(out.add((i0 + r) * n + j0 + v * L::WIDTH));
            }
        }
    }
    let arow = if AT { a.add(i0) } else { a.add(i0 * lda) };
    for p in 0..k {
        let bp = b.add(p * n + j0);
        let mut bv = [L::splat(0.0); NV];
        for (v, x) in bv.iter_mut().enumerate() {
            *x = L::load(bp.add(v * L::WIDTH));
        }
        for (r, row) in acc.iter_mut().enumerate() {
            let av = L::splat(if AT { *arow.add(p * lda + r) } else { *arow.add(r * lda + p) });
            for (v, x) in row.iter_mut().enumerate() {
                *x = L::add(*x, L::mul(av, bv[v]));
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        for (v, x) in row.iter().enumerate() {
            L::store(out.add((i0 + r) * n + j0 + v * L::WIDTH), *x);
        }
    }
}

/// All rows of the column panel `[j0, j0 + NV·WIDTH)`: blocks of `L::MATMUL_ROWS` (6 or 4) rows,
/// then 2, then 1.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn panel<L: Lanes, const NV: usize, const AT: bool, const SET: bool>(a: *const f32, lda: usize, b: *const f32, out: *mut f32, m: usize, k: usize, n: usize, j0: usize) {
    let mut i = 0;
    if L::MATMUL_ROWS >= 6 {
        while i + 6 <= m {
            block::<L, 6, NV, AT, SET>(a, lda, b, out, i, j0, k, n);
            i += 6;
        }
    }
    while i + 4 <= m {
        block::<L, 4, NV, AT, SET>(a, lda, b, out, i, j0, k, n);
        i += 4;
    }
    while i + 2 <= m {
        block::<L, 2, NV, AT, SET>(a, lda, b, out, i, j0, k, n);
        i += 2;
    }
    if i < m {
        block::<L, 1, NV, AT, SET>(a, lda, b, out, i, j0, k, n);
    }
}

/// `out[m×n] += a[m×k] · b[k×n]`. Column panels outermost: a 2-vector strip of `b` (k × 64 bytes
/// on AVX2) stays in L1/L2 while every row block of `a` streams through it. The last
/// `n % WIDTH` columns are scalar-lane panels.
///
/// # Safety
/// `a`, `b`, `out` hold `m·k`, `k·n`, `m·n` floats.
#[inline(always)]
pub unsafe fn matmul<L: Lanes>(a: *const f32, b: *const f32, m: usize, k: usize, n: usize, out: *mut f32) {
    panels::<L, false, false>(a, k, b, m, k, n, out)
}

/// `out[m×n] = a[m×k] · b[k×n]`: [`matmul`] into zeros, without reading `out`.
///
/// # Safety
/// As [`matmul`].
#[inline(always)]
pub unsafe fn matmul_set<L: Lanes>(a: *const f32, b: *const f32, m: usize, k: usize, n: usize, out: *mut f32) {
    panels::<L, false, true>(a, k, b, m, k, n, out)
}

/// `out[m×n] += aᵀ · b[k×n]` where `a` is `[k × lda]` and its columns `[0, m)` are used: the
/// weight gradient `colᵀ · dy` of a convolution without transposing its im2col matrix. Same
/// per-element order as [`matmul`] (p = 0, 1, …, k−1).
///
/// # Safety
/// `a` holds `(k−1)·lda + m` floats, `b` `k·n`, `out` `m·n`; `m ≤ lda`.
#[inline(always)]
pub unsafe fn matmul_tn<L: Lanes>(a: *const f32, lda: usize, b: *const f32, m: usize, k: usize, n: usize, out: *mut f32) {
    panels::<L, true, false>(a, lda, b, m, k, n, out)
}

#[inline(always)]
unsafe fn panels<L: Lanes, const AT: bool, const SET: bool>(a: *const f32, lda: usize, b: *const f32, m: usize, k: usize, n: usize, out: *mut f32) {
    let mut j = 0;
    if L::WIDTH == 1 {
        // The scalar lane: 8-column panels, which LLVM packs into SSE/simd128 registers itself
        // (element-independent adds, so this changes no result).
        while j + 8 <= n {
            panel::<L, 8, AT, SET>(a, lda, b, out, m, k, n, j);
            j += 8;
        }
    }
    while j + 2 * L::WIDTH <= n {
        panel::<L, 2, AT, SET>(a, lda, b, out, m, k, n, j);
        j += 2 * L::WIDTH;
    }
    if j + L::WIDTH <= n {
        panel::<L, 1, AT, SET>(a, lda, b, out, m, k, n, j);
        j += L::WIDTH;
    }
    for j in j..n {
        panel::<Scalar, 1, AT, SET>(a, lda, b, out, m, k, n, j);
    }
}

/// `dst[cols×rows]` = transpose of `src[rows×cols]`, a block of a matrix whose rows are `src_ld`
/// floats apart (`src_ld ≥ cols`), in `WIDTH × WIDTH` register tiles ([`Lanes::transpose_tile`])
/// with scalar edges.
///
/// # Safety
/// `src` holds `(rows − 1)·src_ld + cols` floats and `dst` `rows·cols`.
#[inline(always)]
pub unsafe fn transpose<L: Lanes>(src: *const f32, src_ld: usize, rows: usize, cols: usize, dst: *mut f32) {
    let w = L::WIDTH;
    let (r_tiles, c_tiles) = (rows / w * w, cols / w * w);
    let one = |r: usize, c: usize| Scalar::transpose_tile(src.add(r * src_ld + c), src_ld, dst.add(c * rows + r), rows);
    for r0 in (0..r_tiles).step_by(w) {
        for c0 in (0..c_tiles).step_by(w) {
            L::transpose_tile(src.add(r0 * src_ld + c0), src_ld, dst.add(c0 * rows + r0), rows);
        }
        for r in r0..r0 + w {
            (c_tiles..cols).for_each(|c| one(r, c));
        }
    }
    for r in r_tiles..rows {
        (0..cols).for_each(|c| one(r, c));
    }
}
