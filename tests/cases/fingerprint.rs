// Shared by the native and wasm kernel tests (included, not a test target of its own).

/// A fixed pipeline of every kernel on seeded data, hashed (FNV-1a over the f32 bits). Included by
/// tests/kernels.rs (native) and tests/cases/kernels_wasm.rs (Node, Chromium); all assert one constant:
/// this is the cross-platform half of the invariant (native AVX2/scalar == wasm simd128).
fn kernel_fingerprint() -> u64 {
    let mut rng = Rng::new(2024);
    let (b, n0, n1, n2) = (13usize, 37usize, 29usize, 11usize);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |xs: &[f32]| {
        for x in xs {
            for byte in x.to_bits().to_le_bytes() {
                h ^= u64::from(byte);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
    };
    let (mut ptr, mut idx, mut val) = (vec![0u32], Vec::new(), Vec::new());
    for _ in 0..b {
        for c in 0..n0 {
            if rng.uniform() < 0.3 {
                idx.push(c as u32);
                val.push(rng.uniform());
            }
        }
        ptr.push(idx.len() as u32);
    }
    let w1: Vec<f32> = (0..n0 * n1).map(|_| rng.normal() * 0.3).collect();
    let bias: Vec<f32> = (0..n1).map(|_| rng.normal() * 0.1).collect();
    let mut u = vec![0f32; b * n1];
    kernels::broadcast_rows(&bias, b, &mut u);
    kernels::sparse_matmul(&ptr, &idx, Some(&val), &w1, n1, &mut u);
    eat(&u);
    let mut g = vec![1f32; b * n1];
    for s in [
        Surrogate::default(),
        Surrogate::Sigmoid { alpha: 3.0 },
        Surrogate::Atan { alpha: 2.0 },
        Surrogate::FastSigmoid { slope: 25.0 },
        Surrogate::Rect { width: 0.7 },
    ] {
        kernels::mul_by_map(&s, &u, &mut g);
        eat(&g);
    }
    // spikes of layer 1 as CSR → layer 2
    let (mut sp, mut si) = (vec![0u32], Vec::new());
    for r in 0..b {
        for j in 0..n1 {
            if u[r * n1 + j] >= 0.0 {
                si.push(j as u32);
            }
        }
        sp.push(si.len() as u32);
    }
    let w2: Vec<f32> = (0..n1 * n2).map(|_| rng.normal() * 0.3).collect();
    let mut y = vec![0f32; b * n2];
    kernels::sparse_matmul(&sp, &si, None, &w2, n2, &mut y);
    eat(&y);
    let mut w2t = vec![0f32; n1 * n2];
    kernels::transpose(&w2, n1, n2, &mut w2t);
    let mut dh = vec![0f32; b * n1];
    kernels::matmul(&y, &w2t, b, n2, n1, &mut dh);
    eat(&dh);
    let mut dw2 = vec![0f32; n1 * n2];
    kernels::sparse_t_matmul(&sp, &si, None, &y, n2, 0, n1 as u32, &mut dw2);
    eat(&dw2);
    let mut dw1 = vec![0f32; n0 * n1];
    kernels::sparse_t_matmul(&ptr, &idx, Some(&val), &dh, n1, 0, n0 as u32, &mut dw1);
    eat(&dw1);
    let (mut w, mut m, mut v) = (w1.clone(), vec![0f32; w1.len()], vec![0f32; w1.len()]);
    let mut vel = vec![0f32; w1.len()];
    let mut ws = w1.clone();
    for t in 1..=3 {
        let (bc1, bc2) = (
            1.0 - libm::powf(0.9, t as f32),
            1.0 - libm::powf(0.999, t as f32),
        );
        kernels::adam_step(
            &mut w, &dw1, &mut m, &mut v, 1e-3, 0.9, 0.999, 1e-8, bc1, bc2, 1e-4,
        );
        kernels::sgd_step(&mut ws, &dw1, &mut vel, 0.01, 0.9, 1e-4);
    }
    eat(&w);
    eat(&ws);
    let xs: Vec<f32> = (0..200).map(|i| (i as f32 - 100.0) * 0.97).collect();
    eat(&xs.iter().map(|&x| exp_f32(x)).collect::<Vec<_>>());
    h
}
