//! Convolution layers. The product `col · W` over the input's im2col, and `colᵀ · dy` for the
//! weight gradient, run one of two ways, by the input's kind:
//! - **real-valued input** (the first layer, or an ANN): the blocked SIMD products on im2col,
//!   whose blocks are made as the products read them ([`Im2col`]), so the matrix is never stored
//!   whole; each element adds its terms one at a time (increasing patch index forward,
//!   increasing batch row for the weight gradient);
//! - **spikes**: im2col as 4-bit patterns ([`Patterns`]), and both products as additions of
//!   precomputed subset sums, four binary entries at a time, a group without a spike skipped
//!   (the order is set out in `kernels/lut.rs`). At any firing rate this costs less than the
//!   dense product on the binary im2col, whose multiplies by 0 and 1 it leaves out.
//!
//! The operation counts are the synaptic operations of the paper either way: the non-zero im2col
//! entries (input spikes × the outputs they reach), times the fan-out.
//!
//! Activations are HWC per sample: feature index `(y·W + x)·C + c`. A conv weight matrix is
//! `[(ky·k + kx)·C_in + c_in] × C_out`; [`Layout::Conv`] maps it to PyTorch's `[C_out, C_in, k, k]`.

use super::linear::{DenseRows, Linear};
use super::patterns::Patterns;
use super::Pass;
use crate::activation::{Activation, Events};
use crate::kernels;
use crate::neuron::Signal;
use crate::ops::{EnergyModel, LayerOps};
use crate::params::{Layout, Owner, Param, ParamMut};
use crate::parallel;
use crate::rng::Rng;
use crate::spec::Shape;
use std::ops::Range;

/// im2col rows whose dL/dcol is made and scattered at once in the input gradient: 128 × 576
/// floats = 295 KB at most, in L2 beside dy's rows and Wᵀ.
const INPUT_GRAD_ROWS: usize = 128;

/// Multiply-adds below which the input gradient is not split across threads.
const MIN_SPLIT_INPUT_GRAD: usize = 1 << 20;

/// How the last forward ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Path {
    Dense,
    Patterns,
}

/// A convolution layer (`nn.Conv2d`): the weight matrix applied to every input patch.
#[derive(Clone, Debug)]
pub struct Conv {
    pub geom: ConvGeom,
    pub linear: Linear,
    path: Path,
    /// im2col of the last forward's spike input, as patterns (kept for the weight gradient).
    patterns: Patterns,
    /// The subset sums of the weights the pattern product reads (working memory, kept so that a
    /// step allocates nothing).
    tables: Vec<f32>,
    /// The last forward's real-valued input (dense path), kept for the weight gradient: its im2col is made
    /// again block by block in backward (an input is `patch` times smaller than its im2col).
    input: Vec<f32>,
    /// Non-zero im2col entries of the last forward (for the operation counts).
    nonzeros: usize,
    /// How many output positions read each input value ([`ConvGeom::coverage`]), built at the
    /// first dense forward: by then the memory budget has admitted a pass over this input, whereas
    /// `Conv::new` must not allocate anything input-sized (a hostile shape such as 1×10¹¹×1 is a
    /// valid spec).
    cover: Option<Coverage>,
    /// Gradient with respect to a block of im2col rows, one block per thread, before col2im.
    dcol: Vec<f32>,
    /// Pre-activation of the last forward (HWC per sample).
    pub(super) out: Activation,
}

impl Conv {
    pub fn new(geom: ConvGeom, channels: usize, rng: &mut Rng) -> Self {
        Self {
            linear: Linear::new(geom.patch(), channels, rng),
            geom,
            path: Path::Dense,
            patterns: Patterns::default(),
            tables: Vec::new(),
            input: Vec::new(),
            nonzeros: 0,
            cover: None,
            dcol: Vec::new(),
            out: Activation::default(),
        }
    }

