//! The training loop: seeded shuffling, mini-batches, metrics, evaluation.

use crate::budget::{self, PassKind};
use crate::data::Dataset;
use crate::error::{Result, S3nnError};
use crate::loss::{argmax, check_labels, softmax_cross_entropy};
use crate::model::{Model, MAX_ROWS};
use crate::ops::{EnergyModel, OpReport};
use crate::optim::{Optimizer, OptimizerSpec};
use crate::params::Layout;
use crate::parallel;
use crate::penalty::RatePenalty;
use crate::rng::Rng;
use crate::schedule::LrSchedule;
use crate::shards::{shard_count, Shards, StepResult};
use crate::surrogate::Surrogate;
use serde::{Deserialize, Serialize};

/// Largest batch a training or evaluation step accepts.
pub const MAX_BATCH: usize = 8192;

/// Batch size `evaluate` is called with when the caller has no reason to choose: big enough that
/// the per-batch overhead vanishes, small enough that a 784-input batch stays a few MB in wasm.
pub const EVAL_BATCH: usize = 500;

/// Most optimizer steps one [`Trainer::train_steps`] call runs. A caller that wants more calls
/// again (the page does, a few steps per frame); the bound turns a wrapped −1 (4 294 967 295
/// steps from JS) into an error instead of a hang.
pub const MAX_STEPS_PER_CALL: usize = 1 << 20;

/// The one batch-size rule, for training and evaluation alike.
pub fn check_batch(batch: usize) -> Result<()> {
    if batch == 0 || batch > MAX_BATCH {
        return Err(S3nnError::Config(format!("batch size must be in 1..={MAX_BATCH}, got {batch}")));
    }
    Ok(())
}

/// Whether `data` fits `net`: the same features per sample, no more classes than the net
/// outputs (fewer is fine: the unused outputs are simply never the target), and some samples.
pub fn check_fit(net: &Model, data: &Dataset) -> Result<()> {
    if data.features() != net.features() {
        let [c, h, w] = data.shape;
        return Err(S3nnError::Shape(format!(
            "data '{}' has {} features per sample ({c}x{h}x{w}), the network '{}' expects {}",
            data.name,
            data.features(),
            net.spec.arch_string(),
            net.features()
        )));
    }
    if data.classes > net.classes() {
        return Err(S3nnError::Shape(format!(
            "data '{}' has {} classes, the network outputs only {}",
            data.name,
            data.classes,
            net.classes()
        )));
    }
    if data.is_empty() {
        return Err(S3nnError::Data(format!("data '{}' is empty", data.name)));
    }
    Ok(())
}

/// Loss and accuracy over some training steps.
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainStats {
    pub steps: usize,
    pub samples: usize,
    /// Mean cross-entropy (the rate penalty is not in it: `ratePenalty` is, and what training
    /// minimizes is their sum).
    pub loss: f32,
    /// Mean rate-penalty term over the same samples (see [`crate::penalty`]); 0 when it is off.
    pub rate_penalty: f32,
    /// Learning rate of the last step (it changes at epoch boundaries under a schedule).
    pub lr: f32,
    pub accuracy: f32,
    /// Completed epochs (fractional: 2.5 = halfway through the third).
    pub epoch: f64,
    /// Mean |gradient| of each weight matrix at the last step (hidden layers, then readout).
    pub grad_norms: Vec<f32>,
    /// Firing rate of each hidden layer at the last step.
    pub firing_rates: Vec<f32>,
}

#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvalReport {
    pub samples: usize,
    pub loss: f32,
    pub accuracy: f32,
    /// confusion[true][predicted], flattened row-major (classes × classes).
    pub confusion: Vec<u32>,
    pub ops: OpReport,
}

/// A network, its optimizer and the data order: everything a run needs to continue.
pub struct Trainer {
    pub net: Model,
    pub opt: Optimizer,
    rng: Rng,
    order: Vec<u32>,
    cursor: usize,
    epochs_done: usize,
    /// Stepped at each epoch boundary from `base_lr` (the optimizer's rate when it was set).
    schedule: LrSchedule,
    base_lr: f32,
    penalty: RatePenalty,
    /// The rate penalty of the last step.
    last_penalty: f64,
    xb: Vec<f32>,
    yb: Vec<u32>,
    grad: Vec<f32>,
    /// Replicas and buffers of sharded steps (see [`crate::shards`]).
    shards: Shards,
    /// Cap on the shards a batch is cut into (see [`Trainer::set_max_shards`]).
    max_shards: usize,
}

