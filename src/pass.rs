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

/// How the weight-gradient sums of a backward pass group the batch: in `shards` consecutive
/// groups of samples, each summed on its own from zero, the groups' sums then added in order.
/// This is the arithmetic of a sharded training step (see `crate::shards`), which runs each group
/// on its own replica of the model; one thread runs it on one model with this grouping instead,
/// with the same bits. `shards = 1` is the whole batch in one sum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Groups {
    pub samples: usize,
    pub shards: usize,
}

impl Groups {
    /// The whole batch of `samples` in one group.
    pub fn whole(samples: usize) -> Self {
        Self { samples, shards: 1 }
    }

    /// Samples `[start, end)` of group `i`.
    pub fn samples_of(&self, i: usize) -> (usize, usize) {
        (
            i * self.samples / self.shards,
            (i + 1) * self.samples / self.shards,
        )
    }

    /// Rows `[start, end)` of group `i` in a sample-major matrix of `rows` rows (the same number
    /// per sample: 1 for a dense layer, the output positions for a conv layer's im2col).
    pub fn rows_of(&self, i: usize, rows: usize) -> (usize, usize) {
        let per = rows.checked_div(self.samples).unwrap_or(0);
        let (a, b) = self.samples_of(i);
        (a * per, b * per)
    }
}
