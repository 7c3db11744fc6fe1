//! Deterministic data parallelism (feature `parallel`, rayon): work is split by output rows or
//! output columns, so every output element is still computed by one thread in the same order, and
//! results do not depend on the thread count.
//!
//! Splitting pays only inside the pool. A `rayon::join` called from a thread that is not one of
//! the pool's workers is injected into the pool and the caller sleeps until it is done: measured
//! at 27 µs for an empty join on this 2-core machine, against ~0 from a worker — too much for the
//! 0.1–0.5 ms products of a batch-100 training step. So the entry points (training, evaluation)
//! move onto a worker with [`on_pool`], and the split helpers below split only when already on
//! one; called from anywhere else they run on the calling thread, which is always correct.

use crate::kernels::ColsMut;

/// Smallest output (in floats) a dense product or a column split is cut for. A heuristic, set so
/// that a batch-100 layer of 400 outputs (40 k floats) splits and the 10-wide readout does not.
pub const MIN_PARALLEL_ELEMS: usize = 16_384;

/// Smallest element-wise pass (neuron, surrogate gradient, finiteness check, event compaction)
/// worth two threads. These run at memory speed, ~10–30 µs for a batch-100 layer, and every split
/// is a point where one thread waits for the other — which, on a shared host, may have been
/// descheduled: so only batch-1000-sized passes split.
pub const MIN_PARALLEL_ELEMENTWISE: usize = 262_144;

/// Smallest sparse product (events × output columns) worth splitting by rows: the batch-1000
/// readout (≈ 200 k events × 10) is, the batch-100 one (≈ 20 k × 10) is not.
pub const MIN_PARALLEL_WORK: usize = 500_000;

/// Column blocks are cut at multiples of this (one AVX2 strip of 8 vectors, 4 cache lines).
const COL_ALIGN: usize = 64;

/// Most threads to split over (`usize::MAX`: the whole pool). The threaded wasm build sets it
/// (`setThreads`): a browser's rayon pool is built once, with its workers, and cannot be resized,
/// so a smaller thread count is a cap on the splits. Results do not depend on it.
#[cfg(feature = "parallel")]
static THREAD_LIMIT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(usize::MAX);

/// Caps the threads the splits use at `n` (≥ 1); see [`THREAD_LIMIT`].
#[cfg(feature = "parallel")]
pub fn set_thread_limit(n: usize) {
    THREAD_LIMIT.store(n.max(1), std::sync::atomic::Ordering::Relaxed);
}

/// The cap of [`set_thread_limit`] (`usize::MAX` when none was set).
#[cfg(feature = "parallel")]
pub fn thread_limit() -> usize {
    THREAD_LIMIT.load(std::sync::atomic::Ordering::Relaxed)
}

/// Threads the work is split over: the pool's size, capped by the thread limit.
#[cfg(feature = "parallel")]
pub fn pool_threads() -> usize {
    rayon::current_num_threads().min(thread_limit())
}

// Threads the task running on this worker may split over (`usize::MAX`: no cap); see
// [`with_share`].
#[cfg(feature = "parallel")]
std::thread_local! {
    static SHARE: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
}

/// Threads to split over from here: [`pool_threads`] on one of the pool's workers, capped by the
/// share of the task it runs ([`with_share`]); 1 off the pool.
pub fn threads_here() -> usize {
    #[cfg(feature = "parallel")]
    {
        if rayon::current_thread_index().is_some() {
            return pool_threads().min(SHARE.with(|s| s.get())).max(1);
        }
    }
    1
}

/// Runs `f` with the splits inside it capped at `threads` (≥ 1). For tasks that already run side
/// by side, one per thread (a batch's shards): splitting their products again would hand halves
/// of one shard's product to the thread busy with another shard — which steals them while it
/// waits, so both threads work on both shards' weights and outputs, and each join waits on the
/// other thread. Results do not depend on it (no split does).
pub fn with_share<R>(threads: usize, f: impl FnOnce() -> R) -> R {
    #[cfg(feature = "parallel")]
    {
        struct Restore(usize);
        impl Drop for Restore {
            fn drop(&mut self) {
                SHARE.with(|s| s.set(self.0));
            }
        }
        let _restore = Restore(SHARE.with(|s| s.replace(threads.max(1))));
        f()
    }
    #[cfg(not(feature = "parallel"))]
    {
        let _ = threads;
        f()
    }
}

