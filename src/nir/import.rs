//! A NIR graph of the shape [`super`] describes as a trainable s3nn network; anything else is
//! refused with a message naming the node.

use std::collections::HashMap;

use super::graph::{Graph, Node, Tensor};
use crate::error::{Result, S3nnError};
use crate::model::Model;
use crate::neuron::NeuronModel;
use crate::spec::{LayerSpec, NetworkSpec, Shape};

/// The node types the importer reads.
const READS: &str = "Input, Affine, Linear, Conv2d, LIF, IF, Threshold, AvgPool2d, SumPool2d, Flatten, Output";

fn refuse(name: &str, node: &Node, why: impl std::fmt::Display) -> S3nnError {
    S3nnError::Nir(format!("node '{name}' ({}): {why}", node.kind()))
}

/// The nodes from the Input to the Output, checked to form one chain (no branch, no cycle,
/// nothing left over): the only graphs an s3nn network is.
fn chain(g: &Graph) -> Result<Vec<(&str, &Node)>> {
    for (a, b) in &g.edges {
        for end in [a, b] {
            if g.node(end).is_none() {
                return Err(S3nnError::Nir(format!("edge ({a} → {b}) names '{end}', which is not a node")));
            }
        }
    }
    let inputs: Vec<&str> = g.nodes.iter().filter(|(_, n)| matches!(n, Node::Input { .. })).map(|(k, _)| k.as_str()).collect();
    let [start] = inputs.as_slice() else {
        return Err(S3nnError::Nir(format!("the graph has {} Input nodes ({inputs:?}); s3nn reads graphs with one", inputs.len())));
    };
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut prev: HashMap<&str, usize> = HashMap::new();
    for (a, b) in &g.edges {
        next.entry(a.as_str()).or_default().push(b.as_str());
        *prev.entry(b.as_str()).or_default() += 1;
    }
    let mut out = Vec::new();
    let mut at = *start;
    loop {
        let node = g.node(at).expect("edges were checked");
        if out.iter().any(|(n, _)| *n == at) {
            return Err(refuse(at, node, "the graph has a cycle through it (recurrent graphs are not single-step networks)"));
        }
        if prev.get(at).copied().unwrap_or(0) > usize::from(!out.is_empty()) {
            return Err(refuse(at, node, "has several inputs; s3nn reads a chain of layers"));
        }
        out.push((at, node));
        let succ = next.get(at).map(Vec::as_slice).unwrap_or(&[]);
        match (node, succ) {
            (Node::Output { .. }, []) => break,
            (Node::Output { .. }, _) => return Err(refuse(at, node, "an Output with outgoing edges")),
            (_, [one]) => at = one,
            (_, []) => return Err(refuse(at, node, "leads nowhere (no edge from it to an Output)")),
            (_, many) => return Err(refuse(at, node, format!("branches to {many:?}; s3nn reads a chain of layers"))),
        }
    }
    if let Some((name, node)) = g.nodes.iter().find(|(n, _)| !out.iter().any(|(m, _)| m == n)) {
        return Err(refuse(name, node, "is not on the path from the Input to the Output"));
    }
    Ok(out)
}

