//! Data-parallel training steps: a batch is cut into shards, each shard runs its forward and
//! backward pass through the whole network on its own replica of the model, side by side on the
//! pool's threads, and the weight gradients are summed shard by shard into the model.
//!
//! Why: splitting each product between threads (what `parallel` does inside a pass) hands work
//! from one thread to the other dozens of times per step, and on a batch-100 step of ≈ 3 ms each
//! hand-off costs a share of it — two threads trained the MNIST MLP only 1.2–1.3× faster than one,
//! where two single-thread processes side by side each keep their full speed. A shard is one
//! hand-off for a whole pass.
//!
//! Same seed, same bytes: how many shards a batch is cut into depends on the batch size and the
//! network only ([`shard_count`]), never on the threads, and every sum has a fixed order:
//! - dL/dlogits are the whole batch's, bit for bit (each row scaled by 1/batch); the loss (a
//!   report, not in any gradient) adds the shards' sums;
//! - the rate penalty adds the shards' spike counts (exact), so its gradient is the whole batch's;
//! - a weight gradient is each shard's sum over its own rows, then the shards' sums added in
//!   shard order. This is the one difference from an unsharded step: the same terms, grouped
//!   differently, so the last bits of a gradient can differ from a step over the whole batch.
//!
//! Batch norm needs the statistics of the whole batch, so a network with batch norm is never
//! sharded (a shard's own statistics would be a different model: "ghost" batch norm).

use crate::budget::PassKind;
use crate::data::Dataset;
use crate::error::{Result, S3nnError};
use crate::loss::{check_labels, cross_entropy_into, cross_entropy_rows};
use crate::model::Model;
use crate::parallel;
use crate::pass::Groups;
use crate::penalty::RatePenalty;

/// Fewest samples per shard: below it a shard's products are too small for the cost of its
/// replica's extra gradient sum.
pub const MIN_SHARD_ROWS: usize = 32;

/// Most shards per batch. A power of two, as every shard count is, so that 2 or 4 threads divide
/// the shards evenly; more shards would cost one more gradient sum each and gain nothing here.
pub const MAX_SHARDS: usize = 4;

/// How many shards a training batch of `n` samples is cut into for `net`, at most `max`: the
/// largest power of two ≤ `MAX_SHARDS` that leaves every shard `MIN_SHARD_ROWS` samples; 1 for a
/// network with batch norm. Never depends on the thread count.
pub fn shard_count(net: &Model, n: usize, max: usize) -> usize {
    if net.spec.batch_norm {
        return 1;
    }
    let cap = max.clamp(1, MAX_SHARDS);
    let mut shards = 1;
    while shards * 2 <= cap && n >= shards * 2 * MIN_SHARD_ROWS {
        shards *= 2;
    }
    shards
}

/// Samples `[start, end)` of shard `i` of `shards` over `n` samples.
fn bounds(i: usize, shards: usize, n: usize) -> (usize, usize) {
    (i * n / shards, (i + 1) * n / shards)
}

/// What one shard keeps between the phases of a step.
#[derive(Default)]
struct Scratch {
    /// The shard's samples.
    x: Vec<f32>,
    dlogits: Vec<f32>,
    /// The shard's summed loss and correct predictions.
    loss: f64,
    correct: usize,
    failed: Option<S3nnError>,
}

/// A replica of the network (shards 1, 2, …; shard 0 runs on the model itself) and its scratch.
struct Replica {
    model: Model,
    scratch: Scratch,
}

/// The replicas and buffers of sharded steps, kept between steps so that a step allocates
/// nothing once they exist.
#[derive(Default)]
pub struct Shards {
    first: Scratch,
    replicas: Vec<Replica>,
    /// Per penalized layer: the sum of its outputs over all shards, and their count.
    rate_sums: Vec<(f64, usize)>,
    rate_grads: Vec<f32>,
    /// Shards of the last step (0 before any sharded step).
    last: usize,
    /// Replicas whose weight gradients the update has yet to sum in ([`Shards::pending_grads`]).
    pending: usize,
}

