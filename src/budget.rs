//! The memory a pass will need, known before anything is allocated.
//!
//! The parameter count alone does not bound memory: `1x28x28-c8192k1p0-mp14-10` has 344 k
//! parameters, but each sample's activations are 8192 × 784 values per layer. So every forward
//! pass (and so predict, inspect, evaluate and each training step) first asks [`check_pass`]
//! whether the parameters with their optimizer state plus the per-sample buffers times the batch
//! stay within [`MAX_WORKING_BYTES`]. The estimate is a deliberate upper bound on what the layers
//! allocate (see the byte counts below), computed in saturating `u64` so it cannot wrap on
//! wasm32. The bound also keeps every event list below `u32::MAX` entries, which the CSR offsets
//! of [`crate::activation::Events`] rely on.

use crate::error::{Result, S3nnError};
use crate::spec::{LayerSpec, NetworkSpec, Shape};

/// Largest working memory one pass may need, in bytes. In wasm32, 2 GiB: half of its address
/// space, leaving room for the data set and the page. Natively 4 GiB: the estimate is an upper
/// bound, well above what a pass takes (the results table's IF T=4 science CNN, batch 100, is
/// estimated at 3.4 GB; its resident set measured 0.69 GB at batch 60, 0.48 GB at batch 20,
/// data set included), and a clear error still beats an OOM abort.
#[cfg(target_arch = "wasm32")]
pub const MAX_WORKING_BYTES: u64 = 2 << 30;
#[cfg(not(target_arch = "wasm32"))]
pub const MAX_WORKING_BYTES: u64 = 4 << 30;

/// Bytes per value of one hidden activation, per row (sample × step): the dense matrix (f32),
/// the next layer's event list with room for a fully dense row (u32 index + f32 value), the
/// neuron step's kept pre-activation and scratch, and in training the gradient and its spare.
const ACTIVATION_BYTES_INFER: u64 = 4 + 8 + 4 + 4;
const ACTIVATION_BYTES_TRAIN: u64 = ACTIVATION_BYTES_INFER + 4 + 4 + 8;
/// A conv layer stores no im2col matrix. On real-valued input it makes it block by block in
/// per-thread buffers (`conv::Im2col`) and keeps a copy of its input (4 bytes per input value);
/// on spikes it keeps im2col as 4-bit patterns (`patterns::Patterns`: a byte per four patch
/// entries of each output position, and a byte per four input values for the pixels' own).
/// Whether a layer's input will be spikes is the neuron's business, so both are counted.
const CONV_INPUT_BYTES: u64 = 4;
/// Pattern bytes per input value (the pixels' patterns), as a divisor.
const PIXEL_PATTERN_DIVISOR: u64 = 4;
/// The pattern product's subset sums of the weights: 16 floats per four patch entries per
/// output channel, 16 bytes per weight (batch-independent, so counted with the parameters).
const TABLE_BYTES_PER_WEIGHT: u64 = 16;
/// Bytes per parameter: value, gradient, transposed copy, two optimizer moments.
const PARAM_BYTES: u64 = 4 * 5;
/// Bytes per hidden neuron per row that an inspection's record adds (spike u8 + potential f32).
const RECORD_BYTES: u64 = 1 + 4;

/// What a network's passes cost: a fixed part and a part per sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cost {
    /// Parameters and optimizer state, whatever the batch.
    pub fixed: u64,
    /// Bytes one sample adds (all its time steps).
    pub per_sample: u64,
}

impl Cost {
    /// Total bytes for `samples` samples.
    pub fn total(&self, samples: usize) -> u64 {
        self.fixed.saturating_add(self.per_sample.saturating_mul(samples as u64))
    }

    /// The most samples that fit in [`MAX_WORKING_BYTES`] (0 if not even one does).
    pub fn max_samples(&self) -> usize {
        let room = MAX_WORKING_BYTES.saturating_sub(self.fixed);
        usize::try_from(room / self.per_sample.max(1)).unwrap_or(usize::MAX)
    }
}