impl Trainer {
    pub fn new(net: Model, opt: OptimizerSpec, seed: u64) -> Result<Self> {
        Ok(Self {
            net,
            opt: Optimizer::new(opt)?,
            rng: Rng::new(seed ^ 0x005E_ED0F_DA7A),
            order: Vec::new(),
            cursor: 0,
            epochs_done: 0,
            schedule: LrSchedule::Constant,
            base_lr: opt.lr(),
            penalty: RatePenalty::default(),
            last_penalty: 0.0,
            xb: Vec::new(),
            yb: Vec::new(),
            grad: Vec::new(),
            shards: Shards::default(),
            max_shards: crate::shards::MAX_SHARDS,
        })
    }

    /// Trains under `schedule` from now on, from the optimizer's current rate as its base
    /// (the epoch under way gets its rate at once, later ones at their start).
    pub fn set_schedule(&mut self, schedule: LrSchedule) -> Result<()> {
        schedule.validate()?;
        self.schedule = schedule;
        self.base_lr = self.opt.spec.lr();
        self.apply_schedule();
        Ok(())
    }

    /// Adds the rate penalty `p` to the loss from the next step on.
    pub fn set_rate_penalty(&mut self, p: RatePenalty) -> Result<()> {
        p.validate()?;
        self.penalty = p;
        Ok(())
    }

    /// Sets the base learning rate (the schedule's `lr0`) from the next step on; optimizer state
    /// is kept.
    pub fn set_learning_rate(&mut self, lr: f32) -> Result<()> {
        let mut spec = self.opt.spec;
        spec.set_lr(lr);
        spec.validate()?;
        self.opt.spec = spec;
        self.base_lr = lr;
        self.apply_schedule();
        Ok(())
    }

    /// Trains through `surrogate` from the next step on (see [`Model::set_surrogate`]); the
    /// optimizer state, the data order and the schedule go on.
    pub fn set_surrogate(&mut self, surrogate: Surrogate) -> Result<()> {
        self.net.set_surrogate(surrogate)
    }

    /// Caps how many shards a batch is cut into (see [`crate::shards`]); 1 trains every batch in
    /// one pass. Results depend on it (the grouping of the weight-gradient sums), never on the
    /// thread count; the default is [`crate::shards::MAX_SHARDS`].
    pub fn set_max_shards(&mut self, max: usize) {
        self.max_shards = max.max(1);
    }

    /// Index (from 0) of the epoch under way or about to start.
    fn epoch_index(&self) -> usize {
        self.epochs_done.saturating_sub(1)
    }

    /// Sets the optimizer's rate to the schedule's for the current epoch (the constant schedule
    /// leaves it alone). The schedule's rate is not validated against the optimizer's range:
    /// cosine reaches 0 at `T_max`, as PyTorch's does.
    fn apply_schedule(&mut self) {
        if let Some(lr) = self.schedule.lr_at(self.base_lr, self.epoch_index()) {
            self.opt.spec.set_lr(lr);
        }
    }

    /// Completed epochs as a fraction. `epochs_done` counts the epochs *started* (it steps up when
    /// a shuffle begins one), so the epoch in progress is `epoch_index()` plus the cursor's share.
    pub fn epoch(&self, data_len: usize) -> f64 {
        if self.epochs_done == 0 {
            return 0.0;
        }
        self.epoch_index() as f64 + if data_len > 0 { self.cursor as f64 / data_len as f64 } else { 0.0 }
    }

