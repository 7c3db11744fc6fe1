//! A weight matrix with bias and gradients: the product behind dense layers, conv layers
//! (through im2col, as events or dense) and the readout.
//!
//! Layout: `w` is `[fan_in × fan_out]` (input-major), so the weights an input spike adds are one
//! contiguous row. PyTorch stores `nn.Linear.weight` as `[fan_out × fan_in]`; the layer that
//! owns the matrix states its PyTorch layout (`params::Layout`).

use crate::activation::{copy_repeats, Events};
use crate::kernels;
use crate::kernels::{ColsMut, TransposedEvents};
use crate::parallel::{self, for_row_chunks, for_sparse_blocks, join, MIN_PARALLEL_ELEMENTWISE};
use crate::params::{Layout, Owner, Param, ParamMut};
use crate::pass::Groups;
use crate::rng::Rng;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

/// Inner dimension below which the input-gradient product is not split across threads.
const MIN_SPLIT_INNER: usize = 64;

/// Rows of a dense input handed to one product call: both column panels of the output then find
/// these rows of the input in L2 (96 × 576 floats = 221 KB for the widest science-CNN patch).
const DENSE_ROW_BLOCK: usize = 96;

/// Batch rows per step of the weight gradient `xᵀ · dy`: a block of the input (256 × 576 floats
/// = 590 KB at most) and of dy stay in L2 while every weight row block passes over them.
const GRAD_ROW_BLOCK: usize = 256;

/// Weight rows per block of a grouped weight gradient: each group's sum for the block is made in
/// a buffer of this many rows (64 × 400 floats = 100 KB for MNIST's hidden layer) and added.
const GROUP_BLOCK_ROWS: usize = 64;

/// Multiply-adds below which a weight gradient is not split across threads.
const MIN_SPLIT_GRAD_WORK: usize = 1 << 20;

#[derive(Clone, Debug)]
pub struct Linear {
    pub fan_in: usize,
    pub fan_out: usize,
    /// Shared, copy on write: the replicas of a sharded training step read the model's weights
    /// without a copy (see [`Linear::share_from`]); any write to a shared matrix copies it first.
    /// Read with [`Linear::weights`], written with [`Linear::weights_mut`] (which also retires `wt`).
    w: Arc<Vec<f32>>,
    pub b: Vec<f32>,
    pub gw: Vec<f32>,
    pub gb: Vec<f32>,
    /// `w` transposed, for the input gradient: made by the first backward pass that needs it
    /// after the weights changed, and shared with the replicas like `w` (one transpose per step
    /// however many shards read it).
    wt: Arc<TransposeCache>,
    /// The input events transposed (per input, the batch rows where it was active), for the
    /// weight gradient; kept so that rebuilding it allocates nothing.
    events_t: TransposedEvents,
    /// Grouped backward passes (see [`Groups`]): each group's transposed events, and a block
    /// of gradient rows a group's sum is made in before it is added.
    group_events: Vec<TransposedEvents>,
    group_sum: Vec<f32>,
}

impl Linear {
    /// PyTorch's default init for `nn.Linear`/`nn.Conv2d`: U(−1/√fan_in, 1/√fan_in) for weights
    /// and bias. Uniform (not normal) so that no transcendental function enters the weights.
    pub fn new(fan_in: usize, fan_out: usize, rng: &mut Rng) -> Self {
        let bound = 1.0 / (fan_in as f32).sqrt();
        let w = (0..fan_in * fan_out).map(|_| rng.range(-bound, bound)).collect();
        let b = (0..fan_out).map(|_| rng.range(-bound, bound)).collect();
        Self::from_parts(fan_in, fan_out, w, b)
    }

    pub fn from_parts(fan_in: usize, fan_out: usize, w: Vec<f32>, b: Vec<f32>) -> Self {
        debug_assert_eq!(w.len(), fan_in * fan_out);
        Self {
            fan_in,
            fan_out,
            gw: vec![0.0; w.len()],
            gb: vec![0.0; b.len()],
            w: Arc::new(w),
            b,
            wt: Arc::default(),
            events_t: TransposedEvents::default(),
            group_events: Vec::new(),
            group_sum: Vec::new(),
        }
    }

