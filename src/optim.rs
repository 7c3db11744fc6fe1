//! Optimizers (PyTorch semantics): SGD with momentum and Adam, over every parameter of a network.

use crate::error::{Result, S3nnError};
use crate::kernels;
use crate::parallel;
use crate::model::{add_and_zero, Model};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum OptimizerSpec {
    Sgd {
        lr: f32,
        #[serde(default)]
        momentum: f32,
        #[serde(default)]
        weight_decay: f32,
    },
    Adam {
        lr: f32,
        #[serde(default = "b1")]
        beta1: f32,
        #[serde(default = "b2")]
        beta2: f32,
        #[serde(default = "eps")]
        eps: f32,
        #[serde(default)]
        weight_decay: f32,
    },
}
fn b1() -> f32 {
    0.9
}
fn b2() -> f32 {
    0.999
}
fn eps() -> f32 {
    1e-8
}

impl Default for OptimizerSpec {
    fn default() -> Self {
        OptimizerSpec::Adam { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 }
    }
}

impl OptimizerSpec {
    /// `adam` or `sgd` (momentum 0.9) with the given learning rate.
    pub fn from_name(name: &str, lr: f32) -> Result<Self> {
        let s = match name.to_ascii_lowercase().as_str() {
            "adam" => OptimizerSpec::Adam { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 },
            "sgd" => OptimizerSpec::Sgd { lr, momentum: 0.9, weight_decay: 0.0 },
            other => return Err(S3nnError::Config(format!("unknown optimizer '{other}' (expected adam or sgd)"))),
        };
        s.validate()?;
        Ok(s)
    }

    pub fn validate(&self) -> Result<()> {
        let ok = |name: &str, v: f32, lo: f32, hi: f32| {
            if v.is_finite() && v >= lo && v <= hi {
                Ok(())
            } else {
                Err(S3nnError::Config(format!("{name} must be in [{lo}, {hi}], got {v}")))
            }
        };
        match *self {
            OptimizerSpec::Sgd { lr, momentum, weight_decay } => {
                ok("learning rate", lr, 1e-12, 100.0)?;
                ok("momentum", momentum, 0.0, 0.999_999)?;
                ok("weight decay", weight_decay, 0.0, 1.0)
            }
            OptimizerSpec::Adam { lr, beta1, beta2, eps, weight_decay } => {
                ok("learning rate", lr, 1e-12, 100.0)?;
                ok("beta1", beta1, 0.0, 0.999_999)?;
                ok("beta2", beta2, 0.0, 0.999_999_9)?;
                ok("eps", eps, 1e-30, 1.0)?;
                ok("weight decay", weight_decay, 0.0, 1.0)
            }
        }
    }

    /// Replaces the learning rate (unchecked: `validate` is the caller's; a schedule may reach 0).
    pub fn set_lr(&mut self, lr: f32) {
        match self {
            OptimizerSpec::Sgd { lr: l, .. } | OptimizerSpec::Adam { lr: l, .. } => *l = lr,
        }
    }

    pub fn lr(&self) -> f32 {
        match *self {
            OptimizerSpec::Sgd { lr, .. } | OptimizerSpec::Adam { lr, .. } => lr,
        }
    }
}

/// Optimizer state: one moment buffer (two for Adam) per parameter tensor, in network order.
#[derive(Clone, Debug)]
pub struct Optimizer {
    pub spec: OptimizerSpec,
    pub t: u64,
    /// β1^t and β2^t, kept by repeated multiplication (no `powf`: identical on every target).
    b1_pow: f32,
    b2_pow: f32,
    m: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
}

impl Optimizer {
    pub fn new(spec: OptimizerSpec) -> Result<Self> {
        spec.validate()?;
        Ok(Self { spec, t: 0, b1_pow: 1.0, b2_pow: 1.0, m: Vec::new(), v: Vec::new() })
    }

