//! Event-list (CSR) products: `out row += Σ_events val · w[idx] row`, written once over [`Lanes`];
//! the reference weight gradient over active inputs; and the transposed event lists that turn
//! that gradient into another event-list product.
//!
//! Per output element the order is: start from its current value, add `val·w` (or `w` for binary
//! spikes) for each event of its row in event order. Vectors run across columns only.

use super::lanes::{Lanes, Scalar};

/// One output chunk of `NV` vectors held in registers while all events of the row stream past.
/// NV independent accumulators hide the add latency (each event adds to all of them).
///
/// # Safety
/// `o` and every `w + ev[e]·ld` must have `NV·WIDTH` floats in bounds; `vals` (if any) as long as
/// `ev`.
#[inline(always)]
unsafe fn chunk<L: Lanes, const NV: usize>(o: *mut f32, w: *const f32, ld: usize, ev: &[u32], vals: Option<&[f32]>) {
    let mut acc = [L::splat(0.0); NV];
    for (v, a) in acc.iter_mut().enumerate() {
        *a = L::load(o.add(v * L::WIDTH));
    }
    match vals {
        None => {
            for &i in ev {
                let wr = w.add(i as usize * ld);
                for (v, a) in acc.iter_mut().enumerate() {
                    *a = L::add(*a, L::load(wr.add(v * L::WIDTH)));
                }
            }
        }
        Some(vals) => {
            for (&i, &x) in ev.iter().zip(vals) {
                let wr = w.add(i as usize * ld);
                let xv = L::splat(x);
                for (v, a) in acc.iter_mut().enumerate() {
                    *a = L::add(*a, L::mul(xv, L::load(wr.add(v * L::WIDTH))));
                }
            }
        }
    }
    for (v, a) in acc.iter().enumerate() {
        L::store(o.add(v * L::WIDTH), *a);
    }
}

/// Columns `[j, j + NV·WIDTH)` for every row. Strips are the outer loop so that the strip of `w`
/// (w_rows × NV·WIDTH floats: 200 KB for 784 × 64) stays in L2 while all batch rows pass over it,
/// instead of streaming all of `w` from L3 once per row.
///
/// # Safety
/// As for [`sparse_matmul`], with `j + NV·WIDTH ≤ cols`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn strip<L: Lanes, const NV: usize>(
    ptr: &[u32],
    idx: &[u32],
    val: Option<&[f32]>,
    w: *const f32,
    ld: usize,
    out: *mut f32,
    j: usize,
) {
    for r in 0..ptr.len() - 1 {
        let (e0, e1) = (*ptr.get_unchecked(r) as usize, *ptr.get_unchecked(r + 1) as usize);
        let vals = val.map(|v| v.get_unchecked(e0..e1));
        chunk::<L, NV>(out.add(r * ld + j), w.add(j), ld, idx.get_unchecked(e0..e1), vals);
    }
}

