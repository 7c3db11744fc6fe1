//! A network built from its spec: a list of layers (see [`crate::layers`]) and the loops over
//! them: forward, backward, the parameter walk, records.
//!
//! Rows of every matrix are `steps × batch`, t-major: single-step models have one block, the
//! multi-step SNN one per time step (its input is repeated each step: direct encoding).

use crate::activation::{copy_repeats, Activation};
use crate::budget::{self, PassKind};
use crate::error::{Result, S3nnError};
use crate::layers::conv::ConvGeom;
use crate::layers::pool::PoolGeom;
use crate::layers::{
    BatchNorm, Conv, Dense, Fire, Groups, Layer, LayerRecord, MaxPool, Pass, Readout,
};
use crate::loss::argmax;
use crate::ops::{EnergyModel, LayerOps, OpReport};
use crate::neuron::{NeuronModel, Signal};
use crate::params::{Param, ParamMut};
use crate::parallel::{self, for_row_chunks};
use crate::penalty::RatePenalty;
use crate::rng::Rng;
use crate::spec::{LayerSpec, NetworkSpec};
use crate::surrogate::Surrogate;

/// Largest batch (× steps) one forward pass accepts; bounds memory from bad input.
pub const MAX_ROWS: usize = 1 << 16;

/// A network: its hidden layers in order, then the readout.
#[derive(Clone, Debug)]
pub struct Model {
    pub spec: NetworkSpec,
    pub layers: Vec<Layer>,
    pub readout: Readout,
    /// Input of the last forward (HWC, repeated per step).
    pub input: Activation,
    /// Samples in the last forward.
    pub batch: usize,
    /// Testing aid: spikes replaced by their surrogate's primitive (see `NeuronModel::forward`),
    /// which makes the backward pass the exact gradient for finite-difference checks.
    pub smooth: bool,
    grad: Vec<f32>,
    grad_next: Vec<f32>,
    /// What each kind of pass costs (see [`crate::budget`]), from the spec it was built from.
    costs: budget::Costs,
}

impl Model {
    /// Builds a network with seeded initialization: each dense or conv layer is followed by
    /// its batch norm (if the spec asks for it) and its neuron step.
    pub fn new(spec: NetworkSpec, seed: u64) -> Result<Self> {
        spec.validate()?;
        let shapes = spec.shapes()?;
        let mut rng = Rng::new(seed);
        let mut layers = Vec::new();
        for (l, &(input, output)) in spec.hidden.iter().zip(&shapes) {
            match *l {
                LayerSpec::Dense { units } => layers.push(Layer::Dense(Dense::new(input, units, &mut rng))),
                LayerSpec::Conv { channels, kernel, stride, padding } => {
                    let geom = ConvGeom { input, output, kernel, stride, padding };
                    layers.push(Layer::Conv(Conv::new(geom, channels, &mut rng)));
                }
                LayerSpec::MaxPool { size } => {
                    layers.push(Layer::MaxPool(MaxPool::new(PoolGeom { input, output, size })));
                    continue;
                }
            }
            if spec.batch_norm {
                layers.push(Layer::BatchNorm(BatchNorm::new(output.c)));
            }
            layers.push(Layer::Fire(Fire::new(spec.neuron, output)));
        }
        let (rin, _) = shapes[shapes.len() - 1];
        let readout = Readout::new(rin, spec.classes, &mut rng);
        let costs = budget::Costs::of(&spec)?;
        Ok(Self {
            costs,
            spec,
            layers,
            readout,
            input: Activation::default(),
            batch: 0,
            smooth: false,
            grad: Vec::new(),
            grad_next: Vec::new(),
        })
    }

