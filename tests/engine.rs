#![cfg(not(target_arch = "wasm32"))]
//! Engine tests: gradients, determinism, convergence, model files, op counts, batch-norm folding.

use s3nn::loss::softmax_cross_entropy;
use s3nn::rng::Rng;
use s3nn::*;

fn neurons() -> Vec<NeuronModel> {
    let mut v: Vec<NeuronModel> = ["s3nn", "sigmoid", "rect", "atan", "fastsigmoid", "bnn", "relu"]
        .iter()
        .map(|n| NeuronModel::from_name(n, None, None, None, None, None).unwrap())
        .collect();
    // multi-step with θ = 0.3 so the reset path carries gradient, and a leak.
    v.push(NeuronModel::from_name("lif", None, None, Some(0.3), Some(3), Some(0.7)).unwrap());
    v
}

/// The training loss: cross-entropy plus the rate penalty `p` (0 when off).
fn loss_of(net: &mut Model, x: &[f32], y: &[u32], p: &RatePenalty) -> f64 {
    let k = net.classes();
    let logits = net.forward(x, y.len(), true).unwrap().to_vec();
    f64::from(softmax_cross_entropy(&logits, y, k, &mut Vec::new()).0) + net.rate_penalty(p)
}

/// Which piece of a piecewise-smooth neuron every pre-activation sits on (rect window edges,
/// the BNN clip at ±1, ReLU's 0, a max-pool's winner). A finite difference that moves any of them across a kink
/// measures the kink, not the gradient, so such probes are redrawn.
fn pieces(net: &Model) -> Vec<i8> {
    let kink = |u: f32| -> i8 {
        match net.spec.neuron {
            NeuronModel::Spike { surrogate: Surrogate::Rect { width }, threshold } => ((u - threshold).abs() < width / 2.0) as i8,
            NeuronModel::Sign => (u.abs() <= 1.0) as i8,
            NeuronModel::Relu => (u > 0.0) as i8,
            _ => 0,
        }
    };
    let theta = net.spec.neuron.threshold();
    let mut out: Vec<i8> = net.layer_records().iter().flat_map(|r| r.potentials.iter().map(|&p| kink(p + theta))).collect();
    // A max-pool's choice of maximum is a kink too.
    for layer in &net.layers {
        if let layers::Layer::MaxPool(p) = layer {
            out.extend(p.argmax().iter().map(|&a| (a % 97) as i8));
        }
    }
    out
}

/// (name, gradient) of every trainable tensor.
fn gradients(net: &Model) -> Vec<(String, Vec<f32>)> {
    let mut out = Vec::new();
    net.visit_params(|p| {
        if let Some(g) = p.grad {
            out.push((p.name.to_string(), g.to_vec()));
        }
    });
    out
}

/// The bits of every tensor, in walk order.
fn param_bits(net: &Model) -> Vec<u32> {
    let mut out = Vec::new();
    net.visit_params(|p| out.extend(p.value.iter().map(|v| v.to_bits())));
    out
}

/// Sets element `i` of the tensor called `name`.
fn set_param(net: &mut Model, name: &str, f: impl Fn(&mut [f32])) {
    let mut found = false;
    net.visit_params_mut(|p| {
        if p.name.to_string() == name {
            f(p.value);
            found = true;
        }
    });
    assert!(found, "no tensor {name}");
}

/// Central differences on the smooth network (spikes → surrogate primitive) against backward,
/// of the cross-entropy plus the rate penalty `p`. Returns the analytic gradients.
fn gradient_check(arch: &str, neuron: NeuronModel, bn: bool) -> Vec<(String, Vec<f32>)> {
    gradient_check_penalized(arch, neuron, bn, &RatePenalty::default())
}

fn gradient_check_penalized(arch: &str, neuron: NeuronModel, bn: bool, penalty: &RatePenalty) -> Vec<(String, Vec<f32>)> {
    let mut spec = NetworkSpec::parse(arch, neuron).unwrap();
    spec.batch_norm = bn;
    let mut net = Model::new(spec, 5).unwrap();
    net.smooth = true;
    let n = 4;
    let mut rng = Rng::new(9);
    let x: Vec<f32> = (0..n * net.features()).map(|_| rng.range(-1.0, 1.0)).collect();
    let y: Vec<u32> = (0..n).map(|i| (i % net.classes()) as u32).collect();
    net.zero_grad();
    let k = net.classes();
    let logits = net.forward(&x, n, true).unwrap().to_vec();
    let mut g = Vec::new();
    softmax_cross_entropy(&logits, &y, k, &mut g);
    net.backward_penalized(&g, penalty).unwrap();
    let analytic = gradients(&net);
    let eps = 1e-3f32;
    let mut checked = 0;
    for (name, grad) in &analytic {
        let base = pieces(&net);
        let mut probes = 0;
        let mut attempts = 0;
        while probes < 6 {
            attempts += 1;
            assert!(attempts < 200, "{arch}: no probe away from kinks");
            let i = rng.below(grad.len() as u32) as usize;
            let eval = |delta: f32| {
                let mut probe = net.clone();
                set_param(&mut probe, name, |v| v[i] += delta);
                let loss = loss_of(&mut probe, &x, &y, penalty);
                (loss, pieces(&probe))
            };
            let ((lp, pp), (lm, pm)) = (eval(eps), eval(-eps));
            if pp != base || pm != base {
                continue;
            }
            probes += 1;
            let fd = (lp - lm) / (2.0 * f64::from(eps));
            let an = f64::from(grad[i]);
            let tol = 2e-3 + 3e-2 * fd.abs().max(an.abs());
            assert!((fd - an).abs() < tol, "{arch} {neuron:?} bn={bn} {penalty:?} {name}[{i}]: fd {fd} vs backward {an}");
            checked += 1;
        }
    }
    let weight_layers = arch.split('-').filter(|t| !t.starts_with("mp")).count() - 1;
    assert_eq!(checked, 6 * analytic.len());
    let norms = if bn { weight_layers - 1 } else { 0 }; // every hidden weight layer, not the readout
    assert_eq!(analytic.len(), 2 * weight_layers + 2 * norms, "weight and bias of each layer, γ and β of each batch norm");
    analytic
}