/// Which buffers a pass fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PassKind {
    /// Inference: predict, evaluate.
    Infer,
    /// A training step: forward with everything backward needs, then backward.
    Train,
    /// Inference plus the spike and potential record of every hidden layer.
    Inspect,
}

/// The cost of `spec`'s passes of the given kind (the spec is validated first).
pub fn cost(spec: &NetworkSpec, kind: PassKind) -> Result<Cost> {
    let shapes = spec.shapes()?;
    let train = kind == PassKind::Train;
    let act = if train { ACTIVATION_BYTES_TRAIN } else { ACTIVATION_BYTES_INFER };
    let len = |s: &Shape| s.len() as u64;
    let (mut params, mut tables) = (0u64, 0u64);
    let mut row = len(&shapes[0].0).saturating_mul(act); // the input, HWC, with its events
    for (layer, (input, output)) in spec.hidden.iter().zip(&shapes) {
        let out = len(output);
        match *layer {
            LayerSpec::Dense { .. } => {
                params = params.saturating_add(len(input).saturating_add(1).saturating_mul(out));
                // the pre-activation, its batch norm, then the neuron's output
                row = row.saturating_add(out.saturating_mul(act).saturating_mul(2 + u64::from(spec.batch_norm)));
            }
            LayerSpec::Conv { channels, kernel, .. } => {
                let patch = (kernel as u64).saturating_mul(kernel as u64).saturating_mul(input.c as u64);
                params = params.saturating_add(patch.saturating_add(1).saturating_mul(channels as u64));
                tables = tables.saturating_add(patch.div_ceil(4).saturating_mul(4).saturating_mul(channels as u64).saturating_mul(TABLE_BYTES_PER_WEIGHT));
                let positions = (output.h as u64).saturating_mul(output.w as u64);
                row = row.saturating_add(len(input).saturating_mul(CONV_INPUT_BYTES));
                row = row.saturating_add(positions.saturating_mul(patch.div_ceil(4)));
                row = row.saturating_add(len(input).div_ceil(PIXEL_PATTERN_DIVISOR));
                row = row.saturating_add(out.saturating_mul(act).saturating_mul(2 + u64::from(spec.batch_norm)));
            }
            LayerSpec::MaxPool { .. } => row = row.saturating_add(out.saturating_mul(act)),
        }
        if kind == PassKind::Inspect && !matches!(layer, LayerSpec::MaxPool { .. }) {
            row = row.saturating_add(out.saturating_mul(RECORD_BYTES));
        }
    }
    let (readout_in, classes) = shapes[shapes.len() - 1];
    params = params.saturating_add(len(&readout_in).saturating_add(1).saturating_mul(len(&classes)));
    // per-step logits, their average and gradient, the probabilities
    row = row.saturating_add(len(&classes).saturating_mul(4 * 4));
    Ok(Cost {
        fixed: params.saturating_mul(PARAM_BYTES).saturating_add(tables),
        per_sample: row.saturating_mul(spec.neuron.steps() as u64),
    })
}

/// The cost of each kind of pass, computed once per network (a pass must not allocate to ask).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Costs {
    infer: Cost,
    train: Cost,
    inspect: Cost,
}

impl Costs {
    pub fn of(spec: &NetworkSpec) -> Result<Self> {
        Ok(Self { infer: cost(spec, PassKind::Infer)?, train: cost(spec, PassKind::Train)?, inspect: cost(spec, PassKind::Inspect)? })
    }

    pub fn get(&self, kind: PassKind) -> Cost {
        match kind {
            PassKind::Infer => self.infer,
            PassKind::Train => self.train,
            PassKind::Inspect => self.inspect,
        }
    }
}

/// Refuses a pass of `samples` samples that would need more than [`MAX_WORKING_BYTES`];
/// `what` names the request in the message ("predict", "a training step", ...).
pub fn check_pass(spec: &NetworkSpec, samples: usize, kind: PassKind, what: &str) -> Result<()> {
    check(&cost(spec, kind)?, spec, samples, what)
}

