//! The one in-memory dataset type every loader produces and the trainer consumes.

use crate::error::{Result, S3nnError};
use crate::rng::Rng;

/// Upper bound on `classes` accepted by [`Dataset::new`].
pub const MAX_CLASSES: usize = 65_536;

/// Samples stored as one flat row-major `f32` buffer (cache-friendly batching, one allocation,
/// cheap to hand across the wasm boundary) plus `u32` labels.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub name: String,
    /// `[channels, height, width]`; 2-D points are `[2, 1, 1]`, MNIST is `[1, 28, 28]`.
    pub shape: [usize; 3],
    pub classes: usize,
    /// `len() * features()` values, row-major; images are scaled to [0, 1] (byte / 255).
    pub x: Vec<f32>,
    /// One label per sample, each `< classes`.
    pub y: Vec<u32>,
    /// Human-readable class names, `classes` of them.
    pub class_names: Vec<String>,
}

impl Dataset {
    /// Builds a dataset after checking every invariant the trainer relies on, so that a bad file
    /// fails here with a message naming the culprit instead of as NaN weights many epochs later.
    /// Class names default to "0", "1", ...; loaders with real names overwrite `class_names`.
    pub fn new(
        name: impl Into<String>,
        shape: [usize; 3],
        classes: usize,
        x: Vec<f32>,
        y: Vec<u32>,
    ) -> Result<Self> {
        let name = name.into();
        let features = shape
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .ok_or_else(|| {
                S3nnError::TooLarge(format!("dataset '{name}': shape {shape:?} overflows"))
            })?;
        if features == 0 {
            return Err(S3nnError::Shape(format!(
                "dataset '{name}': shape {shape:?} has zero features"
            )));
        }
        // Bounded so a bogus class count cannot allocate a huge class-name list or output layer.
        if classes > MAX_CLASSES {
            return Err(S3nnError::TooLarge(format!(
                "dataset '{name}': {classes} classes; at most {MAX_CLASSES} are supported"
            )));
        }
        if classes < 2 {
            return Err(S3nnError::Data(format!(
                "dataset '{name}': needs at least 2 classes, got {classes}"
            )));
        }
        let expected = y.len().checked_mul(features);
        if expected != Some(x.len()) {
            return Err(S3nnError::Shape(format!(
                "dataset '{name}': {} labels × {features} features needs {} values, got {}",
                y.len(),
                expected.map_or_else(|| "too many".to_string(), |e| e.to_string()),
                x.len()
            )));
        }
        if let Some((i, v)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            let what = if v.is_nan() { "NaN" } else { "infinite" };
            return Err(S3nnError::Data(format!(
                "dataset '{name}': x[{i}] is {what} (sample {}, feature {})",
                i / features,
                i % features
            )));
        }
        if let Some((i, &l)) = y.iter().enumerate().find(|(_, &l)| l as usize >= classes) {
            return Err(S3nnError::Data(format!(
                "dataset '{name}': y[{i}] = {l} is not a valid label (classes = {classes})"
            )));
        }
        let class_names = (0..classes).map(|k| k.to_string()).collect();
        Ok(Self {
            name,
            shape,
            classes,
            x,
            y,
            class_names,
        })
    }

    pub fn features(&self) -> usize {
        self.shape[0] * self.shape[1] * self.shape[2]
    }

    pub fn len(&self) -> usize {
        self.y.len()
    }

    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// The feature vector of sample `i` (panics if out of range, like slice indexing).
    pub fn sample(&self, i: usize) -> &[f32] {
        let f = self.features();
        &self.x[i * f..(i + 1) * f]
    }

    /// A copy holding the given samples in the given order (repeats allowed).
    pub fn subset(&self, indices: &[usize]) -> Result<Dataset> {
        let n = self.len();
        if let Some((pos, &i)) = indices.iter().enumerate().find(|(_, &i)| i >= n) {
            return Err(S3nnError::Shape(format!(
                "subset of '{}': indices[{pos}] = {i} out of range (len {n})",
                self.name
            )));
        }
        let f = self.features();
        let mut x = Vec::with_capacity(indices.len() * f);
        let mut y = Vec::with_capacity(indices.len());
        for &i in indices {
            x.extend_from_slice(self.sample(i));
            y.push(self.y[i]);
        }
        Ok(self.with_data(x, y))
    }

    /// The first `min(n, len)` samples (quick runs, smoke tests).
    pub fn take(&self, n: usize) -> Dataset {
        let n = n.min(self.len());
        self.with_data(self.x[..n * self.features()].to_vec(), self.y[..n].to_vec())
    }

    /// Seeded shuffle, then the first `round(train_fraction * len)` samples are train and the rest
    /// test. For toy and CSV sets, which come without a split. Both parts keep ≥ 1 sample when the
    /// fraction is strictly between 0 and 1 and there are ≥ 2 samples, so neither side is vacuous.
    pub fn split(&self, train_fraction: f32, seed: u64) -> Result<(Dataset, Dataset)> {
        if !(train_fraction.is_finite() && train_fraction > 0.0 && train_fraction < 1.0) {
            return Err(S3nnError::Config(format!(
                "train fraction must be in (0, 1), got {train_fraction}"
            )));
        }
        let n = self.len();
        if n < 2 {
            return Err(S3nnError::Data(format!(
                "dataset '{}' has {n} samples; need at least 2 to split",
                self.name
            )));
        }
        // Computed in f64 and rounded so the cut is the same on every target.
        let cut = ((f64::from(train_fraction) * n as f64).round() as usize).clamp(1, n - 1);
        let mut idx: Vec<usize> = (0..n).collect();
        Rng::new(seed).shuffle(&mut idx);
        Ok((self.subset(&idx[..cut])?, self.subset(&idx[cut..])?))
    }

    /// Fraction of input values that are non-zero: how dense the spike input is (MNIST ≈ 0.19).
    pub fn mean_nonzero_fraction(&self) -> f64 {
        if self.x.is_empty() {
            return 0.0;
        }
        self.x.iter().filter(|&&v| v != 0.0).count() as f64 / self.x.len() as f64
    }

    /// Same metadata, new samples (the data were already validated when they came from `self`).
    fn with_data(&self, x: Vec<f32>, y: Vec<u32>) -> Dataset {
        Dataset {
            name: self.name.clone(),
            shape: self.shape,
            classes: self.classes,
            x,
            y,
            class_names: self.class_names.clone(),
        }
    }
}
