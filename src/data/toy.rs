//! 2-D toy problems in the spirit of TensorFlow Playground, for fast demos and tests.
//!
//! Every point lies roughly in [-1, 1]²: inside it when `noise = 0` (except rare blob outliers
//! beyond 3.5σ of their intrinsic spread), a little outside with noise. `noise` scales isotropic
//! Gaussian jitter with σ = 0.5 · noise in coordinate units (about scikit-learn's `noise` after
//! mapping its shapes onto this square), so `noise = 0.1` is mild for every kind and `noise = 1`
//! makes every kind hard. Geometry is computed in f64 with `libm` and the seeded project RNG, so a
//! seed gives bit-identical points natively and in wasm.

use std::f64::consts::{PI, TAU};
use std::fmt;
use std::str::FromStr;

use super::dataset::Dataset;
use crate::error::{Result, S3nnError};
use crate::rng::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToyKind {
    Spiral,
    Moons,
    Circles,
    Xor,
    Blobs,
}

impl ToyKind {
    pub const ALL: [ToyKind; 5] = [
        ToyKind::Spiral,
        ToyKind::Moons,
        ToyKind::Circles,
        ToyKind::Xor,
        ToyKind::Blobs,
    ];

    pub fn name(&self) -> &'static str {
        match self {
            ToyKind::Spiral => "spiral",
            ToyKind::Moons => "moons",
            ToyKind::Circles => "circles",
            ToyKind::Xor => "xor",
            ToyKind::Blobs => "blobs",
        }
    }

    pub fn classes(&self) -> usize {
        match self {
            ToyKind::Blobs => 3,
            _ => 2,
        }
    }
}

impl fmt::Display for ToyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ToyKind {
    type Err = S3nnError;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        ToyKind::ALL
            .iter()
            .copied()
            .find(|k| k.name().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                let names: Vec<&str> = ToyKind::ALL.iter().map(|k| k.name()).collect();
                S3nnError::Config(format!(
                    "unknown toy dataset '{s}'; valid names: {}",
                    names.join(", ")
                ))
            })
    }
}

/// Turns per spiral arm. 1.5 keeps the gap between neighbouring arms at ≈0.28 (≈2.8σ either side
/// of the midline for noise 0.1),
/// so a small spiking MLP can exceed 97%; more turns mostly measure network size, not training.
const SPIRAL_TURNS: f64 = 1.5;
/// Intrinsic spread of each blob (before the `noise` jitter), so `noise = 0` is not degenerate.
const BLOB_SIGMA: f64 = 0.12;

/// Generates `n` points of `kind`, classes balanced (counts differ by at most one) and the order
/// shuffled, all determined by `seed`.
pub fn toy(kind: ToyKind, n: usize, noise: f32, seed: u64) -> Result<Dataset> {
    if !(1..=1_000_000).contains(&n) {
        return Err(S3nnError::Config(format!(
            "toy dataset size must be 1..=1000000, got {n}"
        )));
    }
    if !noise.is_finite() || noise < 0.0 {
        return Err(S3nnError::Config(format!(
            "toy noise must be a finite number ≥ 0, got {noise}"
        )));
    }
    let classes = kind.classes();
    // Separate streams for geometry, jitter and order: changing one never shifts the others.
    let mut root = Rng::new(seed);
    let mut geo = root.fork(1);
    let mut jit = root.fork(2);
    let mut ord = root.fork(3);
    let sigma = 0.5 * f64::from(noise);

    let mut x = Vec::with_capacity(2 * n);
    let mut y = Vec::with_capacity(n);
    for i in 0..n {
        let c = i % classes; // round-robin labels: balanced by construction
        let u = f64::from(geo.uniform());
        let (px, py) = match kind {
            ToyKind::Spiral => {
                // Radius grows linearly along the arm; arm c is rotated by c·π.
                let r = 0.1 + 0.85 * u;
                let a = TAU * SPIRAL_TURNS * u + PI * c as f64;
                (r * libm::cos(a), r * libm::sin(a))
            }
            ToyKind::Moons => {
                // scikit-learn's two half circles (x ∈ [-1, 2], y ∈ [-0.5, 1]) mapped onto [-0.9, 0.9]
                // horizontally and centred vertically.
                let a = PI * u;
                let (mx, my) = if c == 0 {
                    (libm::cos(a), libm::sin(a))
                } else {
                    (1.0 - libm::cos(a), 0.5 - libm::sin(a))
                };
                ((mx - 0.5) * 0.6, (my - 0.25) * 0.6)
            }
            ToyKind::Circles => {
                // Inner ring r = 0.4 (class 0), outer ring r = 0.85 (class 1).
                let r = if c == 0 { 0.4 } else { 0.85 };
                let a = TAU * u;
                (r * libm::cos(a), r * libm::sin(a))
            }
            ToyKind::Xor => {
                // Uniform in a quadrant chosen by the class, kept 0.05 away from the axes (like
                // Playground's padding) so noise-free data is separable with a margin.
                let v = f64::from(geo.uniform());
                let (ax, ay) = (0.05 + 0.9 * u, 0.05 + 0.9 * v);
                let flip = geo.below(2) == 1;
                // Class 0: same signs (quadrants I/III); class 1: opposite signs (II/IV).
                let (sx, sy) = match (c, flip) {
                    (0, false) => (1.0, 1.0),
                    (0, true) => (-1.0, -1.0),
                    (_, false) => (-1.0, 1.0),
                    (_, true) => (1.0, -1.0),
                };
                (sx * ax, sy * ay)
            }
            ToyKind::Blobs => {
                // Centres on a circle of radius 0.55 at 90°, 210°, 330°.
                let a = PI / 2.0 + TAU * c as f64 / 3.0;
                let (dx, dy) = (f64::from(geo.normal()), f64::from(geo.normal()));
                (
                    0.55 * libm::cos(a) + BLOB_SIGMA * dx,
                    0.55 * libm::sin(a) + BLOB_SIGMA * dy,
                )
            }
        };
        // Always draw the jitter (even when sigma = 0) so the stream layout does not depend on noise.
        let (jx, jy) = (f64::from(jit.normal()), f64::from(jit.normal()));
        x.push((px + sigma * jx) as f32);
        x.push((py + sigma * jy) as f32);
        y.push(c as u32);
    }

    // Shuffle sample order so a prefix (`take`) or unshuffled split is still balanced-ish.
    let mut idx: Vec<usize> = (0..n).collect();
    ord.shuffle(&mut idx);
    let xs: Vec<f32> = idx.iter().flat_map(|&i| [x[2 * i], x[2 * i + 1]]).collect();
    let ys: Vec<u32> = idx.iter().map(|&i| y[i]).collect();
    let mut d = Dataset::new(kind.name(), [2, 1, 1], classes, xs, ys)?;
    d.class_names = (0..classes).map(|k| format!("class {k}")).collect();
    Ok(d)
}