/// The rate penalty in both forms, through spiking neurons single- and multi-step, on dense and
/// conv stacks: finite differences of the penalized loss match backward, and the penalty does
/// move every hidden layer's gradients (so the check is not of the cross-entropy alone).
#[test]
fn the_rate_penalty_gradient_matches_finite_differences_for_dense_and_conv_stacks() {
    let penalties = [RatePenalty::new(0.5, None).unwrap(), RatePenalty::new(2.0, Some(0.1)).unwrap()];
    let spiking = ["s3nn", "sigmoid", "atan"].map(|n| NeuronModel::from_name(n, None, None, None, None, None).unwrap());
    let lif = NeuronModel::from_name("lif", None, None, Some(0.3), Some(3), Some(0.7)).unwrap();
    for arch in ["5-7-6-3", "2x6x6-c3-mp-c4k3s2p1-5-3"] {
        for neuron in spiking.iter().copied().chain([lif]) {
            let plain = gradient_check(arch, neuron, false);
            for p in &penalties {
                let penalized = gradient_check_penalized(arch, neuron, false, p);
                let moved = plain.iter().zip(&penalized).filter(|((_, a), (_, b))| a != b).map(|((name, _), _)| name.as_str()).collect::<Vec<_>>();
                // Every tensor below the last spiking layer (all but the readout) feels the penalty.
                assert_eq!(moved.len(), plain.len() - 2, "{arch} {neuron:?} {p:?}: only {moved:?} changed");
            }
        }
        gradient_check_penalized(arch, NeuronModel::default(), true, &penalties[1]);
    }
}

#[test]
fn the_rate_penalty_leaves_relu_and_bnn_alone_and_lowers_the_firing_rate_when_trained() {
    // ReLU and sign outputs are not spikes: no penalty, no change of gradient.
    let p = RatePenalty::new(1.0, None).unwrap();
    for name in ["relu", "bnn"] {
        let mut net = Model::new(NetworkSpec::parse("4-6-2", NeuronModel::from_name(name, None, None, None, None, None).unwrap()).unwrap(), 1).unwrap();
        net.forward(&[0.5; 8], 2, true).unwrap();
        assert_eq!(net.rate_penalty(&p), 0.0, "{name}");
    }
    // Training with a strong penalty fires less than without it, same seed and data; the
    // penalty is reported in the stats.
    let d = data::toy(data::ToyKind::Moons, 400, 0.1, 3).unwrap();
    let run = |p: RatePenalty| {
        let spec = NetworkSpec::parse("2-32-32-2", NeuronModel::default()).unwrap();
        let mut t = Trainer::new(Model::new(spec, 3).unwrap(), OptimizerSpec::from_name("adam", 0.01).unwrap(), 3).unwrap();
        t.set_rate_penalty(p).unwrap();
        let stats = t.train_steps(&d, 100, 40).unwrap();
        (stats.firing_rates.iter().sum::<f32>(), stats.rate_penalty)
    };
    let (free, none) = run(RatePenalty::default());
    let (held, reported) = run(RatePenalty::new(0.5, None).unwrap());
    assert_eq!(none, 0.0);
    assert!(reported > 0.0 && reported < 0.5 * 2.0, "penalty {reported} is λ · a sum of two rates");
    assert!(held < 0.5 * free, "firing {held} with the penalty vs {free} without");
    let (_, toward) = run(RatePenalty::new(0.5, Some(0.2)).unwrap());
    assert!(toward >= 0.0);
}

#[test]
fn schedules_step_the_learning_rate_at_epoch_boundaries() {
    let d = data::toy(data::ToyKind::Moons, 100, 0.1, 3).unwrap();
    let spec = NetworkSpec::parse("2-8-2", NeuronModel::default()).unwrap();
    let lr0 = 0.01f32;
    let trainer = |s: LrSchedule| {
        let mut t = Trainer::new(Model::new(spec.clone(), 3).unwrap(), OptimizerSpec::from_name("adam", lr0).unwrap(), 3).unwrap();
        t.set_schedule(s).unwrap();
        t
    };
    let cosine = LrSchedule::from_name("cosine", Some(4), 0.0, 1, 0.1).unwrap();
    let mut t = trainer(cosine);
    // 100 samples, batch 25: an epoch is 4 steps; the rate changes only when an epoch starts.
    for e in 0..6 {
        for k in 0..4 {
            let stats = t.train_steps(&d, 1, 25).unwrap();
            assert_eq!(stats.lr, cosine.lr_at(lr0, e).unwrap(), "epoch {e} step {k}");
            assert_eq!(t.opt.spec.lr(), stats.lr);
        }
    }
    // The constant schedule is no schedule: the same weights bit for bit as a trainer without one.
    let mut a = trainer(LrSchedule::Constant);
    let mut b = Trainer::new(Model::new(spec.clone(), 3).unwrap(), OptimizerSpec::from_name("adam", lr0).unwrap(), 3).unwrap();
    a.train_steps(&d, 10, 25).unwrap();
    let sb = b.train_steps(&d, 10, 25).unwrap();
    assert_eq!(param_bits(&a.net), param_bits(&b.net));
    assert_eq!(sb.lr, lr0);
    // A new base rate under a schedule is scaled by the epoch's factor at once.
    let step = LrSchedule::from_name("step", None, 0.0, 1, 0.5).unwrap();
    let mut t = trainer(step);
    t.train_steps(&d, 5, 25).unwrap(); // into the second epoch
    t.set_learning_rate(0.1).unwrap();
    assert_eq!(t.opt.spec.lr(), 0.05);
    assert!(t.set_learning_rate(-1.0).is_err());
    assert!(t.set_schedule(LrSchedule::Step { step: 0, gamma: 0.5 }).is_err());
}