/// The threshold a spiking node applies to its input current in one step from rest, per neuron:
/// it spikes where `I > threshold`. LIF: `v = I + v_leak / r` (one Euler step of
/// `τ dv/dt = v_leak − v + R I` from 0 with `dt = τ/r`, the convention of the exporters, which
/// write `r = τ/dt`), so the threshold is `v_threshold − v_leak / r`; IF: `v = I` (`dt = 1/r`);
/// Threshold: its `threshold`.
fn spike_threshold(name: &str, node: &Node) -> Result<Option<Tensor>> {
    let positive = |t: &Tensor, what: &str| {
        if t.data.iter().all(|&v| v > 0.0) {
            Ok(())
        } else {
            Err(refuse(name, node, format!("{what} must be > 0")))
        }
    };
    Ok(Some(match node {
        Node::Lif { tau, r, v_leak, v_threshold, .. } => {
            positive(tau, "tau")?;
            positive(r, "r")?;
            let n = v_threshold.data.len();
            for (what, t) in [("r", r), ("v_leak", v_leak)] {
                if t.data.len() != n && t.data.len() != 1 {
                    return Err(refuse(name, node, format!("{what} has {} values, v_threshold {n}", t.data.len())));
                }
            }
            let at = |t: &Tensor, i: usize| t.data[if t.data.len() == 1 { 0 } else { i }];
            Tensor::new(v_threshold.shape.clone(), (0..n).map(|i| v_threshold.data[i] - at(v_leak, i) / at(r, i)).collect())
        }
        Node::If { r, v_threshold, .. } => {
            positive(r, "r")?;
            v_threshold.clone()
        }
        Node::Threshold { threshold } => threshold.clone(),
        _ => return Ok(None),
    }))
}

/// One value per channel of `shape` (C = first dimension when spatial) from a per-neuron (or
/// single) threshold, which must be uniform over each channel's positions (a conv bias is per channel).
fn per_channel(name: &str, node: &Node, thr: &Tensor, out: Shape) -> Result<Vec<f32>> {
    let n = thr.data.len();
    if n == 1 {
        return Ok(vec![thr.data[0]; out.c]);
    }
    if n != out.len() {
        return Err(refuse(name, node, format!("has {n} neurons, the layer before it outputs {}×{}×{} = {}", out.c, out.h, out.w, out.len())));
    }
    let hw = out.h * out.w;
    (0..out.c)
        .map(|c| {
            let row = &thr.data[c * hw..(c + 1) * hw];
            if row.iter().all(|&v| v == row[0]) {
                Ok(row[0])
            } else {
                Err(refuse(name, node, format!("its threshold varies within channel {c}; s3nn folds it into the per-channel bias")))
            }
        })
        .collect()
}

fn pair_is(p: [i64; 2], v: i64) -> bool {
    p == [v, v]
}

fn dim(v: i64) -> usize {
    usize::try_from(v).unwrap_or(0)
}

