//! A network built from its spec: forward with a record of every layer's input events,
//! pre-activations and spikes (for backward, spike maps and operation counts), and backward.
//!
//! Rows of every matrix are `steps × batch`, t-major: single-step models have one block, the
//! multi-step SNN one per time step (its input is repeated each step: direct encoding).

use crate::activation::{Activation, Events};
use crate::error::{Result, S3nnError};
use crate::layers::batchnorm::BatchNorm;
use crate::layers::conv::ConvGeom;
use crate::layers::linear::Linear;
use crate::layers::pool::PoolGeom;
use crate::neuron::{NeuronModel, Signal};
use crate::parallel::{self, for_row_chunks};
use crate::rng::Rng;
use crate::spec::{LayerSpec, NetworkSpec, Shape};

/// Largest batch (× steps) one forward pass accepts; bounds memory from bad input.
pub const MAX_ROWS: usize = 1 << 16;

#[derive(Clone, Debug)]
pub enum StageKind {
    Dense,
    Conv(ConvGeom),
    Pool(PoolGeom),
}

/// One hidden layer with its forward record.
#[derive(Clone, Debug)]
pub struct Stage {
    pub kind: StageKind,
    pub input: Shape,
    pub output: Shape,
    pub linear: Option<Linear>,
    pub bn: Option<BatchNorm>,
    /// Input events of the last forward (dense: the input itself; conv: im2col).
    pub events: Events,
    /// Pre-activation of the last forward (after batch norm; membrane for the multi-step neuron).
    pub u: Vec<f32>,
    /// Emitted signal of the last forward.
    pub out: Activation,
    /// Working memory reused across steps (neuron state, shifted potentials, conv input gradient).
    scratch: Vec<f32>,
    dcol: Vec<f32>,
    /// Max-pool: input index of each window's maximum in the last forward.
    pub argmax: Vec<u32>,
}

#[derive(Clone, Debug)]
pub struct Model {
    pub spec: NetworkSpec,
    pub stages: Vec<Stage>,
    pub readout: Linear,
    /// Readout input events of the last forward.
    pub readout_events: Events,
    /// Input of the last forward (HWC, repeated per step).
    pub input: Activation,
    /// Samples in the last forward.
    pub batch: usize,
    /// Testing aid: spikes replaced by their surrogate's primitive (see `NeuronModel::forward`),
    /// which makes the backward pass the exact gradient for finite-difference checks.
    pub smooth: bool,
    logits_t: Vec<f32>,
    logits: Vec<f32>,
    grad: Vec<f32>,
    grad_next: Vec<f32>,
}

impl Model {
    /// Builds a network with seeded initialization.
    pub fn new(spec: NetworkSpec, seed: u64) -> Result<Self> {
        spec.validate()?;
        let shapes = spec.shapes()?;
        let mut rng = Rng::new(seed);
        let mut stages = Vec::new();
        for (l, &(input, output)) in spec.hidden.iter().zip(&shapes) {
            let (kind, linear) = match *l {
                LayerSpec::Dense { units } => (StageKind::Dense, Some(Linear::new(input.len(), units, &mut rng))),
                LayerSpec::Conv { channels, kernel, stride, padding } => {
                    let g = ConvGeom { input, output, kernel, stride, padding };
                    (StageKind::Conv(g), Some(Linear::new(g.patch(), channels, &mut rng)))
                }
                LayerSpec::MaxPool { size } => (StageKind::Pool(PoolGeom { input, output, size }), None),
            };
            let bn = (spec.batch_norm && linear.is_some()).then(|| BatchNorm::new(output.c));
            stages.push(Stage {
                kind,
                input,
                output,
                linear,
                bn,
                events: Events::default(),
                u: Vec::new(),
                out: Activation::default(),
                scratch: Vec::new(),
                dcol: Vec::new(),
                argmax: Vec::new(),
            });
        }
        let (rin, _) = shapes[shapes.len() - 1];
        let readout = Linear::new(rin.len(), spec.classes, &mut rng);
        Ok(Self {
            spec,
            stages,
            readout,
            readout_events: Events::default(),
            input: Activation::default(),
            batch: 0,
            smooth: false,
            logits_t: Vec::new(),
            logits: Vec::new(),
            grad: Vec::new(),
            grad_next: Vec::new(),
        })
    }

