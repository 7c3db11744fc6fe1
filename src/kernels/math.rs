//! Deterministic `exp` for f32.
//!
//! The platform `expf` differs between glibc, musl, macOS and the wasm engine's `Math.exp`, and even
//! `libm::expf` cannot be vectorised lane-wise. Surrogate gradients feed straight into training, so a
//! one-ulp difference between native and browser would make the "same seed, same model" promise
//! false. This is the Cephes `expf` algorithm (Cody–Waite range reduction + degree-5 polynomial)
//! written once over [`Lanes`] with mul/add/floor/bit operations only, so every ISA runs the same
//! operation sequence and returns the same bits.
//!
//! Accuracy: relative error ≲ 2e-7 against f64 `exp` on [EXP_LO, EXP_HI] (tested).
//! Out of range: x < EXP_LO → 0.0 (true value < 2^-126, i.e. subnormal: flushing it keeps the
//! 2^n scaling a plain exponent-field construction); x > EXP_HI → exp(EXP_HI) ≈ 1.65e38, large but
//! finite so that `e / (1 + e)^2`-style expressions never produce inf/inf = NaN. NaN → NaN.

use super::lanes::{Lanes, Scalar};

/// Below this the result is flushed to 0 (≈ ln(2^-126) rounded up so that 2^n stays a normal float).
pub const EXP_LO: f32 = -87.336_54;
/// Inputs are clamped to this; chosen so the reduced exponent is at most 127 (finite result).
pub const EXP_HI: f32 = 88.0;

const LOG2E: f32 = core::f32::consts::LOG2_E;
// ln 2 split in two (Cody–Waite): C1 has few mantissa bits so n*C1 is exact for |n| ≤ 128.
#[allow(clippy::excessive_precision)] // written as the exact value 355/512
const C1: f32 = 0.693_359_375;
const C2: f32 = -2.121_944_4e-4;
const P0: f32 = 1.987_569_1e-4;
const P1: f32 = 1.398_199_9e-3;
const P2: f32 = 8.333_452e-3;
const P3: f32 = 4.166_579_6e-2;
const P4: f32 = 1.666_666_5e-1;
const P5: f32 = 0.5; // Cephes lists 5.0000001201e-1, which rounds to 0.5 in f32

/// e^x lane-wise: the one definition of the algorithm, used by every ISA (and by [`exp_f32`]).
///
/// Operation sequence (each step a single IEEE operation, no FMA):
/// 1. `c = min(x, HI)` ("x < HI ? x : HI"), `c = max(c, LO)` ("c > LO ? c : LO") — a NaN `x`
///    becomes `HI` here, so the exponent construction below never sees NaN;
/// 2. `n = floor(c * LOG2E + 0.5)`;
/// 3. `r = (c - n*C1) - n*C2`;
/// 4. `p = ((((P0 r + P1) r + P2) r + P3) r + P4) r + P5`, `y = (p * (r*r) + r) + 1`;
/// 5. `y *= 2^n` (built from the exponent field), then select 0 where x < LO and x where x is NaN.
#[inline(always)]
pub fn exp<L: Lanes>(x: L::V) -> L::V {
    let c = L::min(x, L::splat(EXP_HI));
    let c = L::max(c, L::splat(EXP_LO));
    let n = L::floor(L::add(L::mul(c, L::splat(LOG2E)), L::splat(0.5)));
    let r = L::sub(c, L::mul(n, L::splat(C1)));
    let r = L::sub(r, L::mul(n, L::splat(C2)));
    let z = L::mul(r, r);
    let mut p = L::add(L::mul(L::splat(P0), r), L::splat(P1));
    p = L::add(L::mul(p, r), L::splat(P2));
    p = L::add(L::mul(p, r), L::splat(P3));
    p = L::add(L::mul(p, r), L::splat(P4));
    p = L::add(L::mul(p, r), L::splat(P5));
    let y = L::add(L::add(L::mul(p, z), r), L::splat(1.0));
    // n ∈ [-126, 127] after clamping, so the biased exponent is in [1, 254]: a normal float.
    let y = L::mul(y, L::pow2i(n));
    let y = L::select(L::lt(x, L::splat(EXP_LO)), L::splat(0.0), y);
    L::select(L::is_nan(x), x, y)
}

/// Deterministic e^x for one float ([`exp`] at the scalar lane); see the module docs for range
/// behaviour.
#[inline]
pub fn exp_f32(x: f32) -> f32 {
    exp::<Scalar>(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    include!("../../tests/cases/exp_sweep.rs");

    #[test]
    fn exp_matches_f64_and_edges() {
        let worst = exp_f32_worst_sweep_error(0.001_37);
        assert!(worst < 2e-7, "worst relative error {worst}");
        assert_eq!(exp_f32(0.0), 1.0);
        assert_eq!(exp_f32(-1000.0), 0.0);
        assert_eq!(exp_f32(f32::NEG_INFINITY), 0.0);
        assert!(exp_f32(1000.0).is_finite() && exp_f32(1000.0) > 1e38);
        assert!(exp_f32(f32::INFINITY).is_finite());
        assert!(exp_f32(f32::NAN).is_nan());
    }
}
