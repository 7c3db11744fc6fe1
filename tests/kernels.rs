#![cfg(not(target_arch = "wasm32"))]
//! Native kernel tests: every dispatched kernel must return exactly the bits of `Kernels::SCALAR`
//! — the same generic kernels at the scalar lane (the cross-ISA determinism invariant: different
//! widths, strips and tails must not change an element's operation order) — and the scalar
//! kernels must agree with naive f64 loops (so the reference itself is right).
//!
//! `set_force_scalar` is flipped only by the fingerprint test, under a write lock (see DISPATCH).
#![cfg(not(target_arch = "wasm32"))]

use s3nn::kernels::{self, math::exp_f32, Kernels};

/// The reference every dispatched kernel is compared with, bit for bit.
const SCALAR: Kernels = Kernels::SCALAR;
use s3nn::rng::Rng;
use s3nn::surrogate::Surrogate;

/// `set_force_scalar` is process-global: tests that compare the dispatched path with the scalar
/// reference hold a read lock, the one test that flips the switch holds the write lock, so no
/// exactness test can silently end up comparing scalar with scalar.
static DISPATCH: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn simd_guard() -> std::sync::RwLockReadGuard<'static, ()> {
    DISPATCH.read().unwrap_or_else(|e| e.into_inner())
}

include!("cases/kernel_checks.rs");
include!("cases/surrogates.rs");

struct Csr {
    ptr: Vec<u32>,
    idx: Vec<u32>,
    val: Vec<f32>,
}

/// Random CSR with `rows` rows over `cols` columns at roughly `density`. With `shuffled` the
/// column indices are in random order and may repeat (the kernels must follow event order anyway).
fn random_csr(rng: &mut Rng, rows: usize, cols: usize, density: f32, shuffled: bool) -> Csr {
    let mut ptr = vec![0u32];
    let mut idx = Vec::new();
    let mut val = Vec::new();
    for _ in 0..rows {
        if shuffled {
            let cnt = (density * cols as f32) as usize;
            for _ in 0..cnt {
                idx.push(rng.below(cols as u32));
                val.push(rng.normal());
            }
        } else {
            for c in 0..cols {
                if rng.uniform() < density {
                    idx.push(c as u32);
                    val.push(rng.range(0.0, 1.0));
                }
            }
        }
        ptr.push(idx.len() as u32);
    }
    Csr { ptr, idx, val }
}

const NS: [usize; 20] = [
    1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 33, 63, 64, 65, 100, 130, 400,
];

#[test]
fn isa_is_simd_when_the_cpu_has_it() {
    let _g = simd_guard();
    #[cfg(target_arch = "x86_64")]
    {
        let want = if std::arch::is_x86_feature_detected!("avx512f") {
            "avx512"
        } else if std::arch::is_x86_feature_detected!("avx2") {
            "avx2"
        } else {
            "scalar"
        };
        assert_eq!(kernels::active_isa(), want, "the best SIMD ISA present is not used");
        if want == "avx512" {
            let names: Vec<&str> = Kernels::available().iter().map(|k| k.isa()).collect();
            assert_eq!(names, ["avx512", "avx2", "scalar"], "the exactness tests must cover AVX2 too");
        }
    }
    eprintln!("active ISA: {}", kernels::active_isa());
}

#[test]
fn sparse_matmul_matches_scalar_bitwise() {
    let _g = simd_guard();
    let mut rng = Rng::new(11);
    let mut cases = 0;
    for &n in &NS {
        for &(rows, wrows) in &[(0usize, 5usize), (1, 1), (3, 10), (17, 50), (100, 120)] {
            for &density in &[0.0f32, 0.01, 0.2, 0.6] {
                for shuffled in [false, true] {
                    let c = random_csr(&mut rng, rows, wrows, density, shuffled);
                    let w = randn(&mut rng, wrows * n);
                    let init = randn(&mut rng, rows * n);
                    for with_val in [false, true] {
                        let val = with_val.then_some(&c.val[..]);
                        dispatched_matches_scalar(
                            &format!("sparse_matmul n={n} rows={rows} d={density} val={with_val}"),
                            &init,
                            |k, out| k.sparse_matmul(&c.ptr, &c.idx, val, &w, n, out),
                        );
                        cases += 1;
                    }
                }
            }
        }
    }
    assert!(cases > 700);
}

