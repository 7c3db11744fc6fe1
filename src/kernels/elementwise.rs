//! Element-wise kernels written once over [`Lanes`]: multiply by a lane function (the surrogate
//! gradient step of backprop) and the optimiser updates. Each runs whole vectors of `L`, then the
//! remaining `len % WIDTH` elements with the same code at the scalar lane.

use super::lanes::{LaneMap, Lanes, Scalar};

/// `g[i] *= f(x[i])` for whole vectors of `L` from `i`; returns where it stopped.
///
/// # Safety
/// `x` and `g` have `len` floats.
#[inline(always)]
unsafe fn mul_by_map_from<L: Lanes, F: LaneMap>(f: &F, x: *const f32, g: *mut f32, len: usize, mut i: usize) -> usize {
    while i + L::WIDTH <= len {
        let fx = f.map::<L>(L::load(x.add(i)));
        L::store(g.add(i), L::mul(L::load(g.add(i)), fx));
        i += L::WIDTH;
    }
    i
}

/// `g[i] *= f(x[i])`.
///
/// # Safety
/// `x` and `g` have `len` floats.
#[inline(always)]
pub unsafe fn mul_by_map<L: Lanes, F: LaneMap>(f: &F, x: *const f32, g: *mut f32, len: usize) {
    let i = mul_by_map_from::<L, F>(f, x, g, len, 0);
    mul_by_map_from::<Scalar, F>(f, x, g, len, i);
}

/// Adam hyper-parameters of one step (`bc1 = 1 − b1^t`, `bc2 = 1 − b2^t`).
#[derive(Clone, Copy, Debug)]
pub struct Adam {
    pub lr: f32,
    pub b1: f32,
    pub b2: f32,
    pub eps: f32,
    pub bc1: f32,
    pub bc2: f32,
    pub weight_decay: f32,
}

/// One vector of Adam at element `i`, op order per element:
/// `g' = g + wd*w; m = b1*m + (1-b1)*g'; v = b2*v + (1-b2)*(g'*g');`
/// `w = w - (lr*(m/bc1)) / (sqrt(v/bc2) + eps)`.
#[inline(always)]
unsafe fn adam_at<L: Lanes>(h: &Adam, w: *mut f32, g: *const f32, m: *mut f32, v: *mut f32, i: usize) {
    let s = L::splat;
    let wi = L::load(w.add(i));
    let gi = L::add(L::load(g.add(i)), L::mul(s(h.weight_decay), wi));
    let mi = L::add(L::mul(s(h.b1), L::load(m.add(i))), L::mul(s(1.0 - h.b1), gi));
    let vi = L::add(L::mul(s(h.b2), L::load(v.add(i))), L::mul(s(1.0 - h.b2), L::mul(gi, gi)));
    L::store(m.add(i), mi);
    L::store(v.add(i), vi);
    let den = L::add(L::sqrt(L::div(vi, s(h.bc2))), s(h.eps));
    let step = L::div(L::mul(s(h.lr), L::div(mi, s(h.bc1))), den);
    L::store(w.add(i), L::sub(wi, step));
}

/// Adam over `len` elements: two vectors per iteration (the divisions and sqrt are long-latency
/// and V8 does not interleave independent iterations by itself), then one, then scalar lanes.
///
/// # Safety
/// All four buffers have `len` floats.
#[inline(always)]
pub unsafe fn adam_step<L: Lanes>(h: &Adam, w: *mut f32, g: *const f32, m: *mut f32, v: *mut f32, len: usize) {
    let mut i = 0;
    while i + 2 * L::WIDTH <= len {
        adam_at::<L>(h, w, g, m, v, i);
        adam_at::<L>(h, w, g, m, v, i + L::WIDTH);
        i += 2 * L::WIDTH;
    }
    while i + L::WIDTH <= len {
        adam_at::<L>(h, w, g, m, v, i);
        i += L::WIDTH;
    }
    for i in i..len {
        adam_at::<Scalar>(h, w, g, m, v, i);
    }
}

/// One vector of SGD with momentum at element `i`, op order:
/// `g' = g + wd*w; vel = mu*vel + g'; w = w - lr*vel`.
#[inline(always)]
unsafe fn sgd_at<L: Lanes>(lr: f32, momentum: f32, weight_decay: f32, w: *mut f32, g: *const f32, vel: *mut f32, i: usize) {
    let wi = L::load(w.add(i));
    let gi = L::add(L::load(g.add(i)), L::mul(L::splat(weight_decay), wi));
    let vi = L::add(L::mul(L::splat(momentum), L::load(vel.add(i))), gi);
    L::store(vel.add(i), vi);
    L::store(w.add(i), L::sub(wi, L::mul(L::splat(lr), vi)));
}

/// SGD with momentum over `len` elements.
///
/// # Safety
/// All three buffers have `len` floats.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub unsafe fn sgd_step<L: Lanes>(lr: f32, momentum: f32, weight_decay: f32, w: *mut f32, g: *const f32, vel: *mut f32, len: usize) {
    let mut i = 0;
    while i + L::WIDTH <= len {
        sgd_at::<L>(lr, momentum, weight_decay, w, g, vel, i);
        i += L::WIDTH;
    }
    for i in i..len {
        sgd_at::<Scalar>(lr, momentum, weight_decay, w, g, vel, i);
    }
}