    /// The weights, `[fan_in × fan_out]`.
    pub fn weights(&self) -> &[f32] {
        &self.w
    }

    /// The weights, to write (copied first if shared); the transposed copy is retired.
    pub fn weights_mut(&mut self) -> &mut [f32] {
        self.retire_transpose();
        Arc::make_mut(&mut self.w).as_mut_slice()
    }

    /// Forgets `wt` (the weights are about to change), keeping its memory for the next one.
    fn retire_transpose(&mut self) {
        match Arc::get_mut(&mut self.wt) {
            Some(cache) => cache.retire(),
            // Still shared with a clone: this matrix starts a cache of its own.
            None => self.wt = Arc::default(),
        }
    }

    /// Reads `src`'s weights and their transpose from now on, without copying them (and copies
    /// its bias): until [`Linear::unshare`], `src`'s weights cannot be written without a copy.
    pub fn share_from(&mut self, src: &Linear) {
        self.w = Arc::clone(&src.w);
        self.wt = Arc::clone(&src.wt);
        self.b.copy_from_slice(&src.b);
    }

    /// Lets go of shared weights (the matrix is empty until the next [`Linear::share_from`]), so
    /// that their owner writes them in place again. Allocates nothing.
    pub fn unshare(&mut self) {
        static NONE: LazyLock<(Arc<Vec<f32>>, Arc<TransposeCache>)> =
            LazyLock::new(Default::default);
        self.w = Arc::clone(&NONE.0);
        self.wt = Arc::clone(&NONE.1);
    }

    /// The weight and bias gradients, for gradient walks that leave the (maybe shared) weights
    /// alone.
    pub fn grads_mut(&mut self) -> [&mut [f32]; 2] {
        [&mut self.gw, &mut self.gb]
    }

    /// `out[rows × fan_out] = b + events · W`. With `repeats` > 1 the events' rows are that
    /// many copies of their first `rows / repeats` (see [`Activation::repeats`]): those are
    /// computed and the copies copied, which gives the same bits.
    pub fn forward(&self, ev: &Events, repeats: usize, out: &mut Vec<f32>) {
        let rows = ev.rows();
        let n = self.fan_out;
        let distinct = distinct_rows(rows, repeats);
        out.resize(rows * n, 0.0); // every element is overwritten by the bias or a copy next
        let first = &mut out[..distinct * n];
        kernels::broadcast_rows(&self.b, distinct, first);
        let vals = ev.values();
        for_sparse_blocks(&ev.ptr[..=distinct], first, n, |ptr, block| kernels::sparse_matmul_cols(ptr, &ev.idx, vals, &self.w, block));
        copy_repeats(out, distinct * n);
    }

    /// `out[rows × fan_out] = b + x · W` for a dense input `x [rows × fan_in]` (a conv's im2col),
    /// `x`'s rows `repeats` copies as in [`Linear::forward`]. Rows split between threads; each
    /// element adds its terms in increasing input index, as the event product does.
    pub fn forward_dense(&self, x: &impl DenseRows, repeats: usize, out: &mut Vec<f32>) {
        let (k, n) = (self.fan_in, self.fan_out);
        debug_assert_eq!(x.cols(), k);
        let rows = x.rows();
        let distinct = distinct_rows(rows, repeats);
        out.resize(rows * n, 0.0); // every element is overwritten by the bias or a copy next
        let first = &mut out[..distinct * n];
        kernels::broadcast_rows(&self.b, distinct, first);
        let w = &self.w;
        for_row_chunks(first, n, DENSE_ROW_BLOCK, |r0, chunk| {
            with_block(|scratch| {
                for (b, block) in chunk.chunks_mut(DENSE_ROW_BLOCK * n).enumerate() {
                    let (r, m) = (r0 + b * DENSE_ROW_BLOCK, block.len() / n);
                    let (a, _) = x.block(r..r + m, 0..k, scratch);
                    kernels::matmul(a, w, m, k, n, block);
                }
            })
        });
        copy_repeats(out, distinct * n);
    }