#[test]
fn backward_matches_finite_differences_for_dense_stacks_and_every_neuron() {
    for neuron in neurons() {
        gradient_check("5-7-6-3", neuron, false);
    }
    gradient_check("5-7-6-3", NeuronModel::default(), true);
}

#[test]
fn backward_matches_finite_differences_for_conv_stacks_and_every_neuron() {
    for neuron in neurons() {
        gradient_check("2x6x6-c3-mp-c4k3s2p1-5-3", neuron, false);
    }
    gradient_check("1x6x6-c3-mp-4-3", NeuronModel::default(), true);
}

fn train_toy(seed: u64) -> (Trainer, Dataset) {
    let d = data::toy(data::ToyKind::Spiral, 2000, 0.1, seed).unwrap();
    let (train, test) = d.split(0.8, seed).unwrap();
    let spec = NetworkSpec::parse("2-64-64-2", NeuronModel::default()).unwrap();
    let mut t = Trainer::new(Model::new(spec, seed).unwrap(), OptimizerSpec::from_name("adam", 0.01).unwrap(), seed).unwrap();
    for _ in 0..60 {
        t.train_epoch(&train, 32, |_, _| {}).unwrap();
    }
    (t, test)
}

#[test]
fn toy_spiral_converges_above_97_percent_and_same_seed_gives_identical_weights() {
    let start = std::time::Instant::now();
    let (mut a, test) = train_toy(1);
    let acc = evaluate(&mut a.net, &test, 256, None, &EnergyModel::default()).unwrap().accuracy;
    println!("spiral test accuracy {acc:.4} after {:.2} s", start.elapsed().as_secs_f64());
    assert!(acc >= 0.97, "accuracy {acc}");
    let (b, _) = train_toy(1);
    assert!(param_bits(&a.net) == param_bits(&b.net));
    let (c, _) = train_toy(2);
    assert_ne!(
        a.net.readout.linear.weights(),
        c.net.readout.linear.weights()
    );
}

/// A batch-norm net of `arch` (over 1×8×8 inputs) seeded with `seed`, and `rows` inputs of seeded
/// uniform draws (`data_seed`).
fn bn_net_and_inputs(arch: &str, seed: u64, data_seed: u64, rows: usize) -> (Model, Vec<f32>) {
    let mut spec = NetworkSpec::parse(arch, NeuronModel::default()).unwrap();
    spec.batch_norm = true;
    let net = Model::new(spec, seed).unwrap();
    let mut rng = Rng::new(data_seed);
    (net, (0..rows * 64).map(|_| rng.uniform()).collect())
}

#[test]
fn model_files_round_trip_and_reject_corruption() {
    let (mut net, x) = bn_net_and_inputs("1x8x8-c4-mp-c6k3s2p1-12-3", 3, 4, 10);
    // train a little so batch-norm statistics are not the defaults
    net.forward(&x, 10, true).unwrap();
    let before = net.clone().predict(&x, 10).unwrap();
    let logits_before = net.forward(&x, 10, false).unwrap().to_vec();
    let bytes = io::save(&net).unwrap();
    let mut back = io::load(&bytes).unwrap();
    assert_eq!(back.predict(&x, 10).unwrap(), before);
    assert_eq!(back.forward(&x, 10, false).unwrap(), &logits_before[..]);
    assert_eq!(io::save(&back).unwrap(), bytes, "save is deterministic");

    let err = |b: &[u8]| io::load(b).expect_err("must fail").to_string();
    assert!(err(&bytes[..bytes.len() - 5]).contains("model file"));
    assert!(err(&bytes[..4]).contains("too short"));
    assert!(err(b"not a model at all, really").contains("model file"));
    let mut corrupt = bytes.clone();
    corrupt[3] = 0xff; // header length far beyond the file
    assert!(err(&corrupt).contains("model file"));
    // (a tensor whose shape disagrees with the spec: model_file_with_mismatched_tensor_shape_is_rejected)
}

#[test]
fn model_file_with_mismatched_tensor_shape_is_rejected() {
    use safetensors::tensor::{Dtype, TensorView};
    let net = Model::new(NetworkSpec::parse("4-3-2", NeuronModel::default()).unwrap(), 1).unwrap();
    let header = serde_json::json!({"format": "1", "arch": "4-3-2", "spec": net.spec}).to_string();
    let w = vec![0u8; 4 * 5 * 4]; // [5, 4] but the spec says [3, 4]
    let b = vec![0u8; 3 * 4];
    let rw = vec![0u8; 2 * 3 * 4];
    let rb = vec![0u8; 2 * 4];
    let views = vec![
        ("layers.0.weight", TensorView::new(Dtype::F32, vec![5, 4], &w).unwrap()),
        ("layers.0.bias", TensorView::new(Dtype::F32, vec![3], &b).unwrap()),
        ("readout.weight", TensorView::new(Dtype::F32, vec![2, 3], &rw).unwrap()),
        ("readout.bias", TensorView::new(Dtype::F32, vec![2], &rb).unwrap()),
    ];
    let meta = std::collections::HashMap::from([("s3nn".to_string(), header)]);
    let bytes = safetensors::serialize(views, Some(meta)).unwrap();
    let e = io::load(&bytes).err().unwrap().to_string();
    assert!(e.contains("layers.0.weight") && e.contains("[5, 4]"), "{e}");
}

#[test]
fn batch_norm_folds_into_the_weights_with_the_same_predictions() {
    let (mut net, x) = bn_net_and_inputs("1x8x8-c4-mp-10-3", 8, 1, 32);
    for _ in 0..5 {
        net.forward(&x, 32, true).unwrap();
    }
    let a = net.forward(&x, 32, false).unwrap().to_vec();
    let mut folded = net.folded();
    assert!(!folded.layers.iter().any(|l| matches!(l, layers::Layer::BatchNorm(_))));
    let b = folded.forward(&x, 32, false).unwrap().to_vec();
    for (p, q) in a.iter().zip(&b) {
        assert!((p - q).abs() < 1e-4 * (1.0 + p.abs()), "{p} vs {q}");
    }
}