#[test]
fn sparse_matmul_row_split_with_offset_ptr_is_exact() {
    let _g = simd_guard();
    // Threads get `&ptr[r0..=r1]` (ptr[0] != 0) with the full idx/val and their slice of out.
    let mut rng = Rng::new(10);
    let (rows, wrows, n) = (37usize, 60usize, 45usize);
    let c = random_csr(&mut rng, rows, wrows, 0.3, false);
    let w = randn(&mut rng, wrows * n);
    for with_val in [false, true] {
        let val = with_val.then_some(&c.val[..]);
        let mut whole = vec![0.25f32; rows * n];
        SCALAR.sparse_matmul(&c.ptr, &c.idx, val, &w, n, &mut whole);
        let mut parts = vec![0.25f32; rows * n];
        for (r0, r1) in [(0usize, 10usize), (10, 11), (11, 11), (11, 37)] {
            kernels::sparse_matmul(
                &c.ptr[r0..=r1],
                &c.idx,
                val,
                &w,
                n,
                &mut parts[r0 * n..r1 * n],
            );
        }
        assert_bits_eq("row split", &parts, &whole);
        // and the transposed kernel on a row subset equals the scalar kernel on that subset
        let dy = randn(&mut rng, 27 * n);
        dispatched_matches_scalar("t row subset", &vec![0f32; wrows * n], |k, out| {
            k.sparse_t_matmul(&c.ptr[10..=37], &c.idx, val, &dy, n, 0, wrows as u32, out)
        });
    }
}

#[test]
fn sparse_matmul_column_blocks_are_exact() {
    let _g = simd_guard();
    // Threads get disjoint column blocks of one output (ColsMut::split_at); each block must get
    // exactly the bits of the whole product, at any cut (SIMD strips, masked tails, width 0).
    let mut rng = Rng::new(13);
    for &(rows, wrows, n) in &[(37usize, 60usize, 45usize), (5, 9, 130), (100, 40, 400), (3, 2, 1), (0, 4, 17)] {
        let c = random_csr(&mut rng, rows, wrows, 0.3, false);
        let w = randn(&mut rng, wrows * n);
        for with_val in [false, true] {
            let val = with_val.then_some(&c.val[..]);
            let init = randn(&mut rng, rows * n);
            let mut whole = init.clone();
            SCALAR.sparse_matmul(&c.ptr, &c.idx, val, &w, n, &mut whole);
            for cuts in [vec![], vec![0], vec![n], vec![n / 2], vec![1, n / 3, (2 * n / 3).max(1)], vec![n.min(64), n.min(64)]] {
                let mut parts = init.clone();
                let mut rest = kernels::ColsMut::all(&mut parts, n);
                for &cut in &cuts {
                    let cut = cut.max(rest.first_col());
                    let (mut block, r) = rest.split_at(cut);
                    kernels::sparse_matmul_cols(&c.ptr, &c.idx, val, &w, &mut block);
                    rest = r;
                }
                kernels::sparse_matmul_cols(&c.ptr, &c.idx, val, &w, &mut rest);
                assert_bits_eq(&format!("column blocks {cuts:?} rows={rows} n={n} val={with_val}"), &parts, &whole);
            }
        }
    }
}

#[test]
fn transposed_events_times_dy_is_the_weight_gradient() {
    let _g = simd_guard();
    // Linear::backward's path: transpose the events, then a sparse product with dy, in column
    // blocks — must equal the scalar reference gradient bit for bit.
    let mut rng = Rng::new(14);
    for &(rows, wrows, n) in &[(37usize, 60usize, 45usize), (100, 784, 400), (7, 3, 130)] {
        for with_val in [false, true] {
            let c = random_csr(&mut rng, rows, wrows, 0.2, false);
            let val = with_val.then_some(&c.val[..]);
            let dy = randn(&mut rng, rows * n);
            let mut reference = vec![0f32; wrows * n];
            SCALAR.sparse_t_matmul(&c.ptr, &c.idx, val, &dy, n, 0, wrows as u32, &mut reference);
            let mut t = kernels::TransposedEvents::default();
            t.rebuild(&c.ptr, &c.idx, val, 0, wrows as u32);
            let mut gw = vec![0f32; wrows * n];
            let (mut a, mut b) = kernels::ColsMut::all(&mut gw, n).split_at(n / 2 / 8 * 8);
            kernels::sparse_matmul_cols(&t.ptr, &t.row, t.values(), &dy, &mut a);
            kernels::sparse_matmul_cols(&t.ptr, &t.row, t.values(), &dy, &mut b);
            assert_bits_eq(&format!("transposed dW rows={rows} wrows={wrows} n={n} val={with_val}"), &gw, &reference);
        }
    }
}

