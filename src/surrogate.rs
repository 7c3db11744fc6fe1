//! Surrogate gradients for the Heaviside spike `s = H(x)`, `x = u − θ`.
//!
//! The forward pass always spikes with the exact step; only the backward pass uses `grad(x)` in place
//! of the Dirac delta. `primitive(x)` is the smooth function whose derivative is `grad(x)` — it exists
//! so the UI can plot "what the network pretends the step looks like".
//!
//! Each surrogate is written in one place here: its enum variant, its row of the metadata table
//! ([`Surrogate::catalog`]: names, parameters with defaults and slider ranges, formula), and its
//! gradient formula once over [`Lanes`] ([`LaneMap::map`]) — which is what the SIMD kernel
//! [`crate::kernels::mul_by_map`] runs on every ISA, and, at the scalar lane, what [`Surrogate::grad`] is.
//! Names, defaults, validation and the names list are all derived from the table.

use crate::error::{Result, S3nnError};
use crate::kernels::math::{exp, exp_f32};
use crate::kernels::{LaneMap, Lanes};

#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Surrogate {
    /// S³NN: `α σ(αx)(1−σ(αx))` below threshold, `β/(x+1)` at and above it.
    S3nn { alpha: f32, beta: f32 },
    /// Sigmoid derivative on both sides: `α σ(αx)(1−σ(αx))`.
    Sigmoid { alpha: f32 },
    /// Rectangular / straight-through window: `1/w` for `|x| < w/2`, else 0.
    Rect { width: f32 },
    /// Arctan: `α / (2(1 + (παx/2)²))`.
    Atan { alpha: f32 },
    /// Fast sigmoid / SuperSpike: `1/(1 + k|x|)²`.
    FastSigmoid { slope: f32 },
    /// snnTorch's `surrogate.triangular`, as snnTorch computes it: `+h` below threshold, `−h` at
    /// and above it — the slopes of the tent `½ − h|x|`, so firing neurons get a negative gradient.
    Triangular { scale: f32 },
}

/// One parameter of a surrogate. `min/max/step` are the UI slider's range, not a validity range:
/// any positive finite value is accepted.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParamInfo {
    /// The field name in the serde form and in `params()` order ("alpha", "beta", "width", "slope").
    pub name: &'static str,
    /// The symbol used in the formula.
    pub symbol: &'static str,
    pub default: f32,
    pub min: f32,
    pub max: f32,
    pub step: f32,
    /// What the parameter does, in one line.
    pub meaning: &'static str,
}

/// One surrogate of the catalog.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SurrogateInfo {
    /// The serde `kind` tag and canonical name ("s3nn", "sigmoid", "rect", "atan", "fastSigmoid").
    pub name: &'static str,
    /// Human-readable name.
    pub label: &'static str,
    /// The gradient g′(x) in plain text.
    pub formula: &'static str,
    /// Parameters, in the order of [`Surrogate::params`] and [`Surrogate::from_params`].
    pub params: &'static [ParamInfo],
}

/// Steepness α of a sigmoid bump (S³NN's negative side and the sigmoid surrogate share it).
const SIGMOID_ALPHA: ParamInfo = ParamInfo {
    name: "alpha",
    symbol: "α",
    default: 4.0,
    min: 0.5,
    max: 16.0,
    step: 0.1,
    meaning: "steepness: the bump α σ(αx)(1−σ(αx)) peaks at α/4 and narrows as α grows",
};

