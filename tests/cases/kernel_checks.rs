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
