// Shared by the native and wasm kernel tests (included, not a test target of its own): the bit
// comparison, the seeded inputs and the transpose check both use. Needs `Kernels`, `SCALAR` and `Rng`
// in scope.

/// Asserts that the dispatched kernel's output holds exactly the bits of the scalar reference's.
fn assert_bits_eq(what: &str, dispatched: &[f32], reference: &[f32]) {
    assert_eq!(dispatched.len(), reference.len(), "{what}: length");
    for (i, (a, b)) in dispatched.iter().zip(reference).enumerate() {
        assert!(
            a.to_bits() == b.to_bits(),
            "{what}: element {i}: dispatched {a:e} ({:#010x}) vs scalar {b:e} ({:#010x})",
            a.to_bits(),
            b.to_bits()
        );
    }
}

fn randn(rng: &mut Rng, len: usize) -> Vec<f32> {
    (0..len).map(|_| rng.normal()).collect()
}

/// Runs one kernel call on the dispatched kernels and on the scalar reference, each into its own
/// copy of `init`, asserts both outputs have the same bits and returns the reference's.
/// Every ISA the machine runs is checked, not only the dispatched one (an AVX-512 machine also
/// checks AVX2).
fn dispatched_matches_scalar(what: &str, init: &[f32], call: impl Fn(Kernels, &mut [f32])) -> Vec<f32> {
    let mut b = init.to_vec();
    call(SCALAR, &mut b);
    for k in Kernels::available() {
        let mut a = init.to_vec();
        call(k, &mut a);
        assert_bits_eq(&format!("{what} [{}]", k.isa()), &a, &b);
    }
    b
}

/// Transposes a seeded `r×c` matrix of every shape: the dispatched kernel must give the scalar
/// reference's bits, and the reference must be the transpose.
fn check_transpose(rng: &mut Rng, shapes: &[(usize, usize)]) {
    for &(r, c) in shapes {
        let src = randn(rng, r * c);
        let t = dispatched_matches_scalar("transpose", &vec![0f32; r * c], |k, out| k.transpose(&src, r, c, out));
        for i in 0..r {
            for j in 0..c {
                assert_eq!(t[j * r + i].to_bits(), src[i * c + j].to_bits());
            }
        }
        // Column blocks (how threads make one transpose in parts): each is its rows of `t`.
        if r == 0 {
            continue;
        }
        for (c0, m) in [(0, c), (0, c / 2), (c / 3, c - c / 3), (c / 2, (c + 1) / 4), (c, 0)] {
            let what = format!("transpose_cols {r}×{c} columns {c0}..{}", c0 + m);
            let part = dispatched_matches_scalar(&what, &vec![0f32; m * r], |k, out| k.transpose_cols(&src, r, c, c0, out));
            assert_eq!(part, t[c0 * r..(c0 + m) * r], "{what}");
        }
    }
}

/// `matmul_tn` (out += aᵀ·b with a stored `[k × lda]`) over odd shapes and column offsets: the
/// dispatched kernel must give the scalar reference's bits, and the reference must be the plain
/// `matmul` of the explicitly transposed `a` (same per-element order, so the same bits too).
fn check_matmul_tn(rng: &mut Rng, shapes: &[(usize, usize, usize, usize)]) {
    for &(m, k, n, extra) in shapes {
        let lda = m + extra;
        for p0 in [0, extra] {
            let a = randn(rng, k * lda);
            let b = randn(rng, k * n);
            let init = randn(rng, m * n);
            let what = format!("matmul_tn m={m} k={k} n={n} lda={lda} p0={p0}");
            let got = dispatched_matches_scalar(&what, &init, |ks, out| ks.matmul_tn(&a[p0.min(a.len())..], lda, &b, m, k, n, out));
            // aᵀ restricted to columns [p0, p0 + m), made explicitly: [m × k].
            let mut at = vec![0f32; m * k];
            for p in 0..k {
                for i in 0..m {
                    at[i * k + p] = a[p * lda + p0 + i];
                }
            }
            let mut want = init.clone();
            SCALAR.matmul(&at, &b, m, k, n, &mut want);
            assert_bits_eq(&format!("{what} vs matmul of the transpose"), &got, &want);
        }
    }
}

/// Shapes for [`check_matmul_tn`]: (m, k, n, lda − m), covering the 6/4/2/1-row blocks, vector
/// and scalar column tails, and a science-CNN weight gradient block.
const MATMUL_TN_SHAPES: [(usize, usize, usize, usize); 9] =
    [(1, 1, 1, 0), (5, 7, 3, 2), (6, 17, 8, 0), (7, 33, 16, 5), (13, 1, 17, 0), (9, 64, 33, 3), (2, 3, 40, 1), (288, 256, 32, 0), (0, 3, 4, 1)];

