//! A spike-fed conv layer's im2col as 4-bit patterns, and the two products that read them by
//! table lookup: the forward `col · W` and the weight gradient `colᵀ · dy`.
//!
//! A spike is 0 or 1, so a row of im2col times `W` is a sum of weight rows, and `colᵀ · dy` is a
//! sum of dy rows: additions only. Both are computed four binary entries at a time from
//! precomputed subset sums (`kernels::subset_tables`, read by `kernels::lookup_rows`; the sum
//! order is set out in `kernels/lut.rs`), which costs a quarter of the float work of the dense
//! product on the binary im2col, and nothing for a group of four entries without a spike.
//! Forward, the groups are four consecutive patch entries of one im2col row; for the weight
//! gradient, one patch entry in four consecutive batch rows, so the patterns are transposed in
//! blocks as the gradient reads them.

use super::conv::ConvGeom;
use super::linear::Linear;
use crate::kernels::{self, SPIKE_GROUP, SUBSETS};
use crate::parallel::{for_row_chunks, join};
use std::cell::RefCell;
use std::ops::Range;

/// Output columns per table panel of the forward product: a panel's tables (groups × 16 × 32
/// floats: 295 KB for the science CNN's 576-entry patches) stay in L2 while the rows pass.
const PANEL: usize = 32;

/// im2col rows per block of the forward product: their output (96 × 64 floats) stays in L1
/// while each panel's tables are read.
const FORWARD_ROWS: usize = 96;

/// Batch rows per block of the weight gradient: their subset sums of dy (16 groups × 16 × 64
/// floats = 64 KB for a 64-channel conv) are made once and read by every weight row.
const GRAD_ROWS: usize = 64;

/// Share of groups of four without a spike from which the lookups branch over them (below it,
/// every group is added, pattern 0's sum being +0: no branch to mispredict). The share is
/// `(1 − rate)⁴` for independent spikes, so this is a firing rate of about 5 %. Either way gives
/// the same bits (`kernels/lut.rs`).
const SKIP_EMPTY_SHARE: f64 = 0.8;

/// Weight rows below which the gradient is not split between threads (and its cut is a
/// multiple of [`SPIKE_GROUP`], the patch entries one pattern holds).
const MIN_SPLIT_GRAD_ROWS: usize = 4 * SPIKE_GROUP;

/// `SPREAD[p]` has bit b of `p` as the lowest bit of its byte b: four patterns of one patch group
/// in four batch rows, spread and shifted by their row, make the four transposed patterns.
const SPREAD: [u32; SUBSETS] = {
    let mut t = [0u32; SUBSETS];
    let mut p = 0;
    while p < SUBSETS {
        let mut b = 0;
        while b < SPIKE_GROUP {
            t[p] |= ((p as u32 >> b) & 1) << (8 * b);
            b += 1;
        }
        p += 1;
    }
    t
};

/// The im2col of a spike input, one byte per group of [`SPIKE_GROUP`] patch entries.
#[derive(Clone, Debug, Default)]
pub struct Patterns {
    /// Row r's group g (entries 4g .. 4g + 3 of its patch, bit b for entry 4g + b) at
    /// `r · groups + g`.
    pat: Vec<u8>,
    rows: usize,
    groups: usize,
    /// The input's pixels as patterns (when the channels are a multiple of 4), from which the
    /// rows are copied as im2col copies floats.
    pixels: Vec<u8>,
    /// Entries that are one: the non-zero im2col entries, for the operation counts.
    ones: usize,
}