#[test]
#[should_panic(expected = "outside")]
fn cols_split_outside_the_view_is_refused() {
    let mut m = vec![0f32; 12];
    let (_a, b) = kernels::ColsMut::all(&mut m, 4).split_at(2);
    let _ = b.split_at(1);
}

#[test]
fn compact_nonzero_matches_scalar_bitwise() {
    let _g = simd_guard();
    let mut rng = Rng::new(15);
    let specials = [0.0f32, -0.0, f32::NAN, f32::INFINITY, f32::MIN_POSITIVE, -1.0, 1.0];
    for len in (0..40).chain([784, 1000, 4097]) {
        for density in [0.0f32, 0.05, 0.2, 0.5, 1.0] {
            let row: Vec<f32> = (0..len)
                .map(|_| {
                    if rng.uniform() < 0.1 {
                        specials[rng.below(specials.len() as u32) as usize]
                    } else if rng.uniform() < density {
                        rng.uniform() - 0.5
                    } else {
                        0.0
                    }
                })
                .collect();
            let (mut ia, mut va) = (vec![7u32; len], vec![7f32; len]);
            let (mut ib, mut vb) = (vec![9u32; len], vec![9f32; len]);
            let na = kernels::compact_nonzero(&row, &mut ia, Some(&mut va));
            let nb = SCALAR.compact_nonzero(&row, &mut ib, Some(&mut vb));
            assert_eq!(na, nb, "count len={len} d={density}");
            assert_eq!(ia[..na], ib[..nb], "indices len={len} d={density}");
            assert_bits_eq(&format!("values len={len} d={density}"), &va[..na], &vb[..nb]);
            let expect: Vec<u32> = (0..len as u32).filter(|&j| row[j as usize] != 0.0).collect();
            assert_eq!(ia[..na], expect[..], "len={len} d={density}");
            let mut ic = vec![0u32; len];
            assert_eq!(kernels::compact_nonzero(&row, &mut ic, None), na);
            assert_eq!(ic[..na], expect[..]);
        }
    }
}

#[test]
#[should_panic(expected = "room")]
fn compact_nonzero_refuses_short_output() {
    kernels::compact_nonzero(&[1.0, 2.0, 3.0], &mut [0u32; 2], None);
}

#[test]
fn sparse_matmul_scalar_matches_f64_naive() {
    let _g = simd_guard();
    let mut rng = Rng::new(12);
    for &(rows, wrows, n, density) in &[
        (7usize, 30usize, 13usize, 0.3f32),
        (20, 100, 40, 0.6),
        (5, 784, 9, 0.2),
    ] {
        let c = random_csr(&mut rng, rows, wrows, density, false);
        let w = randn(&mut rng, wrows * n);
        let init = randn(&mut rng, rows * n);
        for with_val in [false, true] {
            let mut out = init.clone();
            SCALAR.sparse_matmul(
                &c.ptr,
                &c.idx,
                with_val.then_some(&c.val[..]),
                &w,
                n,
                &mut out,
            );
            for r in 0..rows {
                for j in 0..n {
                    let mut s = f64::from(init[r * n + j]);
                    let mut mag = s.abs();
                    for e in c.ptr[r] as usize..c.ptr[r + 1] as usize {
                        let v = if with_val { f64::from(c.val[e]) } else { 1.0 };
                        let t = v * f64::from(w[c.idx[e] as usize * n + j]);
                        s += t;
                        mag += t.abs();
                    }
                    let got = f64::from(out[r * n + j]);
                    assert!(
                        (got - s).abs() <= 1e-6 * mag + 1e-30,
                        "r={r} j={j}: {got} vs {s}"
                    );
                }
            }
        }
    }
}

