#![cfg(not(target_arch = "wasm32"))]
//! The conv layer's paths against each other and against the reference geometry. The spike path
//! (`Patterns`, table lookup) must be the binary im2col's product within rounding, with its own
//! fixed order under every cut (`pattern_path_is_the_binary_im2col_product`). The dense
//! im2col products (`Linear::forward_dense`/`backward_dense`, reading the im2col a block at a time
//! as the layer does, `Im2col`, or stored whole, `ConvGeom::im2col_dense`) must give the numbers
//! of the event path (`ConvGeom::im2col` + `Linear::forward`/`backward`), the fused
//! input gradient (`ConvGeom::input_grad`) those of `col2im(dy · Wᵀ)`, and the im2col non-zero
//! count (the operation counts) the events' count — for odd sizes, stride 1 and 2, padding 0 and
//! 1, kernels 1, 3 and 5, and inputs with no spikes, all spikes, some spikes and real values.
//! "The same numbers" means the same bits, except that an exact zero may differ in sign (the dense
//! path adds `0·w`, which is −0 for negative w).

use s3nn::activation::Events;
use s3nn::layers::conv::{im2col_nonzeros, ConvGeom, Im2col};
use s3nn::layers::linear::{Linear, Matrix};
use s3nn::layers::patterns::Patterns;
use s3nn::pass::Groups;
use s3nn::rng::Rng;
use s3nn::spec::Shape;

fn same(what: &str, a: &[f32], b: &[f32]) {
    assert_eq!(a.len(), b.len(), "{what}: length");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!(x.to_bits() == y.to_bits() || (*x == 0.0 && *y == 0.0), "{what}: element {i}: {x:e} vs {y:e}");
    }
}

fn geom(c: usize, h: usize, w: usize, kernel: usize, stride: usize, padding: usize) -> ConvGeom {
    let out = |n: usize| (n + 2 * padding - kernel) / stride + 1;
    ConvGeom { input: Shape { c, h, w }, output: Shape { c: 0, h: out(h), w: out(w) }, kernel, stride, padding }
}

/// The same bits, zeros' signs included (the same terms added in the same order).
fn bits(what: &str, a: &[f32], b: &[f32]) {
    assert_eq!(a.len(), b.len(), "{what}: length");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert_eq!(x.to_bits(), y.to_bits(), "{what}: element {i}: {x:e} vs {y:e}");
    }
}

#[derive(Clone, Copy, Debug)]
enum Input {
    NoSpikes,
    AllSpikes,
    Spikes(f32),
    Real,
}

fn input(rng: &mut Rng, len: usize, kind: Input) -> Vec<f32> {
    (0..len)
        .map(|_| match kind {
            Input::NoSpikes => 0.0,
            Input::AllSpikes => 1.0,
            Input::Spikes(p) => f32::from(u8::from(rng.uniform() < p)),
            Input::Real => if rng.uniform() < 0.4 { 0.0 } else { rng.normal() },
        })
        .collect()
}

/// (channels, height, width, kernel, stride, padding)
const GEOMS: [(usize, usize, usize, usize, usize, usize); 11] = [
    (1, 5, 7, 3, 1, 1),
    (3, 7, 5, 3, 2, 1),
    (2, 6, 6, 3, 1, 0),
    (5, 9, 7, 1, 1, 0),
    (4, 9, 9, 5, 1, 2),
    (3, 8, 11, 5, 2, 0),
    (2, 5, 5, 3, 2, 0),
    (7, 4, 4, 1, 2, 0),
    (32, 6, 6, 3, 1, 1),
    // Padding as wide as the kernel: whole kernel rows and columns on the padding.
    (2, 4, 5, 3, 2, 3),
    (1, 3, 3, 2, 1, 2),
];