#[test]
fn operation_counts_equal_a_brute_force_count() {
    let spec = NetworkSpec::parse("6-8-5-3", NeuronModel::default()).unwrap();
    let mut net = Model::new(spec, 2).unwrap();
    let mut rng = Rng::new(3);
    let x: Vec<f32> = (0..4 * 6).map(|_| rng.range(-1.0, 1.0)).collect();
    net.forward(&x, 4, false).unwrap();
    let e = EnergyModel::default();
    let r = net.op_report(&e);
    let records = net.layer_records();
    let s1 = records[0].spikes.iter().filter(|&&s| s == 1).count() as f64;
    let s2 = records[1].spikes.iter().filter(|&&s| s == 1).count() as f64;
    assert_eq!(r.layers[0].macs, 6.0 * 8.0);
    assert_eq!(r.layers[0].acs, 0.0);
    assert_eq!(r.layers[1].acs, s1 * 5.0 / 4.0);
    assert_eq!(r.layers[2].acs, s2 * 3.0 / 4.0);
    assert!((r.layers[0].firing_rate - s1 / 32.0).abs() < 1e-12);
    let energy = 48.0 * 4.6 + (s1 * 5.0 + s2 * 3.0) / 4.0 * 0.9;
    assert!((r.energy_pj - energy).abs() < 1e-9);
    assert!((r.ann_energy_pj - (48.0 + 40.0 + 15.0) * 4.6).abs() < 1e-9);
    assert!((r.snn_energy_pj - (48.0 * 4.0 * 4.6 + (s1 * 5.0 + s2 * 3.0) / 4.0 * 4.0 * 0.9)).abs() < 1e-9);
}

#[test]
fn zero_skipping_baselines_and_memory_accesses_equal_a_brute_force_count() {
    // Inputs with zeros in them, so that skipping zeros changes the first layer's count.
    let spec = NetworkSpec::parse("6-8-5-3", NeuronModel::default()).unwrap();
    let mut net = Model::new(spec, 2).unwrap();
    let mut rng = Rng::new(3);
    let x: Vec<f32> = (0..4 * 6).map(|i| if i % 3 == 0 { 0.0 } else { rng.range(-1.0, 1.0) }).collect();
    let nonzero = x.iter().filter(|&&v| v != 0.0).count() as f64 / 4.0; // per sample
    net.forward(&x, 4, false).unwrap();
    let records = net.layer_records();
    let s1 = records[0].spikes.iter().filter(|&&s| s == 1).count() as f64 / 4.0;
    let s2 = records[1].spikes.iter().filter(|&&s| s == 1).count() as f64 / 4.0;
    let e = EnergyModel { e_mem_pj: 2.0, ..EnergyModel::default() };
    let r = net.op_report(&e);
    // The zero-skipping ANN: one MAC per non-zero input and output it reaches.
    assert_eq!(r.layers[0].ann_sparse_macs, nonzero * 8.0);
    assert_eq!(r.layers[1].ann_sparse_macs, s1 * 5.0);
    assert_eq!(r.layers[2].ann_sparse_macs, s2 * 3.0);
    // Memory: dense products read each weight and write each output once; every AC reads its
    // weight and reads and writes the target's potential.
    let mem = [6.0 * 8.0 + 8.0, 3.0 * s1 * 5.0, 3.0 * s2 * 3.0];
    for (l, m) in r.layers.iter().zip(mem) {
        assert_eq!(l.mem_accesses, m, "{}", l.name);
    }
    let ops_pj = 48.0 * 4.6 + (s1 * 5.0 + s2 * 3.0) * 0.9;
    assert!((r.energy_pj - (ops_pj + mem.iter().sum::<f64>() * 2.0)).abs() < 1e-9);
    let ann_mem = (48.0 + 8.0) + (40.0 + 5.0) + (15.0 + 3.0);
    assert!((r.ann_energy_pj - ((48.0 + 40.0 + 15.0) * 4.6 + ann_mem * 2.0)).abs() < 1e-9);
    let sparse_macs = nonzero * 8.0 + s1 * 5.0 + s2 * 3.0;
    assert!((r.ann_sparse_energy_pj - (sparse_macs * 4.6 + (sparse_macs + 16.0) * 2.0)).abs() < 1e-9);
    // This net skipping zeros too: its first layer as the sparse ANN's, the rest as it is.
    let sparse_self = nonzero * 8.0 * 4.6 + (nonzero * 8.0 + 8.0) * 2.0 + (s1 * 5.0 + s2 * 3.0) * 0.9 + (mem[1] + mem[2]) * 2.0;
    assert!((r.sparse_energy_pj - sparse_self).abs() < 1e-9);
    // Break-even: the input rate at which the ACs and their accesses cost what the ANN layer does.
    let be = r.layers[1].break_even_rate.unwrap();
    assert!((be * 40.0 * (0.9 + 3.0 * 2.0) - (40.0 * 4.6 + 45.0 * 2.0)).abs() < 1e-9, "{be}");
    assert_eq!(r.layers[0].break_even_rate, None, "a real-valued input has none");
    // Without a memory price the energies are the operation counts' alone (the papers' convention).
    let plain = net.op_report(&EnergyModel::default());
    assert!((plain.energy_pj - ops_pj).abs() < 1e-9);
    assert_eq!(plain.mem_accesses, r.mem_accesses);
    assert!((plain.layers[2].break_even_rate.unwrap() - 4.6 / 0.9).abs() < 1e-12, "E_MAC / E_AC");
}