#[test]
fn sparse_t_matmul_matches_scalar_bitwise_and_splits_exactly() {
    let _g = simd_guard();
    let mut rng = Rng::new(13);
    for &n in &NS {
        for &(rows, wrows) in &[(0usize, 5usize), (1, 1), (4, 9), (23, 40), (100, 90)] {
            for &density in &[0.0f32, 0.01, 0.25, 0.6] {
                for shuffled in [false, true] {
                    let c = random_csr(&mut rng, rows, wrows, density, shuffled);
                    let dy = randn(&mut rng, rows * n);
                    for with_val in [false, true] {
                        let val = with_val.then_some(&c.val[..]);
                        let init = randn(&mut rng, wrows * n);
                        let what = format!("sparse_t_matmul n={n} rows={rows} wrows={wrows} d={density} val={with_val}");
                        let b = dispatched_matches_scalar(&what, &init, |k, out| {
                            k.sparse_t_matmul(&c.ptr, &c.idx, val, &dy, n, 0, wrows as u32, out)
                        });
                        // Split the dw rows into uneven parts (as threads would): same bits.
                        let cuts = [0, wrows / 3, wrows / 3 + 1, wrows];
                        let mut parts = init.clone();
                        for win in cuts.windows(2) {
                            let (lo, hi) = (win[0].min(wrows), win[1].min(wrows));
                            if lo > hi {
                                continue;
                            }
                            kernels::sparse_t_matmul(
                                &c.ptr,
                                &c.idx,
                                val,
                                &dy,
                                n,
                                lo as u32,
                                hi as u32,
                                &mut parts[lo * n..hi * n],
                            );
                        }
                        assert_bits_eq(&format!("{what} split"), &parts, &b);
                    }
                }
            }
        }
    }
}

#[test]
fn sparse_t_matmul_scalar_matches_f64_naive() {
    let _g = simd_guard();
    let mut rng = Rng::new(14);
    let (rows, wrows, n) = (30usize, 50usize, 11usize);
    let c = random_csr(&mut rng, rows, wrows, 0.3, true);
    let dy = randn(&mut rng, rows * n);
    let (lo, hi) = (7u32, 41u32);
    let mut dw = vec![0f32; (hi - lo) as usize * n];
    SCALAR.sparse_t_matmul(&c.ptr, &c.idx, Some(&c.val), &dy, n, lo, hi, &mut dw);
    let mut want = vec![0f64; dw.len()];
    let mut mag = vec![0f64; dw.len()];
    for r in 0..rows {
        for e in c.ptr[r] as usize..c.ptr[r + 1] as usize {
            let i = c.idx[e];
            if i < lo || i >= hi {
                continue;
            }
            for j in 0..n {
                let t = f64::from(c.val[e]) * f64::from(dy[r * n + j]);
                want[(i - lo) as usize * n + j] += t;
                mag[(i - lo) as usize * n + j] += t.abs();
            }
        }
    }
    for k in 0..dw.len() {
        assert!(
            (f64::from(dw[k]) - want[k]).abs() <= 1e-6 * mag[k] + 1e-30,
            "{k}: {} vs {}",
            dw[k],
            want[k]
        );
    }
}

#[test]
fn matmul_matches_scalar_bitwise() {
    let _g = simd_guard();
    let mut rng = Rng::new(15);
    for &m in &[0usize, 1, 2, 3, 5, 6, 7, 13, 100] {
        for &k in &[0usize, 1, 3, 17, 400] {
            for &n in &NS {
                if m * k * n > 2_000_000 {
                    continue;
                }
                let a = randn(&mut rng, m * k);
                let b = randn(&mut rng, k * n);
                let init = randn(&mut rng, m * n);
                dispatched_matches_scalar(&format!("matmul m={m} k={k} n={n}"), &init, |ks, out| {
                    ks.matmul(&a, &b, m, k, n, out)
                });
            }
        }
    }
}

#[test]
fn matmul_set_is_matmul_into_zeros() {
    let _g = simd_guard();
    check_matmul_set(&mut Rng::new(47));
}

#[test]
fn table_lookup_product_matches_scalar_its_order_and_the_product() {
    let _g = simd_guard();
    check_lookup(&mut Rng::new(41), &LOOKUP_SHAPES);
}

#[test]
fn batch_norm_kernels_match_scalar_bitwise() {
    let _g = simd_guard();
    check_batch_norm(&mut Rng::new(43), &BATCH_NORM_SHAPES);
}

#[test]
fn matmul_tn_matches_scalar_and_the_transposed_matmul() {
    let _g = simd_guard();
    check_matmul_tn(&mut Rng::new(31), &MATMUL_TN_SHAPES);
}

