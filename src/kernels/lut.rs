//! Products whose left operand is binary (spikes), four entries at a time by table lookup.
//!
//! A binary row times a matrix is a sum of the matrix rows where the row has a one. Cut the row
//! into groups of [`GROUP`] entries: a group holds one of 16 bit patterns, and the sum its ones
//! pick is one of 16 subset sums of four matrix rows. Made once per product ([`subset_tables`]),
//! those sums are then read instead of computed: each group costs one vector load and one add per
//! output vector, where the dense product spends four multiplies and four adds, and a group
//! without a one costs nothing. This is what "a layer fed by spikes needs additions only" buys on
//! a CPU whose float units are the limit.
//!
//! Sum order, the same on every ISA (the invariant of `kernels/mod.rs`): a subset sum adds its
//! rows in increasing index from the lowest (a single row is itself, not `0 + row`), and each
//! output element first adds +0, then its groups' subset sums in increasing group index. The
//! +0 makes a −0 start +0, after which no sum can be −0 again (x + (−x) is +0 when rounding to
//! nearest), so a group with no one (whose sum is +0) may be added or skipped without changing a
//! bit: the kernel skips them where spikes are sparse and adds them without a branch where they
//! are not, whichever is faster. It is a different order from the dense product's one term at a
//! time, so the results are not the dense product's bits; they are the same bits for any cut of
//! the rows or columns between threads and any blocking of the groups.

use super::lanes::{Lanes, Scalar};

/// Binary entries per group: one table of `SUBSETS` sums per group.
pub const GROUP: usize = 4;

/// Subset sums per group, one per bit pattern of `GROUP` entries (pattern 0 is never read).
pub const SUBSETS: usize = 1 << GROUP;

/// `tables[(g·SUBSETS + s)·n + j]` = Σ over the set bits b of s, in increasing b, of
/// `src[(GROUP·g + b)·ld + j]`, for the `groups = rows.div_ceil(GROUP)` groups of the `rows`
/// source rows (a missing row of the last group reads as zeros; a pattern that would pick it
/// never occurs, since its binary entry is 0). Pattern 0 is written as zeros.
///
/// # Safety
/// `src` holds `(rows − 1)·ld + n` floats, `tables` `groups·SUBSETS·n`.
#[inline(always)]
pub unsafe fn subset_tables<L: Lanes>(src: *const f32, ld: usize, rows: usize, n: usize, tables: *mut f32) {
    let mut j = 0;
    while j + L::WIDTH <= n {
        subset_columns::<L>(src, ld, rows, n, j, tables);
        j += L::WIDTH;
    }
    for j in j..n {
        subset_columns::<Scalar>(src, ld, rows, n, j, tables);
    }
}

/// [`subset_tables`] for the `WIDTH` columns from `j`.
#[inline(always)]
unsafe fn subset_columns<L: Lanes>(src: *const f32, ld: usize, rows: usize, n: usize, j: usize, tables: *mut f32) {
    for g in 0..rows.div_ceil(GROUP) {
        let t = tables.add(g * SUBSETS * n + j);
        let mut row = [L::splat(0.0); GROUP];
        for (b, r) in row.iter_mut().enumerate() {
            if GROUP * g + b < rows {
                *r = L::load(src.add((GROUP * g + b) * ld + j));
            }
        }
        L::store(t, L::splat(0.0));
        for s in 1..SUBSETS {
            let top = (usize::BITS - 1 - s.leading_zeros()) as usize;
            let rest = s & !(1 << top);
            let sum = if rest == 0 { row[top] } else { L::add(L::load(t.add(rest * n)), row[top]) };
            L::store(t.add(s * n), sum);
        }
    }
}