    /// Applies one update from the gradients accumulated in `net`. Moment buffers are created on
    /// the first step; later steps allocate nothing on one thread (on several, the update makes a
    /// few short lists of the tensors, to cut them between the threads).
    pub fn step(&mut self, net: &mut Model) {
        self.step_adding(net, &mut []);
    }

    /// [`Optimizer::step`] after adding the gradients of the models `adds` (of `net`'s spec: a
    /// sharded step's replicas, in shard order) to `net`'s, which are then the sums, and zeroing
    /// theirs. Layer biases are skipped: the caller has summed those already (see
    /// [`Model::add_bias_grads_from`]). The sum is taken block by block just before the update
    /// reads it, each element the same additions in the same order as a separate sum would
    /// make, so the bits are those of summing first.
    pub fn step_adding<const N: usize>(&mut self, net: &mut Model, adds: &mut [Option<&mut Model>; N]) {
        self.t += 1;
        let adam = matches!(self.spec, OptimizerSpec::Adam { .. });
        let (ms, vs) = (&mut self.m, &mut self.v);
        size_moments(net, ms, adam.then_some(vs));
        match self.spec {
            OptimizerSpec::Sgd { lr, momentum, weight_decay } => {
                update_all(net, ms, None, adds, &|w, g, m, _| kernels::sgd_step(w, g, m, lr, momentum, weight_decay));
            }
            OptimizerSpec::Adam { lr, beta1, beta2, eps, weight_decay } => {
                self.b1_pow *= beta1;
                self.b2_pow *= beta2;
                let (bc1, bc2) = (1.0 - self.b1_pow, 1.0 - self.b2_pow);
                update_all(net, ms, Some(vs), adds, &|w, g, m, v| {
                    let v = v.expect("Adam has a second moment");
                    kernels::adam_step(w, g, m, v, lr, beta1, beta2, eps, bc1, bc2, weight_decay)
                });
            }
        }
    }
}

/// Makes the moment buffers (`vs` only for Adam) one zeroed buffer per trainable tensor of
/// `net`, of its length; done on the first step, a no-op after.
fn size_moments(net: &mut Model, ms: &mut Vec<Vec<f32>>, mut vs: Option<&mut Vec<Vec<f32>>>) {
    let size = |bufs: &mut Vec<Vec<f32>>, i: usize, len: usize| {
        if bufs.len() <= i {
            bufs.resize_with(i + 1, Vec::new);
        }
        if bufs[i].len() != len {
            bufs[i] = vec![0.0; len];
        }
    };
    let mut tensors = 0;
    for_each_trainable(net, |i, _, w, _| {
        size(ms, i, w.len());
        if let Some(vs) = vs.as_deref_mut() {
            size(vs, i, w.len());
        }
        tensors = i + 1;
    });
    ms.truncate(tensors);
    if let Some(vs) = vs {
        vs.truncate(tensors);
    }
}