    /// What a pass of the given kind costs (see [`crate::budget`]).
    pub fn cost(&self, kind: PassKind) -> budget::Cost {
        self.costs.get(kind)
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

    /// Trains through `surrogate` from the next backward pass on: weights, batch-norm statistics
    /// and everything else stay, since the surrogate does not enter the forward pass. (This is
    /// what lets the page change α or β without restarting a run.) An error, changing nothing,
    /// for a network whose neuron has no surrogate.
    pub fn set_surrogate(&mut self, surrogate: Surrogate) -> Result<()> {
        let neuron = self.spec.neuron.with_surrogate(surrogate)?;
        for layer in &mut self.layers {
            if let Layer::Fire(fire) = layer {
                fire.neuron = neuron;
            }
        }
        self.spec.neuron = neuron;
        Ok(())
    }

    /// Total trainable parameters (buffers such as running statistics are not counted).
    pub fn parameter_count(&self) -> usize {
        let mut count = 0;
        self.visit_params(|p| count += if p.grad.is_some() { p.value.len() } else { 0 });
        count
    }

    /// Visits every tensor (see [`crate::params`]): hidden layers in order, then the readout.
    pub fn visit_params<'a>(&'a self, mut f: impl FnMut(Param<'a>)) {
        let mut next = 0;
        for layer in &self.layers {
            layer.params(&mut next, &mut f);
        }
        self.readout.params(&mut f);
    }

    /// [`Model::visit_params`] with write access to values and gradients.
    pub fn visit_params_mut<'a>(&'a mut self, mut f: impl FnMut(ParamMut<'a>)) {
        let mut next = 0;
        for layer in &mut self.layers {
            layer.params_mut(&mut next, &mut f);
        }
        self.readout.params_mut(&mut f);
    }

    /// The batch and steps of the last forward.
    pub fn last_pass(&self) -> Pass {
        Pass { samples: self.batch, steps: self.steps(), train: false, smooth: self.smooth }
    }

    /// Checks `x` holds `n` finite samples of the right size, and that a pass of the given kind
    /// over them fits the memory budget. `n` comes from the caller (a JS number, a CLI flag), so
    /// its products are checked: `n × features` and `n × steps` must not wrap.
    pub fn check_input(&self, x: &[f32], n: usize, kind: PassKind) -> Result<()> {
        self.check_batch(x.len(), n, kind)?;
        self.check_finite(x, 0)
    }

    /// [`Model::check_input`] but for the values: `len` values make `n` samples, and a pass of
    /// `kind` over them fits the memory budget.
    pub(crate) fn check_batch(&self, len: usize, n: usize, kind: PassKind) -> Result<()> {
        let f = self.features();
        if n == 0 {
            return Err(S3nnError::Shape("empty batch".into()));
        }
        if n.checked_mul(f) != Some(len) {
            return Err(S3nnError::Shape(format!(
                "input has {len} values, expected {n} samples × {f} features = {}",
                n.checked_mul(f).map_or_else(|| "more than fit in memory".to_string(), |v| v.to_string())
            )));
        }
        if n.checked_mul(self.steps()).map_or(true, |rows| rows > MAX_ROWS) {
            return Err(S3nnError::TooLarge(format!("batch of {n} × {} steps exceeds {MAX_ROWS} rows (model::MAX_ROWS)", self.steps())));
        }
        let what = match kind {
            PassKind::Infer => "a forward pass",
            PassKind::Train => "a training step",
            PassKind::Inspect => "inspect",
        };
        budget::check(&self.costs.get(kind), &self.spec, n, what)?;
        Ok(())
    }

    /// The rest of [`Model::check_input`]: every value of `x` is finite. `x` is the part of a
    /// batch from sample `first` on (a shard's rows), which the error names as the batch's.
    pub(crate) fn check_finite(&self, x: &[f32], first: usize) -> Result<()> {
        let f = self.features();
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
            let j = x.iter().position(|v| !v.is_finite()).unwrap_or(0);
            let i = first * f + j; // in the whole batch
            return Err(S3nnError::Data(format!("input value {i} is {} (sample {}, feature {})", x[j], i / f, i % f)));
        }
        Ok(())
    }

    /// Forward pass over `n` samples (`x` is `[n × features]`, CHW per sample); returns the
    /// logits `[n × classes]`. `train` selects batch statistics for batch norm.
    pub fn forward(&mut self, x: &[f32], n: usize, train: bool) -> Result<&[f32]> {
        self.check_input(x, n, if train { PassKind::Train } else { PassKind::Infer })?;
        self.forward_checked(x, n, train)
    }