    pub fn forward(&mut self, input: &Activation, pass: &Pass) {
        let rows = pass.rows();
        let x = &input.dense[..rows * self.geom.input.len()];
        let spikes = input.signal == Some(Signal::Spike);
        self.path = if spikes { Path::Patterns } else { Path::Dense };
        self.out.reset(rows, self.geom.output.len(), Signal::Real);
        match self.path {
            Path::Patterns => {
                self.patterns.rebuild(&self.geom, x);
                self.nonzeros = self.patterns.ones();
                self.patterns.forward(&self.linear, input.repeats, &mut self.tables, &mut self.out.dense);
            }
            Path::Dense => {
                let geom = self.geom;
                self.nonzeros = im2col_nonzeros(x, self.cover.get_or_insert_with(|| geom.coverage()));
                self.input.clear();
                self.input.extend_from_slice(x);
                let col = Im2col::new(&self.geom, &self.input);
                self.linear.forward_dense(&col, input.repeats, &mut self.out.dense);
            }
        }
    }

    pub fn backward(
        &mut self,
        g: &mut Vec<f32>,
        spare: &mut Vec<f32>,
        input_grad: bool,
        groups: super::Groups,
    ) {
        // (not `out.rows`: the neuron step took `out`'s buffer)
        let im2col_rows = match self.path {
            Path::Patterns => {
                let (patterns, n) = (&self.patterns, self.linear.fan_out);
                self.linear.backward_with(g, None, groups, |rows, dy, p0, gw, parts| patterns.weight_grad(rows, dy, n, p0, gw, parts));
                patterns.rows()
            }
            Path::Dense => {
                let col = Im2col::new(&self.geom, &self.input);
                self.linear.backward_dense(&col, g, None, groups);
                col.rows()
            }
        };
        if input_grad {
            let samples = im2col_rows / self.geom.positions().max(1);
            let n = self.linear.fan_out;
            let wt = self.linear.transposed();
            self.geom.input_grad(g, wt, n, samples, spare, &mut self.dcol);
            std::mem::swap(g, spare);
        }
    }

    pub fn ops(&self, name: String, input: Signal, pass: &Pass, energy: &EnergyModel) -> LayerOps {
        let l = &self.linear;
        LayerOps::product(name, "conv", input, l.fan_in, l.fan_out, self.geom.positions(), self.nonzeros, pass, energy)
    }

    /// Whether the last forward ran the dense product ("dense", real-valued input) or the
    /// pattern product ("patterns", spikes).
    pub fn path(&self) -> &'static str {
        match self.path {
            Path::Dense => "dense",
            Path::Patterns => "patterns",
        }
    }

    pub fn layout(&self) -> Layout {
        Layout::Conv { c_in: self.geom.input.c, c_out: self.linear.fan_out, kernel: self.geom.kernel }
    }

    pub fn params<'a>(&'a self, owner: Owner, f: &mut dyn FnMut(Param<'a>)) {
        self.linear.params(owner, self.layout(), f)
    }

    pub fn params_mut<'a>(&'a mut self, owner: Owner, f: &mut dyn FnMut(ParamMut<'a>)) {
        let layout = self.layout();
        self.linear.params_mut(owner, layout, f)
    }
}

/// The im2col matrix of a conv input as the dense products read it ([`DenseRows`]): each block
/// is made when asked ([`ConvGeom::im2col_block`]), in L2, and never stored whole.
#[derive(Clone, Copy, Debug)]
pub struct Im2col<'a> {
    geom: &'a ConvGeom,
    x: &'a [f32],
}

impl<'a> Im2col<'a> {
    /// `x` holds whole samples of `geom.input`.
    pub fn new(geom: &'a ConvGeom, x: &'a [f32]) -> Self {
        Self { geom, x }
    }
}

impl DenseRows for Im2col<'_> {
    fn rows(&self) -> usize {
        self.x.len() / self.geom.input.len().max(1) * self.geom.positions()
    }
    fn cols(&self) -> usize {
        self.geom.patch()
    }
    fn block<'a>(&'a self, rows: Range<usize>, cols: Range<usize>, scratch: &'a mut Vec<f32>) -> (&'a [f32], usize) {
        let (width, need) = (cols.len(), rows.len() * cols.len());
        if scratch.len() < need {
            scratch.resize(need, 0.0);
        }
        let out = &mut scratch[..need];
        self.geom.im2col_block(self.x, rows, cols, out);
        (out, width)
    }
}

/// Per-axis im2col coverage of a conv input ([`ConvGeom::coverage`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    rows: Vec<u64>,
    cols: Vec<u64>,
    channels: usize,
}