    /// One optimizer step on the next mini-batch of a seeded shuffle; reshuffles every epoch.
    /// Returns (loss, correct, batch size).
    pub fn step(&mut self, data: &Dataset, batch: usize) -> Result<(f32, usize, usize)> {
        check_batch(batch)?;
        check_fit(&self.net, data)?;
        if self.order.len() != data.len() {
            self.order = (0..data.len() as u32).collect();
            self.cursor = data.len(); // forces a shuffle below
            self.epochs_done = self.epochs_done.saturating_sub(1);
        }
        if self.cursor >= self.order.len() {
            self.rng.shuffle(&mut self.order);
            self.cursor = 0;
            self.epochs_done += 1;
            self.apply_schedule();
        }
        let (start, end) = (self.cursor, (self.cursor + batch).min(self.order.len()));
        let samples = &self.order[start..end];
        self.yb.clear();
        self.yb.extend(samples.iter().map(|&i| data.y[i as usize]));
        self.cursor = end;
        let n = self.yb.len();
        let shards = shard_count(&self.net, n, self.max_shards);
        let StepResult {
            loss,
            correct,
            penalty,
        } = if shards > 1 {
            // The shards gather their own samples, side by side.
            self.shards
                .step(&mut self.net, data, samples, &self.yb, shards, &self.penalty)?
        } else {
            data.gather(samples, &mut self.xb);
            self.shards.unsharded();
            self.net.zero_grad();
            let classes = self.net.classes();
            check_labels(&self.yb, classes)?;
            let logits = self.net.forward(&self.xb, n, true)?;
            let (loss, correct) = softmax_cross_entropy(logits, &self.yb, classes, &mut self.grad);
            StepResult {
                loss,
                correct,
                penalty: self.net.rate_penalty(&self.penalty),
            }
        };
        self.last_penalty = penalty;
        if !loss.is_finite() {
            return Err(S3nnError::Diverged(format!("loss is {loss} at step {}", self.opt.t + 1)));
        }
        if !self.last_penalty.is_finite() {
            return Err(S3nnError::Diverged(format!("rate penalty is {} at step {}", self.last_penalty, self.opt.t + 1)));
        }
        if shards == 1 {
            self.net.backward_penalized(&self.grad, &self.penalty)?;
        }
        // A NaN/inf anywhere in the backward pass reaches every bias gradient below it; checking
        // those (a few hundred values) keeps non-finite updates out of the weights for ~free.
        let mut bad = None;
        self.net.visit_params(|p| {
            if bad.is_none() && p.name.is_layer_bias() && p.grad.is_some_and(|g| g.iter().any(|g| !g.is_finite())) {
                bad = Some(p.name);
            }
        });
        if let Some(name) = bad {
            return Err(S3nnError::Diverged(format!("non-finite gradient of {name} at step {}", self.opt.t + 1)));
        }
        // A sharded step left the replicas' weight gradients to be summed in by the update.
        self.opt.step_adding(&mut self.net, &mut self.shards.pending_grads());
        Ok((loss, correct, n))
    }

    /// Runs `steps` optimizer steps and summarizes them.
    pub fn train_steps(&mut self, data: &Dataset, steps: usize, batch: usize) -> Result<TrainStats> {
        parallel::on_pool(|| self.train_steps_here(data, steps, batch))
    }

    fn train_steps_here(&mut self, data: &Dataset, steps: usize, batch: usize) -> Result<TrainStats> {
        if steps > MAX_STEPS_PER_CALL {
            return Err(S3nnError::TooLarge(format!(
                "{steps} training steps in one call; at most {MAX_STEPS_PER_CALL} (train::MAX_STEPS_PER_CALL): call again for more"
            )));
        }
        let (mut loss, mut penalty, mut correct, mut seen) = (0.0f64, 0.0f64, 0usize, 0usize);
        for _ in 0..steps {
            let (l, c, n) = self.step(data, batch)?;
            loss += f64::from(l) * n as f64;
            penalty += self.last_penalty * n as f64;
            correct += c;
            seen += n;
        }
        Ok(TrainStats {
            steps,
            samples: seen,
            loss: if seen > 0 { (loss / seen as f64) as f32 } else { 0.0 },
            rate_penalty: if seen > 0 { (penalty / seen as f64) as f32 } else { 0.0 },
            lr: self.opt.spec.lr(),
            accuracy: if seen > 0 { correct as f32 / seen as f32 } else { 0.0 },
            epoch: self.epoch(data.len()),
            grad_norms: self.grad_norms(),
            firing_rates: self.firing_rates(),
        })
    }

    /// One full pass over the data (from the current position to the end of the epoch).
    pub fn train_epoch(&mut self, data: &Dataset, batch: usize, progress: impl FnMut(usize, f32) + Send) -> Result<TrainStats> {
        parallel::on_pool(|| self.train_epoch_here(data, batch, progress))
    }

