//! Deterministic data parallelism: work is split by output rows, so every output element is
//! still computed by one thread in the same order, and results do not depend on the thread count.

/// Smallest output (in floats) worth splitting across threads. Measured on 2 cores with the
/// 784-400-400-10 MLP: splitting its batch-100 training products (40 k – 314 k outputs) made
/// training slower than one thread (≈ 21 k vs 29 k samples/s; splitting the 784×400 weight
/// gradient alone costs that much), while batch-1000 inference (400 k outputs per layer) gains.
pub const MIN_PARALLEL_ELEMS: usize = 400_000;

/// Calls `f(first_row, rows_chunk)` over disjoint chunks of the `[rows × n]` matrix `out`.
pub fn for_row_chunks<F>(out: &mut [f32], n: usize, min_rows: usize, f: F)
where
    F: Fn(usize, &mut [f32]) + Sync + Send,
{
    let rows = if n == 0 { 0 } else { out.len() / n };
    #[cfg(feature = "parallel")]
    {
        let threads = rayon::current_num_threads();
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