/// The element-wise update `f` over every trainable tensor of `net` (moments `ms`, and `vs` for
/// Adam, sized by [`size_moments`]), the gradients of `adds` summed in first.
///
/// On one thread, tensor by tensor. On two or more, the tensors are laid end to end and cut into
/// one run of about equal length per thread, so that the threads meet once per update instead of
/// at every large tensor: in the browser a thread that waits falls asleep at once, and each
/// meeting then costs a wake-up. (Counted natively, a sharded batch-100 step of the MNIST MLP
/// handed work to the other thread 4.7 times before, 2.8 after.) Element-wise, so any cut gives
/// the same bits.
fn update_all<const N: usize, F>(
    net: &mut Model,
    ms: &mut [Vec<f32>],
    vs: Option<&mut Vec<Vec<f32>>>,
    adds: &mut [Option<&mut Model>; N],
    f: &F,
) where
    F: Fn(&mut [f32], &[f32], &mut [f32], Option<&mut [f32]>) + Sync,
{
    let threads = parallel::threads_here();
    // Each tensor has one first moment of its length (`size_moments`).
    let total: usize = ms.iter().map(Vec::len).sum();
    if threads < 2 || total < 2 * parallel::MIN_PARALLEL_ELEMS {
        let mut vs = vs.map(|v| v.iter_mut());
        let mut ms = ms.iter_mut();
        for_each_trainable(net, |i, bias, w, g| {
            let (m, v) = (ms.next().expect("sized moments"), vs.as_mut().map(|v| v.next().expect("sized moments")));
            Piece { w, g, m, v: v.map(|v| &mut v[..]), adds: addends(adds, i, bias) }.run(f);
        });
        return;
    }
    // Every addend's gradients, in the trainable tensors' order.
    let mut add_grads: [std::vec::IntoIter<&mut [f32]>; N] = std::array::from_fn(|_| Vec::new().into_iter());
    for (grads, add) in add_grads.iter_mut().zip(adds.iter_mut()) {
        if let Some(model) = add.as_deref_mut() {
            let mut all = Vec::new();
            model.visit_grads_mut(|g| all.push(g));
            *grads = all.into_iter();
        }
    }
    let mut pieces = Vec::new();
    let mut vs = vs.map(|v| v.iter_mut());
    let mut ms = ms.iter_mut();
    for_each_trainable(net, |_, bias, w, g| {
        let (m, v) = (ms.next().expect("sized moments"), vs.as_mut().map(|v| v.next().expect("sized moments")));
        // A layer bias's gradient in an addend was summed by the caller: passed over here.
        let adds = std::array::from_fn(|k| add_grads[k].next().filter(|_| !bias));
        pieces.push(Piece { w, g, m: &mut m[..], v: v.map(|v| &mut v[..]), adds });
    });
    let mut runs = cut_into_runs(pieces, total, threads);
    parallel::for_each_mut(&mut runs, 0, &|_, run: &mut Vec<Piece<'_, N>>| {
        for piece in run.drain(..) {
            piece.run(f);
        }
    });
}

/// `pieces` (of `total` elements) cut into `parts` consecutive runs of about equal length, a
/// tensor cut where a run ends, at a multiple of 8 so that both sides keep the vector loop; the
/// last run takes whatever the rounding left.
fn cut_into_runs<const N: usize>(pieces: Vec<Piece<'_, N>>, total: usize, parts: usize) -> Vec<Vec<Piece<'_, N>>> {
    let per = total.div_ceil(parts);
    let mut runs = vec![Vec::new()];
    let mut room = per;
    for mut piece in pieces {
        while runs.len() < parts && piece.w.len() > room {
            let cut = room / 8 * 8;
            if cut > 0 {
                let (head, tail) = piece.split_at(cut);
                runs.last_mut().expect("a run").push(head);
                piece = tail;
            }
            runs.push(Vec::new());
            room = per;
        }
        room = room.saturating_sub(piece.w.len());
        runs.last_mut().expect("a run").push(piece);
    }
    runs
}

/// Calls `f(i, is_layer_bias, value, grad)` for the i-th trainable tensor (buffers are skipped):
/// the index of its moment buffers.
fn for_each_trainable<'a>(net: &'a mut Model, mut f: impl FnMut(usize, bool, &'a mut [f32], &'a mut [f32])) {
    let mut i = 0;
    net.visit_params_mut(|p| {
        if let Some(g) = p.grad {
            f(i, p.name.is_layer_bias(), p.value, g);
            i += 1;
        }
    });
}

/// The gradients of the `i`-th trainable tensor of the models `adds`, in their order (none for
/// a layer bias, which the caller has summed).
fn addends<'a, const N: usize>(adds: &'a mut [Option<&mut Model>; N], i: usize, bias: bool) -> [Option<&'a mut [f32]>; N] {
    let mut models = adds.iter_mut();
    std::array::from_fn(|_| if bias { None } else { models.next()?.as_deref_mut()?.trainable_grad_mut(i) })
}

/// Elements summed and then updated at a time: the few streams of a block (value, gradient,
/// moments, addends; 4 KB each) stay in L1 from the sum to the update.
const SUM_BLOCK: usize = 1024;