/// Runs `f` on a worker of the thread pool (so that the splits inside it are cheap) and returns
/// its result; without the `parallel` feature, or with a one-thread pool, runs it right here.
pub fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "parallel")]
    {
        if pool_threads() > 1 && rayon::current_thread_index().is_none() {
            // `scope` runs its body on a worker (the caller blocks once, for the whole call).
            return rayon::scope(|_| f());
        }
    }
    f()
}

/// `(a(), b())`, in parallel when on a pool worker.
pub fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    #[cfg(feature = "parallel")]
    {
        if threads_here() > 1 {
            return rayon::join(a, b);
        }
    }
    (a(), b())
}

/// Calls `f(first + i, &mut items[i])` for every item, the items side by side on the pool's
/// threads when on a worker (each item's work is its own, so the split cannot change a result).
pub fn for_each_mut<T: Send>(items: &mut [T], first: usize, f: &(impl Fn(usize, &mut T) + Sync)) {
    match items.len() {
        0 => {}
        1 => f(first, &mut items[0]),
        len => {
            let (a, b) = items.split_at_mut(len / 2);
            join(
                || for_each_mut(a, first, f),
                || for_each_mut(b, first + len / 2, f),
            );
        }
    }
}

/// Calls `f(first_row, rows_chunk)` over disjoint chunks of the `[rows × n]` matrix `out`.
pub fn for_row_chunks<T: Send, F>(out: &mut [T], n: usize, min_rows: usize, f: F)
where
    F: Fn(usize, &mut [T]) + Sync + Send,
{
    let rows = out.len().checked_div(n).unwrap_or(0);
    #[cfg(feature = "parallel")]
    {
        let threads = threads_here();
        if threads > 1 && rows >= 2 * min_rows.max(1) && out.len() >= MIN_PARALLEL_ELEMS {
            use rayon::prelude::*;
            let per = rows.div_ceil(threads).max(min_rows.max(1));
            out.par_chunks_mut(per * n)
                .enumerate()
                .for_each(|(i, chunk)| f(i * per, chunk));
            return;
        }
    }
    let _ = (rows, min_rows);
    f(0, out);
}

/// [`for_row_chunks`] over two matrices with the same rows (`[rows × na]` and `[rows × nb]`, of
/// any element types): `f(first_row, a_chunk, b_chunk)` gets the same rows of both.
pub fn for_row_chunks2<A: Send, B: Send, F>(a: &mut [A], na: usize, b: &mut [B], nb: usize, min_rows: usize, f: F)
where
    F: Fn(usize, &mut [A], &mut [B]) + Sync + Send,
{
    let rows = a.len().checked_div(na).unwrap_or(0);
    debug_assert_eq!(b.len(), rows * nb);
    #[cfg(feature = "parallel")]
    {
        let threads = threads_here();
        if threads > 1 && na > 0 && nb > 0 && rows >= 2 * min_rows.max(1) && a.len() >= MIN_PARALLEL_ELEMS {
            use rayon::prelude::*;
            let per = rows.div_ceil(threads).max(min_rows.max(1));
            a.par_chunks_mut(per * na)
                .zip(b.par_chunks_mut(per * nb))
                .enumerate()
                .for_each(|(i, (ca, cb))| f(i * per, ca, cb));
            return;
        }
    }
    let _ = (rows, min_rows);
    f(0, a, b);
}

/// Below this many rows a sparse product is split by columns, from it by rows. Column blocks
/// keep each core's share of the weights in its own L2 (best for a batch-100 step); but every
/// block rereads all the events, which at batch 1000 (1.2 MB of events for MNIST's input layer)
/// no longer fit in L2 — there, row blocks with half the events each scaled better.
pub const ROW_SPLIT_MIN_ROWS: usize = 256;

/// Blocks of the output of a sparse product `out[rows × n] += events · W`, for `f(ptr, block)`:
/// `ptr` is the CSR row pointer slice of the block's rows (`ptr[0]` may be non-zero), `block`
/// its part of `out`. Row blocks are cut where the events (the work) divide evenly.
pub fn for_sparse_blocks<F>(ptr: &[u32], out: &mut [f32], n: usize, f: F)
where
    F: Fn(&[u32], &mut ColsMut) + Sync + Send,
{
    let rows = ptr.len().saturating_sub(1);
    let parts = threads_here();
    let work = (ptr.last().copied().unwrap_or(0) - ptr.first().copied().unwrap_or(0)) as usize * n;
    if parts > 1 && rows >= ROW_SPLIT_MIN_ROWS && work >= MIN_PARALLEL_WORK {
        split_rows(ptr, out, n, parts, &f);
    } else {
        for_col_blocks(out, n, |cols| f(ptr, cols));
    }
}

