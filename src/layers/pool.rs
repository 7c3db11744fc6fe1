//! Max-pool over non-overlapping size×size windows (HWC). On spikes it is an OR of the window.
//! The gradient goes to the first maximum of each window (PyTorch's choice).

use super::Pass;
use crate::activation::Activation;
use crate::neuron::Signal;
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolGeom {
    pub input: Shape,
    pub output: Shape,
    pub size: usize,
}

impl PoolGeom {
    pub fn forward(&self, x: &[f32], samples: usize, out: &mut [f32], argmax: &mut Vec<u32>) {
        let (i, o, s) = (self.input, self.output, self.size);
        argmax.clear();
        argmax.resize(samples * o.len(), 0);
        // Channels innermost (contiguous in HWC), so each window tap is one pass over a pixel's
        // channels; per channel the taps still go in window order with a strict `>`, keeping the
        // first maximum.
        for n in 0..samples {
            let img = &x[n * i.len()..(n + 1) * i.len()];
            for oy in 0..o.h {
                for ox in 0..o.w {
                    let q = n * o.len() + (oy * o.w + ox) * o.c;
                    let best = &mut out[q..q + o.c];
                    let at = &mut argmax[q..q + o.c];
                    best.fill(f32::NEG_INFINITY);
                    at.fill((n * i.len()) as u32);
                    for dy in 0..s {
                        for dx in 0..s {
                            let p = ((oy * s + dy) * i.w + ox * s + dx) * i.c;
                            for (c, (&v, (b, a))) in img[p..p + o.c].iter().zip(best.iter_mut().zip(at.iter_mut())).enumerate() {
                                if v > *b {
                                    *b = v;
                                    *a = (n * i.len() + p + c) as u32;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    pub fn backward(&self, dout: &[f32], argmax: &[u32], samples: usize, dx: &mut Vec<f32>) {
        dx.clear();
        dx.resize(samples * self.input.len(), 0.0);
        for (&a, &g) in argmax.iter().zip(dout) {
            dx[a as usize] += g;
        }
    }
}