#[test]
fn a_new_surrogate_changes_the_gradient_and_nothing_else() {
    let alpha2 = Surrogate::from_name("s3nn", Some(2.0), Some(1.0)).unwrap();
    let spec = NetworkSpec::parse("6-8-5-3", NeuronModel::default()).unwrap();
    let mut rng = Rng::new(5);
    let x: Vec<f32> = (0..4 * 6).map(|_| rng.range(-1.0, 1.0)).collect();
    let dl: Vec<f32> = (0..4 * 3).map(|_| rng.range(-1.0, 1.0)).collect();
    let grads = |net: &mut Model| {
        net.zero_grad();
        let logits = net.forward(&x, 4, true).unwrap().to_vec();
        net.backward(&dl).unwrap();
        let mut g = Vec::new();
        net.visit_params(|p| g.extend_from_slice(p.grad.unwrap_or(&[])));
        (logits, g)
    };
    let mut switched = Model::new(spec.clone(), 7).unwrap();
    let (logits_before, g_before) = grads(&mut switched);
    switched.set_surrogate(alpha2).unwrap();
    // Built with α = 2 from the start (the neuron does not enter the initialization).
    let mut fresh = Model::new(NetworkSpec { neuron: NeuronModel::Spike { surrogate: alpha2, threshold: 0.0 }, ..spec.clone() }, 7).unwrap();
    let (logits_switched, g_switched) = grads(&mut switched);
    let (logits_fresh, g_fresh) = grads(&mut fresh);
    assert_eq!(logits_before, logits_switched, "the forward pass does not change");
    assert_eq!(logits_switched, logits_fresh);
    assert_eq!(g_switched, g_fresh, "the gradient is the new surrogate's");
    assert_ne!(g_before, g_switched);
    assert_eq!(switched.spec.neuron, fresh.spec.neuron, "the spec (and so a saved file) names the new surrogate");
    // Neurons without a surrogate refuse, and stay as they were.
    let mut relu = Model::new(NetworkSpec { neuron: NeuronModel::Relu, ..spec }, 7).unwrap();
    let e = relu.set_surrogate(alpha2).unwrap_err().to_string();
    assert!(e.contains("ReLU") && e.contains("no surrogate"), "{e}");
    assert_eq!(relu.spec.neuron, NeuronModel::Relu);
    assert!(switched.set_surrogate(Surrogate::S3nn { alpha: -1.0, beta: 1.0 }).is_err());
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let mut net = Model::new(NetworkSpec::parse("4-3-2", NeuronModel::default()).unwrap(), 1).unwrap();
    assert!(matches!(net.forward(&[0.0; 7], 2, false), Err(S3nnError::Shape(_))));
    assert!(matches!(net.forward(&[0.0, 1.0, f32::NAN, 0.0], 1, false), Err(S3nnError::Data(_))));
    assert!(matches!(net.forward(&[], 0, false), Err(S3nnError::Shape(_))));
    assert!(NeuronModel::from_name("lif", None, None, None, Some(0), None).is_err());
    assert!(NeuronModel::from_name("nope", None, None, None, None, None).is_err());
    assert!(OptimizerSpec::from_name("adam", f32::NAN).is_err());
    assert!(OptimizerSpec::from_name("rmsprop", 0.1).is_err());
    let d = data::toy(data::ToyKind::Xor, 10, 0.1, 1).unwrap();
    let mut t = Trainer::new(net, OptimizerSpec::default(), 1).unwrap();
    assert!(matches!(t.step(&d, 4), Err(S3nnError::Shape(_))));
    // a learning rate that blows up is reported as divergence, not NaN weights
    let spec = NetworkSpec::parse("2-8-2", NeuronModel::from_name("relu", None, None, None, None, None).unwrap()).unwrap();
    let mut t = Trainer::new(Model::new(spec, 1).unwrap(), OptimizerSpec::Sgd { lr: 90.0, momentum: 0.99, weight_decay: 0.0 }, 1).unwrap();
    let r = (0..200).try_for_each(|_| t.step(&d, 10).map(|_| ()));
    if let Err(e) = r {
        assert!(matches!(e, S3nnError::Diverged(_)), "{e}");
    }
}

#[test]
fn model_files_use_pytorch_layouts() {
    use safetensors::SafeTensors;
    // conv 2→3 channels (k3) on a 2×4×4 input, 2×2 pool, then a dense layer whose inputs need the
    // HWC → CHW flatten permutation
    let spec = NetworkSpec::parse("2x4x4-c3-mp-5-2", NeuronModel::default()).unwrap();
    let mut net = Model::new(spec, 1).unwrap();
    // our conv weight row = (ky·k + kx)·C_in + ci, column = co
    let count_up = |w: &mut [f32]| w.iter_mut().enumerate().for_each(|(i, w)| *w = i as f32);
    set_param(&mut net, "layers.0.weight", count_up);
    set_param(&mut net, "layers.1.weight", count_up);
    let bytes = io::save(&net).unwrap();
    let st = SafeTensors::deserialize(&bytes).unwrap();
    let read = |name: &str| -> (Vec<usize>, Vec<f32>) {
        let t = st.tensor(name).unwrap();
        (t.shape().to_vec(), t.data().chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    };
    let (shape, w) = read("layers.0.weight");
    assert_eq!(shape, vec![3, 2, 3, 3], "nn.Conv2d weight is [out, in, kh, kw]");
    for co in 0..3 {
        for ci in 0..2 {
            for ky in 0..3 {
                for kx in 0..3 {
                    let ours = ((ky * 3 + kx) * 2 + ci) * 3 + co;
                    assert_eq!(w[((co * 2 + ci) * 3 + ky) * 3 + kx], ours as f32);
                }
            }
        }
    }
    // dense after conv+pool: input 3 channels × 2×2, ours HWC, PyTorch's nn.Flatten is CHW
    let (shape, w) = read("layers.1.weight");
    assert_eq!(shape, vec![5, 12], "nn.Linear weight is [out, in]");
    for c in 0..3 {
        for p in 0..4 {
            for o in 0..5 {
                let ours = (p * 3 + c) * 5 + o;
                assert_eq!(w[o * 12 + c * 4 + p], ours as f32);
            }
        }
    }
}

/// Two threads split the products by columns (and Adam by halves); the weights must come out with
/// exactly the bits of a one-thread run.
#[cfg(feature = "parallel")]
#[test]
fn two_threads_train_bit_identical_weights() {
    let mut rng = rng::Rng::new(5);
    let n = 400;
    let x: Vec<f32> = (0..n * 196).map(|_| if rng.uniform() < 0.25 { rng.uniform() } else { 0.0 }).collect();
    let y: Vec<u32> = (0..n).map(|i| (i % 10) as u32).collect();
    let data = Dataset::new("synthetic", [196, 1, 1], 10, x, y).unwrap();
    let train = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            assert_eq!(s3nn::parallel::threads_here(), threads);
            let spec = NetworkSpec::parse("196-256-200-10", NeuronModel::default()).unwrap();
            let mut t = Trainer::new(Model::new(spec, 3).unwrap(), OptimizerSpec::from_name("adam", 1e-3).unwrap(), 3).unwrap();
            t.train_steps(&data, 12, 100).unwrap();
            param_bits(&t.net)
        })
    };
    let (one, two) = (train(1), train(2));
    assert_eq!(one.len(), two.len());
    assert!(one == two, "2-thread training differs from 1-thread training");
}