#[test]
fn matmul_scalar_matches_f64_naive() {
    let _g = simd_guard();
    let mut rng = Rng::new(16);
    let (m, k, n) = (9usize, 37usize, 21usize);
    let a = randn(&mut rng, m * k);
    let b = randn(&mut rng, k * n);
    let init = randn(&mut rng, m * n);
    let mut out = init.clone();
    SCALAR.matmul(&a, &b, m, k, n, &mut out);
    for i in 0..m {
        for j in 0..n {
            let mut s = f64::from(init[i * n + j]);
            let mut mag = s.abs();
            for p in 0..k {
                let t = f64::from(a[i * k + p]) * f64::from(b[p * n + j]);
                s += t;
                mag += t.abs();
            }
            assert!((f64::from(out[i * n + j]) - s).abs() <= 1e-6 * mag);
        }
    }
}

#[test]
fn transpose_and_broadcast_rows() {
    let _g = simd_guard();
    let mut rng = Rng::new(17);
    check_transpose(&mut rng, &[(0usize, 3usize), (3, 0), (1, 1), (5, 7), (16, 16), (33, 17), (100, 400)]);
    let bias = randn(&mut rng, 13);
    let mut out = vec![0f32; 5 * 13];
    kernels::broadcast_rows(&bias, 5, &mut out);
    for r in 0..5 {
        assert_eq!(&out[r * 13..(r + 1) * 13], &bias[..]);
    }
    kernels::broadcast_rows(&bias, 0, &mut []);
}

#[test]
fn mul_by_map_matches_scalar_bitwise() {
    let _g = simd_guard();
    let mut rng = Rng::new(18);
    for s in all_surrogates() {
        for &len in &[0usize, 1, 3, 4, 7, 8, 9, 31, 1000] {
            for scale in [0.1f32, 1.0, 10.0, 40.0] {
                let mut x: Vec<f32> = (0..len).map(|_| rng.normal() * scale).collect();
                if len >= SPECIALS.len() && scale == 1.0 {
                    x[..SPECIALS.len()].copy_from_slice(&SPECIALS);
                }
                let g0 = randn(&mut rng, len);
                let b = dispatched_matches_scalar(&format!("surrogate {s:?} len={len}"), &g0, |k, g| k.mul_by_map(&s, &x, g));
                assert!(
                    b.iter().all(|v| v.is_finite()),
                    "{s:?}: non-finite gradient"
                );
            }
        }
        // Specials alone, shifted through every lane position.
        for shift in 0..8 {
            let mut x = vec![0.3f32; shift];
            x.extend_from_slice(&SPECIALS);
            let b = dispatched_matches_scalar(&format!("surrogate specials {s:?} shift={shift}"), &vec![1.0f32; x.len()], |k, g| {
                k.mul_by_map(&s, &x, g)
            });
            for (xi, gi) in x.iter().zip(&b) {
                assert_eq!(gi.to_bits(), s.grad(*xi).to_bits());
            }
        }
    }
}

#[test]
fn adam_and_sgd_match_scalar_bitwise_over_many_steps() {
    let _g = simd_guard();
    let mut rng = Rng::new(19);
    for &len in &[0usize, 1, 5, 8, 13, 64, 1001] {
        for wd in [0.0f32, 1e-4] {
            let w0 = randn(&mut rng, len);
            let (mut w1, mut m1, mut v1) = (w0.clone(), vec![0f32; len], vec![0f32; len]);
            let (mut w2, mut m2, mut v2) = (w0.clone(), vec![0f32; len], vec![0f32; len]);
            let (mut s1, mut vel1) = (w0.clone(), vec![0f32; len]);
            let (mut s2, mut vel2) = (w0.clone(), vec![0f32; len]);
            let (b1, b2) = (0.9f32, 0.999f32);
            for t in 1..=20 {
                let mut g = randn(&mut rng, len);
                if len > 2 {
                    g[0] = 0.0;
                    g[1] = 1e-30;
                }
                let bc1 = 1.0 - b1.powi(t);
                let bc2 = 1.0 - b2.powi(t);
                kernels::adam_step(
                    &mut w1, &g, &mut m1, &mut v1, 1e-3, b1, b2, 1e-8, bc1, bc2, wd,
                );
                SCALAR.adam_step(
                    &mut w2, &g, &mut m2, &mut v2, 1e-3, b1, b2, 1e-8, bc1, bc2, wd,
                );
                kernels::sgd_step(&mut s1, &g, &mut vel1, 0.05, 0.9, wd);
                SCALAR.sgd_step(&mut s2, &g, &mut vel2, 0.05, 0.9, wd);
            }
            assert_bits_eq("adam w", &w1, &w2);
            assert_bits_eq("adam m", &m1, &m2);
            assert_bits_eq("adam v", &v1, &v2);
            assert_bits_eq("sgd w", &s1, &s2);
            assert_bits_eq("sgd vel", &vel1, &vel2);
        }
    }
}

