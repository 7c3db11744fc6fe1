// Shared kernel test cases, included by kernels_wasm.rs (Node) and kernels_browser.rs (Chromium).

use s3nn::kernels::{self, math::exp_f32, Kernels};

/// The reference every dispatched kernel is compared with, bit for bit.
const SCALAR: Kernels = Kernels::SCALAR;
use s3nn::rng::Rng;
use s3nn::surrogate::Surrogate;
use wasm_bindgen_test::*;

include!("kernel_checks.rs");
include!("surrogates.rs");
include!("exp_sweep.rs");

fn random_csr(
    rng: &mut Rng,
    rows: usize,
    cols: usize,
    density: f32,
) -> (Vec<u32>, Vec<u32>, Vec<f32>) {
    let (mut ptr, mut idx, mut val) = (vec![0u32], Vec::new(), Vec::new());
    for _ in 0..rows {
        for c in 0..cols {
            if rng.uniform() < density {
                idx.push(c as u32);
                val.push(rng.normal());
            }
        }
        ptr.push(idx.len() as u32);
    }
    (ptr, idx, val)
}

const NS: [usize; 11] = [1, 3, 4, 5, 8, 9, 15, 32, 33, 37, 100];

#[wasm_bindgen_test]
fn isa_is_simd128() {
    assert_eq!(kernels::active_isa(), "simd128");
}

#[wasm_bindgen_test]
fn sparse_kernels_match_scalar_bitwise() {
    let mut rng = Rng::new(21);
    for &n in &NS {
        for &(rows, wrows) in &[(0usize, 3usize), (1, 1), (9, 20), (30, 60)] {
            for &density in &[0.0f32, 0.05, 0.3, 0.6] {
                let (ptr, idx, val) = random_csr(&mut rng, rows, wrows, density);
                let w = randn(&mut rng, wrows * n);
                let dy = randn(&mut rng, rows * n);
                for with_val in [false, true] {
                    let v = with_val.then_some(&val[..]);
                    let init = randn(&mut rng, rows * n);
                    dispatched_matches_scalar("sparse_matmul", &init, |k, out| k.sparse_matmul(&ptr, &idx, v, &w, n, out));
                    let init = randn(&mut rng, wrows * n);
                    let lo = (wrows / 4) as u32;
                    let span = (wrows as u32 - lo) as usize;
                    dispatched_matches_scalar("sparse_t_matmul", &init, |k, out| {
                        k.sparse_t_matmul(&ptr, &idx, v, &dy, n, lo, wrows as u32, &mut out[..span * n])
                    });
                }
            }
        }
    }
}

#[wasm_bindgen_test]
fn matmul_matches_scalar_bitwise() {
    let mut rng = Rng::new(22);
    for &m in &[0usize, 1, 3, 4, 5, 9] {
        for &k in &[0usize, 1, 7, 64] {
            for &n in &NS {
                let a = randn(&mut rng, m * k);
                let b = randn(&mut rng, k * n);
                let init = randn(&mut rng, m * n);
                dispatched_matches_scalar("matmul", &init, |ks, out| ks.matmul(&a, &b, m, k, n, out));
            }
        }
    }
}

#[wasm_bindgen_test]
fn elementwise_kernels_match_scalar_bitwise() {
    let mut rng = Rng::new(23);
    for s in all_surrogates() {
        for &len in &[0usize, 1, 4, 7, 15, 301] {
            let mut x: Vec<f32> = (0..len).map(|_| rng.normal() * 5.0).collect();
            // the specials where they fit, at the start (every lane position of the first vectors)
            let k = len.min(SPECIALS.len());
            x[..k].copy_from_slice(&SPECIALS[..k]);
            let g = randn(&mut rng, len);
            dispatched_matches_scalar(&format!("mul_by_map {s:?} len={len}"), &g, |ks, g| ks.mul_by_map(&s, &x, g));
        }
    }
    for &len in &[0usize, 3, 4, 9, 257] {
        let w0 = randn(&mut rng, len);
        let (mut w1, mut m1, mut v1) = (w0.clone(), vec![0f32; len], vec![0f32; len]);
        let (mut w2, mut m2, mut v2) = (w0.clone(), vec![0f32; len], vec![0f32; len]);
        let (mut s1, mut vel1) = (w0.clone(), vec![0f32; len]);
        let (mut s2, mut vel2) = (w0, vec![0f32; len]);
        for t in 1..=5 {
            let g = randn(&mut rng, len);
            let (bc1, bc2) = (1.0 - 0.9f32.powi(t), 1.0 - 0.999f32.powi(t));
            kernels::adam_step(
                &mut w1, &g, &mut m1, &mut v1, 1e-3, 0.9, 0.999, 1e-8, bc1, bc2, 1e-4,
            );
            SCALAR.adam_step(
                &mut w2, &g, &mut m2, &mut v2, 1e-3, 0.9, 0.999, 1e-8, bc1, bc2, 1e-4,
            );
            kernels::sgd_step(&mut s1, &g, &mut vel1, 0.05, 0.9, 1e-4);
            SCALAR.sgd_step(&mut s2, &g, &mut vel2, 0.05, 0.9, 1e-4);
        }
        assert_bits_eq("adam", &w1, &w2);
        assert_bits_eq("sgd", &s1, &s2);
    }
}

#[wasm_bindgen_test]
fn matmul_tn_matches_scalar_and_the_transposed_matmul() {
    check_matmul_tn(&mut Rng::new(31), &MATMUL_TN_SHAPES);
}

#[wasm_bindgen_test]
fn matmul_set_is_matmul_into_zeros() {
    check_matmul_set(&mut Rng::new(47));
}

#[wasm_bindgen_test]
fn table_lookup_product_matches_scalar_its_order_and_the_product() {
    check_lookup(&mut Rng::new(41), &LOOKUP_SHAPES);
}

#[wasm_bindgen_test]
fn batch_norm_kernels_match_scalar_bitwise() {
    check_batch_norm(&mut Rng::new(43), &BATCH_NORM_SHAPES);
}

#[wasm_bindgen_test]
fn transpose_matches_scalar() {
    let mut rng = Rng::new(24);
    check_transpose(&mut rng, &[(0usize, 3usize), (1, 1), (3, 5), (4, 4), (9, 13), (16, 7), (64, 33)]);
}

#[wasm_bindgen_test]
fn exp_f32_is_accurate_in_wasm_too() {
    let worst = exp_f32_worst_sweep_error(0.0137);
    assert!(worst < 2e-7, "{worst}");
}

include!("fingerprint.rs");

/// Computed natively (x86_64, AVX2 and forced-scalar give the same value); wasm must agree.
const FINGERPRINT: u64 = 0x78a3_d4d8_719e_f25c;

#[wasm_bindgen_test]
fn kernel_pipeline_fingerprint_is_the_same_on_every_platform() {
    let h = kernel_fingerprint();
    assert_eq!(
        h, FINGERPRINT,
        "kernel fingerprint {h:#018x} differs from the reference {FINGERPRINT:#018x}"
    );
}
