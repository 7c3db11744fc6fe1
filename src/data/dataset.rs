//! The one in-memory dataset type every loader produces and the trainer consumes.

use crate::error::{Result, S3nnError};
use crate::rng::Rng;
use std::borrow::Cow;

/// Upper bound on `classes` accepted by [`Dataset::new`].
pub const MAX_CLASSES: usize = 65_536;

/// Samples stored as one flat row-major buffer (cache-friendly batching, one allocation, cheap to
/// hand across the wasm boundary) plus `u32` labels.
///
/// Real-valued sets keep `f32` values in `x`. Image sets read from bytes keep the bytes in `bytes`
/// instead (`x` is then empty) and convert `byte / 255` on the fly, batch by batch: full MNIST is
/// 55 MB as bytes and 220 MB as `f32`, which matters inside a browser tab. Read samples through
/// [`Dataset::sample`], [`Dataset::rows`] or [`Dataset::values`], which serve both.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub name: String,
    /// `[channels, height, width]`; 2-D points are `[2, 1, 1]`, MNIST is `[1, 28, 28]`.
    pub shape: [usize; 3],
    pub classes: usize,
    /// `len() * features()` values, row-major (empty for byte-backed image sets).
    pub x: Vec<f32>,
    /// `len() * features()` pixel bytes of a byte-backed image set (value = byte / 255), else empty.
    pub bytes: Vec<u8>,
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
            bytes: Vec::new(),
            y,
            class_names,
        })
    }

    /// An image set kept as bytes (value = byte / 255); same checks as [`Dataset::new`].
    pub fn from_bytes(name: impl Into<String>, shape: [usize; 3], classes: usize, bytes: Vec<u8>, y: Vec<u32>) -> Result<Self> {
        let name = name.into();
        let features = shape.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d)).unwrap_or(usize::MAX);
        if y.len().checked_mul(features) != Some(bytes.len()) {
            return Err(S3nnError::Shape(format!(
                "dataset '{name}': {} labels × {features} features needs that many bytes, got {}",
                y.len(),
                bytes.len()
            )));
        }
        // Validate everything but the values (bytes are always finite) on an empty probe.
        let probe = Self::new(name, shape, classes, Vec::new(), Vec::new())?;
        if let Some((i, &l)) = y.iter().enumerate().find(|(_, &l)| l as usize >= classes) {
            return Err(S3nnError::Data(format!(
                "dataset '{}': y[{i}] = {l} is not a valid label (classes = {classes})",
                probe.name
            )));
        }
        Ok(Self { bytes, y, ..probe })
    }

    /// Whether samples are stored as bytes (see the type's docs).
    pub fn is_byte_backed(&self) -> bool {
        self.x.is_empty() && !self.bytes.is_empty()
    }

    /// Samples `start..end` as `f32` values, row-major (borrowed for `f32` sets, converted for
    /// byte-backed ones). Panics if out of range, like slice indexing.
    pub fn rows(&self, start: usize, end: usize) -> Cow<'_, [f32]> {
        let f = self.features();
        if self.is_byte_backed() {
            let mut v = vec![0.0; (end - start) * f];
            bytes_to_values(&self.bytes[start * f..end * f], &mut v);
            Cow::Owned(v)
        } else {
            Cow::Borrowed(&self.x[start * f..end * f])
        }
    }

    /// `out` = the values of `samples`, in order, one row each (no allocation once `out` has
    /// grown): a training batch drawn from the shuffled order.
    pub fn gather(&self, samples: &[u32], out: &mut Vec<f32>) {
        let f = self.features();
        out.clear();
        for &i in samples {
            let i = i as usize;
            if self.is_byte_backed() {
                let at = out.len();
                out.resize(at + f, 0.0);
                bytes_to_values(&self.bytes[i * f..(i + 1) * f], &mut out[at..]);
            } else {
                out.extend_from_slice(&self.x[i * f..(i + 1) * f]);
            }
        }
    }

    /// Every value, row-major.
    pub fn values(&self) -> Cow<'_, [f32]> {
        self.rows(0, self.len())
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
    pub fn sample(&self, i: usize) -> Cow<'_, [f32]> {
        self.rows(i, i + 1)
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
        let y = indices.iter().map(|&i| self.y[i]).collect();
        if self.is_byte_backed() {
            let mut b = Vec::with_capacity(indices.len() * f);
            for &i in indices {
                b.extend_from_slice(&self.bytes[i * f..(i + 1) * f]);
            }
            return Ok(self.with_bytes(b, y));
        }
        let mut x = Vec::with_capacity(indices.len() * f);
        for &i in indices {
            x.extend_from_slice(&self.x[i * f..(i + 1) * f]);
        }
        Ok(self.with_data(x, y))
    }

    /// The first `min(n, len)` samples (quick runs, smoke tests).
    pub fn take(&self, n: usize) -> Dataset {
        let n = n.min(self.len());
        let f = self.features();
        if self.is_byte_backed() {
            return self.with_bytes(self.bytes[..n * f].to_vec(), self.y[..n].to_vec());
        }
        self.with_data(self.x[..n * f].to_vec(), self.y[..n].to_vec())
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
        if self.is_byte_backed() {
            return self.bytes.iter().filter(|&&b| b != 0).count() as f64 / self.bytes.len() as f64;
        }
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
            bytes: Vec::new(),
            y,
            class_names: self.class_names.clone(),
        }
    }

    fn with_bytes(&self, bytes: Vec<u8>, y: Vec<u32>) -> Dataset {
        Dataset { x: Vec::new(), bytes, ..self.with_data(Vec::new(), y) }
    }
}

/// `out[i] = byte_value(bytes[i])`: a plain loop over two equal-length slices, the shape LLVM
/// vectorizes most reliably (no capacity checks inside, unlike `extend` over a mapped iterator).
fn bytes_to_values(bytes: &[u8], out: &mut [f32]) {
    for (o, &b) in out.iter_mut().zip(bytes) {
        *o = byte_value(b);
    }
}

/// A pixel byte as a value in [0, 1]: a true division (correctly rounded by IEEE 754) rather than
/// `b * (1/255)`, so it is the nearest f32 to b/255 on every target and exactly 1.0 for 255.
#[inline]
pub fn byte_value(b: u8) -> f32 {
    f32::from(b) / 255.0
}