    fn train_epoch_here(&mut self, data: &Dataset, batch: usize, mut progress: impl FnMut(usize, f32)) -> Result<TrainStats> {
        let (mut loss, mut penalty, mut correct, mut seen, mut steps) = (0.0f64, 0.0f64, 0usize, 0usize, 0usize);
        loop {
            let (l, c, n) = self.step(data, batch)?;
            loss += f64::from(l) * n as f64;
            penalty += self.last_penalty * n as f64;
            correct += c;
            seen += n;
            steps += 1;
            progress(seen, l);
            if self.cursor >= self.order.len() {
                break;
            }
        }
        Ok(TrainStats {
            steps,
            samples: seen,
            loss: (loss / seen as f64) as f32,
            rate_penalty: (penalty / seen as f64) as f32,
            lr: self.opt.spec.lr(),
            accuracy: correct as f32 / seen as f32,
            epoch: self.epoch(data.len()),
            grad_norms: self.grad_norms(),
            firing_rates: self.firing_rates(),
        })
    }

    /// Mean |gradient| of each weight matrix (hidden layers, then the readout).
    pub fn grad_norms(&self) -> Vec<f32> {
        let mut norms = Vec::new();
        self.net.visit_params(|p| {
            if let (Layout::Dense { .. } | Layout::Conv { .. }, Some(g)) = (p.layout, p.grad) {
                norms.push((g.iter().map(|g| f64::from(g.abs())).sum::<f64>() / g.len().max(1) as f64) as f32);
            }
        });
        norms
    }

    /// Firing rate of each hidden layer at the last step (over its whole batch, sharded or not).
    pub fn firing_rates(&self) -> Vec<f32> {
        self.shards
            .firing_rates(&self.net)
            .unwrap_or_else(|| self.net.firing_rates())
    }
}

/// Firing rate of each hidden dense/conv layer in the last forward pass
/// (see [`crate::activation::Activation::firing_rate`]).
pub fn firing_rates(net: &Model) -> Vec<f32> {
    net.firing_rates()
}

/// Loss, accuracy, confusion matrix and per-sample operation counts over (up to `limit` of) `data`.
pub fn evaluate(net: &mut Model, data: &Dataset, batch: usize, limit: Option<usize>, energy: &EnergyModel) -> Result<EvalReport> {
    parallel::on_pool(|| evaluate_here(net, data, batch, limit, energy))
}

fn evaluate_here(net: &mut Model, data: &Dataset, batch: usize, limit: Option<usize>, energy: &EnergyModel) -> Result<EvalReport> {
    check_batch(batch)?;
    check_fit(net, data)?;
    energy.validate()?;
    let total = limit.unwrap_or(data.len()).min(data.len());
    if total == 0 {
        return Err(S3nnError::Data("nothing to evaluate: the limit is 0".into()));
    }
    // Evaluation results do not depend on how the samples are grouped into passes, so a batch
    // too large for the memory budget (or for MAX_ROWS time-step rows) is shrunk to what fits;
    // only a network of which not even one sample fits is refused.
    let cost = net.cost(PassKind::Infer);
    let fits = cost.max_samples().min(MAX_ROWS / net.steps());
    if fits == 0 {
        budget::check(&cost, &net.spec, 1, "evaluate")?;
    }
    let batch = batch.min(fits.max(1));
    let k = net.classes();
    let mut confusion = vec![0u32; k * k];
    let (mut loss, mut correct) = (0.0f64, 0usize);
    let mut reports = Vec::new();
    let mut grad = Vec::new();
    let mut start = 0;
    while start < total {
        let end = (start + batch).min(total);
        let x = data.rows(start, end);
        let y = &data.y[start..end];
        check_labels(y, k)?;
        let logits = net.forward(&x, end - start, false)?;
        let (l, c) = softmax_cross_entropy(logits, y, k, &mut grad);
        for (row, &t) in logits.chunks(k).zip(y) {
            confusion[t as usize * k + argmax(row) as usize] += 1;
        }
        loss += f64::from(l) * (end - start) as f64;
        correct += c;
        reports.push(net.op_report(energy));
        start = end;
    }
    Ok(EvalReport {
        samples: total,
        loss: (loss / total as f64) as f32,
        accuracy: correct as f32 / total as f32,
        confusion,
        ops: OpReport::merge(&reports).unwrap_or_default(),
    })
}