fn split_rows<F>(ptr: &[u32], out: &mut [f32], n: usize, parts: usize, f: &F)
where
    F: Fn(&[u32], &mut ColsMut) + Sync + Send,
{
    let rows = ptr.len() - 1;
    if parts <= 1 || rows < 2 {
        return f(ptr, &mut ColsMut::all(out, n));
    }
    let left = parts / 2;
    // First row boundary at or past the events' share of the left part.
    let (first, last) = (ptr[0] as u64, ptr[rows] as u64);
    let goal = first + (last - first) * left as u64 / parts as u64;
    let cut = ptr.partition_point(|&p| (p as u64) < goal).clamp(1, rows - 1);
    let (oa, ob) = out.split_at_mut(cut * n);
    join(|| split_rows(&ptr[..=cut], oa, n, left, f), || split_rows(&ptr[cut..], ob, n, parts - left, f));
}

/// Calls `f` on disjoint column blocks (cut at multiples of 64 columns) covering the
/// `[out.len() / n × n]` matrix `out`, one block per thread when on a pool worker and the matrix
/// is big enough, else once with all columns.
pub fn for_col_blocks<F>(out: &mut [f32], n: usize, f: F)
where
    F: Fn(&mut ColsMut) + Sync + Send,
{
    let all = ColsMut::all(out, n);
    let parts = threads_here().min(n / COL_ALIGN);
    if parts > 1 && all.rows() * n >= MIN_PARALLEL_ELEMS {
        split_cols(all, parts, &f);
    } else {
        let mut all = all;
        f(&mut all);
    }
}

fn split_cols<F>(mut view: ColsMut, parts: usize, f: &F)
where
    F: Fn(&mut ColsMut) + Sync + Send,
{
    if parts <= 1 || view.cols() < 2 * COL_ALIGN {
        return f(&mut view);
    }
    let left = parts / 2;
    let cut = (view.cols() * left / parts + COL_ALIGN / 2) / COL_ALIGN * COL_ALIGN;
    let cut = cut.clamp(COL_ALIGN, view.cols() - 1);
    let at = view.first_col() + cut;
    let (a, b) = view.split_at(at);
    join(|| split_cols(a, left, f), || split_cols(b, parts - left, f));
}

/// `f(x, g)` over the two slices of equal length, in halves on two threads when they are large
/// and we are on a pool worker: for element-wise kernels, where any split gives the same bits.
pub fn for_elementwise<F>(x: &[f32], g: &mut [f32], f: F)
where
    F: Fn(&[f32], &mut [f32]) + Sync + Send,
{
    if threads_here() < 2 || g.len() < MIN_PARALLEL_ELEMENTWISE {
        return f(x, g);
    }
    let mid = g.len() / 2 / 8 * 8; // keep both halves on the vector loop
    let (x0, x1) = x.split_at(mid.min(x.len()));
    let (g0, g1) = g.split_at_mut(mid);
    join(|| f(x0, g0), || f(x1, g1));
}

/// [`for_elementwise`] over two slices that are both written, split from `min` elements.
pub fn for_elementwise_mut<F>(x: &mut [f32], g: &mut [f32], min: usize, f: F)
where
    F: Fn(&mut [f32], &mut [f32]) + Sync + Send,
{
    if threads_here() < 2 || g.len() < min.max(16) {
        return f(x, g);
    }
    let mid = g.len() / 2 / 8 * 8;
    let (x0, x1) = x.split_at_mut(mid.min(x.len()));
    let (g0, g1) = g.split_at_mut(mid);
    join(|| f(x0, g0), || f(x1, g1));
}

/// `v.split_at_mut(at)` for an optional slice (a buffer some models or optimizers do not have),
/// so that both halves can go to the two sides of a [`join`].
pub fn split_opt_mut(v: Option<&mut [f32]>, at: usize) -> (Option<&mut [f32]>, Option<&mut [f32]>) {
    match v {
        Some(v) => {
            let (a, b) = v.split_at_mut(at);
            (Some(a), Some(b))
        }
        None => (None, None),
    }
}