/// Big batches are compacted into events in two halves, and every layer of inference is split
/// by rows: same events and same logits bit for bit as one thread.
#[cfg(feature = "parallel")]
#[test]
fn two_threads_give_identical_events_and_logits_at_batch_1000() {
    let mut rng = rng::Rng::new(6);
    let (rows, cols) = (1000, 300);
    let dense: Vec<f32> = (0..rows * cols).map(|_| if rng.uniform() < 0.2 { rng.uniform() - 0.5 } else { 0.0 }).collect();
    let x: Vec<f32> = dense.iter().map(|v| v.abs()).collect();
    let pool = |t: usize| rayon::ThreadPoolBuilder::new().num_threads(t).build().unwrap();
    let run = |t: usize| {
        pool(t).install(|| {
            let mut real = s3nn::activation::Events::default();
            real.rebuild(&dense, rows, cols, false);
            let mut spikes = s3nn::activation::Events::default();
            spikes.rebuild(&dense, rows, cols, true);
            let spec = NetworkSpec::parse("300-256-200-10", NeuronModel::default()).unwrap();
            let mut net = Model::new(spec, 4).unwrap();
            let logits: Vec<u32> = net.forward(&x, rows, false).unwrap().iter().map(|v| v.to_bits()).collect();
            let n = real.count();
            let m = spikes.count();
            (real.ptr.clone(), real.idx[..n].to_vec(), real.val[..n].iter().map(|v| v.to_bits()).collect::<Vec<_>>(), spikes.ptr.clone(), spikes.idx[..m].to_vec(), logits)
        })
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one.0, two.0, "real-valued event rows");
    assert_eq!(one.1, two.1, "real-valued event columns");
    assert_eq!(one.2, two.2, "event values");
    assert_eq!(one.3, two.3, "spike rows");
    assert_eq!(one.4, two.4, "spike columns");
    assert!(one.5 == two.5, "logits differ between 1 and 2 threads");
    // and the events are right: every non-zero, in order
    let expect: usize = dense.iter().filter(|v| **v != 0.0).count();
    assert_eq!(one.1.len(), expect);
}

#[test]
fn inspect_reports_one_forward_pass() {
    let spec = NetworkSpec::parse("1x6x6-c3-mp-5-3", NeuronModel::default()).unwrap();
    let mut net = Model::new(spec, 2).unwrap();
    let mut rng = Rng::new(3);
    let x: Vec<f32> = (0..4 * 36).map(|_| rng.uniform()).collect();
    let e = EnergyModel::default();
    let got = net.inspect(&x, 4, &e).unwrap();
    let logits = net.forward(&x, 4, false).unwrap().to_vec();
    assert_eq!(got.probabilities, loss::softmax(&logits, 3));
    assert_eq!(got.ops, net.op_report(&e));
    let names: Vec<&str> = got.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["layer1", "layer2"]);
    assert_eq!((got.layers[0].kind, got.layers[1].kind), ("conv", "dense"));
    for (l, o) in got.layers.iter().zip(&got.ops.layers) {
        assert_eq!(l.spikes.len(), 4 * l.shape.len());
        assert_eq!(l.potentials.len(), l.spikes.len());
        let fired = l.spikes.iter().filter(|&&s| s == 1).count();
        assert_eq!(l.firing_rate, fired as f64 / l.spikes.len() as f64);
        assert!((l.firing_rate - o.firing_rate).abs() < 1e-12, "inspect and ops agree on the firing rate");
        // θ = 0: a neuron spikes exactly where its potential is ≥ 0
        assert!(l.spikes.iter().zip(&l.potentials).all(|(&s, &p)| (s == 1) == (p >= 0.0)));
    }
    assert!(net.inspect(&x, 4, &EnergyModel { snn_steps: 0, ..e }).is_err());
}

#[test]
fn relu_outputs_are_not_spikes() {
    let relu = NeuronModel::from_name("relu", None, None, None, None, None).unwrap();
    let mut net = Model::new(NetworkSpec::parse("4-16-2", relu).unwrap(), 1).unwrap();
    let x = [0.5f32, -1.0, 2.0, 1.0, 1.0, 1.0, -0.5, 0.0];
    let got = net.inspect(&x, 2, &EnergyModel::default()).unwrap();
    assert!(got.layers[0].potentials.iter().any(|&p| p > 0.0), "some ReLU outputs are positive");
    assert_eq!(got.layers[0].firing_rate, 0.0);
    assert_eq!(train::firing_rates(&net), vec![0.0]);
    assert_eq!(got.ops.layers[0].firing_rate, 0.0);
}