    pub fn features(&self) -> usize {
        self.spec.input.iter().product()
    }

    pub fn classes(&self) -> usize {
        self.spec.classes
    }

    pub fn neuron(&self) -> NeuronModel {
        self.spec.neuron
    }

    pub fn steps(&self) -> usize {
        self.spec.neuron.steps()
    }

    /// Total trainable parameters.
    pub fn parameter_count(&self) -> usize {
        self.linears().map(|l| l.w.len() + l.b.len()).sum::<usize>()
            + self.stages.iter().filter_map(|s| s.bn.as_ref()).map(|b| 2 * b.channels()).sum::<usize>()
    }

    /// Every weight matrix in order (hidden layers, then the readout).
    pub fn linears(&self) -> impl Iterator<Item = &Linear> {
        self.stages.iter().filter_map(|s| s.linear.as_ref()).chain(std::iter::once(&self.readout))
    }

    pub fn linears_mut(&mut self) -> impl Iterator<Item = &mut Linear> {
        self.stages.iter_mut().filter_map(|s| s.linear.as_mut()).chain(std::iter::once(&mut self.readout))
    }

    /// Checks `x` holds `n` finite samples of the right size.
    pub fn check_input(&self, x: &[f32], n: usize) -> Result<()> {
        let f = self.features();
        if n == 0 {
            return Err(S3nnError::Shape("empty batch".into()));
        }
        if x.len() != n * f {
            return Err(S3nnError::Shape(format!(
                "input has {} values, expected {n} samples × {f} features = {}",
                x.len(),
                n * f
            )));
        }
        if n * self.steps() > MAX_ROWS {
            return Err(S3nnError::TooLarge(format!("batch of {n} × {} steps exceeds {MAX_ROWS} rows", self.steps())));
        }
        // A branch-free pass first (it vectorizes; `position` with its early exit does not),
        // then the search for the culprit only when there is one.
        let all_finite = |x: &[f32]| x.iter().fold(true, |ok, v| ok & v.is_finite());
        let finite = if x.len() >= parallel::MIN_PARALLEL_ELEMENTWISE && parallel::threads_here() > 1 {
            let (a, b) = x.split_at(x.len() / 2);
            let (fa, fb) = parallel::join(|| all_finite(a), || all_finite(b));
            fa && fb
        } else {
            all_finite(x)
        };
        if !finite {
            let i = x.iter().position(|v| !v.is_finite()).unwrap_or(0);
            return Err(S3nnError::Data(format!("input value {i} is {} (sample {}, feature {})", x[i], i / f, i % f)));
        }
        Ok(())
    }