/// Shapes for [`check_lookup`]: (source rows k, columns n, extra row length of the source, rows
/// of the product m) — partial last groups, every panel width and tail, a science-CNN patch.
const LOOKUP_SHAPES: [(usize, usize, usize, usize); 11] =
    [(1, 1, 0, 1), (3, 5, 2, 3), (4, 8, 0, 7), (9, 17, 1, 5), (16, 32, 0, 9), (33, 64, 3, 4), (288, 32, 0, 13), (13, 100, 0, 2), (6, 48, 0, 11), (7, 0, 0, 3), (5, 3, 0, 0)];

/// The table product of a binary matrix (`kernels/lut.rs`): `subset_tables` and `lookup_rows`
/// must give the scalar reference's bits on every ISA, the reference must follow the documented
/// order exactly (a subset sum from its lowest row up; `out + 0`, then the groups in order,
/// pattern 0 skipped), adding pattern 0's +0 instead of skipping it must change no bit (−0
/// starting values included), and the result must be the product of the binary matrix, within
/// rounding.
fn check_lookup(rng: &mut Rng, shapes: &[(usize, usize, usize, usize)]) {
    for &(k, n, extra, m) in shapes {
        let ld = n + extra;
        let groups = k.div_ceil(4);
        let src = randn(rng, k * ld);
        let what = format!("subset_tables k={k} n={n} ld={ld}");
        let tables = dispatched_matches_scalar(&what, &vec![f32::NAN; groups * 16 * n], |ks, t| ks.subset_tables(&src, ld, k, n, t));
        for g in 0..groups {
            for s in 1..16usize {
                if (0..4).any(|b| s >> b & 1 == 1 && 4 * g + b >= k) {
                    continue; // picks a row past the end: never read
                }
                for j in 0..n {
                    let mut sum: Option<f32> = None;
                    for b in (0..4).filter(|b| s >> b & 1 == 1) {
                        let v = src[(4 * g + b) * ld + j];
                        sum = Some(sum.map_or(v, |a| a + v));
                    }
                    assert_eq!(tables[(g * 16 + s) * n + j].to_bits(), sum.unwrap().to_bits(), "{what}: group {g} pattern {s} column {j}");
                }
            }
        }
        for group_major in [false, true] {
            // Valid patterns in the low bits (none past row k), noise in the high ones.
            let valid = |g: usize| (0..4).filter(|b| 4 * g + b < k).fold(0u8, |v, b| v | 1 << b);
            let (row_step, group_step) = if group_major { (1, m) } else { (groups, 1) };
            let mut pat = vec![0u8; m * groups];
            for r in 0..m {
                for g in 0..groups {
                    let ones = match rng.below(4) {
                        0 => 0,
                        1 => 0xF,
                        _ => rng.below(16) as u8,
                    };
                    pat[r * row_step + g * group_step] = (rng.below(16) as u8) << 4 | (ones & valid(g));
                }
            }
            let out_ld = n + 2;
            // Some starting values −0, the one case where adding +0 is not the identity.
            let init: Vec<f32> = randn(rng, m * out_ld).into_iter().map(|v| if v < -1.5 { -0.0 } else { v }).collect();
            let what = format!("lookup_rows k={k} n={n} m={m} group_major={group_major}");
            let got = dispatched_matches_scalar(&what, &init, |ks, out| ks.lookup_rows(&pat, row_step, group_step, groups, m, &tables, n, out, out_ld, true));
            let dense = dispatched_matches_scalar(&format!("{what} without skipping"), &init, |ks, out| ks.lookup_rows(&pat, row_step, group_step, groups, m, &tables, n, out, out_ld, false));
            assert_bits_eq(&format!("{what}: skipping empty groups or adding them"), &dense, &got);
            for r in 0..m {
                for j in 0..out_ld {
                    let at = r * out_ld + j;
                    if j >= n {
                        assert_eq!(got[at].to_bits(), init[at].to_bits(), "{what}: column {j} past n was written");
                        continue;
                    }
                    let (mut want, mut exact, mut scale) = (init[at] + 0.0, f64::from(init[at]), init[at].abs() as f64);
                    for g in 0..groups {
                        let s = (pat[r * row_step + g * group_step] & 15) as usize;
                        if s != 0 {
                            want += tables[(g * 16 + s) * n + j];
                        }
                        for b in (0..4).filter(|b| s >> b & 1 == 1) {
                            let v = f64::from(src[(4 * g + b) * ld + j]);
                            exact += v;
                            scale += v.abs();
                        }
                    }
                    assert_eq!(got[at].to_bits(), want.to_bits(), "{what}: row {r} column {j}: not the documented order");
                    assert!((f64::from(got[at]) - exact).abs() <= 1e-5 * (scale + 1.0), "{what}: row {r} column {j}: {} vs the product {exact}", got[at]);
                }
            }
        }
    }
}

/// Shapes for [`check_batch_norm`]: (rows, channels, first channel, channels summed).
const BATCH_NORM_SHAPES: [(usize, usize, usize, usize); 6] = [(2, 1, 0, 1), (7, 5, 1, 3), (33, 16, 0, 16), (100, 32, 8, 16), (9, 64, 0, 64), (3, 19, 18, 1)];

