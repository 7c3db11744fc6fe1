//! Kernel micro-benchmarks at the shapes of the reference MLP (784-400-400-10, batch 100):
//! scalar reference vs the dispatched SIMD path, plus the sum over one training step's kernels.
//!
//! Plain `main` (no criterion: keeps the dependency set small and works offline). Needs
//! `[[bench]] name = "kernels" path = "bench/kernels.rs" harness = false` in Cargo.toml; run
//! `cargo bench --bench kernels`. Inputs come from the shared generators of bench/cases.rs.
//! Single-threaded; the `parallel` feature splits this work across threads on top.

use std::hint::black_box;
use std::time::Instant;

use s3nn::kernels;
use s3nn::rng::Rng;
use s3nn::surrogate::Surrogate;

#[path = "cases.rs"]
mod cases;
use cases::{bench_csr as random_csr, bench_randn as randn, BenchCsr};

/// Nanoseconds this thread has spent on a CPU (Linux: /proc/thread-self/schedstat), so that
/// numbers on a shared, oversubscribed machine measure the kernel rather than the time it waited
/// for a core. Elsewhere falls back to wall-clock time.
fn thread_ns(start: Instant) -> f64 {
    if let Ok(s) = std::fs::read_to_string("/proc/thread-self/schedstat") {
        if let Some(Ok(ns)) = s.split_whitespace().next().map(str::parse::<u64>) {
            return ns as f64;
        }
    }
    start.elapsed().as_nanos() as f64
}

/// Median milliseconds (of on-CPU time) per call over 7 batches of calls.
fn time_ms(mut f: impl FnMut()) -> f64 {
    let origin = Instant::now();
    f();
    let t0 = thread_ns(origin);
    let mut reps = 0u32;
    while thread_ns(origin) - t0 < 3e7 {
        f();
        reps += 1;
    }
    let reps = reps.max(1);
    let mut samples: Vec<f64> = (0..7)
        .map(|_| {
            let t = thread_ns(origin);
            for _ in 0..reps {
                f();
            }
            (thread_ns(origin) - t) / 1e6 / f64::from(reps)
        })
        .collect();
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    samples[3]
}

/// One layer's weight gradient dW = xᵀ·dy (`in_cols` × `out_cols`) from its input events `x`, with
/// their values (`real`, the first layer) or as spikes.
fn weight_grad(x: BenchCsr, in_cols: usize, real: bool, dy: Vec<f32>, out_cols: usize) -> Box<dyn FnMut()> {
    let mut o = vec![0f32; in_cols * out_cols];
    Box::new(move || {
        let val = if real { Some(&x.val[..]) } else { None };
        kernels::sparse_t_matmul(&x.ptr, &x.idx, val, &dy, out_cols, 0, in_cols as u32, black_box(&mut o))
    })
}

