//! What flows between layers: a dense matrix plus its event list.
//!
//! The dense copy serves pooling, spike maps and the baselines; the event list (CSR) is what the
//! next layer's product consumes, so a spike-fed layer touches only the weight rows that spiked.

use crate::kernels;
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
        self.ptr.push(0);
        let mut k = 0usize;
        for r in 0..rows {
            let row = &dense[r * cols..(r + 1) * cols];
            let val = (!binary).then(|| &mut self.val[k..k + cols]);
            k += kernels::compact_nonzero(row, &mut self.idx[k..k + cols], val);
            self.ptr.push(k as u32);
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

/// A layer's output for a whole batch (rows = steps × batch, t-major).
#[derive(Clone, Debug, Default)]
pub struct Activation {
    pub rows: usize,
    pub cols: usize,
    pub dense: Vec<f32>,
    pub signal: Option<Signal>,
}

impl Activation {
    /// Sets the shape for a new batch. The contents are left as they are (stale or zero): every
    /// caller overwrites each element, and skipping the zero fill saves writing the matrix twice
    /// (3 MB for an MNIST input batch of 1000).
    pub fn reset(&mut self, rows: usize, cols: usize, signal: Signal) {
        self.rows = rows;
        self.cols = cols;
        self.signal = Some(signal);
        self.dense.resize(rows * cols, 0.0);
    }
}