    /// [`Linear::backward`] for a dense input `x [rows × fan_in]`: `gw += xᵀ · dy` (each
    /// element adds its terms in increasing batch row, as the event version does), `gb += Σ dy`,
    /// `din = dy · Wᵀ` if asked.
    pub fn backward_dense(
        &mut self,
        x: &impl DenseRows,
        dy: &[f32],
        din: Option<&mut Vec<f32>>,
        groups: Groups,
    ) {
        let n = self.fan_out;
        debug_assert_eq!((x.rows(), x.cols()), (dy.len() / n.max(1), self.fan_in));
        self.backward_with(dy, din, groups, |rows, dy, p0, gw, parts| grad_rows(x, rows, dy, n, p0, gw, parts));
    }

    /// The backward pass of a product whose input only `grad` reads: `grad(rows, dy_rows, p0,
    /// gw_block, parts)` must add `x[rows, p0..]ᵀ · dy_rows` to `gw_block` (the weight rows `p0..`,
    /// cut into `parts` blocks for threads), every element in increasing batch row order or
    /// another order fixed by the rows alone. Then `gb += Σ dy` and `din = dy · Wᵀ` if asked;
    /// grouped steps sum each group apart (see [`grouped_sums`]).
    pub fn backward_with(
        &mut self,
        dy: &[f32],
        din: Option<&mut Vec<f32>>,
        groups: Groups,
        grad: impl Fn(Range<usize>, &[f32], usize, &mut [f32], usize),
    ) {
        let (k, n) = (self.fan_in, self.fan_out);
        let rows = dy.len() / n.max(1);
        if groups.shards > 1 {
            // One thread: grouped steps run only there.
            grouped_sums(&mut self.gw, &mut self.group_sum, n, groups.shards, |i, p0, block| {
                let (a, b) = groups.rows_of(i, rows);
                grad(a..b, &dy[a * n..b * n], p0, block, 1);
            });
            self.grouped_bias_grads(dy, groups);
        } else {
            let parts = if rows * k * n >= MIN_SPLIT_GRAD_WORK {
                parallel::threads_here()
            } else {
                1
            };
            grad(0..rows, dy, 0, &mut self.gw, parts);
            self.bias_grad(dy);
        }
        if let Some(din) = din {
            self.input_grad(dy, din);
        }
    }

    /// `W` transposed (`[fan_out × fan_in]`) for the current weights: made on the first call
    /// after they changed (a concurrent caller waits for it), then read.
    pub fn transposed(&self) -> &[f32] {
        self.wt.get(&self.w, self.fan_in, self.fan_out)
    }


    fn bias_grad(&mut self, dy: &[f32]) {
        add_rows(dy, &mut self.gb);
    }

    /// `gb`'s sums by group (see [`grouped_sums`]).
    fn grouped_bias_grads(&mut self, dy: &[f32], groups: Groups) {
        let n = self.fan_out;
        let rows = dy.len() / n.max(1);
        grouped_sums(&mut self.gb, &mut self.group_sum, n, groups.shards, |i, _, sum| {
            let (a, b) = groups.rows_of(i, rows);
            add_rows(&dy[a * n..b * n], sum);
        });
    }