/// Non-zero entries of im2col(`x`) without building it (`cover` from [`ConvGeom::coverage`]):
/// each non-zero input value appears once per output position whose patch covers it.
pub fn im2col_nonzeros(x: &[f32], cover: &Coverage) -> usize {
    let c = cover.channels.max(1);
    let per_sample = cover.rows.len() * cover.cols.len() * c;
    let mut n = 0u64;
    for img in x.chunks_exact(per_sample.max(1)) {
        for (row, &cy) in img.chunks_exact((cover.cols.len() * c).max(1)).zip(&cover.rows) {
            for (pixel, &cx) in row.chunks_exact(c).zip(&cover.cols) {
                let nz = pixel.iter().fold(0u64, |k, &v| k + u64::from(v != 0.0));
                n += nz * cy * cx;
            }
        }
    }
    n as usize
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvGeom {
    pub input: Shape,
    pub output: Shape,
    pub kernel: usize,
    pub stride: usize,
    pub padding: usize,
}

impl ConvGeom {
    /// Rows of the im2col matrix: one per (sample, output position).
    pub fn positions(&self) -> usize {
        self.output.h * self.output.w
    }

    /// Columns of the im2col matrix (= fan-in of one output).
    pub fn patch(&self) -> usize {
        self.kernel * self.kernel * self.input.c
    }

    /// Input pixel under kernel tap (ky, kx) of output (oy, ox), if inside the image.
    #[inline]
    pub(super) fn tap(&self, oy: usize, ox: usize, ky: usize, kx: usize) -> Option<usize> {
        let iy = (oy * self.stride + ky).checked_sub(self.padding)?;
        let ix = (ox * self.stride + kx).checked_sub(self.padding)?;
        (iy < self.input.h && ix < self.input.w).then_some(iy * self.input.w + ix)
    }

    /// The taps `kx0..kx1` of kernel row `ky` at output `(oy, ox)` that fall inside the input,
    /// and the input position of the first of them (`None`, and an empty range, when none does):
    /// [`ConvGeom::tap`] for a whole kernel row, whose inside taps are consecutive positions.
    fn tap_run(&self, oy: usize, ox: usize, ky: usize) -> (usize, usize, Option<usize>) {
        let (k, pad, w) = (self.kernel, self.padding, self.input.w);
        let iy = (oy * self.stride + ky).checked_sub(pad).filter(|&iy| iy < self.input.h);
        // ix = ox·stride + kx − pad must be in 0..w.
        let start = ox * self.stride;
        let kx0 = pad.saturating_sub(start).min(k);
        let kx1 = (w + pad).saturating_sub(start).min(k);
        match iy {
            Some(iy) if kx0 < kx1 => (kx0, kx1, Some(iy * w + start + kx0 - pad)),
            _ => (kx0, kx0, None),
        }
    }

    /// Builds the non-zero entries of im2col(`x`) for `samples` inputs as an event list; `binary`
    /// for spikes. The layer does not run it (spikes go through [`Patterns`]); it is the
    /// definition the tests count non-zeros by, and the benchmarks' event-list baseline.
    pub fn im2col(&self, x: &[f32], samples: usize, binary: bool, ev: &mut Events) {
        let (c, k) = (self.input.c, self.kernel);
        let per = self.input.len();
        ev.binary = binary;
        ev.ptr.clear();
        ev.idx.clear();
        ev.val.clear();
        ev.ptr.push(0);
        for s in 0..samples {
            let img = &x[s * per..(s + 1) * per];
            for oy in 0..self.output.h {
                for ox in 0..self.output.w {
                    for ky in 0..k {
                        for kx in 0..k {
                            let Some(p) = self.tap(oy, ox, ky, kx) else { continue };
                            let base = (ky * k + kx) * c;
                            for ci in 0..c {
                                let v = img[p * c + ci];
                                if v != 0.0 {
                                    ev.idx.push((base + ci) as u32);
                                    if !binary {
                                        ev.val.push(v);
                                    }
                                }
                            }
                        }
                    }
                    ev.ptr.push(ev.idx.len() as u32);
                }
            }
        }
    }

    /// How many output positions along one axis (of `outputs`) read input coordinate `i`
    /// through some kernel tap.
    fn axis_coverage(&self, i: usize, outputs: usize) -> usize {
        (0..self.kernel)
            .filter(|&k| {
                let at = i + self.padding;
                at >= k && (at - k) % self.stride == 0 && (at - k) / self.stride < outputs
            })
            .count()
    }

    /// How many output positions read each input value: its entries in im2col. The count of the
    /// value at (y, x, c) is `rows[y] · cols[x]` (the axes are independent), so the table is two
    /// vectors of H and W entries, not one entry per value (C·H·W).
    pub fn coverage(&self) -> Coverage {
        Coverage {
            rows: (0..self.input.h).map(|iy| self.axis_coverage(iy, self.output.h) as u64).collect(),
            cols: (0..self.input.w).map(|ix| self.axis_coverage(ix, self.output.w) as u64).collect(),
            channels: self.input.c,
        }
    }

    /// Writes im2col(`x`) densely: `col[(s·positions + oy·W_out + ox)·patch + (ky·k + kx)·C + c]`
    /// (zero where a tap falls on the padding) — the whole matrix, which the layer itself never
    /// stores (see [`Im2col`]); kept as the plain form its blocks are tested against. Samples are
    /// independent, so they are cut between threads.
    pub fn im2col_dense(&self, x: &[f32], samples: usize, col: &mut Vec<f32>) {
        let patch = self.patch();
        let per_col = self.positions() * patch;
        col.resize(samples * per_col, 0.0); // every entry is written below
        if per_col == 0 {
            return;
        }
        let positions = self.positions();
        parallel::for_row_chunks(col, per_col, 1, |s0, chunk| {
            let samples = chunk.len() / per_col;
            self.im2col_block(x, s0 * positions..(s0 + samples) * positions, 0..patch, chunk);
        });
    }

    /// The entries `[rows] × [cols]` of im2col(`x`) (rows numbered across samples, `s·positions
    /// + q`) into `out`, `cols.len()` floats per row.
    pub fn im2col_block(&self, x: &[f32], rows: Range<usize>, cols: Range<usize>, out: &mut [f32]) {
        let (c, k, patch, positions) = (self.input.c, self.kernel, self.patch(), self.positions());
        let (per_in, width) = (self.input.len(), cols.len());
        debug_assert!(cols.end <= patch && out.len() == rows.len() * width);
        if width == 0 {
            return;
        }
        if width == patch {
            return self.patch_rows(x, per_in, c, 0.0, rows, out);
        }
        for (r, dst) in rows.zip(out.chunks_exact_mut(width)) {
            let (s, q) = (r / positions, r % positions);
            let (oy, ox) = (q / self.output.w, q % self.output.w);
            let img = &x[s * per_in..][..per_in];
            // A column range (a thread's share of the weight rows): tap by tap, each tap's
            // channels that fall in the range.
            for t in cols.start / c..cols.end.div_ceil(c) {
                let (lo, hi) = (cols.start.max(t * c), cols.end.min((t + 1) * c));
                let d = &mut dst[lo - cols.start..hi - cols.start];
                match self.tap(oy, ox, t / k, t % k) {
                    Some(p) => d.copy_from_slice(&img[p * c + lo - t * c..p * c + hi - t * c]),
                    None => d.fill(0.0),
                }
            }
        }
    }

    /// Whole im2col rows of an input stored as `c` entries of `T` per pixel (HWC, `per_in`
    /// entries per sample): the floats themselves, or the 4-channel patterns of
    /// [`Patterns`]; `zero` where a tap falls on the padding. `out` holds `k·k·c` entries per row.
    pub(super) fn patch_rows<T: Copy>(&self, x: &[T], per_in: usize, c: usize, zero: T, rows: Range<usize>, out: &mut [T]) {
        let (k, positions, width) = (self.kernel, self.positions(), self.kernel * self.kernel * c);
        if width == 0 {
            return;
        }
        for (r, dst) in rows.zip(out.chunks_exact_mut(width)) {
            let (s, q) = (r / positions, r % positions);
            let (oy, ox) = (q / self.output.w, q % self.output.w);
            let img = &x[s * per_in..][..per_in];
            for ky in 0..k {
                // The taps of one kernel row that fall inside the image are one run of the
                // input row (HWC), so they are copied at once: one copy of k·c entries
                // instead of k copies of c (c is 1 for a grey image).
                let dst = &mut dst[ky * k * c..][..k * c];
                let (kx0, kx1, first) = self.tap_run(oy, ox, ky);
                dst[..kx0 * c].fill(zero);
                if let Some(p) = first {
                    dst[kx0 * c..kx1 * c].copy_from_slice(&img[p * c..(p + kx1 - kx0) * c]);
                }
                dst[kx1 * c..].fill(zero);
            }
        }
    }

    /// The input gradient of the convolution, `dx = col2im(dy · Wᵀ)` (a transposed
    /// convolution), from `wt = Wᵀ [n × patch]`. dL/dcol is made [`INPUT_GRAD_ROWS`] im2col rows
    /// at a time in `scratch` and scattered at once, so it never leaves L2; the rows go in order,
    /// so every dx element adds the same terms in the same order as a whole dL/dcol would.
    /// Samples are split between threads (each dx image gathers only from its own rows).
    pub fn input_grad(&self, dy: &[f32], wt: &[f32], n: usize, samples: usize, dx: &mut Vec<f32>, scratch: &mut Vec<f32>) {
        let per = self.input.len();
        let block = INPUT_GRAD_ROWS.min(self.positions()) * self.patch();
        dx.clear();
        dx.resize(samples * per, 0.0);
        if per == 0 || block == 0 {
            return;
        }
        let work = samples * self.positions() * self.patch() * n;
        let parts = if work >= MIN_SPLIT_INPUT_GRAD { parallel::threads_here().min(samples) } else { 1 };
        scratch.resize(parts.max(1) * block, 0.0);
        self.input_grad_part(dy, wt, n, 0, dx, scratch, parts);
    }

    #[allow(clippy::too_many_arguments)]
    fn input_grad_part(&self, dy: &[f32], wt: &[f32], n: usize, s0: usize, dx: &mut [f32], scratch: &mut [f32], parts: usize) {
        let (per, patch, positions) = (self.input.len(), self.patch(), self.positions());
        let samples = dx.len() / per;
        if parts > 1 && samples >= 2 {
            let left = parts / 2;
            let cut = samples * left / parts;
            let block = scratch.len() / parts;
            let (da, db) = dx.split_at_mut(cut * per);
            let (sa, sb) = scratch.split_at_mut(left * block);
            parallel::join(
                || self.input_grad_part(dy, wt, n, s0, da, sa, left),
                || self.input_grad_part(dy, wt, n, s0 + cut, db, sb, parts - left),
            );
            return;
        }
        let rows_per_block = INPUT_GRAD_ROWS.min(positions);
        for (ds, img) in dx.chunks_exact_mut(per).enumerate() {
            let s = s0 + ds;
            let mut q0 = 0;
            while q0 < positions {
                let q1 = (q0 + rows_per_block).min(positions);
                let r0 = s * positions + q0;
                let dcol = &mut scratch[..(q1 - q0) * patch];
                kernels::matmul_set(&dy[r0 * n..(r0 + q1 - q0) * n], wt, q1 - q0, n, patch, dcol);
                self.col2im_rows(dcol, q0, q1, img);
                q0 = q1;
            }
        }
    }

    /// Adds the im2col rows `[q0, q1)` of one sample (`dcol`, `(q1 − q0) × patch`) onto its
    /// image `img`, in row then tap order.
    fn col2im_rows(&self, dcol: &[f32], q0: usize, q1: usize, img: &mut [f32]) {
        let (c, k, patch) = (self.input.c, self.kernel, self.patch());
        for q in q0..q1 {
            let (oy, ox) = (q / self.output.w, q % self.output.w);
            let row = &dcol[(q - q0) * patch..][..patch];
            for ky in 0..k {
                for kx in 0..k {
                    let Some(p) = self.tap(oy, ox, ky, kx) else { continue };
                    let base = (ky * k + kx) * c;
                    for (d, &g) in img[p * c..(p + 1) * c].iter_mut().zip(&row[base..base + c]) {
                        *d += g;
                    }
                }
            }
        }
    }

    /// Adjoint of im2col: scatters `dcol [samples·positions × patch]` back onto `dx` (the
    /// reference that [`ConvGeom::input_grad`] is tested against).
    pub fn col2im(&self, dcol: &[f32], samples: usize, dx: &mut Vec<f32>) {
        let per = self.input.len();
        let rows = self.positions() * self.patch();
        dx.clear();
        dx.resize(samples * per, 0.0);
        for (s, img) in dx.chunks_exact_mut(per.max(1)).enumerate() {
            self.col2im_rows(&dcol[s * rows..(s + 1) * rows], 0, self.positions(), img);
        }
    }
}
