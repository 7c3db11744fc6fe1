//! An s3nn network as a NIR graph (see the mapping in [`super`]).

use std::collections::HashMap;

use super::graph::{Graph, Node, Tensor};
use super::{DT, TAU};
use crate::error::{Result, S3nnError};
use crate::model::Model;
use crate::neuron::NeuronModel;
use crate::spec::{LayerSpec, Shape};

/// PyTorch-layout tensors of a model by their `state_dict` names.
fn torch_tensors(net: &Model) -> HashMap<String, Tensor> {
    let mut out = HashMap::new();
    net.visit_params(|p| {
        out.insert(p.name.to_string(), Tensor::new(p.layout.torch_shape(), p.layout.to_torch(p.value)));
    });
    out
}

/// NIR's shape of an activation: `[features]` when flat, `[C, H, W]` otherwise.
fn nir_shape(s: Shape) -> Vec<usize> {
    if s.h == 1 && s.w == 1 {
        vec![s.c]
    } else {
        vec![s.c, s.h, s.w]
    }
}

/// The spiking node of one step from rest: `v = I` (τ = dt, r = τ/dt = 1, v_leak = 0), a
/// spike where `v > v_threshold`.
fn lif(shape: &[usize], v_threshold: f32) -> Node {
    Node::Lif {
        tau: Tensor::full(shape, TAU),
        r: Tensor::full(shape, TAU / DT),
        v_leak: Tensor::full(shape, 0.0),
        v_threshold: Tensor::full(shape, v_threshold),
        v_reset: Tensor::full(shape, 0.0),
    }
}

/// Why NIR cannot express this neuron model, or `None` for the single-step spike.
fn refusal(neuron: &NeuronModel) -> Option<String> {
    match neuron {
        NeuronModel::Spike { .. } => None,
        NeuronModel::Relu => Some("a ReLU network (the ANN baseline): NIR 1.0 has no ReLU node".into()),
        NeuronModel::Sign => Some("a BNN (sign neurons, outputs ±1): NIR 1.0 has no sign node".into()),
        NeuronModel::MultiStep { .. } => Some(
            "a multi-step IF/LIF network: its neurons reset by subtraction (v ← v − θ after a spike), NIR 1.0's LIF and IF reset to v_reset, so T > 1 steps would not run the same".into(),
        ),
    }
}

/// The graph of a single-step spiking network. Batch norm is folded into the weights, θ into the
/// biases; other neuron models are refused with the reason.
pub fn export(net: &Model) -> Result<Graph> {
    if let Some(why) = refusal(&net.spec.neuron) {
        return Err(S3nnError::Nir(format!("cannot export {why}; only single-step spiking (S³NN) networks")));
    }
    let folded = net.folded();
    let theta = folded.spec.neuron.threshold();
    let mut tensors = torch_tensors(&folded);
    let mut take = |name: &str| tensors.remove(name).ok_or_else(|| S3nnError::Nir(format!("internal: no tensor {name}")));
    let shapes = folded.spec.shapes()?;
    let mut g = Graph::default();
    g.chain("input", Node::Input { shape: nir_shape(shapes[0].0) });
    let mut flat = shapes[0].0.h == 1 && shapes[0].0.w == 1;
    let mut k = 0usize;
    let flatten = |g: &mut Graph, flat: &mut bool, s: Shape| {
        if !*flat {
            g.chain("flatten", Node::Flatten { start_dim: 0, end_dim: -1, input_type: Some(nir_shape(s)) });
            *flat = true;
        }
    };
    for (i, (layer, &(input, output))) in folded.spec.hidden.iter().zip(&shapes).enumerate() {
        match *layer {
            LayerSpec::Dense { .. } | LayerSpec::Conv { .. } => {
                let weight = take(&format!("layers.{k}.weight"))?;
                let mut bias = take(&format!("layers.{k}.bias"))?;
                // H(u − θ) with u = Wx + b is H(Wx + (b − θ)): every layer's threshold becomes 0.
                bias.data.iter_mut().for_each(|b| *b -= theta);
                let node = match *layer {
                    LayerSpec::Conv { stride, padding, .. } => {
                        let (s, p) = (stride as i64, padding as i64);
                        Node::Conv2d { weight, bias, stride: [s, s], padding: [p, p], dilation: [1, 1], groups: 1, input_shape: Some([input.h as i64, input.w as i64]) }
                    }
                    _ => {
                        flatten(&mut g, &mut flat, input);
                        Node::Affine { weight, bias }
                    }
                };
                g.chain(format!("layers.{k}"), node);
                g.chain(format!("layers.{k}.lif"), lif(&nir_shape(output), 0.0));
                k += 1;
            }
            LayerSpec::MaxPool { size } => {
                // The maximum of spikes is their OR: the window's mean is > 0 exactly when one
                // spiked, and ≥ 1/size²; the threshold sits halfway to be safe from rounding.
                let s = size as i64;
                g.chain(format!("pool.{i}"), Node::AvgPool2d { kernel_size: [s, s], stride: [s, s], padding: [0, 0] });
                g.chain(format!("pool.{i}.lif"), lif(&nir_shape(output), 0.5 / (size * size) as f32));
            }
        }
    }
    let (rin, rout) = shapes[shapes.len() - 1];
    flatten(&mut g, &mut flat, rin);
    g.chain("readout", Node::Affine { weight: take("readout.weight")?, bias: take("readout.bias")? });
    g.chain("output", Node::Output { shape: vec![rout.c] });
    Ok(g)
}