    /// The weight and bias gradients of [`Linear::backward`] by group: each group's events
    /// transposed on their own, then summed as in [`Linear::backward_with`].
    fn grouped_event_grads(&mut self, ev: &Events, dy: &[f32], groups: Groups) {
        let (k, n) = (self.fan_in, self.fan_out);
        let rows = ev.rows();
        let vals = ev.values();
        self.group_events
            .resize_with(groups.shards, TransposedEvents::default);
        for (i, t) in self.group_events.iter_mut().enumerate() {
            let (a, b) = groups.rows_of(i, rows);
            t.rebuild(&ev.ptr[a..=b], &ev.idx, vals, 0, k as u32);
        }
        let events = &self.group_events;
        grouped_sums(&mut self.gw, &mut self.group_sum, n, groups.shards, |i, p0, block| {
            let (a, b) = groups.rows_of(i, rows);
            let (t, p1) = (&events[i], p0 + block.len() / n);
            kernels::sparse_matmul_cols(&t.ptr[p0..=p1], &t.row, t.values(), &dy[a * n..b * n], &mut ColsMut::all(block, n));
        });
        self.grouped_bias_grads(dy, groups);
    }

    /// `din = dy · Wᵀ` from the transposed weights `wt` (fresh).
    fn input_grad(&self, dy: &[f32], din: &mut Vec<f32>) {
        let (k, n) = (self.fan_in, self.fan_out);
        let rows = dy.len() / n.max(1);
        // Every element is written by the product (from +0), so the buffer is not zeroed first.
        din.resize(rows * k, 0.0);
        din.truncate(rows * k);
        let wt = self.transposed();
        if n < MIN_SPLIT_INNER {
            // e.g. the readout's 10 outputs: too little work per row to be worth a join.
            kernels::matmul_set(dy, wt, rows, n, k, din);
        } else {
            for_row_chunks(din, k, 8, |r0, chunk| {
                let m = chunk.len() / k;
                kernels::matmul_set(&dy[r0 * n..(r0 + m) * n], wt, m, n, k, chunk);
            });
        }
    }

    /// Accumulates `gw += eventsᵀ · dy`, `gb += Σ_rows dy`; writes `din = dy · Wᵀ` if asked.
    pub fn backward(
        &mut self,
        ev: &Events,
        dy: &[f32],
        din: Option<&mut Vec<f32>>,
        groups: Groups,
    ) {
        let n = self.fan_out;
        let rows = ev.rows();
        debug_assert_eq!(dy.len(), rows * n);
        if groups.shards > 1 {
            self.grouped_event_grads(ev, dy, groups);
            if let Some(din) = din {
                self.input_grad(dy, din);
            }
            return;
        }
        let vals = ev.values();
        // gw row i = Σ over the batch rows where input i was active of val·dy[row]: a sparse
        // product of the transposed events with dy (the same sums, in the same order, as
        // `Kernels::SCALAR.sparse_t_matmul`).
        // The transposed events and (for din) the transposed weights do not depend on dy, so
        // the two sequential rebuilds run side by side.
        let (events_t, wt, w, fan_in, fan_out) = (
            &mut self.events_t,
            &self.wt,
            &self.w,
            self.fan_in,
            self.fan_out,
        );
        let want_wt = din.is_some();
        let mut rebuild = || events_t.rebuild(&ev.ptr, &ev.idx, vals, 0, fan_in as u32);
        let transpose = || {
            wt.get(w, fan_in, fan_out);
        };
        if want_wt && w.len() >= MIN_PARALLEL_ELEMENTWISE {
            join(rebuild, transpose);
        } else {
            rebuild();
            if want_wt {
                transpose();
            }
        }
        let t = &self.events_t;
        for_sparse_blocks(&t.ptr, &mut self.gw, n, |ptr, block| kernels::sparse_matmul_cols(ptr, &t.row, t.values(), dy, block));
        self.bias_grad(dy);
        if let Some(din) = din {
            self.input_grad(dy, din);
        }
    }
}