#[test]
fn dense_and_event_paths_give_the_same_numbers_and_counts() {
    let mut rng = Rng::new(7);
    for (c, h, w, k, s, p) in GEOMS {
        let g = geom(c, h, w, k, s, p);
        for kind in [Input::NoSpikes, Input::AllSpikes, Input::Spikes(0.3), Input::Spikes(0.05), Input::Real] {
            for (samples, c_out) in [(1usize, 1usize), (3, 5), (2, 17), (4, 64)] {
                let what = format!("{c}x{h}x{w} k{k}s{s}p{p} {kind:?} samples={samples} c_out={c_out}");
                let binary = !matches!(kind, Input::Real);
                let x = input(&mut rng, samples * g.input.len(), kind);
                let lin = Linear::new(g.patch(), c_out, &mut rng);
                let rows = samples * g.positions();

                let mut ev = Events::default();
                g.im2col(&x, samples, binary, &mut ev);
                let mut col = Vec::new();
                g.im2col_dense(&x, samples, &mut col);
                assert_eq!(im2col_nonzeros(&x, &g.coverage()), ev.count(), "{what}: non-zero count");
                assert_eq!(col.iter().filter(|&&v| v != 0.0).count(), ev.count(), "{what}: dense im2col non-zeros");

                let (stored, blocks) = (Matrix::new(&col, g.patch()), Im2col::new(&g, &x));
                let (mut u_ev, mut u_dense, mut u_blocks) = (Vec::new(), Vec::new(), Vec::new());
                lin.forward(&ev, 1, &mut u_ev);
                lin.forward_dense(&stored, 1, &mut u_dense);
                lin.forward_dense(&blocks, 1, &mut u_blocks);
                same(&format!("{what}: forward"), &u_dense, &u_ev);
                bits(&format!("{what}: forward, im2col in blocks"), &u_blocks, &u_dense);

                // Backward: weight and bias gradients, and dL/dx by both routes.
                let dy: Vec<f32> = (0..rows * c_out).map(|_| rng.normal()).collect();
                let (mut a, mut b, mut d) = (lin.clone(), lin.clone(), lin.clone());
                let mut dcol = Vec::new();
                a.backward(&ev, &dy, Some(&mut dcol), Groups::whole(samples));
                b.backward_dense(&stored, &dy, None, Groups::whole(samples));
                d.backward_dense(&blocks, &dy, None, Groups::whole(samples));
                same(&format!("{what}: weight gradient"), &b.gw, &a.gw);
                same(&format!("{what}: bias gradient"), &b.gb, &a.gb);
                bits(&format!("{what}: weight gradient, im2col in blocks"), &d.gw, &b.gw);
                if samples > 1 {
                    // A sharded step's grouped sums read the same blocks, by group.
                    let grouped = Groups { samples, shards: 2 };
                    let (mut e, mut f) = (lin.clone(), lin.clone());
                    e.backward_dense(&stored, &dy, None, grouped);
                    f.backward_dense(&blocks, &dy, None, grouped);
                    bits(&format!("{what}: grouped weight gradient, im2col in blocks"), &f.gw, &e.gw);
                }
                let mut dx_ref = Vec::new();
                g.col2im(&dcol, samples, &mut dx_ref);
                let (mut dx, mut scratch) = (Vec::new(), Vec::new());
                let wt = b.transposed().to_vec();
                g.input_grad(&dy, &wt, c_out, samples, &mut dx, &mut scratch);
                same(&format!("{what}: input gradient"), &dx, &dx_ref);
            }
        }
    }
}

/// `a` is `b` within rounding: each element within `tol · (1 + scale)` (`scale`, per element, the
/// sum of the magnitudes of its terms).
fn close(what: &str, a: &[f32], b: &[f32], scale: &[f64], tol: f64) {
    assert_eq!(a.len(), b.len(), "{what}: length");
    for (i, ((x, y), s)) in a.iter().zip(b).zip(scale).enumerate() {
        assert!((f64::from(*x) - f64::from(*y)).abs() <= tol * (1.0 + s), "{what}: element {i}: {x:e} vs {y:e}");
    }
}