/// `out[r·ld + j] += Σ_g tables[(g·SUBSETS + s)·n + j]` for rows r < `rows`, columns j < `n`, and
/// the groups g < `groups` in increasing order, where `s = pat[r·row_step + g·group_step]` is
/// the row's bit pattern in group g (its low `GROUP` bits: higher ones are ignored, so no byte
/// can index outside its table), each element starting from `out + 0` (see the module note). With
/// `skip_empty` a pattern 0 is not read (a branch per pattern: for sparse spikes); without, it is
/// added like any other (its table entry must be +0, as [`subset_tables`] writes it). The two steps let
/// one kernel read patterns stored by row (a conv's patches, forward) or by group (the patches
/// transposed, for the weight gradient).
///
/// Blocks of 2 rows × 4 vectors, 4 × 2 or 8 × 1 in registers (8 independent sums, enough to keep
/// both add units busy), then a scalar tail, as in `dense.rs`.
///
/// # Safety
/// Every pattern read is inside `pat`; `tables` holds `groups·SUBSETS·n` floats,
/// `out` rows `r·ld .. r·ld + n` for r < `rows`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn lookup_rows<L: Lanes>(pat: *const u8, row_step: usize, group_step: usize, groups: usize, rows: usize, tables: *const f32, n: usize, out: *mut f32, ld: usize, skip_empty: bool) {
    if skip_empty {
        lookup_panels::<L, true>(pat, row_step, group_step, groups, rows, tables, n, out, ld)
    } else {
        lookup_panels::<L, false>(pat, row_step, group_step, groups, rows, tables, n, out, ld)
    }
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn lookup_panels<L: Lanes, const SKIP: bool>(pat: *const u8, row_step: usize, group_step: usize, groups: usize, rows: usize, tables: *const f32, n: usize, out: *mut f32, ld: usize) {
    let a = Args { pat, row_step, group_step, groups, tables, n, out, ld };
    // Eight independent sums per block whatever the width, so that the adds' latency is hidden.
    let mut j = 0;
    while j + 4 * L::WIDTH <= n {
        panel::<L, 2, 4, SKIP>(&a, rows, j);
        j += 4 * L::WIDTH;
    }
    while j + 2 * L::WIDTH <= n {
        panel::<L, 4, 2, SKIP>(&a, rows, j);
        j += 2 * L::WIDTH;
    }
    while j + L::WIDTH <= n {
        panel::<L, 8, 1, SKIP>(&a, rows, j);
        j += L::WIDTH;
    }
    for j in j..n {
        panel::<Scalar, 8, 1, SKIP>(&a, rows, j);
    }
}

struct Args {
    pat: *const u8,
    row_step: usize,
    group_step: usize,
    groups: usize,
    tables: *const f32,
    n: usize,
    out: *mut f32,
    ld: usize,
}

/// The rows of one column panel, `MR` at a time, then one at a time.
#[inline(always)]
unsafe fn panel<L: Lanes, const MR: usize, const NV: usize, const SKIP: bool>(a: &Args, rows: usize, j0: usize) {
    let mut r = 0;
    while r + MR <= rows {
        block::<L, MR, NV, SKIP>(a, r, j0);
        r += MR;
    }
    while r < rows {
        block::<L, 1, NV, SKIP>(a, r, j0);
        r += 1;
    }
}

#[inline(always)]
unsafe fn block<L: Lanes, const MR: usize, const NV: usize, const SKIP: bool>(a: &Args, r0: usize, j0: usize) {
    let mut acc = [[L::splat(0.0); NV]; MR];
    for (r, row) in acc.iter_mut().enumerate() {
        for (v, x) in row.iter_mut().enumerate() {
            *x = L::add(L::load(a.out.add((r0 + r) * a.ld + j0 + v * L::WIDTH)), L::splat(0.0));
        }
    }
    let stride = SUBSETS * a.n;
    for g in 0..a.groups {
        let t = a.tables.add(g * stride + j0);
        for (r, row) in acc.iter_mut().enumerate() {
            let s = (*a.pat.add((r0 + r) * a.row_step + g * a.group_step) as usize) & (SUBSETS - 1);
            if !SKIP || s != 0 {
                let ts = t.add(s * a.n);
                for (v, x) in row.iter_mut().enumerate() {
                    *x = L::add(*x, L::load(ts.add(v * L::WIDTH)));
                }
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        for (v, x) in row.iter().enumerate() {
            L::store(a.out.add((r0 + r) * a.ld + j0 + v * L::WIDTH), *x);
        }
    }
}