/// A gradient `g` (`[rows × n]`) summed by group, as the replicas of a sharded step sum it: the
/// first group's terms straight into `g`, each later group's into a zeroed block (`sum`) that is
/// then added. `add_terms(i, r0, block)` adds group `i`'s terms of the rows `r0..` of `g` that
/// `block` holds. A block of `GROUP_BLOCK_ROWS` rows at a time, so that it stays in cache across
/// the groups.
fn grouped_sums(g: &mut [f32], sum: &mut Vec<f32>, n: usize, groups: usize, add_terms: impl Fn(usize, usize, &mut [f32])) {
    let rows = g.len() / n.max(1);
    let mut r0 = 0;
    while r0 < rows {
        let r1 = (r0 + GROUP_BLOCK_ROWS).min(rows);
        let block = &mut g[r0 * n..r1 * n];
        add_terms(0, r0, block);
        for i in 1..groups {
            sum.clear();
            sum.resize(block.len(), 0.0);
            add_terms(i, r0, sum);
            block.iter_mut().zip(sum.iter()).for_each(|(g, &s)| *g += s);
        }
        r0 = r1;
    }
}

/// The rows of a product over `rows` input rows that are `repeats` copies of their first part
/// (all of them unless they divide evenly).
fn distinct_rows(rows: usize, repeats: usize) -> usize {
    match repeats {
        r if r > 1 && rows % r == 0 => rows / r,
        _ => rows,
    }
}

/// `acc += Σ rows of m` (`m` is `[rows × acc.len()]`), the rows in order.
fn add_rows(m: &[f32], acc: &mut [f32]) {
    for row in m.chunks_exact(acc.len().max(1)) {
        for (g, &d) in acc.iter_mut().zip(row) {
            *g += d;
        }
    }
}

/// `Wᵀ` of one weight version, made once by whichever pass first needs it.
#[derive(Debug, Default)]
pub struct TransposeCache {
    made: OnceLock<Vec<f32>>,
    /// The memory of the last retired transpose, for the next one (no allocation per step).
    spare: Mutex<Vec<f32>>,
}

impl TransposeCache {
    /// `Wᵀ`, made now if it is not yet: its rows split between the threads available here (the
    /// bits are the same however it is cut: a transpose only moves values).
    fn get(&self, w: &[f32], fan_in: usize, fan_out: usize) -> &[f32] {
        self.made.get_or_init(|| {
            let mut wt = std::mem::take(&mut *self.spare.lock().unwrap_or_else(|e| e.into_inner()));
            wt.resize(w.len(), 0.0);
            for_row_chunks(&mut wt, fan_in, 16, |o0, rows| kernels::transpose_cols(w, fan_in, fan_out, o0, rows));
            wt
        })
    }

    fn retire(&mut self) {
        if let Some(wt) = self.made.take() {
            *self.spare.get_mut().unwrap_or_else(|e| e.into_inner()) = wt;
        }
    }
}

/// `gw[p0.. p0 + gw.len()/n] += x[rows, p0..]ᵀ · dy` (`dy` holds the `rows`) in increasing row
/// order, GRAD_ROW_BLOCK rows at a time; the weight rows are cut into `parts` blocks for threads
/// (each element is still summed by one thread in increasing row order, so any cut gives the
/// same bits, and so does the cut of the rows into blocks: a block's sums are stored and read
/// back exactly).
fn grad_rows(x: &impl DenseRows, rows: Range<usize>, dy: &[f32], n: usize, p0: usize, gw: &mut [f32], parts: usize) {
    let m = gw.len() / n.max(1);
    if parts > 1 && m >= 2 {
        let left = parts / 2;
        let cut = m * left / parts;
        let (a, b) = gw.split_at_mut(cut * n);
        let (ra, rb) = (rows.clone(), rows);
        join(|| grad_rows(x, ra, dy, n, p0, a, left), || grad_rows(x, rb, dy, n, p0 + cut, b, parts - left));
        return;
    }
    if m == 0 {
        return;
    }
    with_block(|scratch| {
        let mut r0 = rows.start;
        while r0 < rows.end {
            let kc = GRAD_ROW_BLOCK.min(rows.end - r0);
            let (a, lda) = x.block(r0..r0 + kc, p0..p0 + m, scratch);
            let d0 = r0 - rows.start;
            kernels::matmul_tn(a, lda, &dy[d0 * n..(d0 + kc) * n], m, kc, n, gw);
            r0 += kc;
        }
    });
}