/// The batch-norm kernels (`kernels/norm.rs`) give the scalar reference's bits on every ISA, and
/// the statistics are the mean and the summed squared deviation of each channel.
fn check_batch_norm(rng: &mut Rng, shapes: &[(usize, usize, usize, usize)]) {
    let same64 = |what: &str, a: &[f64], b: &[f64]| {
        assert!(a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()), "{what}: {a:?} vs {b:?}");
    };
    for &(rows, c, j0, m) in shapes {
        let x = randn(rng, rows * c);
        let what = format!("batch norm rows={rows} c={c} channels {j0}..{}", j0 + m);
        let (mut mean, mut var) = (vec![f64::NAN; m], vec![f64::NAN; m]);
        SCALAR.bn_statistics(&x, c, j0, &mut mean, &mut var);
        for jj in 0..m {
            let col: Vec<f64> = (0..rows).map(|r| f64::from(x[r * c + j0 + jj])).collect();
            let mu = col.iter().sum::<f64>() / rows as f64;
            let ss: f64 = col.iter().map(|v| (v - mu) * (v - mu)).sum();
            assert!((mean[jj] - mu).abs() < 1e-12 && (var[jj] - ss).abs() < 1e-9 * (ss + 1.0), "{what}: channel {jj}");
        }
        let (mut sg, mut sgx) = (vec![f64::NAN; m], vec![f64::NAN; m]);
        let g = randn(rng, rows * c);
        SCALAR.bn_grad_sums(&g, &x, c, j0, &mut sg, &mut sgx);
        for ks in Kernels::available() {
            let (mut mk, mut vk) = (vec![f64::NAN; m], vec![f64::NAN; m]);
            ks.bn_statistics(&x, c, j0, &mut mk, &mut vk);
            same64(&format!("{what}: mean [{}]", ks.isa()), &mk, &mean);
            same64(&format!("{what}: squares [{}]", ks.isa()), &vk, &var);
            let (mut a, mut b) = (vec![f64::NAN; m], vec![f64::NAN; m]);
            ks.bn_grad_sums(&g, &x, c, j0, &mut a, &mut b);
            same64(&format!("{what}: Σg [{}]", ks.isa()), &a, &sg);
            same64(&format!("{what}: Σg·x̂ [{}]", ks.isa()), &b, &sgx);
        }
        let per_channel = |rng: &mut Rng| -> Vec<f32> { (0..c).map(|_| rng.range(0.5, 2.0)).collect() };
        let (inv_std, gamma, beta) = (per_channel(rng), per_channel(rng), per_channel(rng));
        let mean_c: Vec<f64> = (0..c).map(|_| f64::from(rng.normal())).collect();
        let sums: Vec<f64> = (0..c).map(|_| f64::from(rng.normal())).collect();
        let (mut u_ref, mut xhat_ref) = (x.clone(), vec![f32::NAN; rows * c]);
        SCALAR.bn_normalize(&mut u_ref, &mut xhat_ref, &mean_c, &inv_std, &gamma, &beta);
        assert!(u_ref.iter().chain(&xhat_ref).all(|v| v.is_finite()), "{what}: normalize wrote everything");
        for ks in Kernels::available() {
            let (mut u, mut xhat) = (x.clone(), vec![f32::NAN; rows * c]);
            ks.bn_normalize(&mut u, &mut xhat, &mean_c, &inv_std, &gamma, &beta);
            assert_bits_eq(&format!("{what}: normalized [{}]", ks.isa()), &u, &u_ref);
            assert_bits_eq(&format!("{what}: x̂ [{}]", ks.isa()), &xhat, &xhat_ref);
        }
        dispatched_matches_scalar(&format!("{what}: input gradient"), &g, |ks, g| ks.bn_input_grad(g, &x, &gamma, &inv_std, &sums, &mean_c, 1.0 / rows as f32));
    }
}

/// `matmul_set` is `matmul` into zeros, bit for bit, on every ISA, whatever `out` held before.
fn check_matmul_set(rng: &mut Rng) {
    for &(m, k, n) in &[(1usize, 1usize, 1usize), (7, 32, 288), (6, 64, 576), (13, 3, 17), (2, 0, 5), (5, 9, 33)] {
        let a = randn(rng, m * k);
        let b = randn(rng, k * n);
        let mut want = vec![0.0f32; m * n];
        SCALAR.matmul(&a, &b, m, k, n, &mut want);
        let what = format!("matmul_set m={m} k={k} n={n}");
        let got = dispatched_matches_scalar(&what, &vec![f32::NAN; m * n], |ks, out| ks.matmul_set(&a, &b, m, k, n, out));
        assert_bits_eq(&format!("{what} vs matmul into zeros"), &got, &want);
    }
}
