//! What every layer knows about the forward pass it is in; a leaf, so that layers, operation
//! counts and the model can all name it without importing one another.

/// What every layer needs to know about the pass it is in.
#[derive(Clone, Copy, Debug)]
pub struct Pass {
    /// Samples in the batch.
    pub samples: usize,
    /// Time steps (rows of every matrix are `steps × samples`).
    pub steps: usize,
    /// Batch statistics for batch norm.
    pub train: bool,
    /// Spikes replaced by their surrogate's primitive (see `NeuronModel::forward`).
    pub smooth: bool,
}

impl Pass {
    pub fn rows(&self) -> usize {
        self.steps * self.samples
    }
}