#[test]
fn evaluate_rejects_a_bad_batch_and_data_that_does_not_fit() {
    let mut net = Model::new(NetworkSpec::parse("2-8-2", NeuronModel::default()).unwrap(), 1).unwrap();
    let e = EnergyModel::default();
    let two = data::toy(data::ToyKind::Xor, 20, 0.1, 1).unwrap();
    assert!(matches!(evaluate(&mut net, &two, 0, None, &e), Err(S3nnError::Config(_))));
    assert!(matches!(evaluate(&mut net, &two, train::MAX_BATCH + 1, None, &e), Err(S3nnError::Config(_))));
    assert!(evaluate(&mut net, &two, train::EVAL_BATCH, None, &e).is_ok());
    let three = data::toy(data::ToyKind::Blobs, 30, 0.1, 1).unwrap();
    assert!(three.classes > 2);
    assert!(matches!(evaluate(&mut net, &three, 10, None, &e), Err(S3nnError::Shape(_))));
    let mut t = Trainer::new(net, OptimizerSpec::default(), 1).unwrap();
    assert!(matches!(t.step(&three, 10), Err(S3nnError::Shape(_))));
}

#[test]
fn the_parameter_walk_names_every_tensor_as_pytorch_does() {
    let mut spec = NetworkSpec::parse("1x6x6-c3-mp-5-2", NeuronModel::default()).unwrap();
    spec.batch_norm = true;
    let net = Model::new(spec, 1).unwrap();
    let mut seen = Vec::new();
    net.visit_params(|p| seen.push((p.name.to_string(), p.layout.torch_shape(), p.grad.is_some(), p.value.len())));
    let expected: Vec<(&str, Vec<usize>, bool)> = vec![
        ("layers.0.weight", vec![3, 1, 3, 3], true),
        ("layers.0.bias", vec![3], true),
        ("layers.0.bn.weight", vec![3], true),
        ("layers.0.bn.bias", vec![3], true),
        ("layers.0.bn.running_mean", vec![3], false),
        ("layers.0.bn.running_var", vec![3], false),
        ("layers.1.weight", vec![5, 27], true), // 3 channels × 3×3 after the pool
        ("layers.1.bias", vec![5], true),
        ("layers.1.bn.weight", vec![5], true),
        ("layers.1.bn.bias", vec![5], true),
        ("layers.1.bn.running_mean", vec![5], false),
        ("layers.1.bn.running_var", vec![5], false),
        ("readout.weight", vec![2, 5], true),
        ("readout.bias", vec![2], true),
    ];
    assert_eq!(seen.len(), expected.len());
    for ((name, shape, trainable, len), (en, es, et)) in seen.iter().zip(&expected) {
        assert_eq!((name.as_str(), shape, trainable), (*en, es, et));
        assert_eq!(*len, shape.iter().product::<usize>(), "{name}");
    }
    let trainable: usize = seen.iter().filter(|s| s.2).map(|s| s.3).sum();
    assert_eq!(net.parameter_count(), trainable);
    let bytes = io::save(&net).unwrap();
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut names: Vec<String> = file.names().into_iter().map(String::from).collect();
    names.sort();
    let mut walked: Vec<String> = seen.into_iter().map(|s| s.0).collect();
    walked.sort();
    assert_eq!(names, walked, "a model file holds exactly the walked tensors");
}

// ---------------------------------------------------------------- hostile input (issue #15)

fn lif(steps: usize) -> NeuronModel {
    NeuronModel::from_name("lif", None, None, None, Some(steps), None).unwrap()
}

fn csv_three_classes() -> Dataset {
    data::points_from_csv("1,1,0\n2,2,1\n3,3,2\n").unwrap()
}

#[test]
fn data_with_more_classes_than_a_loaded_model_is_an_error_not_a_panic() {
    // Issue #15 defect 1: the 2-class net on 3-class data, here through a saved and loaded model.
    let net = Model::new(NetworkSpec::parse("2-8-2", NeuronModel::default()).unwrap(), 1).unwrap();
    let mut loaded = io::load(&io::save(&net).unwrap()).unwrap();
    let three = csv_three_classes();
    let e = EnergyModel::default();
    let err = evaluate(&mut loaded, &three, train::EVAL_BATCH, None, &e).unwrap_err();
    assert!(matches!(err, S3nnError::Shape(_)) && err.to_string().contains("3 classes"), "{err}");
    let mut t = Trainer::new(loaded, OptimizerSpec::default(), 1).unwrap();
    assert!(matches!(t.train_steps(&three, 3, 2), Err(S3nnError::Shape(_))));
    // The trainer (and its network) still work afterwards.
    let two = data::toy(data::ToyKind::Xor, 20, 0.1, 1).unwrap();
    t.train_steps(&two, 2, 4).unwrap();
    evaluate(&mut t.net, &two, 8, None, &e).unwrap();
}

#[test]
fn a_label_beyond_the_class_count_is_an_error_in_training_and_evaluation() {
    // The fields of a Dataset are public, so its labels can disagree with its class count;
    // the loss and the confusion matrix index by label and used to panic.
    let mut d = data::toy(data::ToyKind::Xor, 10, 0.1, 1).unwrap();
    d.y[3] = 7;
    let mut net = Model::new(NetworkSpec::parse("2-8-2", NeuronModel::default()).unwrap(), 1).unwrap();
    let err = evaluate(&mut net, &d, 4, None, &EnergyModel::default()).unwrap_err();
    assert!(matches!(err, S3nnError::Shape(_)) && err.to_string().contains("label 7"), "{err}");
    let mut t = Trainer::new(net, OptimizerSpec::default(), 1).unwrap();
    let err = t.train_steps(&d, 5, 10).unwrap_err();
    assert!(matches!(err, S3nnError::Shape(_)) && err.to_string().contains("label 7"), "{err}");
}

#[test]
fn a_sample_count_whose_products_wrap_is_refused_by_predict_inspect_and_forward() {
    // Issue #15 defect 2: n × features and n × steps wrapped (in wasm for n = 2^30 + 1); here the
    // same wrap on 64 bits: 4 features × (2^62 + 1) = 4 (mod 2^64), and 4 steps likewise.
    let mut net = Model::new(NetworkSpec::parse("4-3-2", lif(4)).unwrap(), 1).unwrap();
    let n = (1usize << 62) + 1;
    let x = [0.5f32; 4];
    assert!(matches!(net.predict(&x, n), Err(S3nnError::Shape(_))));
    assert!(matches!(net.inspect(&x, n, &EnergyModel::default()), Err(S3nnError::Shape(_))));
    assert!(matches!(net.forward(&x, n, true), Err(S3nnError::Shape(_))));
    // n × steps past MAX_ROWS with the right number of values is TooLarge, naming the limit.
    let n = model::MAX_ROWS / 4 + 1;
    let err = net.predict(&vec![0.0; n * 4], n).unwrap_err();
    assert!(matches!(err, S3nnError::TooLarge(_)) && err.to_string().contains("MAX_ROWS"), "{err}");
    assert_eq!(net.predict(&x, 1).unwrap().len(), 1);
}