/// The table every name, default and slider range comes from.
const CATALOG: &[SurrogateInfo] = &[
    SurrogateInfo {
        name: "s3nn",
        label: "S³NN",
        formula: "g′(x) = α σ(αx)(1−σ(αx)) for x < 0, β/(x+1) for x ≥ 0",
        params: &[
            SIGMOID_ALPHA,
            ParamInfo {
                name: "beta",
                symbol: "β",
                default: 1.0,
                min: 0.1,
                max: 4.0,
                step: 0.05,
                meaning: "height of the slowly decaying β/(x+1) tail at and above threshold (β at x = 0)",
            },
        ],
    },
    SurrogateInfo {
        name: "sigmoid",
        label: "Sigmoid",
        formula: "g′(x) = α σ(αx)(1−σ(αx))",
        params: &[SIGMOID_ALPHA],
    },
    SurrogateInfo {
        name: "rect",
        label: "Rectangular (STE)",
        formula: "g′(x) = 1/w for |x| < w/2, else 0",
        params: &[ParamInfo {
            name: "width",
            symbol: "w",
            default: 1.0,
            min: 0.1,
            max: 4.0,
            step: 0.05,
            meaning: "width of the window around threshold that passes gradient 1/w",
        }],
    },
    SurrogateInfo {
        name: "atan",
        label: "Arctan",
        formula: "g′(x) = α / (2(1 + (παx/2)²))",
        params: &[ParamInfo {
            name: "alpha",
            symbol: "α",
            default: 2.0,
            min: 0.2,
            max: 10.0,
            step: 0.1,
            meaning: "peak height α/2 at threshold; the peak also narrows as α grows",
        }],
    },
    SurrogateInfo {
        name: "fastSigmoid",
        label: "Fast sigmoid (SuperSpike)",
        formula: "g′(x) = 1/(1 + k|x|)²",
        params: &[ParamInfo {
            name: "slope",
            symbol: "k",
            default: 25.0,
            min: 1.0,
            max: 100.0,
            step: 1.0,
            meaning: "how fast the gradient falls off away from threshold (1 at x = 0)",
        }],
    },
    SurrogateInfo {
        name: "triangular",
        label: "Triangular (snnTorch)",
        formula: "g′(x) = h for x < 0, −h for x ≥ 0 (snnTorch's surrogate.triangular)",
        params: &[ParamInfo {
            name: "scale",
            symbol: "h",
            default: 1.0,
            min: 0.1,
            max: 4.0,
            step: 0.05,
            meaning: "snnTorch's `threshold` argument: the gradient's size, +h below threshold and −h at and above it",
        }],
    },
];

/// Other accepted spellings: "s2nn" is the paper's v1 name.
const ALIASES: [(&str, &str); 1] = [("s2nn", "s3nn")];

/// Names accepted by [`Surrogate::from_name`], in display order (the catalog's names).
pub const NAMES: [&str; CATALOG.len()] = {
    let mut names = [""; CATALOG.len()];
    let mut i = 0;
    while i < CATALOG.len() {
        names[i] = CATALOG[i].name;
        i += 1;
    }
    names
};

impl Default for Surrogate {
    fn default() -> Self {
        Surrogate::default_for("s3nn").expect("s3nn is in the catalog")
    }
}

/// `α σ(z)(1−σ(z))` given `z = ±α|x|`-style argument `z ≤ 0` (or any z: exp is clamped).
///
/// Written as `α e / (1+e)²` with `e = exp(z)`: for z ≤ 0, e ∈ [0, 1], so nothing can overflow.
/// (The `k e^(−kx)/(e^(−kx)+1)²` form evaluated for large negative x is inf/inf = NaN — the failure
/// mode described in the reference notes.) Operation order: e, t = 1+e, (α·e) / (t·t).
#[inline(always)]
fn sig_bump<L: Lanes>(alpha: L::V, z: L::V) -> L::V {
    let e = exp::<L>(z);
    let t = L::add(L::splat(1.0), e);
    L::div(L::mul(alpha, e), L::mul(t, t))
}

/// Overflow-safe logistic σ(z) (for primitives only).
fn sigmoid(z: f32) -> f32 {
    if z < 0.0 {
        let e = exp_f32(z);
        e / (1.0 + e)
    } else {
        1.0 / (1.0 + exp_f32(-z))
    }
}

