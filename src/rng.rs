//! Seeded random numbers that are bit-identical on every target.
//!
//! PCG32 (from `rand_pcg`) gives the raw stream; everything built on it here uses only integer
//! ops, IEEE-exact float ops and `libm` (never the platform's libm), so a seed means the same
//! weights, shuffles and toy data natively and in wasm.

use rand_core::{Rng as _, SeedableRng};
use rand_pcg::Pcg32;

/// The project's one random source.
#[derive(Clone, Debug)]
pub struct Rng {
    inner: Pcg32,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self { inner: Pcg32::seed_from_u64(seed) }
    }

    /// A child stream: same parent seed and `stream` id always give the same child.
    pub fn fork(&mut self, stream: u64) -> Self {
        let s = (u64::from(self.next_u32()) << 32 | u64::from(self.next_u32())) ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Self::new(s)
    }

    pub fn next_u32(&mut self) -> u32 {
        self.inner.next_u32()
    }

    /// Uniform in [0, 1) with 24 random bits (exactly representable in f32).
    pub fn uniform(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f32, hi: f32) -> f32 {
        lo + (hi - lo) * self.uniform()
    }

    /// Standard normal by Box–Muller, computed in f64 with `libm` so every target agrees.
    pub fn normal(&mut self) -> f32 {
        let u1 = (f64::from(self.next_u32()) + 1.0) / 4_294_967_296.0; // (0, 1]
        let u2 = f64::from(self.next_u32()) / 4_294_967_296.0;
        (libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(core::f64::consts::TAU * u2)) as f32
    }

    /// Uniform integer in [0, n) without modulo bias (Lemire's method); `n` must be > 0.
    pub fn below(&mut self, n: u32) -> u32 {
        debug_assert!(n > 0);
        let mut m = u64::from(self.next_u32()) * u64::from(n);
        if (m as u32) < n {
            let t = n.wrapping_neg() % n;
            while (m as u32) < t {
                m = u64::from(self.next_u32()) * u64::from(n);
            }
        }
        (m >> 32) as u32
    }

    /// Fisher–Yates shuffle.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below((i + 1) as u32) as usize;
            v.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_different_seed_differs() {
        let a: Vec<u32> = (0..8).map({ let mut r = Rng::new(7); move |_| r.next_u32() }).collect();
        let b: Vec<u32> = (0..8).map({ let mut r = Rng::new(7); move |_| r.next_u32() }).collect();
        let c: Vec<u32> = (0..8).map({ let mut r = Rng::new(8); move |_| r.next_u32() }).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = Rng::new(1);
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            seen[r.below(7) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| (800..1200).contains(&c)), "{seen:?}");
    }

    #[test]
    fn uniform_and_normal_have_the_right_moments() {
        let mut r = Rng::new(3);
        let n = 20_000;
        let (mut su, mut sn, mut sn2) = (0.0f64, 0.0f64, 0.0f64);
        for _ in 0..n {
            let u = r.uniform();
            assert!((0.0..1.0).contains(&u));
            su += f64::from(u);
            let z = f64::from(r.normal());
            sn += z;
            sn2 += z * z;
        }
        assert!((su / n as f64 - 0.5).abs() < 0.01);
        assert!((sn / n as f64).abs() < 0.03);
        assert!((sn2 / n as f64 - 1.0).abs() < 0.05);
    }
}