#[test]
fn train_steps_refuses_more_steps_than_one_call_may_run() {
    // Issue #15 defect 4: trainSteps(d, -1, 16) hung (−1 became 4 294 967 295 steps).
    let d = data::toy(data::ToyKind::Xor, 20, 0.1, 1).unwrap();
    let net = Model::new(NetworkSpec::parse("2-8-2", NeuronModel::default()).unwrap(), 1).unwrap();
    let mut t = Trainer::new(net, OptimizerSpec::default(), 1).unwrap();
    for steps in [4_294_967_295usize, train::MAX_STEPS_PER_CALL + 1, usize::MAX] {
        let err = t.train_steps(&d, steps, 16).unwrap_err();
        assert!(matches!(err, S3nnError::TooLarge(_)) && err.to_string().contains("MAX_STEPS_PER_CALL"), "{err}");
    }
    assert_eq!(t.opt.t, 0, "a refused call runs no step");
    assert_eq!(t.train_steps(&d, 3, 16).unwrap().steps, 3);
}

#[test]
fn train_stats_report_completed_epochs() {
    // 40 samples, batch 10: after 1, 4, 5 and 10 steps the trainer has seen 0.25, 1, 1.25 and 2.5
    // epochs (it used to report one more: it counted the epoch in progress as completed).
    let d = data::toy(data::ToyKind::Xor, 40, 0.1, 1).unwrap();
    let net = Model::new(NetworkSpec::parse("2-8-2", NeuronModel::default()).unwrap(), 1).unwrap();
    let mut t = Trainer::new(net, OptimizerSpec::default(), 1).unwrap();
    let mut seen = Vec::new();
    for steps in [1, 3, 1, 5] {
        seen.push(t.train_steps(&d, steps, 10).unwrap().epoch);
    }
    assert_eq!(seen, vec![0.25, 1.0, 1.25, 2.5]);
}

/// `n` MNIST-shaped samples with a deterministic pattern, two classes.
fn images(n: usize) -> Dataset {
    let x = (0..n * 784).map(|i| ((i * 7919) % 255) as f32 / 255.0).collect();
    Dataset::new("images", [1, 28, 28], 2, x, (0..n as u32).map(|i| i % 2).collect()).unwrap()
}

#[test]
fn the_wide_conv_trains_only_within_the_memory_budget_and_evaluates_in_smaller_batches() {
    // Issue #15 defect 3: 344 k parameters but 25.7 MB of activations per sample; evaluating or
    // training a normal batch asked for tens of GB and aborted.
    let spec = NetworkSpec::parse("1x28x28-c8192k1p0-mp14-10", NeuronModel::default()).unwrap();
    let fits = budget::cost(&spec, budget::PassKind::Infer).unwrap().max_samples();
    assert!((1..train::EVAL_BATCH).contains(&fits), "{fits}");
    let d = images(fits + 1);
    let mut net = Model::new(spec, 1).unwrap();
    let e = EnergyModel::default();
    // A batch larger than fits is shrunk, giving what that smaller batch gives.
    let shrunk = evaluate(&mut net, &d, train::EVAL_BATCH, None, &e).unwrap();
    let direct = evaluate(&mut net, &d, fits, None, &e).unwrap();
    assert_eq!(shrunk, direct);
    assert_eq!(shrunk.samples, fits + 1);
    // One forward pass over more than fits is refused before allocating.
    let x = d.values();
    let err = net.predict(&x, fits + 1).unwrap_err();
    assert!(matches!(err, S3nnError::TooLarge(_)) && err.to_string().contains("MAX_WORKING_BYTES"), "{err}");
    // Training a batch of 16 needs more than the budget: refused, and the trainer still works.
    let mut t = Trainer::new(net, OptimizerSpec::default(), 1).unwrap();
    let err = t.train_steps(&images(16), 1, 16).unwrap_err();
    assert!(matches!(err, S3nnError::TooLarge(_)), "{err}");
    t.train_steps(&images(2), 1, 1).unwrap();
}

#[test]
fn a_network_of_which_not_one_sample_fits_is_refused_by_evaluate() {
    // 64 steps × 2 × 2048² neurons: one sample is over the budget, so no batch can be shrunk to fit.
    let spec = NetworkSpec::parse("1x2048x2048-c2k1p0-2", lif(64)).unwrap();
    let cost = budget::cost(&spec, budget::PassKind::Infer).unwrap();
    assert_eq!(cost.max_samples(), 0);
    let mut net = Model::new(spec, 1).unwrap();
    let d = Dataset::new("big", [1, 2048, 2048], 2, vec![0.0; 2048 * 2048], vec![1]).unwrap();
    let err = evaluate(&mut net, &d, 1, None, &EnergyModel::default()).unwrap_err();
    assert!(matches!(err, S3nnError::TooLarge(_)) && err.to_string().contains("not even one sample"), "{err}");
}

#[test]
fn the_reference_networks_fit_the_budget_at_their_usual_batches() {
    // The limit must not get in the way of what the README and the page run.
    for (arch, batch) in [("784-400-400-10", train::MAX_BATCH), ("1x28x28-c16-mp-c32-mp-10", 256)] {
        let spec = NetworkSpec::parse(arch, NeuronModel::default()).unwrap();
        budget::check_pass(&spec, batch, budget::PassKind::Train, "a training step").unwrap();
        budget::check_pass(&spec, train::EVAL_BATCH, budget::PassKind::Inspect, "inspect").unwrap();
    }
}