/// The gradient formulas, each written once: `kernels::mul_by_map` runs them on vectors, and
/// [`Surrogate::grad`] is the same code at the scalar lane. Finite for every non-NaN x (including
/// ±inf and x = −1).
impl LaneMap for Surrogate {
    #[inline(always)]
    fn map<L: Lanes>(&self, x: L::V) -> L::V {
        let one = L::splat(1.0);
        match *self {
            Surrogate::S3nn { alpha, beta } => {
                // Both sides computed, then selected: the x < 0 lanes of β/(x+1) may be inf (at
                // x = −1) but are discarded, so they never reach the output.
                let a = L::splat(alpha);
                let pos = L::div(L::splat(beta), L::add(x, one));
                let neg = sig_bump::<L>(a, L::mul(a, x));
                L::select(L::ge(x, L::splat(0.0)), pos, neg)
            }
            Surrogate::Sigmoid { alpha } => {
                let a = L::splat(alpha);
                sig_bump::<L>(a, L::neg(L::mul(a, L::abs(x))))
            }
            Surrogate::Rect { width } => {
                let inside = L::lt(L::abs(x), L::splat(width * 0.5));
                L::select(inside, L::splat(1.0 / width), L::splat(0.0))
            }
            Surrogate::Atan { alpha } => {
                let y = L::mul(L::splat(alpha * core::f32::consts::FRAC_PI_2), x);
                let d = L::add(one, L::mul(y, y));
                L::div(L::splat(alpha * 0.5), d)
            }
            Surrogate::FastSigmoid { slope } => {
                let d = L::add(one, L::mul(L::splat(slope), L::abs(x)));
                L::div(one, L::mul(d, d))
            }
            Surrogate::Triangular { scale } => L::select(L::ge(x, L::splat(0.0)), L::splat(-scale), L::splat(scale)),
        }
    }
}