/// The spike path (`Patterns`): the binary im2col packed four entries to a byte; its ones are
/// the non-zero count; its forward and weight gradient are the products of the binary im2col
/// (the dense path's numbers within rounding, as the sums are grouped by four); and the weight
/// gradient's cuts (threads' weight rows, the groups of a sharded step) keep its bits.
#[test]
fn pattern_path_is_the_binary_im2col_product() {
    let mut rng = Rng::new(11);
    for (c, h, w, k, s, p) in GEOMS {
        let g = geom(c, h, w, k, s, p);
        for kind in [Input::NoSpikes, Input::AllSpikes, Input::Spikes(0.3), Input::Spikes(0.05)] {
            for (samples, c_out) in [(1usize, 1usize), (3, 5), (2, 17), (4, 64), (2, 70)] {
                let what = format!("{c}x{h}x{w} k{k}s{s}p{p} {kind:?} samples={samples} c_out={c_out}");
                let x = input(&mut rng, samples * g.input.len(), kind);
                let lin = Linear::new(g.patch(), c_out, &mut rng);
                let (rows, patch) = (samples * g.positions(), g.patch());
                let mut col = Vec::new();
                g.im2col_dense(&x, samples, &mut col);
                let mut pats = Patterns::default();
                pats.rebuild(&g, &x);
                assert_eq!(pats.ones(), im2col_nonzeros(&x, &g.coverage()), "{what}: ones");
                let groups = patch.div_ceil(4);
                assert_eq!((pats.rows(), pats.groups(), pats.bytes().len()), (rows, groups, rows * groups), "{what}: shape");
                for r in 0..rows {
                    for q in 0..groups {
                        let want = (0..4).filter(|b| 4 * q + b < patch && col[r * patch + 4 * q + b] != 0.0).fold(0u8, |v, b| v | 1 << b);
                        assert_eq!(pats.bytes()[r * groups + q], want, "{what}: row {r} group {q}");
                    }
                }

                let w = lin.weights();
                let (mut u_pat, mut u_dense, mut tables) = (Vec::new(), Vec::new(), Vec::new());
                pats.forward(&lin, 1, &mut tables, &mut u_pat);
                lin.forward_dense(&Matrix::new(&col, patch), 1, &mut u_dense);
                let scale: Vec<f64> = (0..rows * c_out)
                    .map(|e| {
                        let (r, j) = (e / c_out, e % c_out);
                        (0..patch).filter(|&i| col[r * patch + i] != 0.0).map(|i| f64::from(w[i * c_out + j].abs())).sum::<f64>() + f64::from(lin.b[j].abs())
                    })
                    .collect();
                close(&format!("{what}: forward"), &u_pat, &u_dense, &scale, 1e-6);

                let dy: Vec<f32> = (0..rows * c_out).map(|_| rng.normal()).collect();
                let (mut a, mut b) = (lin.clone(), lin.clone());
                a.backward_with(&dy, None, Groups::whole(samples), |rows, dy, p0, gw, parts| pats.weight_grad(rows, dy, c_out, p0, gw, parts));
                b.backward_dense(&Matrix::new(&col, patch), &dy, None, Groups::whole(samples));
                let scale: Vec<f64> = (0..patch * c_out)
                    .map(|e| {
                        let (i, j) = (e / c_out, e % c_out);
                        (0..rows).filter(|&r| col[r * patch + i] != 0.0).map(|r| f64::from(dy[r * c_out + j].abs())).sum()
                    })
                    .collect();
                close(&format!("{what}: weight gradient"), &a.gw, &b.gw, &scale, 1e-6);
                bits(&format!("{what}: bias gradient"), &a.gb, &b.gb);
                for parts in [2, 3] {
                    let mut gw = vec![0.0; patch * c_out];
                    pats.weight_grad(0..rows, &dy, c_out, 0, &mut gw, parts);
                    bits(&format!("{what}: weight gradient in {parts} parts"), &gw, &a.gw);
                }
                if samples > 1 {
                    // A sharded step's grouped sums: each group summed on its own, from its
                    // first row, then added — what each shard's replica computes.
                    let grouped = Groups { samples, shards: 2 };
                    let mut e = lin.clone();
                    e.backward_with(&dy, None, grouped, |rows, dy, p0, gw, parts| pats.weight_grad(rows, dy, c_out, p0, gw, parts));
                    let mut want = vec![0.0f32; patch * c_out];
                    for i in 0..2 {
                        let (r0, r1) = grouped.rows_of(i, rows);
                        let mut part = vec![0.0f32; patch * c_out];
                        pats.weight_grad(r0..r1, &dy[r0 * c_out..r1 * c_out], c_out, 0, &mut part, 1);
                        want.iter_mut().zip(&part).for_each(|(w, p)| *w += p);
                    }
                    bits(&format!("{what}: grouped weight gradient"), &e.gw, &want);
                }
            }
        }
    }
}

