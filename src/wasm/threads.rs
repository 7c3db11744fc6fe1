//! The thread count of the JS face. Both wasm builds export `threadCount`, `maxThreads` and
//! `setThreads`, so code written for one runs on the other; the threaded build (feature `threads`,
//! built by scripts/build-pkg.sh into pkg/threads/) also exports `startThreads(n)`, which starts
//! `n` Web Workers sharing this module's memory and makes them rayon's global pool
//! (wasm-bindgen-rayon). That pool is built once and cannot be resized, so `setThreads` caps how
//! many of its threads the work is split over; the results are the same bytes for any count.

use wasm_bindgen::prelude::*;

/// The pool's size once `startThreads(n)` was called (0 before). Kept here rather than asked of
/// rayon: asking rayon before the pool exists would make it build a one-thread fallback pool, and
/// the real one could then never be installed.
#[cfg(feature = "threads")]
static POOL_SIZE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Most workers `startThreads` starts: more than any machine this runs on has cores, and few
/// enough that a typo cannot start thousands of Web Workers.
#[cfg(feature = "threads")]
pub const MAX_POOL_THREADS: usize = 64;

/// Starts the thread pool of the threaded build: `n` Web Workers (1..=64), each instantiating this
/// module on the shared memory. Resolves once they all run; train only after that. Call it once
/// (the pool cannot be rebuilt); then `setThreads` picks how many of them the work uses.
#[cfg(feature = "threads")]
#[wasm_bindgen(js_name = startThreads)]
pub fn start_threads(#[wasm_bindgen(unchecked_param_type = "number")] n: JsValue) -> Result<js_sys::Promise, JsError> {
    use std::sync::atomic::Ordering;
    let n = super::args::index(&n, "threads")?;
    if !(1..=MAX_POOL_THREADS).contains(&n) {
        return Err(JsError::new(&format!("threads must be in 1..={MAX_POOL_THREADS}, got {n}")));
    }
    if POOL_SIZE.compare_exchange(0, n, Ordering::SeqCst, Ordering::SeqCst).is_err() {
        return Err(JsError::new("the thread pool was started already (it cannot be rebuilt; setThreads picks how many of its threads are used)"));
    }
    Ok(wasm_bindgen_rayon::init_thread_pool(n))
}

/// The most threads this build can split over: the pool's size in the threaded build (1 before
/// `startThreads`), 1 in the single-thread build.
#[wasm_bindgen(js_name = maxThreads)]
pub fn max_threads() -> usize {
    #[cfg(feature = "threads")]
    {
        POOL_SIZE.load(std::sync::atomic::Ordering::SeqCst).max(1)
    }
    #[cfg(not(feature = "threads"))]
    {
        1
    }
}

/// Threads the kernels split their work over: `maxThreads()` capped by `setThreads`.
#[wasm_bindgen(js_name = threadCount)]
pub fn thread_count() -> usize {
    #[cfg(feature = "threads")]
    {
        max_threads().min(crate::parallel::thread_limit())
    }
    #[cfg(not(feature = "threads"))]
    {
        1
    }
}

/// Splits the work over `n` threads from now on, `n` in 1..=maxThreads(); returns `n`.
#[wasm_bindgen(js_name = setThreads)]
pub fn set_threads(#[wasm_bindgen(unchecked_param_type = "number")] n: JsValue) -> Result<usize, JsError> {
    let n = super::args::index(&n, "threads")?;
    let max = max_threads();
    if n < 1 || n > max {
        let why = if cfg!(feature = "threads") { "the thread pool's size" } else { "this is the single-thread build" };
        return Err(JsError::new(&format!("threads must be in 1..={max} ({why}), got {n}")));
    }
    #[cfg(feature = "threads")]
    crate::parallel::set_thread_limit(n);
    Ok(n)
}