impl Surrogate {
    /// Every surrogate with its parameters, in display order.
    pub fn catalog() -> &'static [SurrogateInfo] {
        CATALOG
    }

    /// This surrogate's row of the catalog.
    pub fn info(&self) -> &'static SurrogateInfo {
        let name = match self {
            Surrogate::S3nn { .. } => "s3nn",
            Surrogate::Sigmoid { .. } => "sigmoid",
            Surrogate::Rect { .. } => "rect",
            Surrogate::Atan { .. } => "atan",
            Surrogate::FastSigmoid { .. } => "fastSigmoid",
            Surrogate::Triangular { .. } => "triangular",
        };
        CATALOG.iter().find(|i| i.name == name).expect("every variant has a catalog row")
    }

    /// The parameter values, in the order of `info().params`.
    pub fn params(&self) -> Vec<f32> {
        match *self {
            Surrogate::S3nn { alpha, beta } => vec![alpha, beta],
            Surrogate::Sigmoid { alpha } | Surrogate::Atan { alpha } => vec![alpha],
            Surrogate::Rect { width } => vec![width],
            Surrogate::FastSigmoid { slope } => vec![slope],
            Surrogate::Triangular { scale } => vec![scale],
        }
    }

    /// The variant named by `info` with parameters `p` (one per `info.params`).
    fn build(info: &SurrogateInfo, p: &[f32]) -> Self {
        match info.name {
            "s3nn" => Surrogate::S3nn { alpha: p[0], beta: p[1] },
            "sigmoid" => Surrogate::Sigmoid { alpha: p[0] },
            "rect" => Surrogate::Rect { width: p[0] },
            "atan" => Surrogate::Atan { alpha: p[0] },
            "fastSigmoid" => Surrogate::FastSigmoid { slope: p[0] },
            "triangular" => Surrogate::Triangular { scale: p[0] },
            other => unreachable!("catalog row '{other}' has no variant"),
        }
    }

    /// Build from a name and parameter values in catalog order (`None`, or a missing trailing
    /// value, means the default). Names match case-insensitively and ignore `_`/`-` (so
    /// "fast_sigmoid", "FastSigmoid" work); "s2nn" (the paper's v1 name) is accepted for "s3nn".
    /// A value for a parameter the surrogate does not have is an error rather than silently
    /// ignored, so a mistyped CLI flag is noticed. The result is validated.
    pub fn from_params(name: &str, values: &[Option<f32>]) -> Result<Self> {
        let Some(info) = lookup(name) else {
            return Err(S3nnError::Config(format!(
                "unknown surrogate '{name}' (expected one of {})",
                NAMES.join(", ")
            )));
        };
        if let Some((extra, v)) = values.iter().enumerate().skip(info.params.len()).find_map(|(i, v)| v.map(|v| (i, v))) {
            let names: Vec<&str> = info.params.iter().map(|p| p.name).collect();
            return Err(S3nnError::Config(format!(
                "surrogate '{}' takes {} parameter(s) ({}), but a value was given for parameter {} ({v})",
                info.name,
                names.len(),
                names.join(", "),
                extra + 1
            )));
        }
        let p: Vec<f32> = info
            .params
            .iter()
            .enumerate()
            .map(|(i, param)| values.get(i).copied().flatten().unwrap_or(param.default))
            .collect();
        let s = Self::build(info, &p);
        s.validate()?;
        Ok(s)
    }

    /// Default parameters for a surrogate name (`None` for unknown names).
    pub fn default_for(name: &str) -> Option<Self> {
        let info = lookup(name)?;
        let defaults: Vec<f32> = info.params.iter().map(|p| p.default).collect();
        Some(Self::build(info, &defaults))
    }

    /// All parameters must be positive and finite (a zero or negative α flips or kills the
    /// gradient; NaN would spread through the optimiser).
    pub fn validate(&self) -> Result<()> {
        let info = self.info();
        for (param, v) in info.params.iter().zip(self.params()) {
            if !(v.is_finite() && v > 0.0) {
                return Err(S3nnError::Config(format!(
                    "surrogate '{}': parameter '{}' must be a positive finite number, got {v}",
                    info.name, param.name
                )));
            }
        }
        Ok(())
    }

    /// The surrogate derivative g'(x): the lane formula of [`LaneMap::map`] at the scalar lane.
    /// Finite for every non-NaN x (including ±inf and x = −1).
    #[inline]
    pub fn grad(&self, x: f32) -> f32 {
        self.at(x)
    }
    /// The smooth function whose derivative is `grad` (continuous everywhere; value 1/2 at x = 0
    /// for every kind). Not used in training — for plots and finite-difference tests.
    pub fn primitive(&self, x: f32) -> f32 {
        match *self {
            Surrogate::S3nn { alpha, beta } => {
                if x < 0.0 {
                    sigmoid(alpha * x)
                } else {
                    // ln(x+1) via log1p: accurate for tiny x, and continuous with σ(0) = 1/2.
                    beta * libm::log1pf(x) + 0.5
                }
            }
            Surrogate::Sigmoid { alpha } => sigmoid(alpha * x),
            Surrogate::Rect { width } => (x / width + 0.5).clamp(0.0, 1.0),
            Surrogate::Atan { alpha } => {
                0.5 + libm::atanf(core::f32::consts::FRAC_PI_2 * alpha * x) / core::f32::consts::PI
            }
            Surrogate::FastSigmoid { slope } => {
                // d/dx [x/(1+k|x|)] = 1/(1+k|x|)² on both sides (quotient rule), so the primitive is
                // 1/2 + x/(1+k|x|), ranging over (1/2 − 1/k, 1/2 + 1/k). Note it is NOT a 0→1
                // step: 1/(1+k|x|)² integrates to 2/k, and we keep grad exactly as snnTorch has it.
                let t = slope * x.abs();
                if t.is_infinite() {
                    0.5 + (1.0 / slope).copysign(x)
                } else {
                    0.5 + x / (1.0 + t)
                }
            }
            // The tent whose slopes are ±h (unbounded below as |x| → ∞).
            Surrogate::Triangular { scale } => 0.5 - scale * x.abs(),
        }
    }

    /// The canonical name (the serde `kind` tag).
    pub fn name(&self) -> &'static str {
        self.info().name
    }

    /// Build from a name plus optional parameters: `a` is the first parameter (alpha / width /
    /// slope), `b` the second (beta, S³NN only); see [`Surrogate::from_params`].
    pub fn from_name(name: &str, a: Option<f32>, b: Option<f32>) -> Result<Self> {
        Self::from_params(name, &[a, b])
    }
}