/// The outcome of one step over a whole batch.
pub struct StepResult {
    pub loss: f32,
    pub correct: usize,
    /// The rate penalty of the batch (0 when it is off).
    pub penalty: f64,
}

impl Shards {
    /// One forward and backward pass of `net` over the batch of `data`'s samples `batch` (with
    /// their labels `y`), cut into `shards` (≥ 2) shards: leaves the whole batch's gradients in
    /// `net` (zeroed first), ready for the optimizer (which sums in [`Shards::pending_grads`]).
    /// Each shard gathers and checks its own samples.
    pub fn step(
        &mut self,
        net: &mut Model,
        data: &Dataset,
        batch: &[u32],
        y: &[u32],
        shards: usize,
        penalty: &RatePenalty,
    ) -> Result<StepResult> {
        debug_assert!(shards >= 2 && batch.len() == y.len());
        self.drop_pending();
        let (n, k) = (y.len(), net.classes());
        net.check_batch(n.saturating_mul(data.features()), n, PassKind::Train)?;
        check_labels(y, k)?;
        if parallel::threads_here() < 2 && net.steps() == 1 {
            let mut x = std::mem::take(&mut self.first.x);
            data.gather(batch, &mut x);
            let step = net.check_finite(&x, 0).and_then(|()| self.grouped_step(net, &x, y, shards, penalty));
            self.first.x = x;
            return step;
        }
        self.sync(net, shards);
        // Every shard's backward reads Wᵀ: made here on all threads, not by one shard while the
        // others wait for it.
        net.prepare_transposes();
        let Self {
            first,
            replicas,
            rate_sums,
            rate_grads,
            last,
            pending,
        } = self;
        *last = shards;

        // Forward and the shard's rows of the loss, every shard on its own model; without a
        // rate penalty (whose gradient needs every shard's spikes first) the backward pass too,
        // so that the threads meet once per step.
        let inv_n = 1.0 / n as f32;
        let fused = !penalty.is_on();
        let forward = |i: usize, model: &mut Model, sc: &mut Scratch| {
            let (a, b) = bounds(i, shards, n);
            if i == 0 {
                model.zero_grad(); // the replicas' were zeroed as they were summed into the model
            }
            data.gather(&batch[a..b], &mut sc.x);
            if let Err(e) = model.check_finite(&sc.x, a).and_then(|()| model.forward_checked(&sc.x, b - a, true).map(|_| ())) {
                sc.failed = Some(e);
                return;
            }
            sc.loss = 0.0;
            sc.correct = cross_entropy_rows(
                model.logits(),
                &y[a..b],
                k,
                inv_n,
                &mut sc.dlogits,
                &mut sc.loss,
            );
            if fused {
                sc.failed = model
                    .backward_with(&sc.dlogits, Groups::whole(model.batch), |_, _| None)
                    .err();
            }
        };
        on_each(net, first, replicas, &forward);
        if let Some(e) = failure(first, replicas) {
            return Err(self.fail(e));
        }
        let mut loss = 0.0f64;
        let mut correct = 0;
        for i in 0..shards {
            let (_, sc) = shard(net, first, replicas, i);
            loss += sc.loss;
            correct += sc.correct;
        }

        // With a rate penalty: its value and gradient over the whole batch (per layer, the shards'
        // output sums added), then the backward pass of every shard.
        let mut penalty_value = 0.0;
        if !fused {
            rate_sums.clear();
            rate_grads.clear();
            for i in 0..shards {
                let (model, _) = shard(net, first, replicas, i);
                for (l, out) in model.penalized_outputs().enumerate() {
                    if rate_sums.len() <= l {
                        rate_sums.push((0.0, 0));
                    }
                    rate_sums[l].0 += RatePenalty::sum(out);
                    rate_sums[l].1 += out.len();
                }
            }
            for &(sum, len) in rate_sums.iter() {
                penalty_value += penalty.term_of(sum, len);
                rate_grads.push(penalty.grad_of(sum, len));
            }
            let grads: &[f32] = rate_grads;
            let backward = |_: usize, model: &mut Model, sc: &mut Scratch| {
                sc.failed = model
                    .backward_with(&sc.dlogits, Groups::whole(model.batch), |l, _| {
                        grads.get(l).copied()
                    })
                    .err();
            };
            on_each(net, first, replicas, &backward);
            if let Some(e) = failure(first, replicas) {
                return Err(self.fail(e));
            }
        }

        // The shards' bias gradients into `net`, in shard order (the trainer checks them before
        // the update); the weight gradients stay in the replicas for the update to sum in
        // ([`Shards::pending_grads`]). The weights are the model's alone again, for the update.
        for r in &mut replicas[..shards - 1] {
            r.model.unshare_weights();
            net.add_bias_grads_from(&mut r.model);
        }
        *pending = shards - 1;
        Ok(StepResult {
            loss: (loss / n as f64) as f32,
            correct,
            penalty: penalty_value,
        })
    }

