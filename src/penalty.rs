//! Firing-rate regularization: a penalty on each spiking layer's mean output, added to the
//! training loss so that training trades accuracy for fewer spikes (and so less energy).
//!
//! With `m_l` the mean of layer l's output over the batch, time steps and neurons (its firing
//! rate; in smooth mode the mean of the surrogate primitive that stands in for the spikes):
//! `λ · Σ_l m_l`, or toward a target rate r: `λ · Σ_l (m_l − r)²`. Its gradient with respect to
//! each output entry (`λ / len`, or `2λ (m_l − r) / len`) is added to that entry's incoming
//! gradient before the neuron's surrogate backward, which is what makes it exact through the
//! surrogate. Names, defaults and ranges are the catalog's.

use crate::error::{Result, S3nnError};
use serde::{Deserialize, Serialize};

/// Largest λ accepted: far beyond any useful value (the cross-entropy is O(1)), small enough that
/// the penalty's gradient stays finite in f32.
pub const MAX_LAMBDA: f32 = 1000.0;

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatePenalty {
    /// λ ≥ 0; 0 (the default) switches the penalty off.
    pub lambda: f32,
    /// `None`: penalize the rate itself; `Some(r)`, r ∈ [0, 1]: its squared distance to r.
    pub target: Option<f32>,
}

impl RatePenalty {
    pub fn new(lambda: f32, target: Option<f32>) -> Result<Self> {
        let p = Self { lambda, target };
        p.validate()?;
        Ok(p)
    }

    pub fn validate(&self) -> Result<()> {
        if !(self.lambda.is_finite() && (0.0..=MAX_LAMBDA).contains(&self.lambda)) {
            return Err(S3nnError::Config(format!("the rate penalty λ must be in [0, {MAX_LAMBDA}], got {}", self.lambda)));
        }
        if let Some(r) = self.target {
            if !(r.is_finite() && (0.0..=1.0).contains(&r)) {
                return Err(S3nnError::Config(format!("the target firing rate must be in [0, 1], got {r}")));
            }
        }
        Ok(())
    }

    /// Whether the penalty changes anything (λ > 0). When it does not, training skips it
    /// entirely, so a run without it is bit for bit what it was before it existed.
    pub fn is_on(&self) -> bool {
        self.lambda > 0.0
    }

    /// The sum of one layer's output in f64 (the order is fixed: deterministic).
    pub fn sum(out: &[f32]) -> f64 {
        out.iter().map(|&v| f64::from(v)).sum::<f64>()
    }

    /// The mean of one layer's output, summed in f64 (the order is fixed: deterministic).
    pub fn mean(out: &[f32]) -> f64 {
        Self::sum(out) / out.len().max(1) as f64
    }

    /// One layer's term of the penalty.
    pub fn term(&self, out: &[f32]) -> f64 {
        self.term_of(Self::sum(out), out.len())
    }

    /// One layer's term, from the sum of its `len` outputs (a batch cut into shards adds the
    /// shards' sums: spikes are 0 or 1, so the sum is exact in any order).
    pub fn term_of(&self, sum: f64, len: usize) -> f64 {
        let m = sum / len.max(1) as f64;
        let lambda = f64::from(self.lambda);
        match self.target {
            None => lambda * m,
            Some(r) => lambda * (m - f64::from(r)).powi(2),
        }
    }

    /// d(term)/d(entry) of one layer whose `len` outputs sum to `sum`: the same for every entry.
    pub fn grad_of(&self, sum: f64, len: usize) -> f32 {
        let len = len.max(1) as f64;
        let lambda = f64::from(self.lambda);
        (match self.target {
            None => lambda / len,
            Some(r) => 2.0 * lambda * (sum / len - f64::from(r)) / len,
        }) as f32
    }

    /// Adds d(term)/d(out) to `g`, the gradient flowing into `out`.
    pub fn add_grad(&self, out: &[f32], g: &mut [f32]) {
        debug_assert_eq!(out.len(), g.len());
        let d = self.grad_of(Self::sum(out), out.len());
        g.iter_mut().for_each(|g| *g += d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_and_gradients_of_both_forms() {
        let out = [1.0f32, 0.0, 1.0, 0.0];
        let plain = RatePenalty::new(0.5, None).unwrap();
        assert_eq!(plain.term(&out), 0.25);
        let mut g = [1.0f32; 4];
        plain.add_grad(&out, &mut g);
        assert_eq!(g, [1.125; 4]);
        let toward = RatePenalty::new(2.0, Some(0.1)).unwrap();
        assert_eq!(toward.term(&out), 2.0 * (0.5 - f64::from(0.1f32)).powi(2));
        let mut g = [0.0f32; 4];
        toward.add_grad(&out, &mut g);
        assert_eq!(g, [(2.0 * 2.0 * (0.5 - f64::from(0.1f32)) / 4.0) as f32; 4]);
        assert!(!RatePenalty::default().is_on() && plain.is_on());
    }

    #[test]
    fn bad_values_are_errors() {
        let e = |l: f32, t: Option<f32>| RatePenalty::new(l, t).unwrap_err().to_string();
        assert!(e(-0.1, None).contains("λ"));
        assert!(e(f32::NAN, None).contains("λ"));
        assert!(e(f32::INFINITY, None).contains("λ"));
        assert!(e(0.1, Some(1.5)).contains("target firing rate"));
        assert!(e(0.1, Some(-0.1)).contains("target firing rate"));
        assert!(e(0.1, Some(f32::NAN)).contains("target firing rate"));
        RatePenalty::new(0.0, Some(0.0)).unwrap();
        RatePenalty::new(MAX_LAMBDA, Some(1.0)).unwrap();
    }
}