/// The catalog row of a name, matched case-insensitively ignoring `_`/`-`, aliases included.
fn lookup(name: &str) -> Option<&'static SurrogateInfo> {
    let key = |s: &str| -> String { s.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect() };
    let wanted = key(name);
    let wanted = ALIASES.iter().find(|(alias, _)| key(alias) == wanted).map_or(wanted, |(_, to)| key(to));
    CATALOG.iter().find(|info| key(info.name) == wanted)
}

/// Sample a surrogate on `n` evenly spaced points of [lo, hi] (both ends included) for plotting.
/// Returns (xs, grads, primitives).
pub fn sample(s: &Surrogate, lo: f32, hi: f32, n: usize) -> Result<(Vec<f32>, Vec<f32>, Vec<f32>)> {
    s.validate()?;
    if !(lo.is_finite() && hi.is_finite()) {
        return Err(S3nnError::Config(format!(
            "sample range must be finite, got [{lo}, {hi}]"
        )));
    }
    if lo >= hi {
        return Err(S3nnError::Config(format!(
            "sample range needs lo < hi, got [{lo}, {hi}]"
        )));
    }
    if !(2..=1_000_000).contains(&n) {
        return Err(S3nnError::Config(format!(
            "sample count must be in 2..=1000000, got {n}"
        )));
    }
    // Computed in f64 then rounded so the last point is exactly `hi` and spacing is even.
    let step = (f64::from(hi) - f64::from(lo)) / (n - 1) as f64;
    let xs: Vec<f32> = (0..n)
        .map(|i| {
            if i == n - 1 {
                hi
            } else {
                (f64::from(lo) + step * i as f64) as f32
            }
        })
        .collect();
    let grads = xs.iter().map(|&x| s.grad(x)).collect();
    let prims = xs.iter().map(|&x| s.primitive(x)).collect();
    Ok((xs, grads, prims))
}

#[cfg(test)]
mod tests {
    use super::*;

    include!("../tests/cases/surrogates.rs");

    /// Reference g'(x) in f64 straight from the formulas in the reference notes.
    fn reference(s: &Surrogate, x: f64) -> f64 {
        let sig = |z: f64| 1.0 / (1.0 + (-z).exp());
        match *s {
            Surrogate::S3nn { alpha, beta } => {
                let (a, b) = (f64::from(alpha), f64::from(beta));
                if x < 0.0 {
                    a * sig(a * x) * (1.0 - sig(a * x))
                } else {
                    b / (x + 1.0)
                }
            }
            Surrogate::Sigmoid { alpha } => {
                let a = f64::from(alpha);
                // symmetric form to avoid 1 − σ cancellation in the reference itself
                let z = -(a * x.abs());
                a * z.exp() / (1.0 + z.exp()).powi(2)
            }
            Surrogate::Rect { width } => {
                if x.abs() < f64::from(width) / 2.0 {
                    1.0 / f64::from(width)
                } else {
                    0.0
                }
            }
            Surrogate::Atan { alpha } => {
                let a = f64::from(alpha);
                a / (2.0 * (1.0 + (std::f64::consts::PI * a * x / 2.0).powi(2)))
            }
            Surrogate::FastSigmoid { slope } => 1.0 / (1.0 + f64::from(slope) * x.abs()).powi(2),
            // snnTorch: grad = grad_output · threshold; grad[input ≥ 0] = −grad[input ≥ 0]
            Surrogate::Triangular { scale } => {
                if x >= 0.0 {
                    -f64::from(scale)
                } else {
                    f64::from(scale)
                }
            }
        }
    }

    fn points() -> Vec<f32> {
        let mut v = SPECIALS.to_vec();
        v.extend([0.49999997, -0.49999997, 0.15, -0.15, 20.0, -20.0, 21.9, -25.0, -100.0]);
        for i in -400..=400 {
            v.push(i as f32 * 0.0173);
        }
        v
    }