/// [`check_pass`] with the cost already known (allocates only to write an error).
pub fn check(cost: &Cost, spec: &NetworkSpec, samples: usize, what: &str) -> Result<()> {
    let need = cost.total(samples);
    if need > MAX_WORKING_BYTES {
        return Err(S3nnError::TooLarge(format!(
            "{what} on {samples} sample(s) of '{}' needs about {} MB of working memory \
             ({} MB per sample, {} MB of parameters and optimizer state); the limit is {} MB \
             (budget::MAX_WORKING_BYTES){}",
            spec.arch_string(),
            mb(need),
            mb(cost.per_sample),
            mb(cost.fixed),
            mb(MAX_WORKING_BYTES),
            match cost.max_samples() {
                0 => String::from(": not even one sample fits"),
                n if n < samples => format!(": at most {n} samples fit"),
                _ => String::new(),
            }
        )));
    }
    Ok(())
}

fn mb(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neuron::NeuronModel;

    fn spec(arch: &str) -> NetworkSpec {
        NetworkSpec::parse(arch, NeuronModel::default()).unwrap()
    }

    #[test]
    fn the_wide_conv_of_issue_15_is_refused_for_a_big_batch_but_not_for_one_sample() {
        // Issue #15 defect 3: 344 k parameters, 25.7 GB of activations for 1000 samples.
        let s = spec("1x28x28-c8192k1p0-mp14-10");
        let err = check_pass(&s, 1000, PassKind::Infer, "evaluate").unwrap_err();
        assert!(matches!(err, S3nnError::TooLarge(_)), "{err}");
        assert!(err.to_string().contains("MAX_WORKING_BYTES"), "{err}");
        check_pass(&s, 1, PassKind::Infer, "evaluate").unwrap();
        let fit = cost(&s, PassKind::Infer).unwrap().max_samples();
        assert!((1..1000).contains(&fit), "{fit}");
        check_pass(&s, fit, PassKind::Infer, "evaluate").unwrap();
        assert!(check_pass(&s, fit + 1, PassKind::Infer, "evaluate").is_err());
    }

    #[test]
    fn training_costs_more_than_inference_and_records_add_to_it() {
        let s = spec("1x28x28-c16-mp-c32-mp-10");
        let infer = cost(&s, PassKind::Infer).unwrap();
        let train = cost(&s, PassKind::Train).unwrap();
        let inspect = cost(&s, PassKind::Inspect).unwrap();
        assert!(train.per_sample > infer.per_sample && inspect.per_sample > infer.per_sample);
        // Conv 2's kept input (14 × 14 × 16 floats) and its patterns (14 × 14 positions × 36
        // bytes of a 144-entry patch) are part of the bound.
        assert!(infer.per_sample > 14 * 14 * 16 * 4 + 14 * 14 * 36);
    }

    #[test]
    fn the_papers_if_cnn_trains_a_batch_of_100() {
        // The results table's IF T=4 row on the science CNN (4 steps of every activation).
        let lif = NeuronModel::MultiStep { steps: 4, leak: 1.0, threshold: 1.0, surrogate: Default::default() };
        let mut s = NetworkSpec::parse("1x28x28-c32-c32-mp-c64-c64-mp-256-10", lif).unwrap();
        s.batch_norm = true;
        check_pass(&s, 100, PassKind::Train, "a training step").unwrap();
    }

    #[test]
    fn multi_step_neurons_multiply_the_per_sample_cost() {
        let one = cost(&spec("784-100-10"), PassKind::Infer).unwrap();
        let lif = NetworkSpec::parse("784-100-10", NeuronModel::MultiStep { steps: 8, leak: 0.9, threshold: 1.0, surrogate: Default::default() });
        let eight = cost(&lif.unwrap(), PassKind::Infer).unwrap();
        assert_eq!(eight.per_sample, one.per_sample * 8);
        assert_eq!(eight.fixed, one.fixed);
    }
}
