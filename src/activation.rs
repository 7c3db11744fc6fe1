//! What flows between layers: a dense matrix plus its event list.
//!
//! The dense copy serves pooling, spike maps and the baselines; the event list (CSR) is what the
//! next layer's product consumes, so a spike-fed layer touches only the weight rows that spiked.

use crate::kernels;
use crate::parallel;
use crate::neuron::Signal;

/// Compressed sparse rows: row r's events are `idx[ptr[r]..ptr[r + 1]]`, with values `val` unless
/// the events are binary spikes (value 1, `val` unused). `idx`/`val` may be longer than the
/// `ptr[rows]` events (scratch room); use [`Events::count`].
#[derive(Clone, Debug, Default)]
pub struct Events {
    pub ptr: Vec<u32>,
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
    pub binary: bool,
}

impl Events {
    /// Rebuilds from a dense `[rows × cols]` matrix, keeping non-zero entries (see
    /// [`kernels::compact_nonzero`]). Buffers are reused: `idx` (and `val`) keep room for a fully
    /// dense batch, and entries past `ptr[rows]` are scratch — so no step writes the buffers twice.
    /// Big batches are compacted in two halves on two threads (each into its own part of the
    /// room), then the second half's events are moved down behind the first's.
    pub fn rebuild(&mut self, dense: &[f32], rows: usize, cols: usize, binary: bool) {
        self.binary = binary;
        let room = rows * cols;
        if self.idx.len() < room {
            self.idx.resize(room, 0);
        }
        if !binary && self.val.len() < room {
            self.val.resize(room, 0.0);
        }
        self.ptr.clear();
        self.ptr.resize(rows + 1, 0);
        let idx = &mut self.idx[..room];
        let val = (!binary).then(|| &mut self.val[..room]);
        let dense = &dense[..room];
        if parallel::threads_here() < 2 || rows < 2 || room < parallel::MIN_PARALLEL_ELEMENTWISE {
            compact_rows(dense, cols, idx, val, &mut self.ptr[1..]);
            return;
        }
        let mid = rows / 2;
        let at = mid * cols;
        let (ia, ib) = idx.split_at_mut(at);
        let (va, vb) = parallel::split_opt_mut(val, at);
        let (pa, pb) = self.ptr[1..].split_at_mut(mid);
        let (da, db) = dense.split_at(at);
        let (ka, kb) = parallel::join(|| compact_rows(da, cols, ia, va, pa), || compact_rows(db, cols, ib, vb, pb));
        self.idx.copy_within(at..at + kb, ka);
        if !binary {
            self.val.copy_within(at..at + kb, ka);
        }
        for p in &mut self.ptr[mid + 1..] {
            *p += ka as u32;
        }
    }

    pub fn rows(&self) -> usize {
        self.ptr.len().saturating_sub(1)
    }

    /// Values for the kernels: `None` means binary spikes (additions only).
    pub fn values(&self) -> Option<&[f32]> {
        if self.binary {
            None
        } else {
            Some(&self.val)
        }
    }

    /// Number of events (entries of `idx` past it are scratch).
    pub fn count(&self) -> usize {
        self.ptr.last().copied().unwrap_or(0) as usize
    }
}

/// Compacts the rows of `dense` into `idx`/`val` from position 0, writing each row's end
/// position to `ends`; returns the number of events.
fn compact_rows(dense: &[f32], cols: usize, idx: &mut [u32], mut val: Option<&mut [f32]>, ends: &mut [u32]) -> usize {
    let mut k = 0usize;
    for (r, end) in ends.iter_mut().enumerate() {
        let row = &dense[r * cols..(r + 1) * cols];
        let v = val.as_deref_mut().map(|v| &mut v[k..k + cols]);
        k += kernels::compact_nonzero(row, &mut idx[k..k + cols], v);
        *end = k as u32;
    }
    k
}

/// Fills `out` with copies of its first `len` values (the last copy cut short if `len` does not
/// divide it).
pub(crate) fn copy_repeats(out: &mut [f32], len: usize) {
    if len == 0 {
        return;
    }
    let (first, rest) = out.split_at_mut(len);
    for copy in rest.chunks_mut(len) {
        copy.copy_from_slice(&first[..copy.len()]);
    }
}

/// A layer's output for a whole batch (rows = steps × batch, t-major).
#[derive(Clone, Debug, Default)]
pub struct Activation {
    pub rows: usize,
    pub cols: usize,
    pub dense: Vec<f32>,
    pub signal: Option<Signal>,
    /// The rows are this many copies of their first `rows / repeats` (the network's input,
    /// repeated for every time step: direct encoding), so a product over them need only be
    /// computed for those and copied; 0 or 1 for any other output.
    pub repeats: usize,
}

impl Activation {
    /// Sets the shape for a new batch. The contents are left as they are (stale or zero): every
    /// caller overwrites each element, and skipping the zero fill saves writing the matrix twice
    /// (3 MB for an MNIST input batch of 1000).
    pub fn reset(&mut self, rows: usize, cols: usize, signal: Signal) {
        self.rows = rows;
        self.cols = cols;
        self.signal = Some(signal);
        self.repeats = 1;
        self.dense.resize(rows * cols, 0.0);
    }

    /// Whether `dense[i]` is a spike. The one definition behind every firing rate: a spike is a
    /// non-zero output of a spiking neuron (`Signal::Spike`). ReLU and sign outputs are not
    /// spikes, however positive, so those layers have no spikes and a firing rate of 0.
    pub fn is_spike(&self, i: usize) -> bool {
        self.signal == Some(Signal::Spike) && self.dense[i] != 0.0
    }

    /// Spikes in the whole batch (all rows, all steps).
    pub fn spike_count(&self) -> usize {
        if self.signal != Some(Signal::Spike) {
            return 0;
        }
        self.dense.iter().filter(|&&v| v != 0.0).count()
    }

    /// Spikes per output entry: spikes / (samples × steps × neurons).
    pub fn firing_rate(&self) -> f64 {
        self.spike_count() as f64 / self.dense.len().max(1) as f64
    }
}