    /// [`Model::forward`] once [`Model::check_input`] has passed.
    pub(crate) fn forward_checked(&mut self, x: &[f32], n: usize, train: bool) -> Result<&[f32]> {
        let pass = Pass { samples: n, steps: self.steps(), train, smooth: self.smooth };
        self.batch = n;
        self.read_input(x, &pass);
        for i in 0..self.layers.len() {
            let (before, after) = self.layers.split_at_mut(i);
            let input = match before.last_mut() {
                Some(layer) => layer.output_mut(),
                None => &mut self.input,
            };
            after[0].forward(input, &pass);
        }
        let last = self.layers.last().map_or(&self.input, Layer::output);
        let logits = self.readout.forward(last, &pass);
        if let Some(i) = logits.iter().position(|v| !v.is_finite()) {
            return Err(S3nnError::Diverged(format!("logit {i} is {}", logits[i])));
        }
        Ok(logits)
    }

    /// Copies `x` (CHW per sample) into `self.input`: HWC, so a pixel's channels are contiguous
    /// (one weight row per tap), repeated for every time step (direct encoding).
    fn read_input(&mut self, x: &[f32], pass: &Pass) {
        let (n, f) = (pass.samples, self.features());
        let [c, h, w] = self.spec.input;
        self.input.reset(pass.rows(), f, Signal::Real);
        for_row_chunks(&mut self.input.dense[..n * f], f, 64, |s0, chunk| {
            for (k, dst) in chunk.chunks_mut(f).enumerate() {
                let s = s0 + k;
                let src = &x[s * f..(s + 1) * f];
                if c > 1 && h * w > 1 {
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
        copy_repeats(&mut self.input.dense[..pass.steps * n * f], n * f);
        self.input.repeats = pass.steps;
    }

    /// Backward from dL/dlogits `[batch × classes]` of the last forward; accumulates gradients.
    pub fn backward(&mut self, dlogits: &[f32]) -> Result<()> {
        self.backward_penalized(dlogits, &RatePenalty::default())
    }

    /// The layers the rate penalty applies to: the neuron steps of spiking neurons (ReLU and
    /// sign outputs are not spikes; see `Activation::is_spike`), by their output of the last
    /// forward (the spikes, or in smooth mode the surrogate primitive standing in for them).
    pub(crate) fn penalized_outputs(&self) -> impl Iterator<Item = &[f32]> {
        self.layers.iter().filter_map(|l| match l {
            Layer::Fire(f) if f.neuron.signal() == Signal::Spike => Some(&l.output().dense[..]),
            _ => None,
        })
    }

    /// The rate penalty of the last forward (see [`crate::penalty`]), summed over the layers;
    /// 0 when it is off.
    pub fn rate_penalty(&self, p: &RatePenalty) -> f64 {
        if !p.is_on() {
            return 0.0;
        }
        self.penalized_outputs().map(|out| p.term(out)).sum()
    }

    /// [`Model::backward`] of the loss plus the rate penalty `p`: the penalty's gradient is added
    /// to each spiking layer's incoming gradient before its neuron's surrogate backward.
    pub fn backward_penalized(&mut self, dlogits: &[f32], p: &RatePenalty) -> Result<()> {
        let groups = Groups::whole(self.batch);
        self.backward_with(dlogits, groups, |_, out| {
            p.is_on()
                .then(|| p.grad_of(RatePenalty::sum(out), out.len()))
        })
    }

    /// [`Model::backward`], adding `rate_grad(i, output)` (when it is `Some`) to the incoming
    /// gradient of the i-th penalized layer (in forward order; see `penalized_outputs`) before
    /// its neuron's backward, and summing the weight gradients by `groups` (single-step models
    /// only; see [`Groups`]). A sharded step passes the gradients of the whole batch's rates.
    pub(crate) fn backward_with(
        &mut self,
        dlogits: &[f32],
        groups: Groups,
        mut rate_grad: impl FnMut(usize, &[f32]) -> Option<f32>,
    ) -> Result<()> {
        debug_assert!(groups.shards == 1 || (self.steps() == 1 && groups.samples == self.batch));
        let (n, k, steps) = (self.batch, self.spec.classes, self.steps());
        if dlogits.len() != n * k {
            return Err(S3nnError::Shape(format!("dlogits has {} values, expected {}", dlogits.len(), n * k)));
        }
        let mut g = std::mem::take(&mut self.grad);
        let mut spare = std::mem::take(&mut self.grad_next);
        let has_hidden = !self.layers.is_empty();
        self.readout
            .backward(dlogits, steps, has_hidden.then_some(&mut g), groups);
        let mut penalized = self.penalized_outputs().count();
        for (i, layer) in self.layers.iter_mut().enumerate().rev() {
            if let Layer::Fire(f) = layer {
                if f.neuron.signal() == Signal::Spike {
                    penalized -= 1;
                    let out = &layer.output().dense;
                    if let Some(d) = rate_grad(penalized, out) {
                        g[..out.len()].iter_mut().for_each(|g| *g += d);
                    }
                }
            }
            layer.backward(&mut g, &mut spare, i > 0, groups);
        }
        self.grad = g;
        self.grad_next = spare;
        Ok(())
    }

    /// Makes the transposed weights the next backward pass reads (those of the layers after the
    /// first, and of the readout) now, on the threads available here, so that the shards of a
    /// step, which all read them, do not wait for one of them to make them alone.
    pub(crate) fn prepare_transposes(&self) {
        for layer in self.layers.iter().skip(1) {
            if let Some(l) = layer.linear() {
                l.transposed();
            }
        }
        if !self.layers.is_empty() {
            self.readout.linear.transposed();
        }
    }

    /// Calls `f` on each trainable tensor's gradient, in the order of [`Model::visit_params`],
    /// leaving the values alone (a sharded step's replicas share them: see [`Model::share_weights_from`]).
    pub fn visit_grads_mut<'a>(&'a mut self, mut f: impl FnMut(&'a mut [f32])) {
        for layer in &mut self.layers {
            layer.grads_mut(&mut f);
        }
        self.readout.linear.grads_mut().into_iter().for_each(f);
    }

    /// Reads `src`'s weight matrices from now on, without a copy, and copies its biases: `src`
    /// is a model of the same spec without batch norm (whose statistics would need copying too).
    /// Until [`Model::unshare_weights`], writing `src`'s weights copies them first.
    pub(crate) fn share_weights_from(&mut self, src: &Model) {
        debug_assert!(!src.spec.batch_norm && self.spec == src.spec);
        for (dst, from) in self.layers.iter_mut().zip(&src.layers) {
            if let (Some(dst), Some(from)) = (dst.linear_mut(), from.linear()) {
                dst.share_from(from);
            }
        }
        self.readout.linear.share_from(&src.readout.linear);
    }

    /// Lets go of the weights of [`Model::share_weights_from`] (this model cannot run until it
    /// shares again). Allocates nothing.
    pub(crate) fn unshare_weights(&mut self) {
        for layer in &mut self.layers {
            if let Some(l) = layer.linear_mut() {
                l.unshare();
            }
        }
        self.readout.linear.unshare();
    }

    /// Adds `src`'s layer-bias gradients ([`ParamName::is_layer_bias`]) to this model's (`src`
    /// has the same spec), and zeroes them in `src` on the way (its next backward starts from
    /// zero). A sharded step sums these before the update, which checks them; the other
    /// gradients are summed by the update itself ([`crate::optim::Optimizer::step_adding`]).
    pub(crate) fn add_bias_grads_from(&mut self, src: &mut Model) {
        let pairs = self.layers.iter_mut().zip(&mut src.layers).filter_map(|(a, b)| Some((a.linear_mut()?, b.linear_mut()?)));
        for (a, b) in pairs.chain([(&mut self.readout.linear, &mut src.readout.linear)]) {
            add_and_zero(b.grads_mut()[1], a.grads_mut()[1]);
        }
    }

    /// The gradient of the `i`-th trainable tensor (buffers skipped), in [`Model::visit_params_mut`]
    /// order: the index an optimizer's moment buffers use.
    pub(crate) fn trainable_grad_mut(&mut self, i: usize) -> Option<&mut [f32]> {
        let (mut at, mut found) = (0, None);
        self.visit_grads_mut(|g| {
            if at == i {
                found = Some(g);
            }
            at += 1;
        });
        found
    }

    /// Spikes and output entries of each hidden dense/conv layer's neuron in the last forward:
    /// their ratio is [`Model::firing_rates`], and the counts of a sharded batch's parts add up.
    pub fn spike_counts(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.layers.iter().filter_map(|l| match l {
            Layer::Fire(_) => Some((l.output().spike_count(), l.output().dense.len())),
            _ => None,
        })
    }

    pub fn zero_grad(&mut self) {
        self.visit_grads_mut(|g| g.iter_mut().for_each(|g| *g = 0.0));
    }

    /// The record of every hidden dense/conv layer in the last forward (see [`Model::inspect`]),
    /// named `layer1`, `layer2`, … as in the operation counts.
    pub fn layer_records(&self) -> Vec<LayerRecord> {
        let mut records = Vec::new();
        let mut kind = "dense";
        for layer in &self.layers {
            match layer {
                Layer::Fire(fire) => records.push(fire.record(format!("layer{}", records.len() + 1), kind)),
                l if l.has_weights() => kind = l.kind(),
                _ => {}
            }
        }
        records
    }

    /// Firing rate of each hidden dense/conv layer in the last forward
    /// (see [`Activation::firing_rate`]).
    pub fn firing_rates(&self) -> Vec<f32> {
        self.layers
            .iter()
            .filter_map(|l| match l {
                Layer::Fire(_) => Some(l.output().firing_rate() as f32),
                _ => None,
            })
            .collect()
    }

    /// Logits of the last forward.
    pub fn logits(&self) -> &[f32] {
        self.readout.logits()
    }

    /// Class predictions for `n` samples (inference mode).
    pub fn predict(&mut self, x: &[f32], n: usize) -> Result<Vec<u32>> {
        let k = self.spec.classes;
        let logits = self.forward(x, n, false)?;
        Ok(logits.chunks(k).map(argmax).collect())
    }

    /// A copy with every batch norm folded into the weight layer before it (identical inference).
    pub fn folded(&self) -> Model {
        let mut net = self.clone();
        let mut layers: Vec<Layer> = Vec::with_capacity(net.layers.len());
        for layer in net.layers {
            match (layer, layers.last_mut()) {
                (Layer::BatchNorm(bn), Some(Layer::Dense(d))) => bn.fold_into(&mut d.linear),
                (Layer::BatchNorm(bn), Some(Layer::Conv(c))) => bn.fold_into(&mut c.linear),
                (layer, _) => layers.push(layer),
            }
        }
        net.layers = layers;
        net.spec.batch_norm = false;
        net
    }

    /// Operation counts and energy of the last forward pass, per sample.
    pub fn op_report(&self, energy: &EnergyModel) -> OpReport {
        let pass = self.last_pass();
        let mut layers: Vec<LayerOps> = Vec::new();
        let mut input = Signal::Real;
        for layer in &self.layers {
            if let Some(ops) = layer.ops(format!("layer{}", layers.len() + 1), input, &pass, energy) {
                layers.push(ops);
            }
            if let (Layer::Fire(_), Some(last)) = (layer, layers.last_mut()) {
                last.fired(layer.output(), &pass, energy);
            }
            input = layer.output().signal.unwrap_or(input);
        }
        layers.push(self.readout.ops(input, &pass, energy));
        OpReport::of(layers, self.batch, pass.steps, energy)
    }
}

/// `g += x`, then `x = 0`, element by element.
pub(crate) fn add_and_zero(x: &mut [f32], g: &mut [f32]) {
    for (g, x) in g.iter_mut().zip(x) {
        *g += *x;
        *x = 0.0;
    }
}