impl Patterns {
    /// The patterns of im2col(`x`) (`x` holds whole samples of `geom.input`, spikes: any
    /// non-zero value counts as one).
    pub fn rebuild(&mut self, geom: &ConvGeom, x: &[f32]) {
        let (c, patch, positions) = (geom.input.c, geom.patch(), geom.positions());
        let samples = x.len() / geom.input.len().max(1);
        self.groups = patch.div_ceil(SPIKE_GROUP);
        self.rows = samples * positions;
        self.pat.resize(self.rows * self.groups, 0); // every byte is written below
        if self.groups == 0 {
            self.ones = 0;
            return;
        }
        if c % SPIKE_GROUP == 0 {
            // A pattern never spans two pixels: make each pixel's once, then copy runs of them.
            self.pixels.resize(x.len() / SPIKE_GROUP, 0);
            for_row_chunks(&mut self.pixels, 1, 1 << 14, |i0, chunk| {
                for (p, four) in chunk.iter_mut().zip(x[i0 * SPIKE_GROUP..].chunks_exact(SPIKE_GROUP)) {
                    *p = pattern(four);
                }
            });
            let (pixels, per) = (&self.pixels, geom.input.len() / SPIKE_GROUP);
            for_row_chunks(&mut self.pat, self.groups, 64, |r0, chunk| {
                let rows = r0..r0 + chunk.len() / self.groups;
                // A pixel's patterns as one fixed-size copy where the channel count allows
                // (a variable-length copy is a call, and there are k² of them per row).
                match c / SPIKE_GROUP {
                    1 => rows_from_pixels::<1>(geom, pixels, per, rows, chunk),
                    2 => rows_from_pixels::<2>(geom, pixels, per, rows, chunk),
                    4 => rows_from_pixels::<4>(geom, pixels, per, rows, chunk),
                    8 => rows_from_pixels::<8>(geom, pixels, per, rows, chunk),
                    16 => rows_from_pixels::<16>(geom, pixels, per, rows, chunk),
                    bytes => geom.patch_rows(pixels, per, bytes, 0u8, rows, chunk),
                }
            });
        } else {
            let groups = self.groups;
            for_row_chunks(&mut self.pat, groups, 64, |r0, chunk| ROW.with(|row| {
                let row = &mut *row.borrow_mut();
                row.resize(groups * SPIKE_GROUP, 0.0);
                row[patch..].fill(0.0); // the last group's entries past the patch
                for (r, dst) in chunk.chunks_exact_mut(groups).enumerate() {
                    geom.im2col_block(x, r0 + r..r0 + r + 1, 0..patch, &mut row[..patch]);
                    for (d, four) in dst.iter_mut().zip(row[..groups * SPIKE_GROUP].chunks_exact(SPIKE_GROUP)) {
                        *d = pattern(four);
                    }
                }
            }));
        }
        let words = self.pat.chunks_exact(8);
        let tail: usize = words.remainder().iter().map(|&p| p.count_ones() as usize).sum();
        self.ones = tail + words.map(|w| u64::from_le_bytes(w.try_into().unwrap()).count_ones() as usize).sum::<usize>();
    }

    /// im2col rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Non-zero im2col entries.
    pub fn ones(&self) -> usize {
        self.ones
    }

    /// Whether the lookups should branch over empty groups: when most are empty, from the firing
    /// rate of the patterns (speed only: the bits are the same).
    fn skip_empty(&self) -> bool {
        let rate = self.ones as f64 / (self.pat.len() * SPIKE_GROUP).max(1) as f64;
        (1.0 - rate).powi(SPIKE_GROUP as i32) >= SKIP_EMPTY_SHARE
    }

    /// Patterns per im2col row (`patch.div_ceil(4)`).
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// The patterns, row after row (`rows × groups` bytes).
    pub fn bytes(&self) -> &[u8] {
        &self.pat
    }

    /// `out[rows × fan_out] = b + col · W`, the first `rows / repeats` rows computed and copied
    /// (as [`Linear::forward_dense`]); `tables` is working memory for the subset sums of `W`.
    pub fn forward(&self, lin: &Linear, repeats: usize, tables: &mut Vec<f32>, out: &mut Vec<f32>) {
        let (k, n, groups) = (lin.fan_in, lin.fan_out, self.groups);
        debug_assert_eq!(groups, k.div_ceil(SPIKE_GROUP));
        let distinct = match repeats {
            r if r > 1 && self.rows % r == 0 => self.rows / r,
            _ => self.rows,
        };
        out.resize(self.rows * n, 0.0); // every element is overwritten by the bias or a copy next
        let first = &mut out[..distinct * n];
        kernels::broadcast_rows(&lin.b, distinct, first);
        if n == 0 || distinct == 0 {
            return;
        }
        // Panel p's tables: the subset sums of W's columns p·PANEL .. (p + 1)·PANEL.
        let per_panel = groups * SUBSETS * PANEL;
        tables.resize(n.div_ceil(PANEL) * per_panel, 0.0);
        let w = lin.weights();
        for_row_chunks(tables, per_panel, 1, |p0, chunk| {
            for (p, t) in chunk.chunks_exact_mut(per_panel).enumerate() {
                let j0 = (p0 + p) * PANEL;
                let width = PANEL.min(n - j0);
                kernels::subset_tables(&w[j0..], n, k, width, &mut t[..groups * SUBSETS * width]);
            }
        });
        let (pat, tables, skip) = (&self.pat, &*tables, self.skip_empty());
        for_row_chunks(first, n, FORWARD_ROWS, |r0, chunk| {
            for (b, block) in chunk.chunks_mut(FORWARD_ROWS * n).enumerate() {
                let (r, m) = (r0 + b * FORWARD_ROWS, block.len() / n);
                let pat = &pat[r * groups..(r + m) * groups];
                for (p, t) in tables.chunks_exact(per_panel).enumerate() {
                    let j0 = p * PANEL;
                    let width = PANEL.min(n - j0);
                    kernels::lookup_rows(pat, groups, 1, groups, m, t, width, &mut block[j0..], n, skip);
                }
            }
        });
        crate::activation::copy_repeats(out, distinct * n);
    }

