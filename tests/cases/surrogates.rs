// Shared by the surrogate unit tests (src/surrogate.rs) and the native and wasm kernel tests
// (included, not a test target of its own): the surrogates and the special inputs they are tested
// at. Needs `Surrogate` in scope.

/// Every surrogate of the catalog at its defaults, plus other parameter values: a surrogate added
/// to the catalog is tested with no test edit.
fn all_surrogates() -> Vec<Surrogate> {
    let mut v: Vec<Surrogate> = Surrogate::catalog().iter().map(|i| Surrogate::from_params(i.name, &[]).unwrap()).collect();
    v.extend([
        Surrogate::S3nn { alpha: 2.5, beta: 0.3 },
        Surrogate::Sigmoid { alpha: 0.7 },
        Surrogate::Sigmoid { alpha: 10.0 },
        Surrogate::Rect { width: 0.25 },
        Surrogate::Rect { width: 0.3 },
        Surrogate::FastSigmoid { slope: 1.0 },
    ]);
    v
}

/// Surrogate inputs where the formulas (and their lane forms) could go wrong: signed zeros, small
/// and large magnitudes, the edges of exp's range, infinities and subnormals.
const SPECIALS: [f32; 26] = [
    -1.0,
    0.0,
    -0.0,
    1e-3,
    -1e-3,
    0.5,
    -0.5,
    0.125,
    -0.125,
    30.0,
    -30.0,
    -22.0,
    -87.0,
    -87.4,
    -88.5,
    88.5,
    1e4,
    -1e4,
    1e30,
    -1e30,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::MIN_POSITIVE,
    -f32::MIN_POSITIVE,
    1e-40,
    -1e-40,
];
