//! Softmax cross-entropy over a batch of logits, computed stably with `libm` (identical on every
//! target).

use crate::error::{Result, S3nnError};

/// Checks every label names one of `classes` outputs: the loss and the confusion matrix index
/// by label, so a label the network has no output for must be an error before either runs.
pub fn check_labels(labels: &[u32], classes: usize) -> Result<()> {
    match labels.iter().position(|&y| y as usize >= classes) {
        Some(i) => Err(S3nnError::Shape(format!(
            "label {} (position {i} of the batch) has no output: the network has {classes} classes",
            labels[i]
        ))),
        None => Ok(()),
    }
}

/// Mean loss over the batch, the number of correct argmax predictions, and dL/dlogits in `grad`.
pub fn softmax_cross_entropy(logits: &[f32], labels: &[u32], classes: usize, grad: &mut Vec<f32>) -> (f32, usize) {
    let n = labels.len();
    let mut loss = 0.0f64;
    let correct = cross_entropy_rows(logits, labels, classes, 1.0 / n as f32, grad, &mut loss);
    ((loss / n as f64) as f32, correct)
}

/// The rows of [`softmax_cross_entropy`] for one part of a batch: adds each row's loss to
/// `loss` (in row order, so the parts of a batch summed one after another give the whole batch's
/// sum bit for bit), writes dL/dlogits scaled by `inv_n` (1 / the whole batch) to `grad`, and
/// returns the correct predictions.
pub fn cross_entropy_rows(
    logits: &[f32],
    labels: &[u32],
    classes: usize,
    inv_n: f32,
    grad: &mut Vec<f32>,
    loss: &mut f64,
) -> usize {
    grad.clear();
    grad.resize(logits.len(), 0.0);
    cross_entropy_into(logits, labels, classes, inv_n, grad, loss)
}

/// [`cross_entropy_rows`] into a slice of the right length (`logits.len()`).
pub fn cross_entropy_into(
    logits: &[f32],
    labels: &[u32],
    classes: usize,
    inv_n: f32,
    grad: &mut [f32],
    loss: &mut f64,
) -> usize {
    let mut correct = 0;
    for (i, &y) in labels.iter().enumerate() {
        let z = &logits[i * classes..(i + 1) * classes];
        let g = &mut grad[i * classes..(i + 1) * classes];
        let (max, sum) = shifted_exp(z, g);
        *loss += f64::from(libm::logf(sum) - (z[y as usize] - max));
        for (j, gj) in g.iter_mut().enumerate() {
            *gj = (*gj / sum - if j == y as usize { 1.0 } else { 0.0 }) * inv_n;
        }
        if argmax(z) == y {
            correct += 1;
        }
    }
    correct
}

/// Class probabilities of each row of `logits` (`n × classes`), the same arithmetic as the loss.
pub fn softmax(logits: &[f32], classes: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; logits.len()];
    for (z, p) in logits.chunks(classes).zip(out.chunks_mut(classes)) {
        let (_, sum) = shifted_exp(z, p);
        p.iter_mut().for_each(|v| *v /= sum);
    }
    out
}

/// Writes `exp(z − max z)` to `out` (shifted so that no logit overflows); returns (max, sum).
fn shifted_exp(z: &[f32], out: &mut [f32]) -> (f32, f32) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0f32;
    for (o, &v) in out.iter_mut().zip(z) {
        *o = libm::expf(v - max);
        sum += *o;
    }
    (max, sum)
}

/// Index of the largest value (first on ties).
pub fn argmax(v: &[f32]) -> u32 {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_textbook_formula_and_its_gradient() {
        let logits = [1.0f32, 2.0, 0.5, -1.0, 0.0, 3.0];
        let labels = [1u32, 2];
        let mut g = Vec::new();
        let (loss, correct) = softmax_cross_entropy(&logits, &labels, 3, &mut g);
        let ce = |z: &[f32], y: usize| {
            let s: f64 = z.iter().map(|&v| f64::from(v).exp()).sum();
            s.ln() - f64::from(z[y])
        };
        let expected = (ce(&logits[0..3], 1) + ce(&logits[3..6], 2)) / 2.0;
        assert!((f64::from(loss) - expected).abs() < 1e-6);
        assert_eq!(correct, 2);
        // finite differences
        for i in 0..6 {
            let mut p = logits;
            p[i] += 1e-3;
            let mut m = logits;
            m[i] -= 1e-3;
            let (lp, _) = softmax_cross_entropy(&p, &labels, 3, &mut Vec::new());
            let (lm, _) = softmax_cross_entropy(&m, &labels, 3, &mut Vec::new());
            assert!(((lp - lm) / 2e-3 - g[i]).abs() < 1e-3, "{i}");
        }
    }

    #[test]
    fn softmax_rows_sum_to_one_and_follow_the_logits() {
        let p = softmax(&[1.0, 2.0, 0.5, -1.0, 0.0, 3.0], 3);
        for row in p.chunks(3) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        }
        let e = |v: f64| v.exp();
        assert!((f64::from(p[1]) - e(2.0) / (e(1.0) + e(2.0) + e(0.5))).abs() < 1e-6);
        assert!(p[5] > p[4] && p[4] > p[3]);
    }

    #[test]
    fn huge_logits_stay_finite() {
        let mut g = Vec::new();
        let (loss, _) = softmax_cross_entropy(&[1e30, -1e30, 0.0], &[1], 3, &mut g);
        assert!(loss.is_finite() && g.iter().all(|v| v.is_finite()));
    }
}