    /// Forward pass over `n` samples (`x` is `[n × features]`, CHW per sample); returns the
    /// logits `[n × classes]`. `train` selects batch statistics for batch norm.
    pub fn forward(&mut self, x: &[f32], n: usize, train: bool) -> Result<&[f32]> {
        self.check_input(x, n)?;
        let steps = self.steps();
        let neuron = self.spec.neuron;
        let smooth = self.smooth;
        let hidden_signal = if smooth { Signal::Real } else { neuron.signal() };
        self.batch = n;
        let rows = steps * n;
        let f = self.features();
        let [c, h, w] = self.spec.input;
        self.input.reset(rows, f, Signal::Real);
        for_row_chunks(&mut self.input.dense[..n * f], f, 64, |s0, chunk| {
            for (k, dst) in chunk.chunks_mut(f).enumerate() {
                let s = s0 + k;
                let src = &x[s * f..(s + 1) * f];
                if c > 1 && h * w > 1 {
                    // CHW → HWC, so a pixel's channels are contiguous (one weight row per tap).
                    for ci in 0..c {
                        for p in 0..h * w {
                            dst[p * c + ci] = src[ci * h * w + p];
                        }
                    }
                } else {
                    dst.copy_from_slice(src);
                }
            }
        });
        for t in 1..steps {
            let (first, rest) = self.input.dense.split_at_mut(n * f);
            rest[(t - 1) * n * f..t * n * f].copy_from_slice(first);
        }

        for i in 0..self.stages.len() {
            let (before, after) = self.stages.split_at_mut(i);
            let prev = if i == 0 { &self.input } else { &before[i - 1].out };
            let st = &mut after[0];
            let binary = prev.signal == Some(Signal::Spike);
            let in_signal = prev.signal.unwrap_or(Signal::Real);
            match &st.kind {
                StageKind::Pool(g) => {
                    st.out.reset(rows, st.output.len(), in_signal);
                    g.forward(&prev.dense, rows, &mut st.out.dense, &mut st.argmax);
                }
                kind => {
                    match kind {
                        StageKind::Conv(g) => g.im2col(&prev.dense, rows, binary, &mut st.events),
                        _ => st.events.rebuild(&prev.dense, rows, prev.cols, binary),
                    }
                    let lin = st.linear.as_ref().expect("dense/conv stage has weights");
                    lin.forward(&st.events, &mut st.u);
                    if let Some(bn) = st.bn.as_mut() {
                        bn.forward(&mut st.u, train);
                    }
                    st.out.reset(rows, st.output.len(), hidden_signal);
                    neuron.forward(&mut st.u, &mut st.out.dense, n * st.output.len(), smooth, &mut st.scratch);
                }
            }
        }

        let last = self.stages.last().map(|s| &s.out).unwrap_or(&self.input);
        self.readout_events.rebuild(&last.dense, rows, last.cols, last.signal == Some(Signal::Spike));
        self.readout.forward(&self.readout_events, &mut self.logits_t);
        // The readout is averaged over time steps.
        let k = self.spec.classes;
        self.logits.clear();
        self.logits.resize(n * k, 0.0);
        for t in 0..steps {
            for (o, &v) in self.logits.iter_mut().zip(&self.logits_t[t * n * k..(t + 1) * n * k]) {
                *o += v;
            }
        }
        if steps > 1 {
            let inv = 1.0 / steps as f32;
            self.logits.iter_mut().for_each(|v| *v *= inv);
        }
        if let Some(i) = self.logits.iter().position(|v| !v.is_finite()) {
            return Err(S3nnError::Diverged(format!("logit {i} is {}", self.logits[i])));
        }
        Ok(&self.logits)
    }

    /// Backward from dL/dlogits `[batch × classes]` of the last forward; accumulates gradients.
    pub fn backward(&mut self, dlogits: &[f32]) -> Result<()> {
        let (n, k, steps) = (self.batch, self.spec.classes, self.steps());
        if dlogits.len() != n * k {
            return Err(S3nnError::Shape(format!("dlogits has {} values, expected {}", dlogits.len(), n * k)));
        }
        let neuron = self.spec.neuron;
        // d logits_t = d logits / T for every step.
        self.grad.clear();
        let inv = 1.0 / steps as f32;
        for _ in 0..steps {
            self.grad.extend(dlogits.iter().map(|g| g * inv));
        }
        let has_hidden = !self.stages.is_empty();
        let mut g = std::mem::take(&mut self.grad);
        let mut gn = std::mem::take(&mut self.grad_next);
        self.readout.backward(&self.readout_events, &g, has_hidden.then_some(&mut gn));
        std::mem::swap(&mut g, &mut gn);
        for i in (0..self.stages.len()).rev() {
            let need_din = i > 0;
            let st = &mut self.stages[i];
            let rows = st.out.rows;
            match &st.kind {
                StageKind::Pool(p) => {
                    p.backward(&g, &st.argmax, rows, &mut gn);
                    std::mem::swap(&mut g, &mut gn);
                }
                kind => {
                    neuron.backward(&st.u, &st.out.dense, &mut g, n * st.output.len(), &mut st.scratch);
                    if let Some(bn) = st.bn.as_mut() {
                        bn.backward(&mut g);
                    }
                    let lin = st.linear.as_mut().expect("dense/conv stage has weights");
                    match kind {
                        StageKind::Conv(geom) => {
                            lin.backward(&st.events, &g, need_din.then_some(&mut st.dcol));
                            if need_din {
                                geom.col2im(&st.dcol, rows, &mut gn);
                            }
                        }
                        _ => lin.backward(&st.events, &g, need_din.then_some(&mut gn)),
                    }
                    if need_din {
                        std::mem::swap(&mut g, &mut gn);
                    }
                }
            }
        }
        self.grad = g;
        self.grad_next = gn;
        Ok(())
    }