    /// [`Shards::step`] on one thread: the whole batch through `net` alone, its weight gradients
    /// summed by shard inside the layers ([`Groups`]), every other sum grouped as the replicas
    /// group it, so the bits are those of the replicas' step without their copies of the
    /// activations and gradients. Single-step networks only (a multi-step network's rows are
    /// step-major, so a shard's rows are not one range).
    fn grouped_step(
        &mut self,
        net: &mut Model,
        x: &[f32],
        y: &[u32],
        shards: usize,
        penalty: &RatePenalty,
    ) -> Result<StepResult> {
        let (n, k) = (y.len(), net.classes());
        let groups = Groups { samples: n, shards };
        self.last = 0;
        net.zero_grad();
        net.forward_checked(x, n, true)?;
        let inv_n = 1.0 / n as f32;
        let dlogits = &mut self.first.dlogits;
        dlogits.clear();
        dlogits.resize(n * k, 0.0);
        let (mut loss, mut correct) = (0.0f64, 0);
        for i in 0..shards {
            let (a, b) = groups.samples_of(i);
            let mut part = 0.0f64;
            correct += cross_entropy_into(
                &net.logits()[a * k..b * k],
                &y[a..b],
                k,
                inv_n,
                &mut dlogits[a * k..b * k],
                &mut part,
            );
            loss += part;
        }
        let mut penalty_value = 0.0;
        self.rate_grads.clear();
        if penalty.is_on() {
            for out in net.penalized_outputs() {
                let mut sum = 0.0f64;
                for i in 0..shards {
                    let (a, b) = groups.rows_of(i, n);
                    let per = out.len() / n.max(1);
                    sum += RatePenalty::sum(&out[a * per..b * per]);
                }
                penalty_value += penalty.term_of(sum, out.len());
                self.rate_grads.push(penalty.grad_of(sum, out.len()));
            }
        }
        let grads: &[f32] = &self.rate_grads;
        net.backward_with(&self.first.dlogits, groups, |l, _| {
            penalty.is_on().then(|| grads.get(l).copied()).flatten()
        })?;
        Ok(StepResult {
            loss: (loss / n as f64) as f32,
            correct,
            penalty: penalty_value,
        })
    }

    /// The replicas whose weight gradients of the last sharded step the update has yet to sum
    /// in, in shard order ([`crate::optim::Optimizer::step_adding`], which also zeroes them);
    /// none after an unsharded step, or once taken. Summed by the update as it reads them: one
    /// pass over the gradients, on all threads, where a separate sum would make two.
    pub fn pending_grads(&mut self) -> [Option<&mut Model>; MAX_SHARDS - 1] {
        let pending = std::mem::take(&mut self.pending);
        let mut replicas = self.replicas[..pending].iter_mut();
        std::array::from_fn(|_| replicas.next().map(|r| &mut r.model))
    }

