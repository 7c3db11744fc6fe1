//! Learning-rate schedules, stepped once per epoch (PyTorch's `scheduler.step()` after each epoch):
//! constant, cosine annealing (`CosineAnnealingLR`) and step decay (`StepLR`). Names, defaults and
//! ranges of their parameters are the catalog's; this module holds the arithmetic and the checks.

use crate::error::{Result, S3nnError};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum LrSchedule {
    /// The optimizer's learning rate throughout.
    #[default]
    Constant,
    /// `lr_e = eta_min + (lr0 − eta_min)(1 + cos(π e / t_max))/2` for epoch e = 0, 1, …: PyTorch's
    /// closed form (`_get_closed_form_lr`); past `t_max` it follows the cosine back up, as PyTorch does.
    Cosine { t_max: usize, eta_min: f32 },
    /// `lr_e = lr0 · gamma^⌊e / step⌋` (PyTorch `StepLR(step_size = step, gamma)`).
    Step { step: usize, gamma: f32 },
}

impl LrSchedule {
    /// The schedule names (`--lr-schedule`, the JS `lrSchedule`), the first the default.
    pub const NAMES: [&'static str; 3] = ["constant", "cosine", "step"];

    /// Builds a schedule by name (case-insensitive) from its parameters, of which it uses its own
    /// (the caller fills in the catalog's defaults); `epochs` is cosine's `T_max`.
    pub fn from_name(name: &str, epochs: Option<usize>, eta_min: f32, step: usize, gamma: f32) -> Result<Self> {
        let s = match name.to_ascii_lowercase().as_str() {
            "constant" => LrSchedule::Constant,
            "cosine" => {
                let t_max = epochs.ok_or_else(|| S3nnError::Config("the cosine schedule needs the number of epochs (its T_max)".into()))?;
                LrSchedule::Cosine { t_max, eta_min }
            }
            "step" => LrSchedule::Step { step, gamma },
            _ => {
                return Err(S3nnError::Config(format!(
                    "unknown learning-rate schedule '{name}' (expected one of {})",
                    Self::NAMES.join(", ")
                )))
            }
        };
        s.validate()?;
        Ok(s)
    }

    pub fn validate(&self) -> Result<()> {
        match *self {
            LrSchedule::Constant => Ok(()),
            LrSchedule::Cosine { t_max, eta_min } => {
                if t_max == 0 {
                    return Err(S3nnError::Config("the cosine schedule's epochs (T_max) must be at least 1, got 0".into()));
                }
                if !(eta_min.is_finite() && eta_min >= 0.0) {
                    return Err(S3nnError::Config(format!("the cosine schedule's minimum learning rate (etaMin) must be a finite number ≥ 0, got {eta_min}")));
                }
                Ok(())
            }
            LrSchedule::Step { step, gamma } => {
                if step == 0 {
                    return Err(S3nnError::Config("the step schedule's step size (epochs between decays) must be at least 1, got 0".into()));
                }
                if !(gamma.is_finite() && gamma > 0.0 && gamma <= 1.0) {
                    return Err(S3nnError::Config(format!("the step schedule's gamma must be in (0, 1], got {gamma}")));
                }
                Ok(())
            }
        }
    }

    /// The learning rate of epoch `e` (0-based) from the base rate `lr0`, computed in f64 and
    /// stored as f32 (PyTorch computes in Python floats, i.e. f64). `None` for the constant
    /// schedule: the optimizer's rate is then left untouched, so a run without a schedule is bit
    /// for bit what it was before schedules existed.
    pub fn lr_at(&self, lr0: f32, e: usize) -> Option<f32> {
        let lr0 = f64::from(lr0);
        match *self {
            LrSchedule::Constant => None,
            LrSchedule::Cosine { t_max, eta_min } => {
                let eta_min = f64::from(eta_min);
                let c = (std::f64::consts::PI * e as f64 / t_max as f64).cos();
                Some((eta_min + (lr0 - eta_min) * (1.0 + c) / 2.0) as f32)
            }
            LrSchedule::Step { step, gamma } => {
                let decays = i32::try_from(e / step).unwrap_or(i32::MAX);
                Some((lr0 * f64::from(gamma).powi(decays)) as f32)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PyTorch's closed form for `CosineAnnealingLR(T_max=6)` with base lr 1e-3 (the expression of
    /// `_get_closed_form_lr`, evaluated by Python 3 for epochs 0..=6 and printed with `repr`):
    /// independent of the Rust below. PyTorch itself was not available where this was written.
    const TORCH_COSINE_1E3_T6: [f64; 7] = [0.001, 0.0009330127018922195, 0.00075, 0.0005, 0.0002500000000000001, 6.698729810778065e-05, 0.0];

    #[test]
    fn cosine_equals_pytorch_epoch_by_epoch() {
        let s = LrSchedule::from_name("cosine", Some(6), 0.0, 1, 0.1).unwrap();
        for (e, &torch) in TORCH_COSINE_1E3_T6.iter().enumerate() {
            let ours = s.lr_at(1e-3, e).unwrap();
            // The closed form, written out again in f64 from the f32 base rate the optimizer holds.
            let closed = 0.0 + (f64::from(1e-3f32) - 0.0) * (1.0 + (std::f64::consts::PI * e as f64 / 6.0).cos()) / 2.0;
            assert_eq!(ours, closed as f32, "epoch {e}");
            // PyTorch's numbers start from the f64 1e-3, ours from the f32 one: they agree to f32 precision.
            assert!((f64::from(ours) - torch).abs() <= torch * f64::from(f32::EPSILON), "epoch {e}: {ours} vs torch {torch}");
        }
        assert_eq!(s.lr_at(1e-3, 0), Some(1e-3), "epoch 0 is the base rate exactly");
        // eta_min: the floor at T_max, the base at 0.
        let s = LrSchedule::from_name("cosine", Some(4), 1e-5, 1, 0.1).unwrap();
        assert_eq!(s.lr_at(1e-3, 4), Some(1e-5));
        let closed = f64::from(1e-5f32) + (f64::from(1e-3f32) - f64::from(1e-5f32)) * (1.0 + (std::f64::consts::PI / 4.0).cos()) / 2.0;
        assert_eq!(s.lr_at(1e-3, 1), Some(closed as f32));
    }

    #[test]
    fn step_decay_equals_steplr() {
        let s = LrSchedule::from_name("step", None, 0.0, 2, 0.5).unwrap();
        let got: Vec<f32> = (0..7).map(|e| s.lr_at(0.1, e).unwrap()).collect();
        // StepLR(step_size=2, gamma=0.5): 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125
        let want: Vec<f32> = (0..7).map(|e: i32| (f64::from(0.1f32) * 0.5f64.powi(e / 2)) as f32).collect();
        assert_eq!(got, want);
        assert_eq!(got, [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]);
        assert_eq!(LrSchedule::Constant.lr_at(0.1, 3), None);
    }

    #[test]
    fn bad_schedules_are_errors() {
        let e = |r: Result<LrSchedule>| r.unwrap_err().to_string();
        assert!(e(LrSchedule::from_name("linear", Some(3), 0.0, 1, 0.1)).contains("unknown learning-rate schedule 'linear' (expected one of constant, cosine, step)"));
        assert!(e(LrSchedule::from_name("cosine", None, 0.0, 1, 0.1)).contains("epochs"));
        assert!(e(LrSchedule::from_name("cosine", Some(0), 0.0, 1, 0.1)).contains("at least 1"));
        assert!(e(LrSchedule::from_name("cosine", Some(3), -1.0, 1, 0.1)).contains("etaMin"));
        assert!(e(LrSchedule::from_name("cosine", Some(3), f32::NAN, 1, 0.1)).contains("etaMin"));
        assert!(e(LrSchedule::from_name("step", None, 0.0, 0, 0.1)).contains("step"));
        assert!(e(LrSchedule::from_name("step", None, 0.0, 2, 0.0)).contains("gamma"));
        assert!(e(LrSchedule::from_name("step", None, 0.0, 2, -0.5)).contains("gamma"));
        assert!(e(LrSchedule::from_name("step", None, 0.0, 2, f32::NAN)).contains("gamma"));
        assert_eq!(LrSchedule::from_name("Constant", None, 0.0, 0, 0.0).unwrap(), LrSchedule::Constant);
    }
}
