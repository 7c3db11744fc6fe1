//! What flows between layers: a dense matrix plus its event list.
//!
//! The dense copy serves pooling, spike maps and the baselines; the event list (CSR) is what the
//! next layer's product consumes, so a spike-fed layer touches only the weight rows that spiked.

use crate::neuron::Signal;

/// Compressed sparse rows: row r's events are `idx[ptr[r]..ptr[r + 1]]`, with values `val` unless
/// the events are binary spikes (value 1, `val` empty).
#[derive(Clone, Debug, Default)]
pub struct Events {
    pub ptr: Vec<u32>,
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
    pub binary: bool,
}

impl Events {
    /// Rebuilds from a dense `[rows × cols]` matrix, keeping non-zero entries. Buffers are reused.
    ///
    /// Branch-free compaction: every column index is written and the cursor advances only past
    /// non-zeros. At MNIST's 19 % input density a `if x != 0 { push }` loop mispredicts on most
    /// pixels; this one does not branch on the data at all.
    pub fn rebuild(&mut self, dense: &[f32], rows: usize, cols: usize, binary: bool) {
        self.binary = binary;
        self.ptr.clear();
        self.ptr.push(0);
        self.idx.clear();
        self.val.clear();
        let mut k = 0usize;
        for r in 0..rows {
            let row = &dense[r * cols..(r + 1) * cols];
            // room for a fully dense row; truncated to the real count below
            self.idx.resize(k + cols, 0);
            if !binary {
                self.val.resize(k + cols, 0.0);
            }
            let idx = &mut self.idx[k..k + cols];
            let mut c = 0usize;
            if binary {
                for (j, &x) in row.iter().enumerate() {
                    idx[c] = j as u32;
                    c += usize::from(x != 0.0);
                }
            } else {
                let val = &mut self.val[k..k + cols];
                for (j, &x) in row.iter().enumerate() {
                    idx[c] = j as u32;
                    val[c] = x;
                    c += usize::from(x != 0.0);
                }
            }
            k += c;
            self.idx.truncate(k);
            if !binary {
                self.val.truncate(k);
            }
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

    pub fn count(&self) -> usize {
        self.idx.len()
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
    pub fn reset(&mut self, rows: usize, cols: usize, signal: Signal) {
        self.rows = rows;
        self.cols = cols;
        self.signal = Some(signal);
        self.dense.clear();
        self.dense.resize(rows * cols, 0.0);
    }
}