    /// Visits every trainable tensor with its gradient, in a fixed order (hidden layers' weight,
    /// bias, batch-norm γ and β, then the readout's weight and bias).
    pub fn for_each_param(&mut self, mut f: impl FnMut(usize, &mut [f32], &[f32])) {
        let mut i = 0;
        let mut visit = |w: &mut [f32], g: &[f32]| {
            f(i, w, g);
            i += 1;
        };
        for st in &mut self.stages {
            if let Some(l) = st.linear.as_mut() {
                visit(&mut l.w, &l.gw);
                visit(&mut l.b, &l.gb);
            }
            if let Some(bn) = st.bn.as_mut() {
                visit(&mut bn.gamma, &bn.g_gamma);
                visit(&mut bn.beta, &bn.g_beta);
            }
        }
        visit(&mut self.readout.w, &self.readout.gw);
        visit(&mut self.readout.b, &self.readout.gb);
    }

    pub fn zero_grad(&mut self) {
        self.linears_mut().for_each(Linear::zero_grad);
        for st in &mut self.stages {
            if let Some(bn) = st.bn.as_mut() {
                bn.zero_grad();
            }
        }
    }

    /// The record of every hidden dense/conv layer in the last forward (see [`Model::inspect`]).
    pub fn layer_records(&self) -> Vec<crate::inspect::LayerRecord> {
        let theta = self.spec.neuron.threshold();
        let steps = self.steps();
        self.stages
            .iter()
            .filter(|st| st.linear.is_some())
            .enumerate()
            .map(|(k, st)| crate::inspect::LayerRecord {
                name: format!("layer{}", k + 1),
                kind: if matches!(st.kind, StageKind::Conv(_)) { "conv" } else { "dense" },
                shape: st.output,
                steps,
                spikes: (0..st.out.dense.len()).map(|i| u8::from(st.out.is_spike(i))).collect(),
                potentials: st.u.iter().map(|&v| v - theta).collect(),
                firing_rate: st.out.firing_rate(),
            })
            .collect()
    }

    /// Logits of the last forward.
    pub fn logits(&self) -> &[f32] {
        &self.logits
    }

    /// Class predictions for `n` samples (inference mode).
    pub fn predict(&mut self, x: &[f32], n: usize) -> Result<Vec<u32>> {
        let k = self.spec.classes;
        let logits = self.forward(x, n, false)?;
        Ok(logits.chunks(k).map(argmax).collect())
    }

    /// A copy with every batch norm folded into its layer's weights (identical inference).
    pub fn folded(&self) -> Model {
        let mut net = self.clone();
        for st in &mut net.stages {
            if let (Some(bn), Some(lin)) = (st.bn.take(), st.linear.as_mut()) {
                bn.fold_into(&mut lin.w, &mut lin.b);
                lin.weights_changed();
            }
        }
        net.spec.batch_norm = false;
        net
    }
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
