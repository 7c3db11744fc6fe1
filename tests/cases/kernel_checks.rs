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
fn dispatched_matches_scalar(what: &str, init: &[f32], call: impl Fn(Kernels, &mut [f32])) -> Vec<f32> {
    let (mut a, mut b) = (init.to_vec(), init.to_vec());
    call(Kernels::active(), &mut a);
    call(SCALAR, &mut b);
    assert_bits_eq(what, &a, &b);
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
    }
}