/// Columns `[0, cols)` of `out[r] += Σ val·w[idx]`, where `w` and `out` point at the first column
/// of the range and both have row stride `ld` (see `ColsMut`). Strips of 8, 4, 2, 1 vectors, then
/// the last `cols % WIDTH` columns as one strip of the scalar lane.
///
/// # Safety
/// `ptr` is a checked CSR over `idx`/`val` whose indices are rows of `w`; `out` has `ptr.len() − 1`
/// rows; columns `[0, cols)` at stride `ld` are in bounds of both.
#[inline(always)]
pub unsafe fn sparse_matmul<L: Lanes>(
    ptr: &[u32],
    idx: &[u32],
    val: Option<&[f32]>,
    w: *const f32,
    ld: usize,
    cols: usize,
    out: *mut f32,
) {
    let mut j = 0;
    if L::WIDTH == 1 {
        // The scalar lane: 32-column strips, which LLVM packs into SSE/simd128 registers itself.
        while j + 32 <= cols {
            strip::<L, 32>(ptr, idx, val, w, ld, out, j);
            j += 32;
        }
    }
    while j + 8 * L::WIDTH <= cols {
        strip::<L, 8>(ptr, idx, val, w, ld, out, j);
        j += 8 * L::WIDTH;
    }
    if j + 4 * L::WIDTH <= cols {
        strip::<L, 4>(ptr, idx, val, w, ld, out, j);
        j += 4 * L::WIDTH;
    }
    if j + 2 * L::WIDTH <= cols {
        strip::<L, 2>(ptr, idx, val, w, ld, out, j);
        j += 2 * L::WIDTH;
    }
    if j + L::WIDTH <= cols {
        strip::<L, 1>(ptr, idx, val, w, ld, out, j);
        j += L::WIDTH;
    }
    // Fewer than WIDTH columns left: one scalar strip over all of them (one pass over the events).
    match cols - j {
        0 => {}
        1 => strip::<Scalar, 1>(ptr, idx, val, w, ld, out, j),
        2 => strip::<Scalar, 2>(ptr, idx, val, w, ld, out, j),
        3 => strip::<Scalar, 3>(ptr, idx, val, w, ld, out, j),
        4 => strip::<Scalar, 4>(ptr, idx, val, w, ld, out, j),
        5 => strip::<Scalar, 5>(ptr, idx, val, w, ld, out, j),
        6 => strip::<Scalar, 6>(ptr, idx, val, w, ld, out, j),
        7 => strip::<Scalar, 7>(ptr, idx, val, w, ld, out, j),
        8 => strip::<Scalar, 8>(ptr, idx, val, w, ld, out, j),
        9 => strip::<Scalar, 9>(ptr, idx, val, w, ld, out, j),
        10 => strip::<Scalar, 10>(ptr, idx, val, w, ld, out, j),
        11 => strip::<Scalar, 11>(ptr, idx, val, w, ld, out, j),
        12 => strip::<Scalar, 12>(ptr, idx, val, w, ld, out, j),
        13 => strip::<Scalar, 13>(ptr, idx, val, w, ld, out, j),
        14 => strip::<Scalar, 14>(ptr, idx, val, w, ld, out, j),
        15 => strip::<Scalar, 15>(ptr, idx, val, w, ld, out, j),
        _ => unreachable!("lanes wider than 16 need more scalar tail arms"),
    }
}

/// The definition of the weight gradient over active inputs (the scalar path of
/// `kernels::sparse_t_matmul`): for r in order, for each event e of row r with `idx[e]` in
/// `[row_lo, row_hi)`, `dw_part[(idx[e]−row_lo)·n + j] += val[e]·dy[r·n + j]`. The vector path
/// gets the same bits through [`TransposedEvents`] + [`sparse_matmul`] (per element, r increases).
#[allow(clippy::too_many_arguments)]
pub fn sparse_t_matmul_reference(
    ptr: &[u32],
    idx: &[u32],
    val: Option<&[f32]>,
    dy: &[f32],
    n: usize,
    row_lo: u32,
    row_hi: u32,
    dw_part: &mut [f32],
) {
    for r in 0..ptr.len() - 1 {
        let d = &dy[r * n..(r + 1) * n];
        for e in ptr[r] as usize..ptr[r + 1] as usize {
            let i = idx[e];
            if i < row_lo || i >= row_hi {
                continue;
            }
            let off = (i - row_lo) as usize * n;
            let o = &mut dw_part[off..off + n];
            match val {
                None => o.iter_mut().zip(d).for_each(|(o, &d)| *o += d),
                Some(v) => o.iter_mut().zip(d).for_each(|(o, &d)| *o += v[e] * d),
            }
        }
    }
}

/// The transpose of a CSR restricted to columns [lo, hi): for every dw row, the list of (batch row,
/// value) events that touch it, **in increasing batch-row order** (a stable counting sort). With it
/// the weight gradient becomes another `sparse_matmul` (dw row = Σ val·dy row), which keeps each dw
/// chunk in registers instead of read-modify-writing whole dw rows per event — and the per-element
/// accumulation order is unchanged (r increasing), so results equal
/// [`sparse_t_matmul_reference`] exactly. Buffers are reused: rebuilding allocates nothing once
/// they have grown.
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
        super::check_csr(ptr, idx, val);
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
