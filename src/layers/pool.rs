//! Max-pool over non-overlapping size×size windows (HWC). On spikes it is an OR of the window.
//! The gradient goes to the first maximum of each window (PyTorch's choice).

use super::Pass;
use crate::activation::Activation;
use crate::neuron::Signal;
use crate::parallel::{for_row_chunks, for_row_chunks2};
use crate::spec::Shape;

/// The max-pool layer: its windows, and where each window's maximum was in the last forward.
#[derive(Clone, Debug)]
pub struct MaxPool {
    pub geom: PoolGeom,
    argmax: Vec<u32>,
    pub(super) out: Activation,
}

impl MaxPool {
    pub fn new(geom: PoolGeom) -> Self {
        Self { geom, argmax: Vec::new(), out: Activation::default() }
    }

    /// The output carries the input's signal: the maximum of spikes is a spike.
    pub fn forward(&mut self, input: &Activation, pass: &Pass) {
        let rows = pass.rows();
        self.out.reset(rows, self.geom.output.len(), input.signal.unwrap_or(Signal::Real));
        self.geom.forward(&input.dense, rows, &mut self.out.dense, &mut self.argmax);
    }

    pub fn backward(&mut self, g: &mut Vec<f32>, spare: &mut Vec<f32>, input_grad: bool) {
        if input_grad {
            self.geom.backward(g, &self.argmax, self.out.rows, spare);
            std::mem::swap(g, spare);
        }
    }

    /// Input index of each window's maximum in the last forward.
    pub fn argmax(&self) -> &[u32] {
        &self.argmax
    }
}

/// Samples per thread at least.
const SAMPLES_PER_THREAD: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolGeom {
    pub input: Shape,
    pub output: Shape,
    pub size: usize,
}

impl PoolGeom {
    /// Samples are independent, so they are cut between threads.
    pub fn forward(&self, x: &[f32], samples: usize, out: &mut [f32], argmax: &mut Vec<u32>) {
        let (i, o) = (self.input, self.output);
        argmax.clear();
        argmax.resize(samples * o.len(), 0);
        let out = &mut out[..samples * o.len()];
        for_row_chunks2(out, o.len(), &mut argmax[..], o.len(), SAMPLES_PER_THREAD, |n0, out, at| {
            for (dn, (out, at)) in out.chunks_exact_mut(o.len()).zip(at.chunks_exact_mut(o.len())).enumerate() {
                let n = n0 + dn;
                self.forward_sample(&x[n * i.len()..(n + 1) * i.len()], n * i.len(), out, at);
            }
        });
    }

    /// One sample's windows; `first` is the sample's first input index (argmax is absolute).
    fn forward_sample(&self, img: &[f32], first: usize, out: &mut [f32], argmax: &mut [u32]) {
        let (i, o, s) = (self.input, self.output, self.size);
        // Channels innermost (contiguous in HWC), so each window tap is one pass over a pixel's
        // channels; per channel the taps still go in window order with a strict `>`, keeping the
        // first maximum.
        for oy in 0..o.h {
            for ox in 0..o.w {
                let q = (oy * o.w + ox) * o.c;
                let best = &mut out[q..q + o.c];
                let at = &mut argmax[q..q + o.c];
                best.fill(f32::NEG_INFINITY);
                at.fill(first as u32);
                for dy in 0..s {
                    for dx in 0..s {
                        let p = ((oy * s + dy) * i.w + ox * s + dx) * i.c;
                        for (c, (&v, (b, a))) in img[p..p + o.c].iter().zip(best.iter_mut().zip(at.iter_mut())).enumerate() {
                            if v > *b {
                                *b = v;
                                *a = (first + p + c) as u32;
                            }
                        }
                    }
                }
            }
        }
    }

    /// Each sample's gradient lands in its own input (its argmax), so samples are cut between
    /// threads.
    pub fn backward(&self, dout: &[f32], argmax: &[u32], samples: usize, dx: &mut Vec<f32>) {
        let (per_in, per_out) = (self.input.len(), self.output.len());
        dx.clear();
        dx.resize(samples * per_in, 0.0);
        for_row_chunks(&mut dx[..], per_in, SAMPLES_PER_THREAD, |n0, dx| {
            let (lo, hi) = (n0 * per_out, (n0 * per_out + dx.len() / per_in.max(1) * per_out).min(argmax.len()));
            for (&a, &g) in argmax[lo..hi].iter().zip(&dout[lo..]) {
                dx[a as usize - n0 * per_in] += g;
            }
        });
    }
}