/// The dense im2col is the definition: entry (row, tap·C + c) is the input under that tap, zero
/// on the padding.
#[test]
fn dense_im2col_matches_its_definition() {
    let mut rng = Rng::new(8);
    for (c, h, w, k, s, p) in GEOMS {
        let g = geom(c, h, w, k, s, p);
        let x = input(&mut rng, 2 * g.input.len(), Input::Real);
        let mut col = Vec::new();
        g.im2col_dense(&x, 2, &mut col);
        for n in 0..2 {
            for oy in 0..g.output.h {
                for ox in 0..g.output.w {
                    for ky in 0..k {
                        for kx in 0..k {
                            for ci in 0..c {
                                let (iy, ix) = ((oy * s + ky) as isize - p as isize, (ox * s + kx) as isize - p as isize);
                                let want = if iy < 0 || ix < 0 || iy >= h as isize || ix >= w as isize {
                                    0.0
                                } else {
                                    x[n * g.input.len() + (iy as usize * w + ix as usize) * c + ci]
                                };
                                let row = (n * g.output.h + oy) * g.output.w + ox;
                                assert_eq!(col[row * g.patch() + (ky * k + kx) * c + ci], want);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A block of im2col — any rows, any column range (a thread's weight rows cut mid-tap) — is that
/// part of the whole matrix.
#[test]
fn im2col_blocks_are_parts_of_the_whole_matrix() {
    let mut rng = Rng::new(10);
    for (c, h, w, k, s, p) in GEOMS {
        let g = geom(c, h, w, k, s, p);
        let samples = 3;
        let x = input(&mut rng, samples * g.input.len(), Input::Real);
        let mut col = Vec::new();
        g.im2col_dense(&x, samples, &mut col);
        let (rows, patch) = (samples * g.positions(), g.patch());
        let cuts = [0, 1, c.min(patch), patch / 2, patch - 1, patch];
        for (r0, r1) in [(0, rows), (1, rows - 1), (g.positions() - 1, 2 * g.positions() + 1), (rows - 1, rows)] {
            for &c0 in &cuts {
                for &c1 in cuts.iter().filter(|&&c1| c1 > c0) {
                    let mut out = vec![f32::NAN; (r1 - r0) * (c1 - c0)];
                    g.im2col_block(&x, r0..r1, c0..c1, &mut out);
                    let want: Vec<f32> = (r0..r1).flat_map(|r| col[r * patch + c0..r * patch + c1].to_vec()).collect();
                    bits(&format!("{c}x{h}x{w} k{k}s{s}p{p} rows {r0}..{r1} cols {c0}..{c1}"), &out, &want);
                }
            }
        }
    }
}

/// Threads cut the products by rows (forward, input gradient) and by weight rows (weight
/// gradient): the same bits as one thread, whatever the pool.
#[cfg(feature = "parallel")]
#[test]
fn conv_products_are_the_same_on_two_threads() {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let g = geom(32, 14, 14, 3, 1, 1);
    let mut rng = Rng::new(9);
    let samples = 20;
    let x = input(&mut rng, samples * g.input.len(), Input::Spikes(0.5));
    let lin = Linear::new(g.patch(), 64, &mut rng);
    let rows = samples * g.positions();
    let dy: Vec<f32> = (0..rows * 64).map(|_| rng.normal()).collect();
    let run = || {
        let col = Im2col::new(&g, &x);
        let mut u = Vec::new();
        lin.forward_dense(&col, 1, &mut u);
        let mut l = lin.clone();
        l.backward_dense(&col, &dy, None, Groups::whole(samples));
        let wt = l.transposed().to_vec();
        let (mut dx, mut scratch) = (Vec::new(), Vec::new());
        g.input_grad(&dy, &wt, 64, samples, &mut dx, &mut scratch);
        // The spike path: patterns, their forward and weight gradient.
        let mut pats = Patterns::default();
        pats.rebuild(&g, &x);
        let (mut u_pat, mut tables) = (Vec::new(), Vec::new());
        pats.forward(&lin, 1, &mut tables, &mut u_pat);
        let mut lp = lin.clone();
        lp.backward_with(&dy, None, Groups::whole(samples), |rows, dy, p0, gw, parts| pats.weight_grad(rows, dy, 64, p0, gw, parts));
        (u, l.gw, dx, u_pat, lp.gw)
    };
    let one = run();
    let two = pool.install(|| s3nn::parallel::on_pool(run));
    for (what, a, b) in [("forward", &one.0, &two.0), ("weight gradient", &one.1, &two.1), ("input gradient", &one.2, &two.2), ("pattern forward", &one.3, &two.3), ("pattern weight gradient", &one.4, &two.4)] {
        assert!(a.iter().zip(b.iter()).all(|(x, y)| x.to_bits() == y.to_bits()), "{what} differs on two threads");
    }
}
