//! NIR export and import in Rust (the Python side, against the `nir` package, is tests/nir/):
//! round trips predict identically, and what NIR or s3nn cannot express is refused by name.
#![cfg(not(target_arch = "wasm32"))]

use s3nn::nir::graph::{Graph, Node, Tensor};
use s3nn::nir::{self, export, hdf5, import};
use s3nn::{Dataset, Model, NetworkSpec, NeuronModel, OptimizerSpec, Trainer};

/// A network of `arch` trained a little on a seeded random set (so batch norm has statistics).
fn trained(arch: &str, batch_norm: bool, threshold: f32) -> (Model, Vec<f32>, usize) {
    let neuron = NeuronModel::Spike { surrogate: Default::default(), threshold };
    let mut spec = NetworkSpec::parse(arch, neuron).unwrap();
    spec.batch_norm = batch_norm;
    let f: usize = spec.input.iter().product();
    let n = 64;
    let mut rng = s3nn::rng::Rng::new(5);
    let x: Vec<f32> = (0..n * f).map(|_| rng.range(0.0, 1.0)).collect();
    let y: Vec<u32> = (0..n as u32).map(|i| i % 3).collect();
    let data = Dataset::new("random", spec.input, 3, x.clone(), y).unwrap();
    let mut t = Trainer::new(Model::new(spec, 2).unwrap(), OptimizerSpec::from_name("adam", 0.01).unwrap(), 2).unwrap();
    t.train_steps(&data, 5, 16).unwrap();
    (t.net, x, n)
}

#[test]
fn export_then_import_predicts_identically() {
    for (arch, bn) in [("20-16-16-3", false), ("1x8x8-c4-mp-c6-mp-3", true), ("2x6x6-c3k3s2p1-12-3", true)] {
        let (mut net, x, n) = trained(arch, bn, 0.0);
        let bytes = nir::to_nir(&net).unwrap();
        assert!(nir::is_nir(&bytes));
        let mut back = nir::from_nir(&bytes).unwrap();
        assert_eq!(back.spec.hidden, net.spec.hidden, "{arch}");
        assert_eq!(back.predict(&x, n).unwrap(), net.predict(&x, n).unwrap(), "{arch}");
        // The same model always writes the same bytes.
        assert_eq!(nir::to_nir(&net).unwrap(), bytes);
    }
}

#[test]
fn theta_is_folded_into_the_bias() {
    let (net, _, _) = trained("10-8-3", false, 0.25);
    let g = export::export(&net).unwrap();
    let Some(Node::Affine { bias, .. }) = g.node("layers.0") else { panic!("no layers.0") };
    assert!((bias.data[0] - (net.folded().visit_params_first_bias() - 0.25)).abs() < 1e-6);
    let Some(Node::Lif { v_threshold, r, v_leak, .. }) = g.node("layers.0.lif") else { panic!("no lif") };
    assert!(v_threshold.data.iter().all(|&v| v == 0.0) && r.data.iter().all(|&v| v == 1.0) && v_leak.data.iter().all(|&v| v == 0.0));
}

trait FirstBias {
    fn visit_params_first_bias(&self) -> f32;
}
impl FirstBias for Model {
    fn visit_params_first_bias(&self) -> f32 {
        let mut b = None;
        self.visit_params(|p| {
            if b.is_none() && p.name.to_string() == "layers.0.bias" {
                b = Some(p.value[0]);
            }
        });
        b.unwrap()
    }
}

#[test]
fn what_nir_cannot_express_is_refused_with_the_reason() {
    for (neuron, needle) in [("relu", "no ReLU node"), ("bnn", "no sign node"), ("lif", "reset by subtraction")] {
        let spec = NetworkSpec::parse("4-8-2", s3nn::catalog::neuron(neuron).map(|_| NeuronModel::from_name(neuron, None, None, None, None, None).unwrap()).unwrap()).unwrap();
        let e = nir::to_nir(&Model::new(spec, 1).unwrap()).unwrap_err().to_string();
        assert!(e.contains(needle), "{neuron}: {e}");
    }
}

fn t(shape: &[usize], v: f32) -> Tensor {
    Tensor::full(shape, v)
}

fn lif(n: usize, thr: f32) -> Node {
    Node::Lif { tau: t(&[n], 1e-4), r: t(&[n], 1.0), v_leak: t(&[n], 0.0), v_threshold: t(&[n], thr), v_reset: t(&[n], 0.0) }
}

fn mlp_graph() -> Graph {
    let mut g = Graph::default();
    g.chain("in", Node::Input { shape: vec![4] });
    g.chain("fc", Node::Affine { weight: t(&[8, 4], 0.1), bias: t(&[8], 0.0) });
    g.chain("lif", lif(8, 0.0));
    g.chain("head", Node::Affine { weight: t(&[2, 8], 0.1), bias: t(&[2], 0.0) });
    g.chain("out", Node::Output { shape: vec![2] });
    g
}