/// One tensor's part of an update: value, gradient, moments (`v` for Adam only) and the
/// gradients still to be added to its own.
struct Piece<'a, const N: usize> {
    w: &'a mut [f32],
    g: &'a mut [f32],
    m: &'a mut [f32],
    v: Option<&'a mut [f32]>,
    adds: [Option<&'a mut [f32]>; N],
}

impl<'a, const N: usize> Piece<'a, N> {
    fn split_at(self, mid: usize) -> (Self, Self) {
        let (w0, w1) = self.w.split_at_mut(mid);
        let (g0, g1) = self.g.split_at_mut(mid);
        let (m0, m1) = self.m.split_at_mut(mid);
        let (v0, v1) = parallel::split_opt_mut(self.v, mid);
        let mut right: [Option<&'a mut [f32]>; N] = std::array::from_fn(|_| None);
        let mut left = self.adds;
        for (l, r) in left.iter_mut().zip(&mut right) {
            (*l, *r) = parallel::split_opt_mut(l.take(), mid);
        }
        (Piece { w: w0, g: g0, m: m0, v: v0, adds: left }, Piece { w: w1, g: g1, m: m1, v: v1, adds: right })
    }

    /// Runs the element-wise update `f` over the piece, the addends summed in first, block by
    /// block.
    fn run<F>(self, f: &F)
    where
        F: Fn(&mut [f32], &[f32], &mut [f32], Option<&mut [f32]>) + Sync,
    {
        let len = self.w.len();
        let Piece { w, g, m, mut v, mut adds } = self;
        if adds.iter().all(Option::is_none) {
            return f(w, g, m, v);
        }
        let mut at = 0;
        while at < len {
            let end = (at + SUM_BLOCK).min(len);
            for add in adds.iter_mut().flatten() {
                add_and_zero(&mut add[at..end], &mut g[at..end]);
            }
            f(&mut w[at..end], &g[at..end], &mut m[at..end], v.as_deref_mut().map(|v| &mut v[at..end]));
            at = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs cover every element of every tensor once, in order, as `parts` runs of about
    /// equal length, with cuts inside a tensor at multiples of 8.
    #[test]
    fn runs_cover_the_tensors_in_equal_parts() {
        for (lens, parts) in [(vec![313_600, 400, 160_000, 400, 4000, 10], 2), (vec![5, 70_001, 3], 3), (vec![16, 16], 4), (vec![100_000], 2)] {
            let total: usize = lens.iter().sum();
            // Each value is its position in the tensors laid end to end.
            let mut ws: Vec<Vec<f32>> = Vec::new();
            let mut at = 0;
            for &len in &lens {
                ws.push((at..at + len).map(|i| i as f32).collect());
                at += len;
            }
            let mut gs: Vec<Vec<f32>> = lens.iter().map(|&l| vec![0.0; l]).collect();
            let mut ms: Vec<Vec<f32>> = lens.iter().map(|&l| vec![0.0; l]).collect();
            let pieces: Vec<Piece<'_, 0>> = ws
                .iter_mut()
                .zip(&mut gs)
                .zip(&mut ms)
                .map(|((w, g), m)| Piece { w, g, m, v: None, adds: [] })
                .collect();
            let runs = cut_into_runs(pieces, total, parts);
            assert!(runs.len() <= parts, "{lens:?}: {} runs", runs.len());
            let mut next = 0;
            for (r, run) in runs.iter().enumerate() {
                let len: usize = run.iter().map(|p| p.w.len()).sum();
                let per = total.div_ceil(parts);
                if r + 1 < runs.len() {
                    assert!(len <= per && len + 8 > per, "{lens:?}: run {r} has {len} of {per}");
                }
                for p in run {
                    assert_eq!(p.w.first().map(|&v| v as usize), (!p.w.is_empty()).then_some(next), "{lens:?}: a gap or overlap");
                    next += p.w.len();
                }
            }
            assert_eq!(next, total);
        }
    }
}