fn main() {
    let mut rng = Rng::new(42);
    let batch = 100usize;
    let (n0, n1, n2, n3) = (784usize, 400usize, 400usize, 10usize);
    // Densities from the reference notes: MNIST input 19 % non-zero, hidden firing ≈ 18 % / 49 %.
    let x0 = random_csr(&mut rng, batch, n0, 0.19);
    let s1 = random_csr(&mut rng, batch, n1, 0.18);
    let s2 = random_csr(&mut rng, batch, n2, 0.49);
    let w1 = randn(&mut rng, n0 * n1);
    let w2 = randn(&mut rng, n1 * n2);
    let w3 = randn(&mut rng, n2 * n3);
    let dy1 = randn(&mut rng, batch * n1);
    let dy2 = randn(&mut rng, batch * n2);
    let dy3 = randn(&mut rng, batch * n3);
    let u = randn(&mut rng, batch * n1);
    let sur = Surrogate::default();
    let np = n0 * n1 + n1 * n2 + n2 * n3 + n1 + n2 + n3;
    let z = |len: usize| vec![0f32; len];

    type Bench<'a> = (&'a str, usize, Box<dyn FnMut() + 'a>);
    // (name, calls per training step, closure). Each closure owns its output buffer.
    let mut benches: Vec<Bench> = vec![
        ("fwd L1 sparse_matmul val 784→400 d=.19", 1, {
            let mut o = z(batch * n1);
            Box::new(move || {
                kernels::sparse_matmul(&x0.ptr, &x0.idx, Some(&x0.val), &w1, n1, black_box(&mut o))
            })
        }),
        ("fwd L2 sparse_matmul spikes 400→400 d=.18", 1, {
            let mut o = z(batch * n2);
            Box::new(move || {
                kernels::sparse_matmul(&s1.ptr, &s1.idx, None, &w2, n2, black_box(&mut o))
            })
        }),
        ("fwd L3 sparse_matmul spikes 400→10 d=.49", 1, {
            let mut o = z(batch * n3);
            Box::new(move || {
                kernels::sparse_matmul(&s2.ptr, &s2.idx, None, &w3, n3, black_box(&mut o))
            })
        }),
        ("surrogate_grad_mul s3nn 100×400", 2, {
            let mut g = vec![1f32; batch * n1];
            Box::new(move || kernels::mul_by_map(&sur, &u, black_box(&mut g)))
        }),
        ("transpose 400×400", 1, {
            let (src, mut d) = (randn(&mut rng, n1 * n2), z(n1 * n2));
            Box::new(move || kernels::transpose(&src, n1, n2, black_box(&mut d)))
        }),
        ("transpose 400×10", 1, {
            let (src, mut d) = (randn(&mut rng, n2 * n3), z(n2 * n3));
            Box::new(move || kernels::transpose(&src, n2, n3, black_box(&mut d)))
        }),
        ("bwd dh2 matmul 100×10·10×400", 1, {
            let (b, mut o, dy3) = (randn(&mut rng, n3 * n2), z(batch * n2), dy3.clone());
            Box::new(move || kernels::matmul(&dy3, &b, batch, n3, n2, black_box(&mut o)))
        }),
        ("bwd dh1 matmul 100×400·400×400", 1, {
            let (b, mut o, dy) = (randn(&mut rng, n2 * n1), z(batch * n1), dy2.clone());
            Box::new(move || kernels::matmul(&dy, &b, batch, n2, n1, black_box(&mut o)))
        }),
        ("bwd dW1 sparse_t_matmul val 784×400 d=.19", 1, {
            weight_grad(random_csr(&mut rng, batch, n0, 0.19), n0, true, dy1, n1)
        }),
        ("bwd dW2 sparse_t_matmul spikes 400×400 d=.18", 1, {
            weight_grad(random_csr(&mut rng, batch, n1, 0.18), n1, false, dy2, n2)
        }),
        ("bwd dW3 sparse_t_matmul spikes 400×10 d=.49", 1, {
            weight_grad(random_csr(&mut rng, batch, n2, 0.49), n2, false, dy3, n3)
        }),
        ("adam_step all params (478k)", 1, {
            let (mut pw, pg, mut pm, mut pv) =
                (vec![0.01f32; np], vec![0.001f32; np], z(np), z(np));
            Box::new(move || {
                kernels::adam_step(
                    black_box(&mut pw),
                    &pg,
                    &mut pm,
                    &mut pv,
                    1e-3,
                    0.9,
                    0.999,
                    1e-8,
                    0.5,
                    0.01,
                    0.0,
                )
            })
        }),
    ];

    let simd = kernels::active_isa();
    println!(
        "{:<48} {:>12} {:>12} {:>8}",
        "kernel (batch 100)",
        "scalar ms",
        format!("{simd} ms"),
        "speedup"
    );
    let (mut tot_s, mut tot_v) = (0.0, 0.0);
    for (name, calls, f) in benches.iter_mut() {
        kernels::set_force_scalar(true);
        let ts = time_ms(&mut *f);
        kernels::set_force_scalar(false);
        let tv = time_ms(&mut *f);
        tot_s += ts * *calls as f64;
        tot_v += tv * *calls as f64;
        println!("{name:<48} {ts:>12.4} {tv:>12.4} {:>7.2}x", ts / tv);
    }
    println!(
        "{:<48} {tot_s:>12.4} {tot_v:>12.4} {:>7.2}x",
        "one training step (kernels only, 1 thread)",
        tot_s / tot_v
    );
    println!(
        "=> kernel-bound training throughput, 1 thread: scalar {:.0} samples/s, {simd} {:.0} samples/s",
        batch as f64 / (tot_s / 1e3),
        batch as f64 / (tot_v / 1e3)
    );
}