#[test]
fn unsupported_graphs_are_refused_naming_the_node() {
    assert_eq!(import::import(&mlp_graph()).unwrap().spec.arch_string(), "4-8-2");
    let cases: Vec<(Box<dyn Fn(&mut Graph)>, &str)> = vec![
        (Box::new(|g| g.nodes[2].1 = Node::Other { kind: "CubaLIF".into() }), "node 'lif' (CubaLIF): s3nn does not read"),
        (Box::new(|g| g.edges.push(("fc".into(), "out".into()))), "node 'fc' (Affine): branches"),
        (Box::new(|g| g.edges.push(("lif".into(), "nowhere".into()))), "'nowhere', which is not a node"),
        (Box::new(|g| g.nodes[1].1 = Node::Affine { weight: t(&[8, 5], 0.1), bias: t(&[8], 0.0) }), "node 'fc' (Affine): weight [8, 5]"),
        (Box::new(|g| g.nodes[2].1 = lif(7, 0.0)), "node 'lif' (LIF): has 7 neurons"),
        (Box::new(|g| g.nodes.push(("stray".into(), Node::Flatten { start_dim: 0, end_dim: -1, input_type: None }))), "node 'stray' (Flatten): is not on the path"),
        (Box::new(|g| g.edges.retain(|(a, _)| a != "head")), "node 'head' (Affine): leads nowhere"),
    ];
    for (edit, needle) in cases {
        let mut g = mlp_graph();
        edit(&mut g);
        let e = import::import(&g).unwrap_err().to_string();
        assert!(e.contains(needle), "{needle}: {e}");
    }
    // A threshold after a pool that is not the OR of its window.
    let mut g = Graph::default();
    g.chain("in", Node::Input { shape: vec![1, 4, 4] });
    g.chain("conv", Node::Conv2d { weight: t(&[2, 1, 3, 3], 0.1), bias: t(&[2], 0.0), stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1, input_shape: None });
    g.chain("lif", Node::Threshold { threshold: t(&[2, 4, 4], 0.0) });
    g.chain("pool", Node::AvgPool2d { kernel_size: [2, 2], stride: [2, 2], padding: [0, 0] });
    g.chain("or", Node::Threshold { threshold: t(&[2, 2, 2], 0.3) });
    g.chain("flat", Node::Flatten { start_dim: 0, end_dim: -1, input_type: None });
    g.chain("head", Node::Affine { weight: t(&[3, 8], 0.1), bias: t(&[3], 0.0) });
    g.chain("out", Node::Output { shape: vec![3] });
    let e = import::import(&g).unwrap_err().to_string();
    assert!(e.contains("node 'or' (Threshold)") && e.contains("[0, 0.25)"), "{e}");
    if let (_, Node::Threshold { threshold }) = &mut g.nodes[4] {
        threshold.data.iter_mut().for_each(|v| *v = 0.1);
    }
    assert_eq!(import::import(&g).unwrap().spec.arch_string(), "1x4x4-c2-mp2-3");
}

#[test]
fn malformed_files_are_errors_not_panics() {
    let good = hdf5::write(&mlp_graph()).unwrap();
    assert_eq!(nir::from_nir(&good).unwrap().spec.arch_string(), "4-8-2");
    for cut in [0, 8, 64, good.len() / 2, good.len() - 1] {
        assert!(nir::from_nir(&good[..cut]).is_err(), "cut at {cut}");
    }
    let mut flipped = good.clone();
    for i in (100..flipped.len()).step_by(97) {
        flipped[i] ^= 0x5a;
    }
    let _ = nir::from_nir(&flipped); // an error or, by luck, a network: never a panic
    let e = nir::from_nir(b"not hdf5 at all").unwrap_err().to_string();
    assert!(e.contains("not an HDF5 file"), "{e}");
}

/// A file may declare any element size. Here the datatypes of a file the `nir` Python package
/// wrote (h5py: old-style object headers, without checksums) are forged to declare elements of
/// 0xca620008 bytes, the size of the allocation a file the fuzzer found asked for. Reading the
/// field must be refused before anything is allocated.
#[test]
fn a_forged_element_size_is_refused_before_it_is_read() {
    let good = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/nir_file/python-cnn.nir")).unwrap();
    assert!(nir::from_nir(&good).is_ok());
    // A datatype message: version 1 and the class in the first byte, three bytes of bit fields,
    // the element size as a little-endian u32, then the bit offset (0) and precision as u16s.
    let types: [(&str, u8, u32, [u8; 4]); 2] = [("i64", 0x10, 8, [0, 0, 64, 0]), ("f32", 0x11, 4, [0, 0, 32, 0])];
    for (name, class, size, bits) in types {
        let matches = |w: &[u8]| w[0] == class && w[4..8] == size.to_le_bytes() && w[8..12] == bits;
        let at: Vec<usize> = good.windows(12).enumerate().filter(|(_, w)| matches(w)).map(|(i, _)| i).collect();
        assert!(at.len() > 1, "the file's {name} datatypes were not found");
        let mut forged = good.clone();
        for i in at {
            forged[i + 4..i + 8].copy_from_slice(&0xca62_0008u32.to_le_bytes());
        }
        let e = nir::from_nir(&forged).unwrap_err().to_string();
        assert!(e.contains("3395420168-byte elements") && e.contains("limit"), "{name}: {e}");
    }
}

/// A file the fuzzer found (kept as a fuzz seed): an integer field, stored in chunks, declares
/// elements of 2 GB that no chunk holds, so the read would allocate them all as fill values
/// (`malloc(2190118928)`). It is refused by its declared size, before it is read.
#[test]
fn a_field_declared_larger_than_its_storage_is_refused() {
    let file = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/seeds/nir_file/oom-chunked-fill.nir")).unwrap();
    let e = nir::from_nir(&file).unwrap_err().to_string();
    assert!(e.contains("limit"), "{e}");
}