    /// `gw[p0 .. p0 + gw.len()/n] += col[rows, p0..]ᵀ · dy` (`dy` holds the `rows`): each weight
    /// row adds the subset sums of dy over the groups of four batch rows from `rows.start`, in
    /// increasing order. The weight rows are cut into `parts` blocks for threads (at multiples of
    /// four, where patterns start; each element is still summed by one thread in the same order,
    /// so any cut gives the same bits, as does the cut of the batch rows into blocks).
    pub fn weight_grad(&self, rows: Range<usize>, dy: &[f32], n: usize, p0: usize, gw: &mut [f32], parts: usize) {
        let m = gw.len() / n.max(1);
        debug_assert_eq!(p0 % SPIKE_GROUP, 0);
        if parts > 1 && m >= 2 * MIN_SPLIT_GRAD_ROWS {
            let left = parts / 2;
            let cut = (m * left / parts) / SPIKE_GROUP * SPIKE_GROUP;
            let (a, b) = gw.split_at_mut(cut * n);
            let (ra, rb) = (rows.clone(), rows);
            join(|| self.weight_grad(ra, dy, n, p0, a, left), || self.weight_grad(rb, dy, n, p0 + cut, b, parts - left));
            return;
        }
        if m == 0 || n == 0 {
            return;
        }
        let skip = self.skip_empty();
        GRAD_SCRATCH.with(|cell| {
            let (sums, transposed) = &mut *cell.borrow_mut();
            let (q0, quads) = (p0 / SPIKE_GROUP, m.div_ceil(SPIKE_GROUP));
            let mut b0 = rows.start;
            while b0 < rows.end {
                let count = GRAD_ROWS.min(rows.end - b0);
                let row_groups = count.div_ceil(SPIKE_GROUP);
                let d0 = (b0 - rows.start) * n;
                sums.resize(row_groups * SUBSETS * n, 0.0);
                kernels::subset_tables(&dy[d0..d0 + count * n], n, count, n, sums);
                // transposed[h·m + i]: weight row p0 + i's pattern over the batch rows
                // b0 + 4h .. b0 + 4h + 3.
                transposed.resize(row_groups * m, 0);
                for (h, dst) in transposed.chunks_exact_mut(m).enumerate() {
                    let r = b0 + h * SPIKE_GROUP;
                    let in_group = SPIKE_GROUP.min(b0 + count - r);
                    let row = |t: usize| &self.pat[(r + t.min(in_group - 1)) * self.groups + q0..][..quads];
                    // (a missing row of the last group reads as no spikes)
                    let mask = |t: usize| if t < in_group { 15 } else { 0 };
                    let (p0, p1, p2, p3) = (row(0), row(1), row(2), row(3));
                    let (m1, m2, m3) = (mask(1), mask(2), mask(3));
                    for q in 0..quads {
                        let spread = |p: u8, mask: u8| SPREAD[usize::from(p & mask)];
                        let four = spread(p0[q], 15) | spread(p1[q], m1) << 1 | spread(p2[q], m2) << 2 | spread(p3[q], m3) << 3;
                        let (at, bytes) = (q * SPIKE_GROUP, four.to_le_bytes());
                        if at + SPIKE_GROUP <= m {
                            // (a fixed-size copy: one store, where a variable one is a call)
                            dst[at..at + SPIKE_GROUP].copy_from_slice(&bytes);
                        } else {
                            dst[at..].copy_from_slice(&bytes[..m - at]);
                        }
                    }
                }
                kernels::lookup_rows(transposed, 1, m, row_groups, m, sums, n, gw, n, skip);
                b0 += count;
            }
        });
    }
}

/// Whole im2col rows of patterns from the pixels' own (`PB` bytes per pixel, `per` per sample):
/// what `ConvGeom::patch_rows` makes, with each tap one fixed-size copy.
fn rows_from_pixels<const PB: usize>(geom: &ConvGeom, pixels: &[u8], per: usize, rows: Range<usize>, out: &mut [u8]) {
    let (k, positions, w_out) = (geom.kernel, geom.positions(), geom.output.w);
    for (r, dst) in rows.zip(out.chunks_exact_mut(k * k * PB)) {
        let (s, q) = (r / positions, r % positions);
        let (oy, ox) = (q / w_out, q % w_out);
        let img = &pixels[s * per..][..per];
        for (t, d) in dst.chunks_exact_mut(PB).enumerate() {
            let d: &mut [u8; PB] = d.try_into().unwrap();
            *d = match geom.tap(oy, ox, t / k, t % k) {
                Some(p) => img[p * PB..][..PB].try_into().unwrap(),
                None => [0; PB],
            };
        }
    }
}

/// The pattern of four entries: bit b set when entry b is non-zero.
#[inline]
fn pattern(four: &[f32]) -> u8 {
    four.iter().enumerate().fold(0u8, |p, (b, &v)| p | (u8::from(v != 0.0) << b))
}

thread_local! {
    /// Per thread, one im2col row of floats, for channel counts whose patterns span pixels.
    static ROW: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
    /// Per thread, the weight gradient's subset sums of a block of dy and its transposed
    /// patterns: they grow to their largest once, so a training step allocates nothing.
    static GRAD_SCRATCH: RefCell<(Vec<f32>, Vec<u8>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

