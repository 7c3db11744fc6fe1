// Shared by the exp unit test (src/kernels/math.rs) and the wasm kernel tests (included, not a test
// target of its own). Needs `exp_f32` in scope.

/// The worst relative error of `exp_f32` against f64 `exp`, swept over [-87, 88) in steps of `step`.
fn exp_f32_worst_sweep_error(step: f32) -> f64 {
    let mut worst = 0.0f64;
    let mut x = -87.0f32;
    while x < 88.0 {
        let got = f64::from(exp_f32(x));
        let want = f64::from(x).exp();
        worst = worst.max(((got - want) / want).abs());
        x += step;
    }
    worst
}