    /// Makes `shards − 1` replicas of `net`'s spec that read its current weights: a replica
    /// whose spec differs (a new surrogate, a loaded model) is cloned afresh.
    fn sync(&mut self, net: &Model, shards: usize) {
        let want = shards - 1;
        self.replicas.truncate(want);
        for r in &mut self.replicas {
            if r.model.spec != net.spec || r.model.smooth != net.smooth {
                r.model = fresh_replica(net);
            }
        }
        while self.replicas.len() < want {
            self.replicas.push(Replica {
                model: fresh_replica(net),
                scratch: Scratch::default(),
            });
        }
        for r in &mut self.replicas {
            r.model.share_weights_from(net);
        }
    }

    /// After a failed phase the replicas may hold part of a gradient and still share the
    /// model's weights: they are dropped (and made afresh by the next sharded step).
    fn fail(&mut self, e: S3nnError) -> S3nnError {
        self.replicas.clear();
        self.last = 0;
        self.pending = 0;
        e
    }

    /// The firing rate of each hidden layer over the whole batch of the last sharded step
    /// (`None` when the last step was not sharded): the shards' spikes over their entries.
    pub fn firing_rates(&self, net: &Model) -> Option<Vec<f32>> {
        if self.last < 2 {
            return None;
        }
        let mut totals: Vec<(usize, usize)> = net.spike_counts().collect();
        for r in &self.replicas[..self.last - 1] {
            for (t, (spikes, len)) in totals.iter_mut().zip(r.model.spike_counts()) {
                t.0 += spikes;
                t.1 += len;
            }
        }
        Some(
            totals
                .iter()
                .map(|&(spikes, len)| (spikes as f64 / len.max(1) as f64) as f32)
                .collect(),
        )
    }

    /// Marks the last step as not sharded (its records are then the model's own).
    pub fn unsharded(&mut self) {
        self.last = 0;
        self.drop_pending();
    }

    /// Zeroes the weight gradients a step left for an update that never came (it stopped on a
    /// diverged loss): a replica's next backward must start from zero.
    fn drop_pending(&mut self) {
        for r in &mut self.replicas[..std::mem::take(&mut self.pending)] {
            r.model.zero_grad();
        }
    }
}

/// A replica of `net` with zero gradients.
fn fresh_replica(net: &Model) -> Model {
    let mut model = net.clone();
    model.zero_grad();
    model
}

/// Shard `i`'s model and scratch.
fn shard<'a>(
    net: &'a mut Model,
    first: &'a mut Scratch,
    replicas: &'a mut [Replica],
    i: usize,
) -> (&'a mut Model, &'a mut Scratch) {
    match i {
        0 => (net, first),
        _ => {
            let r = &mut replicas[i - 1];
            (&mut r.model, &mut r.scratch)
        }
    }
}

/// Runs `f(i, model, scratch)` for every shard, side by side on the pool's threads; a shard's
/// own products split only over the threads left per shard (none when the shards are at least
/// as many as the threads).
fn on_each<F>(net: &mut Model, first: &mut Scratch, replicas: &mut [Replica], f: &F)
where
    F: Fn(usize, &mut Model, &mut Scratch) + Sync,
{
    let share = parallel::threads_here() / (replicas.len() + 1);
    let f = |i: usize, model: &mut Model, sc: &mut Scratch| {
        parallel::with_share(share, || f(i, model, sc))
    };
    parallel::join(
        || f(0, net, first),
        || {
            parallel::for_each_mut(replicas, 1, &|i, r: &mut Replica| {
                f(i, &mut r.model, &mut r.scratch)
            })
        },
    );
}