    #[test]
    fn grad_matches_f64_reference_and_is_never_nan() {
        for s in all_surrogates() {
            for &x in &points() {
                let got = s.grad(x);
                // only snnTorch's triangular is negative (at and above threshold), by its definition
                let sign_ok = got >= 0.0 || matches!(s, Surrogate::Triangular { .. });
                assert!(got.is_finite() && sign_ok, "{s:?} grad({x}) = {got}");
                let want = reference(&s, f64::from(x));
                let err = (f64::from(got) - want).abs();
                // Relative 1e-5 wherever f32 represents the value well; in the far sigmoid tails
                // (true value < 1e-30, where exp_f32 flushes below 2^-126) an absolute bound.
                let ok = err <= 1e-5 * want || (want < 1e-30 && err < 1e-30);
                assert!(ok, "{s:?} grad({x}) = {got}, reference {want}, error {err}");
            }
        }
    }

    #[test]
    fn s3nn_defaults_are_continuous_at_zero_and_safe_at_minus_one() {
        let s = Surrogate::default();
        assert_eq!(s.grad(0.0), 1.0);
        assert!((s.grad(-1e-6) - 1.0).abs() < 1e-5);
        let g = s.grad(-1.0);
        assert!(g.is_finite() && g > 0.0);
        assert_eq!(s.grad(-1e30), 0.0);
        assert_eq!(s.grad(f32::INFINITY), 0.0);
        assert!((s.primitive(0.0) - 0.5).abs() < 1e-7);
        assert!((s.primitive(-1e-7) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn primitives_are_finite_continuous_and_half_at_zero() {
        for s in all_surrogates() {
            assert!((s.primitive(0.0) - 0.5).abs() < 1e-6, "{s:?}");
            for &x in &points() {
                let p = s.primitive(x);
                // Only the S³NN primitive is unbounded (β ln(x+1) → ∞), and only at x = +∞.
                let unbounded_ok = (matches!(s, Surrogate::S3nn { .. }) && x == f32::INFINITY && p == f32::INFINITY)
                    || (matches!(s, Surrogate::Triangular { .. }) && x.is_infinite() && p == f32::NEG_INFINITY);
                assert!(p.is_finite() || unbounded_ok, "{s:?} primitive({x}) = {p}");
            }
            // continuity: no jump larger than slope bound × step on a fine grid through 0
            let h = 1e-4f32;
            for i in -2000..2000 {
                let x = i as f32 * h;
                let d = (s.primitive(x + h) - s.primitive(x)).abs();
                let bound = s.grad(x).abs().max(s.grad(x + h).abs()) * h * 1.5 + 1e-6;
                assert!(d <= bound, "{s:?} jump {d} at {x} (bound {bound})");
            }
        }
    }

    #[test]
    fn finite_difference_of_primitive_matches_grad() {
        for s in all_surrogates() {
            let kinks: Vec<f64> = match s {
                Surrogate::Rect { width } => {
                    vec![-f64::from(width) / 2.0, 0.0, f64::from(width) / 2.0]
                }
                _ => vec![0.0],
            };
            for i in -300..=300 {
                let x = i as f64 * 0.0131 + 0.0007;
                let h = 1e-3f64;
                if kinks.iter().any(|k| (x - k).abs() < 3.0 * h) {
                    continue;
                }
                // f32 primitive: evaluate at f32 points, divide by the actual f32 spacing.
                let (xa, xb) = ((x - h) as f32, (x + h) as f32);
                let fd = (f64::from(s.primitive(xb)) - f64::from(s.primitive(xa)))
                    / (f64::from(xb) - f64::from(xa));
                let g = f64::from(s.grad(x as f32));
                // tolerance: f32 rounding of values ~1 over 2h, plus O(h²) truncation
                let tol = 2e-4 + 2e-2 * g.abs();
                assert!(
                    (fd - g).abs() < tol,
                    "{s:?} at {x}: finite diff {fd} vs grad {g}"
                );
            }
        }
    }

    #[test]
    fn validate_rejects_bad_params() {
        for bad in [0.0, -1.0, f32::NAN, f32::INFINITY] {
            for s in [
                Surrogate::S3nn {
                    alpha: bad,
                    beta: 1.0,
                },
                Surrogate::S3nn {
                    alpha: 4.0,
                    beta: bad,
                },
                Surrogate::Sigmoid { alpha: bad },
                Surrogate::Rect { width: bad },
                Surrogate::Atan { alpha: bad },
                Surrogate::FastSigmoid { slope: bad },
                Surrogate::Triangular { scale: bad },
            ] {
                let e = s.validate().unwrap_err();
                assert!(matches!(e, S3nnError::Config(_)));
                let msg = e.to_string();
                assert!(s.info().params.iter().any(|p| msg.contains(p.name)), "{msg}");
            }
        }
        let e = Surrogate::S3nn {
            alpha: 4.0,
            beta: -1.0,
        }
        .validate()
        .unwrap_err()
        .to_string();
        assert!(e.contains("beta"), "{e}");
        for s in all_surrogates() {
            s.validate().unwrap();
        }
    }

    #[test]
    fn from_name_defaults_params_and_errors() {
        assert_eq!(
            Surrogate::from_name("s3nn", None, None).unwrap(),
            Surrogate::default()
        );
        assert_eq!(
            Surrogate::from_name("s3nn", Some(2.0), Some(0.5)).unwrap(),
            Surrogate::S3nn {
                alpha: 2.0,
                beta: 0.5
            }
        );
        assert_eq!(
            Surrogate::from_name("sigmoid", None, None).unwrap(),
            Surrogate::Sigmoid { alpha: 4.0 }
        );
        assert_eq!(
            Surrogate::from_name("rect", Some(0.5), None).unwrap(),
            Surrogate::Rect { width: 0.5 }
        );
        assert_eq!(
            Surrogate::from_name("atan", None, None).unwrap(),
            Surrogate::Atan { alpha: 2.0 }
        );
        assert_eq!(
            Surrogate::from_name("fastSigmoid", None, None).unwrap(),
            Surrogate::FastSigmoid { slope: 25.0 }
        );
        assert_eq!(
            Surrogate::from_name("fast_sigmoid", Some(5.0), None).unwrap(),
            Surrogate::FastSigmoid { slope: 5.0 }
        );
        for s in all_surrogates() {
            assert_eq!(
                Surrogate::from_name(s.name(), None, None).unwrap().name(),
                s.name()
            );
        }
        let e = Surrogate::from_name("relu", None, None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown surrogate 'relu'") && e.contains("fastSigmoid"),
            "{e}"
        );
        assert!(Surrogate::from_name("sigmoid", Some(-1.0), None).is_err());
        assert!(Surrogate::from_name("sigmoid", None, Some(1.0)).is_err());
        assert!(Surrogate::from_name("s3nn", None, Some(f32::NAN)).is_err());
    }

    #[test]
    fn catalog_rows_and_variants_agree() {
        assert_eq!(NAMES.to_vec(), Surrogate::catalog().iter().map(|i| i.name).collect::<Vec<_>>());
        for info in Surrogate::catalog() {
            let s = Surrogate::default_for(info.name).unwrap();
            assert_eq!(s.info(), info);
            assert_eq!(s.name(), info.name);
            // The serde tag is the catalog name.
            let j = serde_json::to_value(s).unwrap();
            assert_eq!(j["kind"], info.name);
            let defaults: Vec<f32> = info.params.iter().map(|p| p.default).collect();
            assert_eq!(s.params(), defaults);
            assert_eq!(Surrogate::from_params(info.name, &[]).unwrap(), s);
            for (k, p) in info.params.iter().enumerate() {
                assert_eq!(j[p.name], f64::from(p.default), "{} field {}", info.name, p.name);
                assert!(p.min > 0.0 && p.min <= p.default && p.default <= p.max && p.step > 0.0, "{p:?}");
                assert!(!p.meaning.is_empty() && !p.symbol.is_empty());
                // Setting one value changes exactly that parameter.
                let mut values = vec![None; info.params.len()];
                values[k] = Some(p.max);
                let t = Surrogate::from_params(info.name, &values).unwrap();
                let mut want = defaults.clone();
                want[k] = p.max;
                assert_eq!(t.params(), want);
            }
            assert!(info.formula.starts_with("g′(x) = "), "{}", info.formula);
        }
    }

    #[test]
    fn from_params_refuses_unknown_names_extra_and_bad_values() {
        let e = Surrogate::from_params("nope", &[]).unwrap_err().to_string();
        assert!(e.contains("unknown surrogate 'nope'") && e.contains("s3nn, sigmoid, rect, atan, fastSigmoid"), "{e}");
        let e = Surrogate::from_params("rect", &[Some(1.0), Some(2.0)]).unwrap_err().to_string();
        assert!(e.contains("'rect' takes 1 parameter(s) (width)"), "{e}");
        // Trailing `None`s are no values at all.
        assert_eq!(Surrogate::from_params("rect", &[Some(0.5), None, None]).unwrap(), Surrogate::Rect { width: 0.5 });
        let e = Surrogate::from_params("s3nn", &[None, Some(0.0)]).unwrap_err().to_string();
        assert!(e.contains("'beta' must be a positive finite number"), "{e}");
        assert_eq!(Surrogate::from_params("S2NN", &[]).unwrap(), Surrogate::default());
    }

    #[test]
    fn catalog_serializes_camel_case() {
        let j = serde_json::to_value(Surrogate::catalog()).unwrap();
        let s3nn = &j[0];
        assert_eq!(s3nn["name"], "s3nn");
        assert_eq!(s3nn["label"], "S³NN");
        assert_eq!(s3nn["params"][1]["name"], "beta");
        assert_eq!(s3nn["params"][1]["symbol"], "β");
        for key in ["default", "min", "max", "step", "meaning"] {
            assert!(s3nn["params"][0].get(key).is_some(), "{key}");
        }
        assert_eq!(j[4]["name"], "fastSigmoid");
    }

    #[test]
    fn nan_input_gives_nan_except_for_the_window() {
        // As before the lane form: comparisons with NaN are false, so S³NN takes the sigmoid
        // side (exp(NaN) = NaN), the rectangle is outside its window (0) and the triangle on its
        // x < 0 side (+h, as snnTorch's `input >= 0` mask leaves NaN there).
        for s in all_surrogates() {
            let g = s.grad(f32::NAN);
            match s {
                Surrogate::Rect { .. } => assert_eq!(g.to_bits(), 0.0f32.to_bits(), "{s:?}"),
                Surrogate::Triangular { scale } => assert_eq!(g.to_bits(), scale.to_bits(), "{s:?}"),
                _ => assert!(g.is_nan(), "{s:?} grad(NaN) = {g}"),
            }
        }
    }

    #[test]
    fn serde_uses_kind_tags() {
        let j = serde_json::to_string(&Surrogate::FastSigmoid { slope: 25.0 }).unwrap();
        assert_eq!(j, r#"{"kind":"fastSigmoid","slope":25.0}"#);
        let s: Surrogate =
            serde_json::from_str(r#"{"kind":"s3nn","alpha":4.0,"beta":1.0}"#).unwrap();
        assert_eq!(s, Surrogate::default());
    }

    #[test]
    fn sample_grid_and_errors() {
        let (xs, g, p) = sample(&Surrogate::default(), -2.0, 3.0, 6).unwrap();
        assert_eq!(xs, vec![-2.0, -1.0, 0.0, 1.0, 2.0, 3.0]);
        assert_eq!(g.len(), 6);
        assert_eq!(p.len(), 6);
        assert_eq!(g[2], 1.0);
        assert!(sample(&Surrogate::default(), 0.0, 1.0, 1).is_err());
        assert!(sample(&Surrogate::default(), 0.0, 1.0, 1_000_001).is_err());
        assert!(sample(&Surrogate::default(), 1.0, 1.0, 10).is_err());
        assert!(sample(&Surrogate::default(), f32::NAN, 1.0, 10).is_err());
        assert!(sample(&Surrogate::default(), 0.0, f32::INFINITY, 10).is_err());
        assert!(sample(&Surrogate::Rect { width: 0.0 }, 0.0, 1.0, 10).is_err());
    }
}
