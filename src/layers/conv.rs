//! Convolution geometry: im2col as an event list (so a spiking conv reuses the spike kernels and
//! adds only the weights under input spikes) and its adjoint, col2im.
//!
//! Activations are HWC per sample: feature index `(y·W + x)·C + c`. A conv weight matrix is
//! `[(ky·k + kx)·C_in + c_in] × C_out`; [`Layout::Conv`] maps it to PyTorch's `[C_out, C_in, k, k]`.

use super::linear::Linear;
use super::Pass;
use crate::activation::{Activation, Events};
use crate::neuron::Signal;
use crate::ops::{EnergyModel, LayerOps};
use crate::params::{Layout, Owner, Param, ParamMut};
use crate::rng::Rng;
use crate::spec::Shape;

/// A convolution layer (`nn.Conv2d`): the weight matrix applied to every input patch.
#[derive(Clone, Debug)]
pub struct Conv {
    pub geom: ConvGeom,
    pub linear: Linear,
    /// im2col of the last forward's input, as events.
    events: Events,
    /// Gradient with respect to the im2col matrix, before col2im.
    dcol: Vec<f32>,
    /// Pre-activation of the last forward (HWC per sample).
    out: Activation,
}

impl Conv {
    pub fn new(geom: ConvGeom, channels: usize, rng: &mut Rng) -> Self {
        Self {
            linear: Linear::new(geom.patch(), channels, rng),
            geom,
            events: Events::default(),
            dcol: Vec::new(),
            out: Activation::default(),
        }
    }

    pub fn forward(&mut self, input: &Activation, pass: &Pass) {
        let rows = pass.rows();
        self.geom.im2col(&input.dense, rows, input.signal == Some(Signal::Spike), &mut self.events);
        self.out.reset(rows, self.geom.output.len(), Signal::Real);
        self.linear.forward(&self.events, &mut self.out.dense);
    }

    pub fn backward(&mut self, g: &mut Vec<f32>, spare: &mut Vec<f32>, input_grad: bool) {
        self.linear.backward(&self.events, g, input_grad.then_some(&mut self.dcol));
        if input_grad {
            self.geom.col2im(&self.dcol, self.out.rows, spare);
            std::mem::swap(g, spare);
        }
    }

    pub fn output(&self) -> &Activation {
        &self.out
    }

    pub fn ops(&self, name: String, input: Signal, pass: &Pass, energy: &EnergyModel) -> LayerOps {
        let l = &self.linear;
        LayerOps::product(name, "conv", input, l.fan_in, l.fan_out, self.geom.positions(), self.events.count(), pass, energy)
    }

    pub fn layout(&self) -> Layout {
        Layout::Conv { c_in: self.geom.input.c, c_out: self.linear.fan_out, kernel: self.geom.kernel }
    }

    pub fn params(&self, owner: Owner, f: &mut dyn FnMut(Param<'_>)) {
        self.linear.params(owner, self.layout(), f)
    }

    pub fn params_mut(&mut self, owner: Owner, f: &mut dyn FnMut(ParamMut<'_>)) {
        let layout = self.layout();
        self.linear.params_mut(owner, layout, f)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConvGeom {
    pub input: Shape,
    pub output: Shape,
    pub kernel: usize,
    pub stride: usize,
    pub padding: usize,
}

impl ConvGeom {
    /// Rows of the im2col matrix: one per (sample, output position).
    pub fn positions(&self) -> usize {
        self.output.h * self.output.w
    }

    /// Columns of the im2col matrix (= fan-in of one output).
    pub fn patch(&self) -> usize {
        self.kernel * self.kernel * self.input.c
    }

    /// Input pixel under kernel tap (ky, kx) of output (oy, ox), if inside the image.
    #[inline]
    fn tap(&self, oy: usize, ox: usize, ky: usize, kx: usize) -> Option<usize> {
        let iy = (oy * self.stride + ky).checked_sub(self.padding)?;
        let ix = (ox * self.stride + kx).checked_sub(self.padding)?;
        (iy < self.input.h && ix < self.input.w).then_some(iy * self.input.w + ix)
    }

    /// Builds the non-zero entries of im2col(`x`) for `samples` inputs; `binary` for spikes.
    pub fn im2col(&self, x: &[f32], samples: usize, binary: bool, ev: &mut Events) {
        let (c, k) = (self.input.c, self.kernel);
        let per = self.input.len();
        ev.binary = binary;
        ev.ptr.clear();
        ev.idx.clear();
        ev.val.clear();
        ev.ptr.push(0);
        for s in 0..samples {
            let img = &x[s * per..(s + 1) * per];
            for oy in 0..self.output.h {
                for ox in 0..self.output.w {
                    for ky in 0..k {
                        for kx in 0..k {
                            let Some(p) = self.tap(oy, ox, ky, kx) else { continue };
                            let base = (ky * k + kx) * c;
                            for ci in 0..c {
                                let v = img[p * c + ci];
                                if v != 0.0 {
                                    ev.idx.push((base + ci) as u32);
                                    if !binary {
                                        ev.val.push(v);
                                    }
                                }
                            }
                        }
                    }
                    ev.ptr.push(ev.idx.len() as u32);
                }
            }
        }
    }

    /// Adjoint of im2col: scatters `dcol [samples·positions × patch]` back onto `dx`.
    pub fn col2im(&self, dcol: &[f32], samples: usize, dx: &mut Vec<f32>) {
        let (c, k, patch) = (self.input.c, self.kernel, self.patch());
        let per = self.input.len();
        dx.clear();
        dx.resize(samples * per, 0.0);
        for s in 0..samples {
            let img = &mut dx[s * per..(s + 1) * per];
            for oy in 0..self.output.h {
                for ox in 0..self.output.w {
                    let row = &dcol[((s * self.output.h + oy) * self.output.w + ox) * patch..][..patch];
                    for ky in 0..k {
                        for kx in 0..k {
                            let Some(p) = self.tap(oy, ox, ky, kx) else { continue };
                            let base = (ky * k + kx) * c;
                            for ci in 0..c {
                                img[p * c + ci] += row[base + ci];
                            }
                        }
                    }
                }
            }
        }
    }
}