/// The dense input `[rows × cols]` of [`Linear::forward_dense`] and [`Linear::backward_dense`],
/// read a block at a time: a stored matrix ([`Matrix`]), or a convolution's im2col
/// (`conv::Im2col`), whose blocks are made when asked, so that the whole matrix (90 MB for the
/// science CNN's second layer at batch 100) is never written out and streamed back from memory:
/// each block is made in L2 and used there.
pub trait DenseRows: Sync {
    fn rows(&self) -> usize;
    fn cols(&self) -> usize;
    /// The entries `[rows] × [cols]`, row `i` of them starting at `i · stride` of the slice
    /// returned with `stride` (`stride ≥ cols.len()`; a block that is not stored is made in
    /// `scratch`). Full-width blocks (`cols` = `0..self.cols()`) have `stride = cols.len()`.
    fn block<'a>(&'a self, rows: Range<usize>, cols: Range<usize>, scratch: &'a mut Vec<f32>) -> (&'a [f32], usize);
}

/// A dense input stored row-major (`data.len() = rows × cols`).
#[derive(Clone, Copy, Debug)]
pub struct Matrix<'a> {
    data: &'a [f32],
    cols: usize,
}

impl<'a> Matrix<'a> {
    pub fn new(data: &'a [f32], cols: usize) -> Self {
        assert!(cols > 0 && data.len() % cols == 0, "Matrix: {} floats are not rows of {cols}", data.len());
        Self { data, cols }
    }
}

impl DenseRows for Matrix<'_> {
    fn rows(&self) -> usize {
        self.data.len() / self.cols
    }
    fn cols(&self) -> usize {
        self.cols
    }
    fn block<'a>(&'a self, rows: Range<usize>, cols: Range<usize>, _: &'a mut Vec<f32>) -> (&'a [f32], usize) {
        if rows.is_empty() {
            return (&[], self.cols);
        }
        (&self.data[rows.start * self.cols + cols.start..(rows.end - 1) * self.cols + cols.end], self.cols)
    }
}

thread_local! {
    /// Per thread, the block of a dense input being made ([`DenseRows::block`]): it grows to the
    /// largest block once and is reused, so training allocates nothing after its first step.
    static BLOCK: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with this thread's block buffer (`f` must not call back into a product: the buffer
/// is borrowed while it runs).
fn with_block<R>(f: impl FnOnce(&mut Vec<f32>) -> R) -> R {
    BLOCK.with(|b| f(&mut b.borrow_mut()))
}

/// `weight` (in the owner's `layout`) and `bias`. The exclusive walk makes the weights its own
/// first (a copy only if they are shared: see [`Linear::share_from`]).
impl Linear {
    pub fn params<'a>(&'a self, owner: Owner, layout: Layout, f: &mut dyn FnMut(Param<'a>)) {
        f(Param {
            name: owner.field("weight"),
            layout,
            value: &self.w,
            grad: Some(&self.gw),
        });
        f(Param {
            name: owner.field("bias"),
            layout: Layout::Vector(self.fan_out),
            value: &self.b,
            grad: Some(&self.gb),
        });
    }

    pub fn params_mut<'a>(
        &'a mut self,
        owner: Owner,
        layout: Layout,
        f: &mut dyn FnMut(ParamMut<'a>),
    ) {
        self.retire_transpose();
        let w = Arc::make_mut(&mut self.w);
        f(ParamMut {
            name: owner.field("weight"),
            layout,
            value: w,
            grad: Some(&mut self.gw),
        });
        f(ParamMut {
            name: owner.field("bias"),
            layout: Layout::Vector(self.fan_out),
            value: &mut self.b,
            grad: Some(&mut self.gb),
        });
    }
}