#[test]
fn adam_scalar_matches_pytorch_formula_in_f64() {
    let _g = simd_guard();
    // One element, three steps, against the formula evaluated in f64.
    let (lr, b1, b2, eps, wd) = (1e-2f64, 0.9f64, 0.999f64, 1e-8f64, 0.01f64);
    let gs = [0.5f32, -0.25, 2.0];
    let (mut w, mut m, mut v) = ([1.5f32], [0f32], [0f32]);
    let (mut wf, mut mf, mut vf) = (1.5f64, 0f64, 0f64);
    for (t, &g) in gs.iter().enumerate() {
        let t = t as i32 + 1;
        let (bc1, bc2) = (1.0 - b1.powi(t), 1.0 - b2.powi(t));
        SCALAR.adam_step(
            &mut w,
            &[g],
            &mut m,
            &mut v,
            lr as f32,
            b1 as f32,
            b2 as f32,
            eps as f32,
            bc1 as f32,
            bc2 as f32,
            wd as f32,
        );
        let gf = f64::from(g) + wd * wf;
        mf = b1 * mf + (1.0 - b1) * gf;
        vf = b2 * vf + (1.0 - b2) * gf * gf;
        wf -= lr * (mf / bc1) / ((vf / bc2).sqrt() + eps);
    }
    assert!((f64::from(w[0]) - wf).abs() < 1e-6, "{} vs {wf}", w[0]);
    // SGD momentum, PyTorch: first step vel = g'.
    let (mut w, mut vel) = ([1.0f32], [0f32]);
    SCALAR.sgd_step(&mut w, &[0.5], &mut vel, 0.1, 0.9, 0.0);
    SCALAR.sgd_step(&mut w, &[0.5], &mut vel, 0.1, 0.9, 0.0);
    assert!((vel[0] - 0.95).abs() < 1e-7 && (w[0] - (1.0 - 0.05 - 0.095)).abs() < 1e-6);
}

#[test]
fn exp_f32_accuracy_and_range() {
    let _g = simd_guard();
    let mut worst = 0.0f64;
    let mut rng = Rng::new(20);
    for _ in 0..200_000 {
        let x = rng.range(-87.3, 88.0);
        let got = f64::from(exp_f32(x));
        let want = f64::from(x).exp();
        let rel = ((got - want) / want).abs();
        // Below 2^-126 the result is subnormal and loses relative precision by construction.
        if want > 1.2e-38 {
            worst = worst.max(rel);
        }
    }
    eprintln!("exp_f32 worst relative error: {worst:e}");
    assert!(worst < 2e-7, "exp_f32 worst relative error {worst:e}");
    assert_eq!(exp_f32(-88.0), 0.0);
    assert!(exp_f32(88.5).is_finite() && exp_f32(f32::MAX).is_finite());
    assert_eq!(exp_f32(f32::NEG_INFINITY), 0.0);
}

#[test]
#[should_panic]
fn sparse_matmul_rejects_out_of_range_index() {
    let w = vec![0f32; 4 * 3];
    let mut out = vec![0f32; 3];
    kernels::sparse_matmul(&[0, 1], &[4], None, &w, 3, &mut out);
}

#[test]
#[should_panic]
fn matmul_rejects_bad_shapes() {
    let mut out = vec![0f32; 4];
    kernels::matmul(&[0.0; 6], &[0.0; 6], 2, 3, 3, &mut out);
}

include!("cases/fingerprint.rs");

/// Computed natively (x86_64, AVX2 and forced-scalar give the same value); wasm must agree.
const FINGERPRINT: u64 = 0x78a3_d4d8_719e_f25c;

#[test]
fn kernel_pipeline_fingerprint_is_the_same_on_every_platform() {
    let _g = DISPATCH.write().unwrap_or_else(|e| e.into_inner());
    kernels::set_force_scalar(true);
    let hs = kernel_fingerprint();
    kernels::set_force_scalar(false);
    assert_eq!(
        hs, FINGERPRINT,
        "forced-scalar fingerprint {hs:#018x} differs"
    );
    let h = kernel_fingerprint();
    assert_eq!(
        h, FINGERPRINT,
        "kernel fingerprint {h:#018x} differs from the reference {FINGERPRINT:#018x}"
    );
}