/// Reads the graph into a network: its spec (S³NN neuron with the catalog's surrogate, θ = 0,
/// each NIR threshold folded into the bias) and its weights.
pub fn import(g: &Graph) -> Result<Model> {
    let nodes = chain(g)?;
    if let Some((name, node)) = nodes.iter().find(|(_, n)| matches!(n, Node::Other { .. })) {
        return Err(refuse(name, node, format!("s3nn does not read {} nodes (it reads {})", node.kind(), READS)));
    }
    let (in_name, in_node) = nodes[0];
    let Node::Input { shape } = in_node else { unreachable!("the chain starts at the Input") };
    let input = match shape.as_slice() {
        [f] => [*f, 1, 1],
        [c, h, w] => [*c, *h, *w],
        s => return Err(refuse(in_name, in_node, format!("shape {s:?}: s3nn reads [features] or [C, H, W] inputs"))),
    };
    let mut cur = Shape { c: input[0], h: input[1], w: input[2] };
    if cur.is_empty() {
        return Err(refuse(in_name, in_node, "has a zero dimension"));
    }
    let mut flat = cur.h == 1 && cur.w == 1;
    let mut hidden = Vec::new();
    let mut tensors: HashMap<String, Tensor> = HashMap::new();
    let mut classes = None;
    let mut k = 0usize;
    let mut i = 1;
    while i < nodes.len() {
        let (name, node) = nodes[i];
        let (next_name, next) = nodes.get(i + 1).copied().unwrap_or(("", node));
        let spike = if i + 1 < nodes.len() { spike_threshold(next_name, next)? } else { None };
        match node {
            Node::Affine { .. } | Node::Linear { .. } => {
                let (weight, bias) = match node {
                    Node::Affine { weight, bias } => (weight, Some(bias)),
                    Node::Linear { weight } => (weight, None),
                    _ => unreachable!(),
                };
                if !flat {
                    return Err(refuse(name, node, format!("gets a {}×{}×{} input: put a Flatten before it", cur.c, cur.h, cur.w)));
                }
                let [out, fan_in] = weight.shape[..] else {
                    return Err(refuse(name, node, format!("weight of shape {:?}, expected [out, in]", weight.shape)));
                };
                if fan_in != cur.len() || out == 0 {
                    return Err(refuse(name, node, format!("weight [{out}, {fan_in}] does not take the {} values before it", cur.len())));
                }
                let mut b = match bias {
                    Some(b) if b.data.len() == out => b.data.clone(),
                    Some(b) => return Err(refuse(name, node, format!("bias has {} values, the weight {out} rows", b.data.len()))),
                    None => vec![0.0; out],
                };
                let owner = match (next, &spike) {
                    (Node::Output { .. }, _) => "readout".to_string(),
                    (_, Some(thr)) => {
                        let thr = per_channel(next_name, next, thr, Shape { c: out, h: 1, w: 1 })?;
                        b.iter_mut().zip(&thr).for_each(|(b, t)| *b -= t);
                        hidden.push(LayerSpec::Dense { units: out });
                        k += 1;
                        format!("layers.{}", k - 1)
                    }
                    _ => return Err(refuse(name, node, "must be followed by a spiking node (LIF, IF, Threshold) or be the readout before the Output")),
                };
                tensors.insert(format!("{owner}.weight"), weight.clone());
                tensors.insert(format!("{owner}.bias"), Tensor::new(vec![out], b));
                cur = Shape { c: out, h: 1, w: 1 };
                if owner == "readout" {
                    classes = Some(out);
                    i += 1;
                    continue;
                }
                i += 2;
            }
            Node::Conv2d { weight, bias, stride, padding, dilation, groups, .. } => {
                if flat {
                    return Err(refuse(name, node, "needs a C×H×W input, its input is flat"));
                }
                let [c_out, c_in, kh, kw] = weight.shape[..] else {
                    return Err(refuse(name, node, format!("weight of shape {:?}, expected [C_out, C_in, k, k]", weight.shape)));
                };
                if kh != kw || c_in != cur.c || c_out == 0 || kh == 0 {
                    return Err(refuse(name, node, format!("weight [{c_out}, {c_in}, {kh}, {kw}] on a {}-channel input: s3nn convolves square kernels over all channels", cur.c)));
                }
                if !pair_is(*dilation, 1) || *groups != 1 || stride[0] != stride[1] || padding[0] != padding[1] || stride[0] < 1 || padding[0] < 0 {
                    return Err(refuse(name, node, format!("stride {stride:?}, padding {padding:?}, dilation {dilation:?}, groups {groups}: s3nn has equal strides and paddings, dilation 1, groups 1")));
                }
                if bias.data.len() != c_out {
                    return Err(refuse(name, node, format!("bias has {} values for {c_out} channels", bias.data.len())));
                }
                let Some(thr) = spike else {
                    return Err(refuse(name, node, "must be followed by a spiking node (LIF, IF, Threshold)"));
                };
                let layer = LayerSpec::Conv { channels: c_out, kernel: kh, stride: dim(stride[0]), padding: dim(padding[0]) };
                let probe = NetworkSpec { input: [cur.c, cur.h, cur.w], hidden: vec![layer.clone()], classes: 2, neuron: NeuronModel::default(), batch_norm: false };
                let out = probe.shapes().map_err(|e| refuse(name, node, e))?[0].1;
                let thr = per_channel(next_name, next, &thr, out)?;
                let b: Vec<f32> = bias.data.iter().zip(&thr).map(|(b, t)| b - t).collect();
                tensors.insert(format!("layers.{k}.weight"), weight.clone());
                tensors.insert(format!("layers.{k}.bias"), Tensor::new(vec![c_out], b));
                hidden.push(layer);
                k += 1;
                cur = out;
                i += 2;
            }
            Node::AvgPool2d { kernel_size, stride, padding } | Node::SumPool2d { kernel_size, stride, padding } => {
                let size = kernel_size[0];
                let after_spikes = matches!(hidden.last(), Some(LayerSpec::Conv { .. }));
                if flat || !after_spikes {
                    return Err(refuse(name, node, "s3nn pools the spikes of a conv layer only"));
                }
                if !pair_is(*kernel_size, size) || !pair_is(*stride, size) || !pair_is(*padding, 0) || size < 1 {
                    return Err(refuse(name, node, format!("kernel {kernel_size:?}, stride {stride:?}, padding {padding:?}: s3nn pools square windows side by side (stride = kernel, no padding)")));
                }
                // On spikes a window's sum is ≥ 1 when any spiked and 0 otherwise (the mean ≥ 1/k²):
                // a threshold in [0, that) after it makes it the OR, which is the max-pool.
                let one = if matches!(node, Node::AvgPool2d { .. }) { 1.0 / (size * size) as f32 } else { 1.0 };
                let Some(thr) = spike else {
                    return Err(refuse(name, node, "must be followed by a spiking node (the max of spikes is their OR: a pool, then a threshold)"));
                };
                if !thr.data.iter().all(|&t| (0.0..one).contains(&t)) {
                    return Err(refuse(next_name, next, format!("after a pool its threshold must be in [0, {one}) to be the OR of the window (a max-pool of spikes)")));
                }
                let layer = LayerSpec::MaxPool { size: dim(size) };
                let out = Shape { c: cur.c, h: cur.h / dim(size), w: cur.w / dim(size) };
                if out.is_empty() {
                    return Err(refuse(name, node, format!("a {size}×{size} window does not fit {}×{}", cur.h, cur.w)));
                }
                hidden.push(layer);
                cur = out;
                i += 2;
            }
            Node::Flatten { start_dim, end_dim, .. } => {
                if flat {
                    return Err(refuse(name, node, "its input is already flat"));
                }
                if *start_dim != 0 || !(*end_dim == -1 || *end_dim == 2) {
                    return Err(refuse(name, node, format!("flattens dimensions {start_dim}..={end_dim}; s3nn flattens the whole C×H×W sample (0..=-1)")));
                }
                flat = true;
                i += 1;
            }
            Node::Output { shape } => {
                let Some(c) = classes else { return Err(refuse(name, node, "is not preceded by an Affine/Linear readout")) };
                if shape.iter().product::<usize>() != c {
                    return Err(refuse(name, node, format!("shape {shape:?}, the readout gives {c} values")));
                }
                i += 1;
            }
            Node::Lif { .. } | Node::If { .. } | Node::Threshold { .. } => {
                return Err(refuse(name, node, "a spiking node must follow an Affine, Linear, Conv2d or pool node"));
            }
            Node::Input { .. } => return Err(refuse(name, node, "a second Input")),
            Node::Other { .. } => unreachable!("refused above"),
        }
    }
    let classes = classes.ok_or_else(|| S3nnError::Nir("the graph has no readout (an Affine or Linear node before the Output)".into()))?;
    let spec = NetworkSpec { input, hidden, classes, neuron: NeuronModel::default(), batch_norm: false };
    let mut net = Model::new(spec, 0).map_err(|e| S3nnError::Nir(format!("the graph is not an s3nn network: {e}")))?;
    let mut failure = None;
    net.visit_params_mut(|p| {
        let name = p.name.to_string();
        match tensors.get(&name) {
            Some(t) if t.shape == p.layout.torch_shape() => p.layout.from_torch(&t.data, p.value),
            Some(t) => failure = failure.take().or(Some(S3nnError::Nir(format!("{name}: shape {:?}, the network needs {:?}", t.shape, p.layout.torch_shape())))),
            None => failure = failure.take().or(Some(S3nnError::Nir(format!("internal: no tensor for {name}")))),
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(net),
    }
}