/// The first shard's error, in shard order (so the error does not depend on the threads).
fn failure(first: &mut Scratch, replicas: &mut [Replica]) -> Option<S3nnError> {
    first
        .failed
        .take()
        .or_else(|| replicas.iter_mut().find_map(|r| r.scratch.failed.take()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::NetworkSpec;
    use crate::neuron::NeuronModel;

    fn net(arch: &str, batch_norm: bool) -> Model {
        let mut spec = NetworkSpec::parse(arch, NeuronModel::default()).unwrap();
        spec.batch_norm = batch_norm;
        Model::new(spec, 1).unwrap()
    }

    #[test]
    fn shard_counts_follow_the_batch_only() {
        let mlp = net("16-8-4", false);
        let counts: Vec<usize> = [1, 32, 63, 64, 100, 127, 128, 256, 8192]
            .iter()
            .map(|&n| shard_count(&mlp, n, usize::MAX))
            .collect();
        assert_eq!(counts, [1, 1, 1, 2, 2, 2, 4, 4, 4]);
        assert_eq!(shard_count(&mlp, 256, 1), 1);
        assert_eq!(shard_count(&mlp, 256, 2), 2);
        assert_eq!(shard_count(&mlp, 256, 3), 2);
        assert_eq!(shard_count(&net("16-8-4", true), 256, usize::MAX), 1);
        for (i, n) in [(0, 100), (1, 100), (3, 101)] {
            let (a, b) = bounds(i, 4, n);
            assert!(a < b && b <= n);
        }
        assert_eq!(
            (0..4)
                .map(|i| bounds(i, 4, 101))
                .map(|(a, b)| b - a)
                .sum::<usize>(),
            101
        );
    }

    /// A step whose update never came (the trainer stopped on a diverged loss) must leave no
    /// gradient behind in the replicas: the next step and its update give the bits of that step
    /// alone, on one thread (no replicas) and on two (replicas), with SGD and with Adam.
    #[test]
    fn a_step_without_its_update_leaves_nothing_behind() {
        use crate::optim::{Optimizer, OptimizerSpec};
        let n = 128;
        let mut rng = crate::rng::Rng::new(3);
        let x: Vec<f32> = (0..n * 16).map(|_| rng.uniform()).collect();
        let y: Vec<u32> = (0..n).map(|i| (i % 4) as u32).collect();
        let data = Dataset::new("synthetic", [16, 1, 1], 4, x, y.clone()).unwrap();
        let batch: Vec<u32> = (0..n as u32).collect();
        let shards = shard_count(&net("16-64-64-4", false), n, MAX_SHARDS);
        assert_eq!(shards, 4);
        let run = |threads: usize, opt: OptimizerSpec, skip_update: bool| -> Vec<u32> {
            let body = || {
                let (mut model, mut opt) = (net("16-64-64-4", false), Optimizer::new(opt).unwrap());
                let mut sh = Shards::default();
                let off = RatePenalty::default();
                if skip_update {
                    sh.step(&mut model, &data, &batch[..64], &y[..64], 2, &off).unwrap();
                }
                sh.step(&mut model, &data, &batch, &y, shards, &off).unwrap();
                opt.step_adding(&mut model, &mut sh.pending_grads());
                let mut bits = Vec::new();
                model.visit_params(|p| {
                    bits.extend(p.value.iter().map(|v| v.to_bits()));
                    bits.extend(p.grad.into_iter().flatten().map(|g| g.to_bits()));
                });
                bits
            };
            #[cfg(feature = "parallel")]
            return rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(body);
            #[cfg(not(feature = "parallel"))]
            {
                let _ = threads;
                body()
            }
        };
        for opt in [OptimizerSpec::default(), OptimizerSpec::from_name("sgd", 0.1).unwrap()] {
            let want = run(1, opt, false);
            for (threads, skip) in [(1, true), (2, false), (2, true)] {
                assert!(run(threads, opt, skip) == want, "{opt:?}: {threads} thread(s), a step without its update first: {skip}");
            }
        }
    }
}
